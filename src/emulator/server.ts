// startEmulator: the handler behind a real node:http server on loopback (port 0 = any free port).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEmulatorHandler } from './handler.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

export async function startEmulator(options: EmulatorOptions & { port?: number; host?: string } = {}): Promise<RunningEmulator> {
  const { port = 0, host = '127.0.0.1', ...emulatorOptions } = options;
  const handler = createEmulatorHandler(emulatorOptions);
  const server = createServer((req, res) => handler.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    requests: handler.state.requests,
    configure: (update) => handler.state.configure(update),
    close() {
      closing ??= new Promise<void>((resolve) => {
        handler.state.abortAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

// Starts `flexinference <command>` in a child process and waits for the URL it announces.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Child {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const BIN = fileURLToPath(new URL('../../bin/flexinference.js', import.meta.url));

export function spawnCli(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<Child> {
  return spawnScript(BIN, args, env, timeoutMs);
}

/** Starts a Node.js script the same way: `serve` announces "listening on <url>", others print a loopback URL. */
export function spawnScript(script: string, args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<Child> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} ${args.join(' ')} did not announce a URL within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // `serve` announces "listening on <url>"; the emulator prints its URL alone.
      const match = args[0] === 'serve' ? /listening on (http:\/\/[\d.:[\]a-z]+)/i.exec(output) : /(http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], process: child, output: () => output, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} ${args.join(' ')} exited with ${code}:\n${output}`));
    });
  });
}

import { describe, expect, it } from 'vitest';
import { parseCliArgs, runEmulatorCli, type CliIo } from './cli.js';

describe('emulator CLI', () => {
  it('parses flags (with or without the subcommand, spaced or with =)', () => {
    expect(parseCliArgs(['emulator', '--port', '9000', '--seed=5', '--profile', 'congested', '--time-scale', '0.1'])).toEqual({
      port: 9000,
      host: '127.0.0.1',
      seed: 5,
      profile: 'congested',
      timeScale: 0.1,
    });
    expect(parseCliArgs([])).toEqual({ port: 8787, host: '127.0.0.1' });
  });

  it('rejects unknown flags and bad values', () => {
    expect(() => parseCliArgs(['--profile', 'sunny'])).toThrow(/profile/);
    expect(() => parseCliArgs(['--port', 'x'])).toThrow(/number/);
    expect(() => parseCliArgs(['--what'])).toThrow(/unknown/);
  });

  it('prints the URL, serves until stopped, then exits 0', async () => {
    const out: string[] = [];
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l), stopSignal: () => stopped };
    const running = runEmulatorCli(['--port', '0', '--profile', 'instant'], io);
    while (out.length === 0) await new Promise((r) => setTimeout(r, 5));
    const url = /http:\/\/\S+/.exec(out[0] ?? '')?.[0] ?? '';
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });

  it('exits 2 with usage on a bad flag', async () => {
    const errs: string[] = [];
    const code = await runEmulatorCli(['--nope'], { out: () => undefined, err: (l) => errs.push(l), stopSignal: () => Promise.resolve() });
    expect(code).toBe(2);
    expect(errs.join('\n')).toContain('Usage: flexinference emulator');
  });
});

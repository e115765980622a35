// `flexinference emulator --port N --seed S --profile P --time-scale X [--host H]`: runs the
// provider emulator until SIGINT/SIGTERM and prints its URL.
import { parseProfileName, PROFILE_NAMES } from './capacity.js';
import { startEmulator } from './server.js';
import type { EmulatorOptions } from './types.js';

const USAGE = `Usage: flexinference emulator [--port N] [--host H] [--seed S] [--profile ${PROFILE_NAMES.join('|')}] [--time-scale X]

Point the gateway at it with OPENAI_BASE_URL=<url>/v1, GEMINI_BASE_URL=<url>, ANTHROPIC_BASE_URL=<url>.`;

export interface CliOptions extends EmulatorOptions {
  port: number;
  host: string;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the process is asked to stop. */
  stopSignal(): Promise<void>;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stopSignal: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
};

function numberFlag(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
  return n;
}

/** Parses the flags after `emulator`; throws with a readable message on a bad flag. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const args = argv[0] === 'emulator' ? argv.slice(1) : argv;
  const options: CliOptions = { port: 8787, host: '127.0.0.1' };
  for (let i = 0; i < args.length; i++) {
    const [flag = '', inline] = (args[i] ?? '').split('=', 2);
    const value = (): string | undefined => inline ?? args[++i];
    switch (flag) {
      case '--port':
        options.port = numberFlag(flag, value());
        break;
      case '--host':
        options.host = value() ?? options.host;
        break;
      case '--seed':
        options.seed = numberFlag(flag, value());
        break;
      case '--time-scale':
        options.timeScale = numberFlag(flag, value());
        break;
      case '--profile': {
        options.profile = parseProfileName(value() ?? '', '--profile');
        break;
      }
      default:
        throw new Error(`unknown argument: ${args[i] ?? ''}`);
    }
  }
  return options;
}

export async function runEmulatorCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (err) {
    io.err(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  // A long-running server keeps only recent requests in memory.
  const emulator = await startEmulator({ logLimit: 1_000, ...options });
  io.out(`Provider emulator listening on ${emulator.url} (profile ${options.profile ?? 'calm'}, seed ${options.seed ?? 1}, time scale ${options.timeScale ?? 1})`);
  io.out(`  OPENAI_BASE_URL=${emulator.url}/v1 GEMINI_BASE_URL=${emulator.url} ANTHROPIC_BASE_URL=${emulator.url}`);
  await io.stopSignal();
  await emulator.close();
  return 0;
}

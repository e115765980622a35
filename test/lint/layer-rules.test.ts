// Proves that each layer rule of eslint.config.js fires on a violating import, and stays quiet on
// the imports the architecture allows, so a rule cannot silently stop working. Type-aware rules are
// switched off here: the layer rules need no type information, and the probe files do not exist.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Probe {
  /** The file the code is linted as. */
  file: string;
  code: string;
}

interface Violation extends Probe {
  /** A phrase of the rule's message, so the intended rule fires and not only a catch-all. */
  says: string;
}

const SURFACES_PROVIDERS = 'surfaces/ and providers/ never import each other';
const EMULATOR_PROVIDERS = 'emulator/ and providers/ never import each other';
const SERVER = 'import server/';

const violations: Violation[] = [
  { file: 'src/surfaces/chat/probe.ts', code: "import { openaiProvider } from '../../providers/openai/index.js';", says: SURFACES_PROVIDERS },
  { file: 'src/surfaces/probe.ts', code: "import type { Provider } from '../providers/provider.js';", says: SURFACES_PROVIDERS },
  { file: 'src/surfaces/chat/probe.ts', code: "export { x } from '../../providers/upstream-stream.js';", says: SURFACES_PROVIDERS },
  { file: 'src/providers/openai/probe.ts', code: "import { chatSurface } from '../../surfaces/chat/index.js';", says: SURFACES_PROVIDERS },
  { file: 'src/providers/probe.ts', code: "export * from '../surfaces/surface.js';", says: SURFACES_PROVIDERS },
  { file: 'src/surfaces/chat/probe.ts', code: "import { plan } from '../../routing/tier-plan.js';", says: 'A surface imports only canonical/ and errors/' },
  { file: 'src/providers/gemini/probe.ts', code: "import { loadCatalog } from '../../catalog/catalog.js';", says: 'A provider imports only canonical/ and errors/' },
  { file: 'src/canonical/probe.ts', code: "import type { FlexError } from '../errors/catalog.js';", says: 'canonical/ imports nothing of the project' },
  { file: 'src/canonical/probe.ts', code: "import { something } from './types.js';", says: 'canonical/ is types only' },
  { file: 'src/routing/probe.ts', code: "import { openaiProvider } from '../providers/openai/index.js';", says: 'only through the interface providers/provider.ts' },
  { file: 'src/routing/probe.ts', code: "import { openStream } from '../providers/upstream-stream.js';", says: 'only through the interface providers/provider.ts' },
  { file: 'src/routing/probe.ts', code: "import { chatSurface } from '../surfaces/chat/index.js';", says: 'routing/ never imports surfaces/' },
  { file: 'src/routing/probe.ts', code: "import { startGateway } from '../server/bootstrap.js';", says: SERVER },
  { file: 'src/routing/probe.ts', code: "import type { Store } from '../store/store.js';", says: 'routing/ imports only canonical/, errors/, catalog/' },
  { file: 'src/emulator/probe.ts', code: "import { parse } from '../providers/openai/parse-stream.js';", says: EMULATOR_PROVIDERS },
  { file: 'src/emulator/openai/probe.ts', code: "import { x } from '../../providers/provider.js';", says: EMULATOR_PROVIDERS },
  { file: 'src/providers/anthropic/probe.ts', code: "import { startEmulator } from '../../emulator/index.js';", says: EMULATOR_PROVIDERS },
  { file: 'src/emulator/probe.ts', code: "import { responsesSurface } from '../surfaces/responses/index.js';", says: 'emulator/ imports nothing else of the project' },
  { file: 'src/store/probe.ts', code: "import { startGateway } from '../server/bootstrap.js';", says: SERVER },
  { file: 'src/admin/probe.ts', code: "import type { Deps } from '../server/deps.js';", says: SERVER },
  { file: 'src/surfaces/responses/probe.ts', code: "import { x } from '../../server/app.js';", says: SERVER },
  { file: 'src/providers/probe.ts', code: "import { x } from '../server/app.js';", says: SERVER },
  { file: 'src/emulator/probe.ts', code: "import { x } from '../server/app.js';", says: SERVER },
  { file: 'src/config.ts', code: "import { x } from './server/app.js';", says: SERVER },
  { file: 'src/usage/probe.ts', code: "import { openSqliteStore } from '../store/sqlite.js';", says: 'implementation is chosen only where the gateway is wired' },
  { file: 'src/admin/probe.ts', code: "import { openStore } from '../store/open.js';", says: 'implementation is chosen only where the gateway is wired' },
  { file: 'src/telemetry/probe.ts', code: "import { createRedisState } from '../shared-state/redis.js';", says: 'implementation is chosen only where the gateway is wired' },
];

const allowed: Probe[] = [
  { file: 'src/routing/probe.ts', code: "import type { Provider } from '../providers/provider.js';" },
  { file: 'src/routing/probe.ts', code: "import { x } from '../catalog/catalog.js';\nimport { y } from '../clock.js';" },
  { file: 'src/canonical/probe.ts', code: "import type { Usage } from './types.js';" },
  { file: 'src/surfaces/chat/probe.ts', code: "import { x } from '../../errors/catalog.js';\nimport { y } from '../fields.js';" },
  { file: 'src/providers/openai/probe.ts', code: "import { x } from '../upstream-stream.js';\nimport type { Y } from '../../canonical/types.js';" },
  { file: 'src/server/probe.ts', code: "import { x } from '../providers/openai/index.js';\nimport { y } from '../store/open.js';" },
  { file: 'src/bench/probe.ts', code: "import { startGateway } from '../server/bootstrap.js';" },
  { file: 'src/cli.ts', code: "import { startGateway } from './server/bootstrap.js';" },
  { file: 'src/cli-admin.ts', code: "import { x } from './server/app.js';" },
  { file: 'src/usage/probe.ts', code: "import type { Store } from '../store/store.js';" },
  // Tests and their support code may cross layers (a fake provider beside a surface's tests).
  { file: 'src/surfaces/chat/probe.test.ts', code: "import { openaiProvider } from '../../providers/openai/index.js';" },
  { file: 'src/routing/test-support/probe.ts', code: "import { startGateway } from '../../server/bootstrap.js';" },
];

describe('the layer rules', () => {
  let eslint: ESLint;

  beforeAll(() => {
    eslint = new ESLint({ cwd: ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });
  });

  /** The messages of `no-restricted-imports` for `code` linted as `file`; a parse error fails. */
  async function restrictedImports({ file, code }: Probe): Promise<string[]> {
    const [result] = await eslint.lintText(`${code}\n`, { filePath: join(ROOT, file) });
    const messages = result?.messages ?? [];
    expect(messages.filter((message) => message.fatal === true)).toEqual([]);
    return messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
  }

  it.each(violations)('$file: $code is reported ($says)', async (violation) => {
    expect(await restrictedImports(violation)).toContainEqual(expect.stringContaining(violation.says));
  });

  it.each(allowed)('$file: $code is allowed', async (probe) => {
    expect(await restrictedImports(probe)).toEqual([]);
  });
});

import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---- The layer rules (README.md, "Rules the lint enforces") ------------------------------------
// Each rule is a `no-restricted-imports` pattern over the relative specifiers of non-test source
// files; test/lint/layer-rules.test.ts proves that each one fires. ESLint gives a file the options
// of the last block that matches it (a rule's options are replaced, not merged), so each folder's
// block carries every pattern that applies to it, the server rule included.

const TEST_FILES = ['**/*.test.ts', '**/test-support/**'];

/** Every folder (`name/`) and module (`name.js`) directly under src/, tests aside. */
const SRC_ENTRIES = readdirSync(new URL('./src/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() || (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')))
  .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name.replace(/\.ts$/, '.js')));

/** The src/ entries other than those named. */
const allBut = (...named) => SRC_ENTRIES.filter((entry) => !named.includes(entry));

const escapeRegex = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern for a specifier that climbs out of its folder (`../`, `../../`, …) into one of
 * `entries`: a folder by its prefix, a module by its exact name.
 */
function into(entries, message) {
  const names = entries.map((entry) => (entry.endsWith('/') ? escapeRegex(entry) : `${escapeRegex(entry)}$`));
  return { regex: `^(?:\\.\\./)+(?:${names.join('|')})`, message };
}

const SERVER = {
  regex: '^\\.{1,2}/(?:\\.\\./)*server/',
  message: 'Only src/server/, src/cli.ts, src/cli-admin.ts and src/bench/ import server/: it wires everything, nothing depends on it.',
};

const IMPLEMENTATIONS = {
  regex: '^\\.{1,2}/(?:\\.\\./)*(?:store/(?:open|sqlite|cached)\\.js$|store/postgres/|shared-state/(?:local|redis)\\.js$)',
  message: 'A store or shared-state implementation is chosen only where the gateway is wired (server/, cli.ts, cli-admin.ts, bench/); elsewhere import the interface (store/store.ts, shared-state/shared-state.ts).',
};

const SURFACES_PROVIDERS = 'surfaces/ and providers/ never import each other: a surface never calls a provider, a provider never sees the caller\'s dialect.';
const EMULATOR_PROVIDERS = 'emulator/ and providers/ never import each other: the emulator is an independent upstream, so it catches a provider adapter\'s mistakes instead of repeating them.';

/** One folder's block: its non-test files and the patterns they may not import. */
const layer = (folder, patterns) => ({
  files: [`src/${folder}/**/*.ts`],
  ignores: TEST_FILES,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

const layerRules = [
  {
    files: ['src/**/*.ts'],
    ignores: [...TEST_FILES, 'src/server/**', 'src/bench/**', 'src/cli.ts', 'src/cli-admin.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVER, IMPLEMENTATIONS] }] },
  },
  layer('canonical', [
    { regex: '^\\.\\./', message: 'canonical/ imports nothing of the project: every other folder depends on it.' },
    { regex: '^\\./', allowTypeImports: true, message: 'canonical/ is types only: from its own folder it imports types (`import type`).' },
  ]),
  layer('surfaces', [
    into(['providers/'], SURFACES_PROVIDERS),
    SERVER,
    into(allBut('canonical/', 'errors/', 'surfaces/', 'providers/', 'server/'), 'A surface imports only canonical/ and errors/ of the project.'),
  ]),
  layer('providers', [
    into(['surfaces/'], SURFACES_PROVIDERS),
    into(['emulator/'], EMULATOR_PROVIDERS),
    SERVER,
    into(allBut('canonical/', 'errors/', 'providers/', 'surfaces/', 'emulator/', 'server/'), 'A provider imports only canonical/ and errors/ of the project.'),
  ]),
  layer('routing', [
    {
      regex: '^(?:\\.\\./)+providers/(?!provider\\.js$)',
      message: 'routing/ knows providers only through the interface providers/provider.ts, never one provider\'s folder.',
    },
    into(['surfaces/'], 'routing/ never imports surfaces/: it plans and runs canonical requests, whatever the caller\'s dialect.'),
    SERVER,
    into(
      allBut('canonical/', 'errors/', 'catalog/', 'clock.js', 'routing/', 'providers/', 'surfaces/', 'server/'),
      'routing/ imports only canonical/, errors/, catalog/, clock.ts and providers/provider.ts: it never learns which store or shared state keeps its statistics.',
    ),
  ]),
  layer('emulator', [
    into(['providers/'], EMULATOR_PROVIDERS),
    SERVER,
    into(allBut('emulator/', 'providers/', 'server/'), 'emulator/ imports nothing else of the project: it stands in for the real upstreams.'),
  ]),
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bin/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // The dashboard's page script: plain browser JavaScript served as is (no build step).
    files: ['src/dashboard/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: {
        window: 'readonly', document: 'readonly', fetch: 'readonly', location: 'readonly', console: 'readonly',
        URLSearchParams: 'readonly', Intl: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly',
        navigator: 'readonly', uPlot: 'readonly', HTMLElement: 'readonly', Blob: 'readonly', URL: 'readonly',
      },
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...layerRules,
);

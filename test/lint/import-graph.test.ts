import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImportGraph, findCycle, runtimeSpecifiers } from './import-graph.js';

/** Writes `files` (path → source) under a fresh temp dir and returns the dir. */
function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), source);
  }
  return root;
}

describe('runtimeSpecifiers', () => {
  it('reads imports, re-exports and literal dynamic imports, not type-only ones', () => {
    const source = [
      "import { a } from './a.js';",
      "import './side-effect.js';",
      'import {',
      '  b,',
      '  c,',
      "} from '../b.js';",
      "import type { T } from './types.js';",
      "import type {",
      '  U,',
      "} from './more-types.js';",
      "import { type V } from './inline-type.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "export type { W } from './w.js';",
      "export const notAnImport = 'x';",
      "// import { old } from './commented.js';",
      "/* import { older } from './block-commented.js'; */",
      "const url = 'http://example.test/'; // import('./after-url.js') in a comment",
      "const lazy = await import('./lazy.js');",
      'const computed = await import(name);',
    ].join('\n');
    expect(runtimeSpecifiers(source)).toEqual([
      './a.js',
      './side-effect.js',
      '../b.js',
      // verbatimModuleSyntax keeps it as `import {} from './inline-type.js'`: still a runtime edge.
      './inline-type.js',
      './d.js',
      './e.js',
      './lazy.js',
    ]);
  });
});

describe('buildImportGraph and findCycle', () => {
  let root: string;

  beforeAll(() => {
    root = writeTree({
      'a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'b.ts': "export { c as b } from './nested/c.js';\n",
      // Closes a → b → nested/c → a through a dynamic import.
      'nested/c.ts': "export const c = 1;\nexport const load = () => import('../a.js');\n",
      // d and e refer to each other, but d only for a type: no runtime cycle.
      'd.ts': "import type { E } from './e.js';\nexport interface D { e?: E }\nexport const d = 1;\n",
      'e.ts': "import { d } from './d.js';\nexport interface E { d: number }\nexport const e = d;\n",
      'uses-package.ts': "import { readFileSync } from 'node:fs';\nimport { x } from './missing.js';\n",
    });
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has one node per .ts file and edges to the files the relative .js specifiers name', () => {
    const graph = buildImportGraph(root);
    expect([...graph.keys()].sort()).toEqual(['a.ts', 'b.ts', 'd.ts', 'e.ts', 'nested/c.ts', 'uses-package.ts']);
    expect([...(graph.get('a.ts') ?? [])]).toEqual(['b.ts']);
    expect([...(graph.get('b.ts') ?? [])]).toEqual(['nested/c.ts']);
    expect([...(graph.get('nested/c.ts') ?? [])]).toEqual(['a.ts']);
    // Packages, built-ins and files outside the tree are not modules of the graph.
    expect([...(graph.get('uses-package.ts') ?? [])]).toEqual([]);
  });

  it('does not count a type-only import as an edge', () => {
    const graph = buildImportGraph(root);
    expect([...(graph.get('d.ts') ?? [])]).toEqual([]);
    expect([...(graph.get('e.ts') ?? [])]).toEqual(['d.ts']);
  });

  it('finds the cycle as a path that returns to its first module', () => {
    expect(findCycle(buildImportGraph(root))).toEqual(['a.ts', 'b.ts', 'nested/c.ts', 'a.ts']);
  });

  it('finds none once the cycle is broken', () => {
    const acyclic = new Map(buildImportGraph(root));
    acyclic.set('nested/c.ts', new Set());
    expect(findCycle(acyclic)).toBeUndefined();
  });
});

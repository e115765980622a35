import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImportGraph, findCycle } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

describe('the modules of src/', () => {
  const graph = buildImportGraph(SRC);
  const importsOf = (module: string): string[] => [...(graph.get(module) ?? [])];

  it('are all read, with static, re-export and dynamic edges', () => {
    // Guards the check below: a graph builder that saw no imports would find no cycle either.
    expect(graph.size).toBeGreaterThan(200);
    expect(importsOf('cli.ts')).toContain('server/bootstrap.ts');
    expect(importsOf('emulator/index.ts')).toContain('emulator/server.ts');
    expect(importsOf('store/open.ts')).toContain('store/postgres/index.ts');
  });

  it('import one another without a cycle', () => {
    const cycle = findCycle(graph);
    expect(cycle === undefined ? 'no cycle' : `import cycle: ${cycle.join(' → ')}`).toBe('no cycle');
  });
});

// The conformance matrix (issue 4): 4 caller surfaces × 3 providers × 5 features × {stream,
// non-stream}, over the real gateway and the real emulator. With CONFORMANCE_REPORT=<path> set,
// the run also writes the table as markdown (docs/conformance.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SurfaceName } from '../../../src/canonical/types.js';
import type { Harness } from '../harness.js';
import { startHarness } from '../harness.js';
import { createDrivers } from './drivers/index.js';
import { runCell } from './cells.js';
import type { SurfaceDriver } from './driver.js';
import type { CellResult } from './matrix.js';
import { FEATURES, MODES, PROVIDERS, SURFACES } from './matrix.js';
import { renderReport } from './report.js';

let h: Harness;
let drivers: Record<SurfaceName, SurfaceDriver>;
const results: CellResult[] = [];

beforeAll(async () => {
  h = await startHarness();
  drivers = createDrivers({ url: h.url, key: h.key });
});

afterAll(async () => {
  await h.close();
  const out = process.env.CONFORMANCE_REPORT;
  if (out === undefined || out === '') return;
  // Only a complete run describes the matrix; a filtered run (-t) must not overwrite the table.
  if (results.length !== SURFACES.length * PROVIDERS.length * FEATURES.length * MODES.length) return;
  const path = resolve(process.cwd(), out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReport(results));
});

describe.each(SURFACES)('%s caller', (surface) => {
  describe.each(PROVIDERS)('→ %s', (provider) => {
    describe.each(FEATURES)('%s', (feature) => {
      it.each(MODES)('%s', async (mode) => {
        const result = await runCell(feature, { driver: drivers[surface], provider, mode, requests: h.emulator.requests });
        results.push(result);
        if (result.status.kind === 'fail') expect.fail(result.status.reason);
      });
    });
  });
});

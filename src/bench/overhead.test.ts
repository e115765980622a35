// The regression guard for the hot path: `bench overhead --quick` runs on every `npm test` and
// prints its figures. The machine is shared and noisy, so the figures are reported, not judged;
// what is checked is that every request through the gateway succeeded and every case was measured.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/flexinference.js', import.meta.url));

describe('bench overhead --quick', () => {
  it('measures direct and through-the-gateway, streamed and not, without a failed request', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'bench', 'overhead', '--quick'], { timeout: 120_000 });
    process.stdout.write(`\n${stdout}\n`);
    const rows = stdout.split('\n').filter((l) => /^(direct|gateway) +(stream|no-stream)/.test(l));
    expect(rows.map((l) => l.split(/ +/).slice(0, 2).join(' '))).toEqual(['direct no-stream', 'gateway no-stream', 'direct stream', 'gateway stream']);
    for (const row of rows) expect(Number(row.trim().split(/ +/).at(-1)), row).toBe(0); // the errors column
    expect(stdout).toMatch(/stream {3}: p50 \+-?[\d.]+ ms .*µs per streamed event/);
  }, 150_000);
});

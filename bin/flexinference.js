#!/usr/bin/env node
// Runs the compiled CLI; `npm ci` / `npm install` build it through the `prepare` script.
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`flexinference: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);

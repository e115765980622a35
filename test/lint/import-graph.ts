// The runtime import graph of a TypeScript source tree, read with a few regular expressions and no
// dependency, so the cycle check cannot drift with a parser's version.
//
// An edge is an import that still exists when the code runs: `import … from`, a bare `import '…'`,
// `export … from` and `import('…')` of a string literal. `import type` and `export type` are not
// edges: the compiler erases them (verbatimModuleSyntax), so they cannot make one module wait for
// another to finish evaluating, which is the harm a cycle does. An import whose names are all
// written `{ type X }` is kept by verbatimModuleSyntax as `import {} from …`, so it stays an edge.
// Only relative specifiers are followed; `./x.js` names the source file `./x.ts`.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Modules by path relative to the root (with `/`), each with the modules it imports at runtime. */
export type ImportGraph = ReadonlyMap<string, ReadonlySet<string>>;

/** `import x from '…'`, `import '…'`, `export { x } from '…'`, `export * from '…'`, one statement each. */
const STATIC_IMPORT = /^[ \t]*(import|export)\s+(type\s+)?([^;'"]*?\bfrom\s+)?['"]([^'"]+)['"]/gm;
/** `import('…')` with a string literal; other dynamic imports cannot be resolved statically. */
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;
/**
 * Comments, and string literals only so that a `//` or `/*` inside one is not taken for a comment:
 * commented-out or documented imports are not edges.
 */
const COMMENT_OR_STRING = /'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;

/** Every `.ts` file under `dir`, as absolute paths, in a stable order. */
export function listSourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSourceFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/** The specifiers a module imports at runtime, in source order. */
export function runtimeSpecifiers(source: string): string[] {
  const code = source.replace(COMMENT_OR_STRING, (token) => (token.startsWith('/') ? ' ' : token));
  const specifiers: string[] = [];
  for (const match of code.matchAll(STATIC_IMPORT)) {
    const [, keyword, typeOnly, clause, specifier] = match;
    if (typeOnly !== undefined || specifier === undefined) continue;
    // `export const x = …` and the like are not re-exports: only `export … from` names a module.
    if (keyword === 'export' && clause === undefined) continue;
    specifiers.push(specifier);
  }
  for (const match of code.matchAll(DYNAMIC_IMPORT)) {
    if (match[1] !== undefined) specifiers.push(match[1]);
  }
  return specifiers;
}

/** The source file a relative `.js` specifier names, or undefined for packages and other files. */
export function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  if (!specifier.endsWith('.js')) return undefined;
  return resolve(dirname(fromFile), specifier.slice(0, -'.js'.length) + '.ts');
}

/** The runtime import graph of every `.ts` file under `root`; edges only to files under `root`. */
export function buildImportGraph(root: string): ImportGraph {
  const files = listSourceFiles(root);
  const known = new Set(files);
  const name = (file: string): string => relative(root, file).split(sep).join('/');
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const specifier of runtimeSpecifiers(readFileSync(file, 'utf8'))) {
      const target = resolveSpecifier(file, specifier);
      if (target !== undefined && known.has(target)) targets.add(name(target));
    }
    graph.set(name(file), targets);
  }
  return graph;
}

/**
 * One import cycle as a path that starts and ends on the same module (`a → b → a`), or undefined
 * when the graph has none. Depth-first, modules and edges in sorted order, so the answer is stable.
 */
export function findCycle(graph: ImportGraph): string[] | undefined {
  const done = new Set<string>();
  const onPath = new Map<string, number>();
  const path: string[] = [];

  const visit = (module: string): string[] | undefined => {
    const at = onPath.get(module);
    if (at !== undefined) return [...path.slice(at), module];
    if (done.has(module)) return undefined;
    onPath.set(module, path.length);
    path.push(module);
    for (const next of [...(graph.get(module) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    onPath.delete(module);
    done.add(module);
    return undefined;
  };

  for (const module of [...graph.keys()].sort()) {
    const cycle = visit(module);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

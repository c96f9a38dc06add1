// How much code a fresh isolate first runs, by V8's precise coverage: each variant's Worker
// bundled as cold-start bundles it (minified, as wrangler would) and run in this Node process;
// for each phase, the functions that run for the first time and their bytes of source (a
// function's own bytes, those of the functions inside it left out). A function compiles the
// first time it runs, so these bytes and functions are what a cold start compiles; first-run-cost
// measures what each costs workerd. The phases: the module's load; the first /fetch until its
// answer has been read; what runs after, until its `waitUntil` work (the export) is done.
// Exact and repeatable, unlike CPU time. In Node, not workerd: the paths differ only where the
// runtime is detected. Run: pnpm --filter @edgetrace/bench first-run-code [--by-file]
// With --by-file: each variant's first-run bytes by source file (or dependency), from the
// minified script's source map.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PEERS } from './peers.ts';
import { workerScript, workerScriptWithMap } from './worker-bundle.ts';
import { TRACEPARENT } from './worker-pool.ts';

const PHASES = ['load', 'answer', 'after'] as const;

interface FunctionCoverage {
  functionName: string;
  ranges: { startOffset: number; endOffset: number; count: number }[];
}
interface Handler {
  fetch(request: Request, env: object, ctx: object): Promise<Response>;
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });

/** The functions of `url` that ran since the last call (counts reset at each take). */
async function ran(url: string): Promise<FunctionCoverage[]> {
  const { result } = await session.post('Profiler.takePreciseCoverage');
  return (result.find((script) => script.url === url)?.functions ?? []) as FunctionCoverage[];
}

/**
 * Each function's own bytes: its range less the ranges of the functions directly inside it.
 * From every phase's report together: V8 reports a function only once it exists, so an inner
 * function first made in a later phase is missing from the earlier reports.
 */
function ownBytes(functions: FunctionCoverage[]): Map<string, number> {
  const unique = new Map<string, { startOffset: number; endOffset: number }>();
  for (const {
    ranges: [range],
  } of functions) {
    if (range !== undefined) unique.set(`${range.startOffset}:${range.endOffset}`, range);
  }
  const ranges = [...unique.values()].sort(
    (a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset,
  );
  const own = new Map<string, number>();
  const open: { key: string; endOffset: number }[] = [];
  for (const { startOffset, endOffset } of ranges) {
    while ((open.at(-1)?.endOffset ?? Number.POSITIVE_INFINITY) <= startOffset) open.pop();
    const key = `${startOffset}:${endOffset}`;
    own.set(key, endOffset - startOffset);
    const outer = open.at(-1);
    if (outer !== undefined) own.set(outer.key, (own.get(outer.key) ?? 0) - (endOffset - startOffset));
    open.push({ key, endOffset });
  }
  return own;
}

/** A function first run in a phase: where it starts in the script, and its own bytes. */
interface FirstRun {
  phase: number;
  startOffset: number;
  bytes: number;
}

const folder = mkdtempSync(join(tmpdir(), 'first-run-'));

/** Loads `script` as a module, answers one /fetch and waits for its export: what first ran, by phase. */
async function firstRuns(file: string, script: string): Promise<FirstRun[]> {
  const path = join(folder, `${file}.mjs`);
  writeFileSync(path, script);
  const url = pathToFileURL(path).href;
  await ran(url);
  const handler = ((await import(url)) as { default: Handler }).default;
  const taken: FunctionCoverage[][] = [await ran(url)];
  const waiting: Promise<unknown>[] = [];
  const response = await handler.fetch(
    new Request('http://bench.local/fetch', { headers: { traceparent: TRACEPARENT } }),
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.stub' },
    { waitUntil: (promise: Promise<unknown>) => void waiting.push(promise), passThroughOnException() {} },
  );
  await response.text();
  taken.push(await ran(url));
  await Promise.all(waiting);
  taken.push(await ran(url));
  const own = ownBytes(taken.flat());
  const seen = new Set<string>();
  const runs: FirstRun[] = [];
  taken.forEach((functions, phase) => {
    for (const { ranges } of functions) {
      const range = ranges[0];
      // The script's top level (from offset 0) is compiled as it loads, whatever runs: left out.
      if (range === undefined || range.count === 0 || range.startOffset === 0) continue;
      const key = `${range.startOffset}:${range.endOffset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      runs.push({ phase, startOffset: range.startOffset, bytes: own.get(key) ?? 0 });
    }
  });
  return runs;
}

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const cell = (runs: FirstRun[]): string =>
  `${kb(runs.reduce((sum, run) => sum + run.bytes, 0))} KB, ${runs.length}`;

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * For a script and its source map, the source file of each offset in the script: the source of
 * the last mapping at or before it (source map v3, its VLQ segments decoded).
 */
function sourceOf(script: string, map: string): (offset: number) => string {
  const { sources, mappings } = JSON.parse(map) as { sources: string[]; mappings: string };
  const starts: number[] = []; // each mapping's offset in the script
  const files: number[] = [];
  let lineStart = 0;
  let source = 0;
  for (const line of mappings.split(';')) {
    let column = 0;
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segment) {
        const digit = BASE64.indexOf(char);
        value += (digit & 31) << shift;
        shift += 5;
        if ((digit & 32) === 0) {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      if (fields.length < 4) continue;
      source += fields[1] ?? 0;
      starts.push(lineStart + column);
      files.push(source);
    }
    lineStart = script.indexOf('\n', lineStart) + 1;
  }
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return sources[files[low] ?? 0] ?? '?';
  };
}

/** A source file as the table names it: a package's own path, or a dependency's package name. */
function sourceName(path: string): string {
  const dependency = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (dependency !== null) return dependency[1] ?? path;
  return path.replace(/^(\.\.\/)+/, '');
}

const byFile = process.argv.slice(2).includes('--by-file');
if (!byFile) {
  console.log('Code first run by a fresh isolate, minified bytes (KB) and functions:\n');
  console.log('| variant | load | first /fetch until its answer | after it (its export) | in all |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const { name, file } of PEERS) {
    const runs = await firstRuns(file, await workerScript(file, true));
    const phases = PHASES.map((_, phase) => cell(runs.filter((run) => run.phase === phase)));
    console.log(`| ${name} | ${phases.join(' | ')} | ${cell(runs)} |`);
  }
} else {
  // By source file, for each variant but bare Hono: where its first-run bytes come from.
  for (const { name, file } of PEERS.slice(1)) {
    const { script, map } = await workerScriptWithMap(file);
    const runs = await firstRuns(file, script);
    const source = sourceOf(script, map);
    const groups = new Map<string, FirstRun[]>();
    for (const run of runs) {
      const key = sourceName(source(run.startOffset));
      groups.set(key, [...(groups.get(key) ?? []), run]);
    }
    console.log(`\n${name}: ${cell(runs)} in all, by source (minified KB and functions, all phases)\n`);
    console.log('| source | first run |');
    console.log('| --- | --- |');
    const total = (list: FirstRun[]) => list.reduce((sum, run) => sum + run.bytes, 0);
    for (const [key, list] of [...groups].sort((a, b) => total(b[1]) - total(a[1]))) {
      console.log(`| ${key} | ${cell(list)} |`);
    }
  }
}

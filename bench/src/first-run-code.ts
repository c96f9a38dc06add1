// How much code a fresh isolate first runs, by V8's precise coverage: each variant's Worker
// bundled as cold-start bundles it (minified, as wrangler would) and run in this Node process;
// for each phase, the functions that run for the first time and their bytes of source (a
// function's own bytes, those of the functions inside it left out). A function compiles the
// first time it runs, so these bytes and functions are what a cold start compiles; first-run-cost
// measures what each costs workerd. The phases: the module's load; the first /fetch until its
// answer has been read; what runs after, until its `waitUntil` work (the export) is done.
// Exact and repeatable, unlike CPU time. In Node, not workerd: the paths differ only where the
// runtime is detected. Run: pnpm --filter @edgetrace/bench first-run-code

import { mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PEERS } from './peers.ts';
import { workerScript } from './worker-bundle.ts';
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

const folder = mkdtempSync(join(tmpdir(), 'first-run-'));
const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
console.log('Code first run by a fresh isolate, minified bytes (KB) and functions:\n');
console.log('| variant | load | first /fetch until its answer | after it (its export) | in all |');
console.log('| --- | --- | --- | --- | --- |');
for (const { name, file } of PEERS) {
  const path = join(folder, `${file}.mjs`);
  writeFileSync(path, await workerScript(file, true));
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
  const totals = PHASES.map((_, phase) => {
    let bytes = 0;
    let functions = 0;
    for (const { ranges } of taken[phase] ?? []) {
      const range = ranges[0];
      // The script's top level (from offset 0) is compiled as it loads, whatever runs: left out.
      if (range === undefined || range.count === 0 || range.startOffset === 0) continue;
      const key = `${range.startOffset}:${range.endOffset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      bytes += own.get(key) ?? 0;
      functions++;
    }
    return { bytes, functions };
  });
  const all = totals.reduce((sum, t) => ({
    bytes: sum.bytes + t.bytes,
    functions: sum.functions + t.functions,
  }));
  const cell = ({ bytes, functions }: { bytes: number; functions: number }) =>
    `${kb(bytes)} KB, ${functions}`;
  console.log(`| ${name} | ${totals.map(cell).join(' | ')} | ${cell(all)} |`);
}

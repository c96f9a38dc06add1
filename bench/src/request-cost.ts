// Added cost per request of a traced Hono app — one plain route, one route with an outgoing
// fetch — against bare Hono, the official OpenTelemetry SDK 3.x with @hono/otel,
// @microlabs/otel-cf-workers and @vercel/otel, in Node 24 and in workerd (Miniflare); with each Worker's bundle
// size, cold start (Node) and heap growth over 50,000 requests (Node).
// Run: pnpm --filter @edgetrace/bench request-cost
// With `--floor`: workerd only, where a client span's cost comes from (no client span, a
// hand-made one that ends at the headers, edgetrace's, which ends with the body).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Miniflare } from 'miniflare';
import { median } from './stats.ts';
import { bundle } from './worker-bundle.ts';
import { POOL, TRACEPARENT } from './worker-pool.ts';
import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const RUNS = 7;
const NODE_REQUESTS = 5000;
const WORKERD_REQUESTS = 2000;
const HEAP_REQUESTS = 50_000;
const COLD_STARTS = 7;

interface Variant {
  name: string;
  /** The variant's module, relative to src/variants, without its extension. */
  file: string;
  node: boolean;
  /** Whether to measure workerd CPU per request (every variant of the main run). @default true */
  cpu?: boolean;
  /** `traceBuffer.coalesceMs` for the `edgetrace-bound` variant. */
  bound?: number;
}

const VARIANTS: Variant[] = [
  { name: 'bare Hono', file: 'bare', node: true },
  { name: 'edgetrace', file: 'edgetrace', node: true },
  { name: 'edgetrace, per-request export', file: 'edgetrace-per-request', node: false },
  { name: 'OpenTelemetry SDK 3.x + @hono/otel', file: 'official', node: true },
  // No tracing: one export-sized POST per request, the floor of any per-request export.
  { name: 'bare Hono + one export-sized POST a request', file: 'floor-export-post', node: false },
  // The same POST with a deadline (a timer), as an OTLP exporter must have one.
  { name: 'the same POST with a 10 s timeout', file: 'floor-export-post-timeout', node: false },
  // And that POST added to edgetrace with coalesced export: our spans and one POST a request.
  { name: 'edgetrace (coalesced) + the same POST with a timeout', file: 'floor-traced-post', node: false },
  // Not in the CPU loops: there its exports go over HTTP and, with all of a batch's in flight at
  // once, its bounded export queue (30 in flight) refuses the rest: about 2 spans in 100 arrive.
  // In the wall-time loops (the in-process stub) every export is made.
  { name: 'the same with the official OTLP/HTTP exporter', file: 'official-otlp', node: false, cpu: false },
  // Its waitUntil promises never settle under an execution context of the benchmark's own (it
  // waits on the runtime's), so its CPU per request with exports awaited cannot be taken.
  { name: '@microlabs/otel-cf-workers', file: 'microlabs', node: false, cpu: false },
  // In its own package (bench/vercel): it needs the OpenTelemetry SDK 2.x.
  { name: '@vercel/otel + @hono/otel', file: '../../vercel/variant', node: true },
];

const FLOOR_VARIANTS: Variant[] = [
  { name: 'bare Hono', file: 'bare', node: false, cpu: false },
  { name: 'tracing(), no client span', file: 'floor-no-client-span', node: false, cpu: false },
  { name: 'tracing() + hand-made CLIENT span', file: 'floor-hand-made-span', node: false, cpu: false },
  { name: 'edgetrace (tracing() + instrumentFetch())', file: 'edgetrace', node: false, cpu: false },
];

const here = import.meta.dirname;
const out = `${here}/../dist`;
mkdirSync(out, { recursive: true });

/** One request through a handler, as a loop body shared by the Node and workerd runners. */
const LOOP = `
async function loop(handler, path, n, env, ctx) {
  for (let i = 0; i < n; i++) {
    const request = new Request('http://bench.local' + path, { headers: { traceparent: '${TRACEPARENT}' } });
    const response = await handler.fetch(request, env, ctx);
    await response.text();
  }
}`;

interface Figure {
  median: number;
  min: number;
  max: number;
}
const figure = (values: number[]): Figure => ({
  median: median(values),
  min: Math.min(...values),
  max: Math.max(...values),
});

// --- Node: each variant in its own process, so no two register OpenTelemetry globals.
const NODE_RUNNER = (file: string) => `
const started = performance.now();
import handler from './${file}.ts';
${LOOP}
const mode = process.argv[2];
if (mode === 'alloc') {
  // Run with a young generation large enough that no collection happens during the loop, so
  // the heap's growth is what the requests allocated.
  await loop(handler, '/fetch', 2000, {}, undefined);
  globalThis.gc();
  const start = process.memoryUsage().heapUsed;
  await loop(handler, '/fetch', 1000, {}, undefined);
  console.log(JSON.stringify({ alloc: (process.memoryUsage().heapUsed - start) / 1000 }));
  process.exit(0);
}
if (mode === 'cold') {
  await loop(handler, '/fetch', 1, {}, undefined);
  console.log(JSON.stringify({ cold: performance.now() }));
  process.exit(0);
}
const result = { plain: [], fetch: [] };
await loop(handler, '/plain', 1000, {}, undefined);
await loop(handler, '/fetch', 1000, {}, undefined);
for (let run = 0; run < ${RUNS}; run++) {
  for (const route of ['plain', 'fetch']) {
    const t0 = performance.now();
    await loop(handler, '/' + route, ${NODE_REQUESTS}, {}, undefined);
    result[route].push(((performance.now() - t0) * 1000) / ${NODE_REQUESTS});
  }
}
globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); globalThis.gc();
const before = process.memoryUsage().heapUsed;
await loop(handler, '/fetch', ${HEAP_REQUESTS}, {}, undefined);
await new Promise((r) => setTimeout(r, 100));
globalThis.gc(); await new Promise((r) => setTimeout(r, 50)); globalThis.gc();
result.heapGrowth = process.memoryUsage().heapUsed - before;
console.log(JSON.stringify(result));
process.exit(0);
`;

interface NodeResult {
  plain: number[];
  fetch: number[];
  heapGrowth: number;
  /** Bytes allocated per /fetch request. */
  alloc?: number;
}

/** A variant's Node runner, bundled; returns a function running it with arguments and flags. */
async function nodeRunner(variant: Variant): Promise<(args: string[], flags?: string[]) => string> {
  const code = await bundle(NODE_RUNNER(variant.file), 'node', false);
  const path = `${out}/node-${variant.file.replace(/[./]+/g, '-')}.mjs`;
  writeFileSync(path, code);
  return (args, flags = []) => {
    const child = spawnSync(process.execPath, ['--expose-gc', ...flags, path, ...args], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`${variant.name} failed: ${child.stderr}`);
    return child.stdout.trim().split('\n').at(-1) ?? '';
  };
}

/** A variant's Node timings, and a function that times one cold start (a new process). */
async function runNode(variant: Variant): Promise<{ timing: NodeResult; coldStart: () => number }> {
  const run = await nodeRunner(variant);
  const timing = JSON.parse(run([])) as NodeResult;
  const allocs = Array.from(
    { length: 3 },
    () => (JSON.parse(run(['alloc'], ['--max-semi-space-size=512'])) as { alloc: number }).alloc,
  );
  timing.alloc = median(allocs);
  return { timing, coldStart: () => (JSON.parse(run(['cold'])) as { cold: number }).cold };
}

// --- workerd: the loop runs inside the Worker, timed from outside per batch of requests.
// \`/__cpu\` runs \`n\` requests, \`c\` at a time, each with an execution context of its own whose
// waitUntil promises are awaited before it answers, so every export's work falls in the batch.
const WORKER_ENTRY = (file: string) => `
import handler from './${file}.ts';
${LOOP}
${POOL}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const path = url.searchParams.get('path');
    const n = Number(url.searchParams.get('n'));
    if (url.pathname === '/__loop') await loop(handler, path, n, env, ctx);
    else if (url.pathname === '/__cpu') await pool(handler, path, n, Number(url.searchParams.get('c')), env);
    else return handler.fetch(request, env, ctx);
    return new Response('done');
  },
};
`;

interface WorkerdTimes {
  plain: number[];
  fetch: number[];
  /** µs of workerd CPU per /fetch request, exports included: one at a time, and 50 at a time. */
  cpu1: number[];
  cpu50: number[];
  /** Requests per export that reached the collector: one at a time, then 50 at a time. */
  requestsPerExport: number[];
  /** Spans that reached the collector per request sent (2 when none is lost): the same two loops. */
  spansPerRequest: number[];
}
type CpuTimes = Pick<WorkerdTimes, 'cpu1' | 'cpu50' | 'requestsPerExport' | 'spansPerRequest'>;

/** A variant's Worker in workerd (Miniflare); `collector` set: its exports go there over HTTP. */
async function startVariant(variant: Variant, collector = ''): Promise<{ mf: Miniflare; base: URL }> {
  const define = { COALESCE_MS: String(variant.bound ?? 0), COLLECTOR_URL: JSON.stringify(collector) };
  const script = new TextDecoder().decode(await bundle(WORKER_ENTRY(variant.file), 'neutral', false, define));
  const mf = startWorker(script);
  return { mf, base: await mf.ready };
}

/** Runs a batch route of the Worker; throws unless it answered `done`. */
async function runBatch(variant: Variant, mf: Miniflare, url: string): Promise<void> {
  const text = await (await mf.dispatchFetch(url)).text();
  if (text !== 'done') throw new Error(`${variant.name} in workerd: ${text.slice(0, 300)}`);
}

/** Wall µs per request with the in-process collector stub (no network timed). */
async function wallTimes(variant: Variant): Promise<{ plain: number[]; fetch: number[] }> {
  const { mf, base } = await startVariant(variant);
  const batch = async (path: string, n: number): Promise<number> => {
    const t0 = performance.now();
    await runBatch(variant, mf, `${base}__loop?path=${path}&n=${n}`);
    return ((performance.now() - t0) * 1000) / n;
  };
  try {
    await batch('/plain', 500);
    await batch('/fetch', 500);
    const result = { plain: [] as number[], fetch: [] as number[] };
    for (let run = 0; run < RUNS; run++) {
      result.plain.push(await batch('/plain', WORKERD_REQUESTS));
      result.fetch.push(await batch('/fetch', WORKERD_REQUESTS));
    }
    return result;
  } finally {
    await mf.dispose();
  }
}

/**
 * Requests per CPU batch. Each batch's exports are in flight together until it ends (one at a
 * time, none has finished before the next request), so a batch stays under the trace buffer's
 * bound of 1,024 exports in flight: past it, per-request export drops the rest, and its CPU
 * would be of exports not made.
 */
const CPU_REQUESTS = 1000;

/**
 * workerd CPU µs per /fetch request, every export awaited and sent over HTTP to a collector on
 * 127.0.0.1 (as real exports are: a subrequest each), one request at a time and 50 at a time;
 * with the exports and spans that reached the collector, per loop.
 */
async function cpuTimes(variant: Variant): Promise<CpuTimes> {
  const { mf, base } = await startVariant(variant, collector.url);
  const pids = workerdPids();
  const received = { 1: { requests: 0, exports: 0, spans: 0 }, 50: { requests: 0, exports: 0, spans: 0 } };
  const cpu = async (c: 1 | 50, n: number): Promise<number> => {
    const before = cpuNs(pids);
    const [exports, spans] = [collector.requests(), collector.spans()];
    await runBatch(variant, mf, `${base}__cpu?path=/fetch&n=${n}&c=${c}`);
    const spent = cpuNs(pids) - before;
    received[c].requests += n;
    received[c].exports += collector.requests() - exports;
    received[c].spans += collector.spans() - spans;
    return spent / 1000 / n;
  };
  try {
    await cpu(50, 500);
    const result: CpuTimes = { cpu1: [], cpu50: [], requestsPerExport: [], spansPerRequest: [] };
    for (let run = 0; run < RUNS; run++) {
      result.cpu1.push(await cpu(1, CPU_REQUESTS));
      result.cpu50.push(await cpu(50, CPU_REQUESTS));
    }
    for (const c of [1, 50] as const) {
      const { requests, exports, spans } = received[c];
      result.requestsPerExport.push(requests / Math.max(1, exports));
      result.spansPerRequest.push(spans / requests);
    }
    return result;
  } finally {
    await mf.dispose();
  }
}

async function runWorkerd(variant: Variant, cpuOnly = false): Promise<WorkerdTimes> {
  const wall = cpuOnly ? { plain: [], fetch: [] } : await wallTimes(variant);
  const cpu =
    variant.cpu === false
      ? { cpu1: [], cpu50: [], requestsPerExport: [], spansPerRequest: [] }
      : await cpuTimes(variant);
  return { ...wall, ...cpu };
}

/**
 * A collector on 127.0.0.1 that reads each export and answers 200, as a real one would; it counts
 * the exports and the spans in them (each span's `"spanId":` key in the OTLP JSON).
 */
function startCollector(): Promise<{
  url: string;
  requests: () => number;
  spans: () => number;
  close: () => void;
}> {
  let requests = 0;
  let spans = 0;
  const server = createServer((request, response) => {
    requests++;
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      spans += body.split('"spanId":').length - 1;
      // With its length, as a real collector's small answer comes: the OpenTelemetry Collector
      // is written in Go, whose net/http sends a Content-Length for an answer written at once
      // that fits its 2 KB buffer.
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' }).end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests: () => requests,
        spans: () => spans,
        close: () => server.close(),
      });
    });
  });
}

const collector = await startCollector();

async function bundleSize(variant: Variant): Promise<{ min: number; gzip: number }> {
  const bytes = await bundle(`export { default } from './${variant.file}.ts';`, 'neutral', true);
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * CPU added per request (µs) as a Workers bill reads it, per million requests: CPU seconds, and
 * dollars at the Standard plan's $0.02 per million CPU milliseconds past those included
 * (https://developers.cloudflare.com/workers/platform/pricing/). A million requests at x µs each
 * take x CPU seconds.
 */
const perMillion = (addedUs: number): string =>
  `${addedUs.toFixed(0)} CPU-s, $${((addedUs / 1000) * 0.02).toFixed(4)}`;
const us = (f: Figure): string => `${f.median.toFixed(1)} (${f.min.toFixed(1)}–${f.max.toFixed(1)})`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

interface Row {
  variant: Variant;
  size: { min: number; gzip: number };
  node?: { plain: Figure; fetch: Figure; heapGrowth: number; alloc: number; cold: Figure };
  workerd: { plain: Figure; fetch: Figure; cpu1: Figure; cpu50: Figure; spansPerRequest: number[] };
}

if (process.argv.includes('--cpu')) {
  // workerd CPU only, for every variant that runs there, and edgetrace at several coalescing bounds.
  // Or only the variants named after it, by module (src/variants), bare Hono first.
  const bounds = [1, 5, 20, 50, 200];
  const only = process.argv.slice(process.argv.indexOf('--cpu') + 1).filter((arg) => !arg.startsWith('--'));
  const variants: Variant[] =
    only.length > 0
      ? ['bare', ...only].map(
          (file) => VARIANTS.find((v) => v.file === file) ?? { name: file, file, node: false },
        )
      : [
          ...VARIANTS.filter((v) => v.file !== '../../vercel/variant' && v.cpu !== false),
          ...bounds.map((ms) => ({
            name: `edgetrace, coalesceMs ${ms}`,
            file: 'edgetrace-bound',
            node: false,
            bound: ms,
          })),
        ];
  console.log(
    '| workerd CPU per /fetch (µs) | 1 at a time | 50 at a time | requests per export (1, 50) | spans received per request (1, 50) |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const variant of variants) {
    process.stderr.write(`measuring ${variant.name}...\n`);
    const { cpu1, cpu50, requestsPerExport, spansPerRequest } = await runWorkerd(variant, true);
    const perExport = requestsPerExport.map((r) => r.toFixed(1)).join(', ');
    const spans = spansPerRequest.map((r) => r.toFixed(2)).join(', ');
    console.log(`| ${variant.name} | ${us(figure(cpu1))} | ${us(figure(cpu50))} | ${perExport} | ${spans} |`);
  }
  collector.close();
  process.exit(0);
}

if (process.argv.includes('--floor')) {
  // Node first: the same parts, and the official route for the ratio the issue sets (≤ 0.5 on /fetch).
  console.log('| Node | /plain (µs) | /fetch (µs) | /fetch − /plain (µs) |');
  console.log('| --- | --- | --- | --- |');
  const official = VARIANTS.find((v) => v.file === 'official');
  for (const variant of [...FLOOR_VARIANTS, ...(official === undefined ? [] : [official])]) {
    process.stderr.write(`measuring ${variant.name} in Node...\n`);
    const { plain, fetch } = JSON.parse((await nodeRunner(variant))([])) as NodeResult;
    const difference = plain.map((p, i) => (fetch[i] ?? Number.NaN) - p);
    console.log(
      `| ${variant.name} | ${us(figure(plain))} | ${us(figure(fetch))} | ${us(figure(difference))} |`,
    );
  }
  console.log('\n| workerd | /plain (µs) | /fetch (µs) | /fetch − /plain (µs) |');
  console.log('| --- | --- | --- | --- |');
  for (const variant of FLOOR_VARIANTS) {
    process.stderr.write(`measuring ${variant.name}...\n`);
    const { plain, fetch } = await runWorkerd(variant);
    const difference = plain.map((p, i) => (fetch[i] ?? Number.NaN) - p);
    console.log(
      `| ${variant.name} | ${us(figure(plain))} | ${us(figure(fetch))} | ${us(figure(difference))} |`,
    );
  }
  process.exit(0);
}

const rows: Row[] = [];
const coldStarts = new Map<Row, { start: () => number; times: number[] }>();
for (const variant of VARIANTS) {
  process.stderr.write(`measuring ${variant.name}...\n`);
  const size = await bundleSize(variant);
  const workerd = await runWorkerd(variant);
  const row: Row = {
    variant,
    size,
    workerd: {
      plain: figure(workerd.plain),
      fetch: figure(workerd.fetch),
      cpu1: figure(workerd.cpu1),
      cpu50: figure(workerd.cpu50),
      spansPerRequest: workerd.spansPerRequest,
    },
  };
  if (variant.node) {
    const { timing, coldStart } = await runNode(variant);
    row.node = {
      plain: figure(timing.plain),
      fetch: figure(timing.fetch),
      heapGrowth: timing.heapGrowth,
      alloc: timing.alloc ?? Number.NaN,
      cold: figure([]),
    };
    coldStarts.set(row, { start: coldStart, times: [] });
  }
  rows.push(row);
}
// Cold starts last, the variants taking turns, so that the machine's drift over the run (cold
// starts are milliseconds, and this shared machine's load varies by as much) falls on all alike.
for (let round = 0; round < COLD_STARTS; round++) {
  for (const cold of coldStarts.values()) cold.times.push(cold.start());
}
for (const [row, cold] of coldStarts) {
  if (row.node !== undefined) row.node.cold = figure(cold.times);
}

const bare = rows[0] as Row;
const added = (row: Row, where: 'node' | 'workerd', route: 'plain' | 'fetch'): number => {
  const base = where === 'node' ? bare.node?.[route].median : bare.workerd[route].median;
  const own = where === 'node' ? row.node?.[route].median : row.workerd[route].median;
  return (own ?? Number.NaN) - (base ?? Number.NaN);
};

console.log(
  `\nµs per request: median of ${RUNS} runs (min–max); Node ${process.version}, workerd via Miniflare.\n`,
);
console.log(
  '| variant | Node /plain | Node /fetch | added, Node /fetch | workerd /plain | workerd /fetch | added, workerd /fetch |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const node = row.node;
  console.log(
    `| ${row.variant.name} | ${node ? us(node.plain) : '—'} | ${node ? us(node.fetch) : '—'} | ${node ? added(row, 'node', 'fetch').toFixed(1) : '—'} | ${us(row.workerd.plain)} | ${us(row.workerd.fetch)} | ${added(row, 'workerd', 'fetch').toFixed(1)} |`,
  );
}
console.log(
  '\n| variant | bundle min | min + gzip | growth over bare Hono (gzip) | cold start, Node (ms) | heap growth after 50,000 requests | allocated per /fetch request |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  const node = row.node;
  console.log(
    `| ${row.variant.name} | ${kb(row.size.min)} | ${kb(row.size.gzip)} | ${kb(row.size.gzip - bare.size.gzip)} | ${node ? us(node.cold) : '—'} | ${node ? `${(node.heapGrowth / 1024).toFixed(0)} KB` : '—'} | ${node ? `${(node.alloc / 1024).toFixed(1)} KB` : '—'} |`,
  );
}
console.log(
  '\nworkerd CPU per /fetch request (µs, every thread of the workerd process, exports included): one request at a time, and 50 at a time.\n',
);
console.log(
  '| variant | 1 at a time | added | added per million requests | 50 at a time | added | added per million requests | spans received per request (1, 50) |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const cpuAdded = (row: Row, key: 'cpu1' | 'cpu50'): number =>
  row.workerd[key].median - bare.workerd[key].median;
for (const row of rows.filter((r) => r.variant.cpu !== false)) {
  const { cpu1, cpu50, spansPerRequest } = row.workerd;
  const one = cpuAdded(row, 'cpu1');
  const fifty = cpuAdded(row, 'cpu50');
  console.log(
    `| ${row.variant.name} | ${us(cpu1)} | ${one.toFixed(1)} | ${perMillion(one)} | ${us(cpu50)} | ${fifty.toFixed(1)} | ${perMillion(fifty)} | ${spansPerRequest.map((r) => r.toFixed(2)).join(', ')} |`,
  );
}
const ours = rows.find((r) => r.variant.file === 'edgetrace');
const official = rows.find((r) => r.variant.file === 'official');
if (ours !== undefined && official !== undefined) {
  console.log('\nRatios, edgetrace against the official SDK (issue 18: Node /fetch at most 0.5):');
  for (const where of ['node', 'workerd'] as const) {
    for (const route of ['plain', 'fetch'] as const) {
      const ratio = added(ours, where, route) / added(official, where, route);
      console.log(`- ${where} /${route}: ${ratio.toFixed(2)}`);
    }
  }
  const perRequest = rows.find((r) => r.variant.file === 'edgetrace-per-request');
  if (perRequest !== undefined) {
    const one = cpuAdded(perRequest, 'cpu1') / cpuAdded(official, 'cpu1');
    console.log(`- workerd CPU, per-request export, 1 at a time: ${one.toFixed(2)} (goal: at most 0.7)`);
  }
  for (const file of ['floor-export-post', 'floor-export-post-timeout', 'floor-traced-post']) {
    const floor = rows.find((r) => r.variant.file === file);
    if (floor === undefined) continue;
    const ratio = cpuAdded(floor, 'cpu1') / cpuAdded(official, 'cpu1');
    console.log(`- its floor, ${floor.variant.name}: ${ratio.toFixed(2)}`);
  }
  const fifty = cpuAdded(ours, 'cpu50') / cpuAdded(official, 'cpu50');
  console.log(`- workerd CPU, coalesced export, 50 at a time: ${fifty.toFixed(2)} (goal: at most 0.3)`);
  const growth = (ours.size.gzip - bare.size.gzip) / 1024;
  console.log(`- bundle growth over bare Hono: ${growth.toFixed(1)} KB gzip (goal: at most 12 KB)`);
  if (ours.node !== undefined && bare.node !== undefined) {
    console.log(
      `- cold-start growth, Node: ${(ours.node.cold.median - bare.node.cold.median).toFixed(1)} ms (goal: at most 3 ms)`,
    );
    console.log(
      `- heap growth after ${HEAP_REQUESTS.toLocaleString('en-US')} requests: ${(ours.node.heapGrowth / 1024).toFixed(0)} KB (goal: under 1 MB)`,
    );
    console.log(
      `- allocated per /fetch request: ${(ours.node.alloc / 1024).toFixed(1)} KB (goal: at most 5 KB)`,
    );
  }
}
collector.close();

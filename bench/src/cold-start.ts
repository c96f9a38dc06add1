// Cold start in workerd: each variant's Worker in a fresh workerd (Miniflare), the CPU the
// process spent until it was ready (its own start, the Worker's script compiled and run), then
// the CPU of the first /fetch request until its answer was read (the provider made from env,
// every function compiled as it first runs), what its `waitUntil` work (the export) took after
// that, and the second request with its export, from /proc. Fresh processes in turns, 7 rounds,
// medians.
// Run: pnpm --filter @edgetrace/bench cold-start
import type { Miniflare } from 'miniflare';
import { BARE, PEERS } from './peers.ts';
import { median } from './stats.ts';
import { workerScript } from './worker-bundle.ts';
import { TRACEPARENT } from './worker-pool.ts';
import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const ROUNDS = 7;
const VARIANTS = [
  BARE,
  { name: 'edgetrace, `createOtlpExporter()` at module scope', file: 'edgetrace' },
  ...PEERS.slice(1),
  { name: 'edgetrace, `tracing({ env })`: its provider made at load', file: 'edgetrace-at-load' },
  {
    name: 'the same with a hand-made CLIENT span that ends at its headers',
    file: 'edgetrace-at-load-hand-made',
  },
];

interface Times {
  ready: number[];
  /** The first /fetch, until its answer has been read. */
  first: number[];
  /** What the first /fetch's `waitUntil` work (its export) took after its answer. */
  firstAfter: number[];
  second: number[];
}
/** Long enough for a coalesced export (50 ms by default) to have left. */
const SETTLE_MS = 150;

const ms = (ns: number): number => ns / 1e6;

/** CPU until the answer has been read, and after it until its export has left. */
async function fetchCpu(mf: Miniflare, url: string, pids: number[]): Promise<[number, number]> {
  const before = cpuNs(pids);
  const response = await mf.dispatchFetch(url, { headers: { traceparent: TRACEPARENT } });
  await response.text();
  const answered = cpuNs(pids);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  return [answered - before, cpuNs(pids) - answered];
}

const scripts = new Map<string, string>();
for (const { file } of VARIANTS) {
  scripts.set(file, await workerScript(file, true));
}
const times = new Map<string, Times>(
  VARIANTS.map(({ file }) => [file, { ready: [], first: [], firstAfter: [], second: [] }]),
);
for (let round = 0; round < ROUNDS; round++) {
  for (const { file } of VARIANTS) {
    const mf = startWorker(scripts.get(file) ?? '', {
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.stub' },
    });
    const base = await mf.ready;
    const pids = workerdPids();
    const own = times.get(file);
    own?.ready.push(ms(cpuNs(pids)));
    const [first, after] = await fetchCpu(mf, `${base}fetch`, pids);
    own?.first.push(ms(first));
    own?.firstAfter.push(ms(after));
    const [second, secondAfter] = await fetchCpu(mf, `${base}fetch`, pids);
    own?.second.push(ms(second + secondAfter));
    await mf.dispose();
  }
}

const bare = times.get('bare');
const growth = (values: number[], base: number[] | undefined): string =>
  base === undefined ? '—' : (median(values) - median(base)).toFixed(1);
console.log(`workerd CPU (ms), median of ${ROUNDS} fresh processes taken in turns:\n`);
/** Each round's CPU until the first answer (ready, then the first /fetch), and until its export had left. */
const untilAnswer = (t: Times): number[] =>
  t.ready.map((ready, round) => ready + (t.first[round] ?? Number.NaN));
const untilExport = (t: Times): number[] =>
  untilAnswer(t).map((answer, round) => answer + (t.firstAfter[round] ?? Number.NaN));
console.log(
  '| variant | until ready | growth | first /fetch | growth | its export after it | growth | until the first answer, growth | until its export left, growth | second /fetch with its export |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const { name, file } of VARIANTS) {
  const t = times.get(file);
  if (t === undefined) continue;
  const other = file === 'bare' ? undefined : bare;
  const columns = [
    median(t.ready).toFixed(1),
    other ? growth(t.ready, other.ready) : '—',
    median(t.first).toFixed(2),
    other ? growth(t.first, other.first) : '—',
    median(t.firstAfter).toFixed(2),
    other ? growth(t.firstAfter, other.firstAfter) : '—',
    other ? growth(untilAnswer(t), untilAnswer(other)) : '—',
    other ? growth(untilExport(t), untilExport(other)) : '—',
    median(t.second).toFixed(2),
  ];
  console.log(`| ${name} | ${columns.join(' | ')} |`);
}

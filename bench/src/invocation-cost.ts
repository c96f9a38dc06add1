// What a request costs a Worker that is not busy: each request its own invocation, one at a
// time, 60 ms apart (no coalesced export joins another, and V8 has not optimized the code, as in
// an isolate that serves a request now and then). Every variant's Worker runs in its own workerd
// at once and the requests go round-robin, so drift falls on all alike. workerd CPU (every
// thread, from /proc) per request after 5 warm-up requests, median of 40, and its growth over
// bare Hono. Run: pnpm --filter @edgetrace/bench invocation-cost
import type { Miniflare } from 'miniflare';
import { PEERS } from './peers.ts';
import { median } from './stats.ts';
import { workerScript } from './worker-bundle.ts';
import { TRACEPARENT } from './worker-pool.ts';
import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const WARM_UP = 5;
const REQUESTS = 40;
const GAP_MS = 60;
const PATHS = ['plain', 'fetch'];

interface Running {
  file: string;
  mf: Miniflare;
  base: string;
  pids: number[];
  cpu: Record<string, number[]>;
}

const running: Running[] = [];
for (const { file } of PEERS) {
  const script = await workerScript(file, true);
  const before = new Set(workerdPids());
  const mf = startWorker(script, { bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.stub' } });
  const base = String(await mf.ready);
  const pids = workerdPids().filter((pid) => !before.has(pid));
  running.push({ file, mf, base, pids, cpu: Object.fromEntries(PATHS.map((path) => [path, []])) });
}
for (let request = 0; request < WARM_UP + REQUESTS; request++) {
  for (const path of PATHS) {
    for (const worker of running) {
      const before = cpuNs(worker.pids);
      const response = await worker.mf.dispatchFetch(`${worker.base}${path}`, {
        headers: { traceparent: TRACEPARENT },
      });
      await response.text();
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
      if (request >= WARM_UP) worker.cpu[path]?.push((cpuNs(worker.pids) - before) / 1000);
    }
  }
}
for (const { mf } of running) await mf.dispose();

const bare = running.find((r) => r.file === 'bare');
console.log(`workerd CPU per request (µs), one invocation at a time, median of ${REQUESTS}:\n`);
console.log(`| variant | ${PATHS.map((p) => `/${p} | growth`).join(' | ')} |`);
console.log(`| --- | ${PATHS.map(() => '--- | ---').join(' | ')} |`);
for (const { name, file } of PEERS) {
  const worker = running.find((r) => r.file === file);
  if (worker === undefined) continue;
  const cells = PATHS.map((path) => {
    const value = median(worker.cpu[path] ?? []);
    const growth =
      file === 'bare' || bare === undefined ? '—' : (value - median(bare.cpu[path] ?? [])).toFixed(0);
    return `${value.toFixed(0)} | ${growth}`;
  });
  console.log(`| ${name} | ${cells.join(' | ')} |`);
}

// Where a fresh isolate's first request spends its CPU: a variant's Worker (not minified, so the
// frames keep their names) in a fresh workerd per round, profiled through its inspector from
// just before the first /fetch until its answer has been read and its export has left. The
// rounds' samples are pooled and the heaviest frames printed, by self and by total; the pooled
// profile is written to bench/profiles/cold-<variant>.cpuprofile, beside the script (ignored by git).
// Run: pnpm --filter @edgetrace/bench cold-profile [variant] [rounds]
import { mkdirSync, writeFileSync } from 'node:fs';
import { type Profile, summarize, userWorkerInspector } from './inspector.ts';
import { workerScript } from './worker-bundle.ts';
import { TRACEPARENT } from './worker-pool.ts';
import { startWorker } from './workerd.ts';

const [variant = 'edgetrace-env', rounds = '20'] = process.argv.slice(2);
const INSPECTOR_PORT = 9340;
const SAMPLING_US = 20;

/** One profile of many: each round's node ids moved into a range of their own. */
function pool(profiles: Profile[]): Profile {
  const nodes: Profile['nodes'] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  profiles.forEach((profile, round) => {
    const shift = (id: number) => id + round * 1_000_000;
    for (const node of profile.nodes) {
      nodes.push({ ...node, id: shift(node.id), children: (node.children ?? []).map(shift) });
    }
    for (const sample of profile.samples) samples.push(shift(sample));
    timeDeltas.push(...(profile.timeDeltas ?? []));
  });
  return { nodes, samples, timeDeltas };
}

const script = await workerScript(variant, false);
const profiles: Profile[] = [];
for (let round = 0; round < Number(rounds); round++) {
  const mf = startWorker(script, {
    bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector.stub' },
    inspectorPort: INSPECTOR_PORT,
  });
  const base = await mf.ready;
  const session = await userWorkerInspector(INSPECTOR_PORT);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_US });
  await session.send('Profiler.start');
  const response = await mf.dispatchFetch(`${base}fetch`, { headers: { traceparent: TRACEPARENT } });
  await response.text();
  // The export leaves in waitUntil, after the answer: give it time to run before stopping.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { profile } = (await session.send('Profiler.stop')) as { profile: Profile };
  profiles.push(profile);
  session.close();
  await mf.dispose();
}
const pooled = pool(profiles);
const folder = new URL('../profiles/', import.meta.url);
mkdirSync(folder, { recursive: true });
writeFileSync(new URL(`cold-${variant}.cpuprofile`, folder), JSON.stringify(pooled));
writeFileSync(new URL(`cold-${variant}.mjs`, folder), script);
console.log(`${variant}, the first /fetch of ${rounds} fresh isolates, sampled every ${SAMPLING_US} µs\n`);
console.log(summarize(pooled, 40));
console.log(`\nwritten: bench/profiles/cold-${variant}.cpuprofile, and the script its lines refer to`);

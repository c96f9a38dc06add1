// A CPU profile of a variant's Worker in workerd, taken through its inspector: the request-cost
// loop (`/fetch`, `c` at a time, each request with an execution context of its own whose
// `waitUntil` promises are awaited) runs `n` requests while V8's sampling profiler records. Prints
// the frames that hold the most samples, by self and by total, and writes the whole profile (for
// Chrome's DevTools or speedscope) to bench/profiles/<variant>.cpuprofile, with the bundled
// script its line numbers refer to beside it (<variant>.mjs).
// Run: pnpm --filter @edgetrace/bench profile [variant] [concurrency] [requests]
import { mkdirSync, writeFileSync } from 'node:fs';
import { type Profile, summarize, userWorkerInspector } from './inspector.ts';
import { bundle } from './worker-bundle.ts';
import { POOL } from './worker-pool.ts';
import { startWorker } from './workerd.ts';

const [variant = 'edgetrace', concurrency = '50', requests = '20000'] = process.argv.slice(2);
const BATCH = Number(process.env.BATCH ?? 2000);
const INSPECTOR_PORT = 9339;

const ENTRY = `
import handler from './${variant}.ts';
${POOL}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    await pool(handler, '/fetch', Number(url.searchParams.get('n')), Number(url.searchParams.get('c')), env);
    return new Response('done');
  },
};`;

const script = new TextDecoder().decode(await bundle(ENTRY, 'neutral', false, { COALESCE_MS: '50' }));
const mf = startWorker(script, { inspectorPort: INSPECTOR_PORT });
const base = await mf.ready;
const run = async (n: number): Promise<void> => {
  const answer = await (await mf.dispatchFetch(`${base}?n=${n}&c=${concurrency}`)).text();
  if (answer !== 'done') throw new Error(answer.slice(0, 300));
};
await run(BATCH); // warm-up, unprofiled
const session = await userWorkerInspector(INSPECTOR_PORT);
await session.send('Profiler.enable');
await session.send('Profiler.setSamplingInterval', { interval: 50 });
await session.send('Profiler.start');
// In batches: one invocation's timers cannot pile up past workerd's limit per request.
for (let done = 0; done < Number(requests); done += BATCH) await run(BATCH);
const { profile } = (await session.send('Profiler.stop')) as { profile: Profile };
session.close();
await mf.dispose();

const folder = new URL('../profiles/', import.meta.url);
mkdirSync(folder, { recursive: true });
writeFileSync(new URL(`${variant}.cpuprofile`, folder), JSON.stringify(profile));
writeFileSync(new URL(`${variant}.mjs`, folder), script);
console.log(`${variant}, ${requests} /fetch requests, ${concurrency} at a time, in workerd\n`);
console.log(summarize(profile, 30));
console.log(
  `\nwritten: bench/profiles/${variant}.cpuprofile, and the script its lines refer to, ${variant}.mjs`,
);

// What a timer costs a Worker: workerd CPU (every thread, from /proc) of a request that sets N
// timers of 5 ms and waits for them all, against one that awaits N resolved promises, with and
// without nodejs_compat (whose `setTimeout` returns Node's Timeout object), and for Cloudflare's
// `scheduler.wait()`. Median of 8 rounds, µs per timer. Run: pnpm --filter @edgetrace/bench timer-cost

import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const ROUNDS = 8;
const COUNTS = [1, 50, 500];
const KINDS = ['promise', 'setTimeout', 'scheduler.wait'] as const;
const WORKER = `
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n'));
    const kind = url.searchParams.get('kind');
    const all = [];
    for (let i = 0; i < n; i++) {
      if (kind === 'setTimeout') all.push(new Promise((resolve) => setTimeout(resolve, 5)));
      else if (kind === 'scheduler.wait') all.push(scheduler.wait(5));
      else all.push(Promise.resolve());
    }
    await Promise.all(all);
    return new Response('ok');
  },
};`;

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

console.log(
  '| flags | timers a request | promise (µs a request) | setTimeout, over it (µs a timer) | scheduler.wait, over it (µs a timer) |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const flags of [['nodejs_compat'], []]) {
  const mf = startWorker(WORKER, { compatibilityFlags: flags });
  const base = await mf.ready;
  const pids = workerdPids();
  for (const n of COUNTS) {
    const cpu = Object.fromEntries(KINDS.map((kind) => [kind, [] as number[]]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const kind of KINDS) {
        const before = cpuNs(pids);
        const answer = await (await mf.dispatchFetch(`${base}?n=${n}&kind=${kind}`)).text();
        if (answer !== 'ok') throw new Error(answer);
        if (round > 0) cpu[kind]?.push((cpuNs(pids) - before) / 1000); // round 0 warms up
      }
    }
    const promise = median(cpu.promise ?? []);
    const over = (kind: string) => ((median(cpu[kind] ?? []) - promise) / n).toFixed(1);
    console.log(
      `| ${flags.join(', ') || 'none'} | ${n} | ${promise.toFixed(1)} | ${over('setTimeout')} | ${over('scheduler.wait')} |`,
    );
  }
  await mf.dispose();
}

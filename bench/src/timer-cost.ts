// What a timer costs a Worker: workerd CPU (every thread, from /proc) of a request that sets N
// timers of 5 ms and waits for them all, against one that awaits N resolved promises, with and
// without nodejs_compat (whose `setTimeout` returns Node's Timeout object), and for Cloudflare's
// `scheduler.wait()`. Median of 8 rounds, µs per timer. Then what a wait costs a request on its
// own, as one request at a time has it: separate requests, each read to its end and followed by
// 300 ms of quiet, whose `waitUntil` waits on a timer of 0, 10 or 50 ms after the answer (as a
// coalesced export's wait does) or is given a settled promise. Median of 15 rounds, ms a request.
// Run: pnpm --filter @edgetrace/bench timer-cost

import { median } from './stats.ts';
import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const ROUNDS = 8;
const COUNTS = [1, 50, 500];
const KINDS = ['promise', 'setTimeout', 'scheduler.wait'] as const;
const WORKER = `
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n'));
    const kind = url.searchParams.get('kind');
    const all = [];
    const after = url.searchParams.get('after');
    if (after !== null) {
      ctx.waitUntil(after === 'none' ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, Number(after))));
      return new Response('ok');
    }
    for (let i = 0; i < n; i++) {
      if (kind === 'setTimeout') all.push(new Promise((resolve) => setTimeout(resolve, 5)));
      else if (kind === 'scheduler.wait') all.push(scheduler.wait(5));
      else all.push(Promise.resolve());
    }
    await Promise.all(all);
    return new Response('ok');
  },
};`;

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

const AFTER = ['none', '0', '10', '50'];
console.log('\nOne request at a time, its waitUntil given a settled promise or a timer after its answer:\n');
console.log(
  `| flags | ${AFTER.map((a) => (a === 'none' ? 'settled promise (ms a request)' : `timer of ${a} ms, over it`)).join(' | ')} |`,
);
console.log(`| --- | ${AFTER.map(() => '---').join(' | ')} |`);
for (const flags of [['nodejs_compat'], []]) {
  const mf = startWorker(WORKER, { compatibilityFlags: flags });
  const base = await mf.ready;
  const pids = workerdPids();
  const cpu = Object.fromEntries(AFTER.map((after) => [after, [] as number[]]));
  for (let round = 0; round <= 15; round++) {
    for (const after of AFTER) {
      const before = cpuNs(pids);
      const answer = await (await mf.dispatchFetch(`${base}?after=${after}`)).text();
      if (answer !== 'ok') throw new Error(answer);
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (round > 0) cpu[after]?.push((cpuNs(pids) - before) / 1e6);
    }
  }
  const settled = median(cpu.none ?? []);
  const cells = AFTER.map((after) =>
    after === 'none' ? settled.toFixed(2) : (median(cpu[after] ?? []) - settled).toFixed(2),
  );
  console.log(`| ${flags.join(', ') || 'none'} | ${cells.join(' | ')} |`);
  await mf.dispose();
}

// What a fresh isolate pays the first time it runs code: workerd CPU (every thread, from /proc)
// of a request that first-runs N regular expressions (each compiled at its first exec), N
// functions of about 400 bytes each, or N one-line arrow functions (each compiled at its first
// call), against the same request once they have run. Fresh workerd processes, 5 rounds, medians, µs per regex or function.
// Run: pnpm --filter @edgetrace/bench first-run-cost
import { median } from './stats.ts';
import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const ROUNDS = 5;
const N = 200;

/** A function of some 400 bytes that branches, loops and builds an object, like ours do. */
const fn = (i: number): string => `
function f${i}(input) {
  const out = { name: 'f${i}', count: 0, parts: [] };
  for (let at = 0; at < input.length; at++) {
    const code = input.charCodeAt(at);
    if (code === ${32 + (i % 60)}) out.count++;
    else if (code > 127) out.parts.push(at);
  }
  if (out.count > ${i}) return undefined;
  return out.parts.length === 0 ? out.name + input.slice(0, ${i % 7}) : out;
}`;
const WORKER = `
${Array.from({ length: N }, (_, i) => fn(i)).join('\n')}
const fns = [${Array.from({ length: N }, (_, i) => `f${i}`).join(', ')}];
const smalls = [${Array.from({ length: N }, (_, i) => `(x) => x + ${i}`).join(', ')}];
export default {
  async fetch(request) {
    const kind = new URL(request.url).searchParams.get('kind');
    let sink = 0;
    if (kind === 'regex') {
      for (let i = 0; i < ${N}; i++) sink += new RegExp('^(\\\\d{1,3})\\\\.(\\\\d{1,3})x' + i + '$').exec('10.' + i + 'x' + i) ? 1 : 0;
    } else if (kind === 'function') {
      for (const f of fns) sink += f('some input text') === undefined ? 0 : 1;
    } else if (kind === 'small') {
      for (const f of smalls) sink += f(1);
    }
    return new Response(String(sink));
  },
};`;

const cost: Record<string, number[]> = { regex: [], function: [], small: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of Object.keys(cost)) {
    const mf = startWorker(WORKER);
    const base = await mf.ready;
    const pids = workerdPids();
    const cpu = async (query: string): Promise<number> => {
      const before = cpuNs(pids);
      await (await mf.dispatchFetch(`${base}?kind=${query}`)).text();
      return cpuNs(pids) - before;
    };
    await cpu('none'); // the isolate's first request, whatever it runs
    const first = await cpu(kind);
    const again = await cpu(kind);
    cost[kind]?.push((first - again) / 1000 / N);
    await mf.dispose();
  }
}
console.log(`workerd CPU of a first run over a later one, µs each, median of ${ROUNDS} fresh isolates:`);
console.log(`a regular expression's first exec: ${median(cost.regex ?? []).toFixed(1)}`);
console.log(`a function's first call (about 400 bytes of source): ${median(cost.function ?? []).toFixed(1)}`);
console.log(`a one-line arrow function's first call: ${median(cost.small ?? []).toFixed(1)}`);

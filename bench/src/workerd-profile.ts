// A CPU profile of a variant's Worker in workerd, taken through its inspector: the request-cost
// loop (`/fetch`, `c` at a time, each request with an execution context of its own whose
// `waitUntil` promises are awaited) runs `n` requests while V8's sampling profiler records. Prints
// the frames that hold the most samples, by self and by total, and writes the whole profile (for
// Chrome's DevTools or speedscope) to bench/profiles/<variant>.cpuprofile, with the bundled
// script its line numbers refer to beside it (<variant>.mjs).
// Run: pnpm --filter @edgetrace/bench profile [variant] [concurrency] [requests]
import { mkdirSync, writeFileSync } from 'node:fs';
import { bundle } from './worker-bundle.ts';
import { POOL } from './worker-pool.ts';
import { startWorker } from './workerd.ts';

const [variant = 'edgetrace', concurrency = '50', requests = '20000'] = process.argv.slice(2);
const BATCH = 2000;
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

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Sends inspector commands over one WebSocket and resolves each with its result. */
async function inspector(
  url: string,
): Promise<{ send: (method: string, params?: object) => Promise<unknown>; close: () => void }> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.addEventListener('open', resolve);
    socket.addEventListener('error', reject);
  });
  const waiting = new Map<number, (result: unknown) => void>();
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result ?? message.error);
  });
  let id = 0;
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      id++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** The frames holding the most samples (idle left out), as percentages: by self, and by total. */
function summarize(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = ({ callFrame }: ProfileNode) =>
    `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').pop() ?? ''}:${callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let busy = 0;
  for (const sample of profile.samples) {
    const leaf = byId.get(sample);
    if (leaf === undefined || leaf.callFrame.functionName === '(idle)') continue;
    busy++;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + 1);
    const seen = new Set<string>();
    for (
      let node: ProfileNode | undefined = leaf;
      node !== undefined;
      node = byId.get(parent.get(node.id) ?? -1)
    ) {
      if (!seen.has(name(node))) total.set(name(node), (total.get(name(node)) ?? 0) + 1);
      seen.add(name(node));
    }
  }
  const rows = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([frame, count]) => `${((100 * count) / busy).toFixed(1).padStart(5)}%  ${frame}`)
      .join('\n');
  return `${busy} busy samples\n\nself:\n${rows(self)}\n\ntotal:\n${rows(total)}`;
}

const script = new TextDecoder().decode(await bundle(ENTRY, 'neutral', false, { COALESCE_MS: '50' }));
const mf = startWorker(script, { inspectorPort: INSPECTOR_PORT });
const base = await mf.ready;
const run = async (n: number): Promise<void> => {
  const answer = await (await mf.dispatchFetch(`${base}?n=${n}&c=${concurrency}`)).text();
  if (answer !== 'done') throw new Error(answer.slice(0, 300));
};
await run(BATCH); // warm-up, unprofiled
const targets = (await (await fetch(`http://127.0.0.1:${INSPECTOR_PORT}/json`)).json()) as {
  title: string;
  webSocketDebuggerUrl: string;
}[];
const target = targets.find((t) => t.title.includes('core:user'));
if (target === undefined) throw new Error(`no user Worker among ${targets.map((t) => t.title).join(', ')}`);
const session = await inspector(target.webSocketDebuggerUrl);
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

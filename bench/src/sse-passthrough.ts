// SSE pass-through in workerd: a Worker proxies a fast event stream (OpenAI's chat chunks, or
// Anthropic's events with the argument `anthropic`) from a Node server on 127.0.0.1, untraced
// (the upstream body returned as is), through a bare JS pull stream that does nothing (the floor
// any JS observer of the chunks pays), and traced (tracing() + instrumentInference()).
// Throughput (MB/s, events/s), the delay of the first chunk as the client sees them, and
// workerd's CPU per event. Run: pnpm --filter @edgetrace/bench sse [anthropic]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { median } from './stats.ts';
import { startWorker } from './workerd.ts';
import { cpuNs, workerdPids } from './workerd-cpu.ts';

const EVENTS = 20_000;
const RUNS = 9;

/**
 * The stream proxied, by protocol (`anthropic` on the command line; OpenAI's chat chunks by
 * default): its events, shaped as the protocol's recordings are, its path, and the least an
 * observer that must know whether any event carries a fact does with a chunk's text (edgetrace's
 * checks, in the Worker's source below, as `verify`).
 */
const PROTOCOLS = {
  openai: {
    path: '/v1/chat/completions',
    event: (i: number) =>
      `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama","choices":[{"index":0,"delta":{"content":"token ${i} "},"finish_reason":null}]}\n\n`,
    tail: `data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":${EVENTS}}}\n\ndata: [DONE]\n\n`,
    head: '',
    // The one regular expression over the text, one search back from each event's end.
    verify: `(text) => {
      if (/(?:_reason":\\s*"|usage":\\s*\\{|error"\\s*[:,}\\]])/.test(text)) seen++;
      let start = 0;
      for (let end = text.indexOf('\\n'); end >= 0; end = text.indexOf('\\n', start)) {
        if (text.lastIndexOf('"finish_reason":null', end) >= start) seen++;
        start = end + 2;
      }
    }`,
  },
  anthropic: {
    path: '/v1/messages',
    event: (i: number) =>
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"token ${i} "}}\n\n`,
    head: 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\nevent: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
    tail: `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\nevent: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":${EVENTS}}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n`,
    // Each event's start compared with a text delta's head, each event's end searched for.
    verify: `(text) => {
      const head = 'event: content_block_delta\\ndata: {"type":"content_block_delta"';
      for (let start = 0; start < text.length; ) {
        if (text.startsWith(head, start)) seen++;
        const end = text.indexOf('\\n\\n', start + 1);
        if (end < 0) break;
        start = end + 2;
      }
    }`,
  },
};
const protocolName = process.argv[2] ?? 'openai';
if (!(protocolName in PROTOCOLS))
  throw new Error(`no protocol ${protocolName}: ${Object.keys(PROTOCOLS).join(', ')}`);
const PROTOCOL = PROTOCOLS[protocolName as keyof typeof PROTOCOLS];
const event = PROTOCOL.event;
/** The events in the stream: the text deltas and the protocol's head and tail. */
const STREAM_EVENTS = EVENTS + (PROTOCOL.head + PROTOCOL.tail).split('\n\n').length - 1;
const BODY = Buffer.from(
  `${PROTOCOL.head}${Array.from({ length: EVENTS }, (_, i) => event(i)).join('')}${PROTOCOL.tail}`,
);

// The upstream writes the first event at once, then the rest in 64 KiB writes.
const upstream = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const first = Buffer.byteLength(PROTOCOL.head || event(0));
  res.write(BODY.subarray(0, first));
  for (let at = first; at < BODY.length; at += 65_536) res.write(BODY.subarray(at, at + 65_536));
  res.end();
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const WORKER = `
import { tracing } from '@edgetrace/hono';
import { instrumentInference } from '@edgetrace/inference';
import { Hono } from 'hono';
const app = new Hono();
const CALL = { method: 'POST', body: '{"model":"llama","stream":true}' };
const PATH = ${JSON.stringify(PROTOCOL.path)};
// In isolation (\`?local\`), the upstream is the same bytes from memory, in the 4 KiB chunks workerd
// reads from the network here: no socket, no client, only the JavaScript on the stream's path.
let chunks;
const fromMemory = async (_url, _init) => {
  if (chunks === undefined) {
    const bytes = new TextEncoder().encode(BODY_TEXT);
    chunks = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => bytes.subarray(i * 4096, (i + 1) * 4096));
  }
  let next = 0;
  const body = new ReadableStream({
    pull(controller) {
      if (next < chunks.length) controller.enqueue(chunks[next++].slice());
      else controller.close();
    },
  }, { highWaterMark: 0 });
  return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
};
const upstreamOf = (c) => (c.req.query('local') === undefined ? fetch(c.env.UPSTREAM + PATH, CALL) : fromMemory());
app.post('/untraced', (c) => upstreamOf(c));
// The floor, twice: a pull stream with the default queue (it reads one chunk ahead of its
// consumer), and with none (highWaterMark 0: it reads only when asked, as edgetrace's watcher
// must, to tell a body nobody reads from one being read).
const jsStream = (highWaterMark, look) => async (c) => {
  const upstream = await upstreamOf(c);
  const reader = upstream.body.getReader();
  const decoder = new TextDecoder();
  const body = new ReadableStream({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else {
        look?.(decoder.decode(value, { stream: true }));
        controller.enqueue(value);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  }, highWaterMark === undefined ? undefined : { highWaterMark });
  return new Response(body, upstream);
};
app.post('/js-stream', jsStream(undefined));
app.post('/js-stream-on-demand', jsStream(0));
// The least an observer that must know whether any event carries a fact does: the on-demand
// floor's stream, with each chunk decoded and edgetrace's checks over it (without a span, a
// parser or a watcher). What they find is kept so that no work is optimised away.
let seen = 0;
const verify = ${PROTOCOL.verify};
app.post('/js-stream-verify', jsStream(0, verify));
app.get('/seen', (c) => c.text(String(seen)));
const traced = new Hono();
traced.use(tracing({ serviceName: 'bench', exporter: { export: async () => ({ ok: true }) } }));
const inference = instrumentInference(fetch);
const inferenceFromMemory = instrumentInference(fromMemory);
traced.post('/traced', (c) =>
  (c.req.query('local') === undefined ? inference : inferenceFromMemory)(c.env.UPSTREAM + PATH, CALL),
);
// Runs \`n\` requests of \`path\` in isolation, each body read to its end by the Worker itself.
app.get('/in-isolate', async (c) => {
  for (let i = 0; i < Number(c.req.query('n')); i++) {
    const response = await app.request(c.req.query('path') + '?local', { method: 'POST' }, c.env, c.executionCtx);
    const reader = response.body.getReader();
    let bytes = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) bytes += read.value.byteLength;
    if (bytes !== BODY_BYTES) throw new Error(c.req.query('path') + ': ' + bytes + ' bytes');
  }
  return c.text('ok');
});
app.route('/', traced);
export default app;
`;

const bundled = await build({
  stdin: { contents: WORKER, resolveDir: import.meta.dirname, loader: 'ts' },
  define: { BODY_TEXT: JSON.stringify(BODY.toString()), BODY_BYTES: String(BODY.length) },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'import'],
  external: ['node:*'],
  write: false,
  logLevel: 'error',
});
const mf = startWorker(bundled.outputFiles[0]?.text ?? '', { bindings: { UPSTREAM: upstreamUrl } });
const base = await mf.ready;

interface Run {
  seconds: number;
  firstChunkMs: number;
  bytes: number;
  /** workerd CPU over the run, every thread, in µs. */
  cpuUs: number;
}

const pids = workerdPids();

async function once(path: string): Promise<Run> {
  const cpuBefore = cpuNs(pids);
  const t0 = performance.now();
  const response = await mf.dispatchFetch(`${base}${path.slice(1)}`, { method: 'POST' });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let firstChunkMs = Number.NaN;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (bytes === 0) firstChunkMs = performance.now() - t0;
    bytes += value.byteLength;
  }
  if (bytes !== BODY.length) throw new Error(`${path}: got ${bytes} bytes, expected ${BODY.length}`);
  return {
    seconds: (performance.now() - t0) / 1000,
    firstChunkMs,
    bytes,
    cpuUs: (cpuNs(pids) - cpuBefore) / 1000,
  };
}

const results: Record<string, Run[]> = {
  '/untraced': [],
  '/js-stream': [],
  '/js-stream-on-demand': [],
  '/traced': [],
};
for (const path of Object.keys(results)) await once(path); // warm-up
for (let run = 0; run < RUNS; run++) {
  for (const path of Object.keys(results)) results[path]?.push(await once(path));
}

// In isolation: workerd CPU per event of each route's stream made and read inside the Worker.
const ISOLATED = ['/untraced', '/js-stream', '/js-stream-on-demand', '/js-stream-verify', '/traced'];
const ISOLATED_REQUESTS = 5;
const isolated: Record<string, number[]> = Object.fromEntries(ISOLATED.map((path) => [path, []]));
const inIsolation = async (path: string): Promise<number> => {
  const cpuBefore = cpuNs(pids);
  const response = await mf.dispatchFetch(`${base}in-isolate?path=${path}&n=${ISOLATED_REQUESTS}`);
  if ((await response.text()) !== 'ok') throw new Error(`${path} in isolation failed`);
  return (cpuNs(pids) - cpuBefore) / 1000 / ISOLATED_REQUESTS / STREAM_EVENTS;
};
for (const path of ISOLATED) await inIsolation(path); // warm-up
for (let run = 0; run < RUNS; run++) {
  for (const path of ISOLATED) isolated[path]?.push(await inIsolation(path));
}
await mf.dispose();
upstream.close();

const row = (path: string) => {
  const runs = results[path] ?? [];
  const mbps = runs.map((r) => r.bytes / 1e6 / r.seconds);
  const eps = runs.map((r) => STREAM_EVENTS / r.seconds);
  const first = runs.map((r) => r.firstChunkMs);
  return {
    cpuPerEvent: median(runs.map((r) => r.cpuUs / STREAM_EVENTS)),
    mbps: median(mbps),
    eps: median(eps),
    first: median(first),
    mbpsMin: Math.min(...mbps),
    mbpsMax: Math.max(...mbps),
  };
};
const untraced = row('/untraced');
const floor = row('/js-stream');
const onDemand = row('/js-stream-on-demand');
const traced = row('/traced');
console.log(
  `SSE pass-through in workerd, ${protocolName}: ${STREAM_EVENTS} events, ${(BODY.length / 1e6).toFixed(2)} MB, median of ${RUNS} runs\n`,
);
console.log('| proxy | MB/s (min–max) | events/s | first chunk (ms) | workerd CPU per event (µs) |');
console.log('| --- | --- | --- | --- | --- |');
for (const [name, r] of [
  ['untraced (the body piped natively)', untraced],
  ['bare JS pull stream, no work (the floor)', floor],
  ['the same, reading only when asked (highWaterMark 0)', onDemand],
  ['traced (tracing + instrumentInference)', traced],
] as const) {
  console.log(
    `| ${name} | ${r.mbps.toFixed(1)} (${r.mbpsMin.toFixed(1)}–${r.mbpsMax.toFixed(1)}) | ${Math.round(r.eps).toLocaleString('en')} | ${r.first.toFixed(2)} | ${r.cpuPerEvent.toFixed(2)} |`,
  );
}
console.log(
  `\nThroughput against the JS-stream floor: ${(traced.mbps / floor.mbps).toFixed(2)} (goal: at least 0.85)`,
);
console.log(
  `CPU per event over the floor: ${(traced.cpuPerEvent - floor.cpuPerEvent).toFixed(2)} µs; a 1,000-token generation: ${(((traced.cpuPerEvent - untraced.cpuPerEvent) * 1000) / 1000).toFixed(2)} ms over untraced`,
);
console.log(`First chunk added: ${(traced.first - untraced.first).toFixed(2)} ms (goal: under 1 ms)`);

const isolatedCpu = (path: string): number => median(isolated[path] ?? []);
console.log(
  '\nIn isolation (the same bytes from memory in 4 KiB chunks, read by the Worker itself; workerd CPU per event, µs, median (min–max)):\n',
);
console.log('| stream | CPU per event (µs) |');
console.log('| --- | --- |');
for (const [name, path] of [
  ['untraced (the upstream body returned)', '/untraced'],
  ['bare JS pull stream (the floor)', '/js-stream'],
  ['the same, reading only when asked', '/js-stream-on-demand'],
  ["the on-demand floor with edgetrace's checks only", '/js-stream-verify'],
  ['traced', '/traced'],
] as const) {
  const runs = isolated[path] ?? [];
  console.log(
    `| ${name} | ${isolatedCpu(path).toFixed(3)} (${Math.min(...runs).toFixed(3)}–${Math.max(...runs).toFixed(3)}) |`,
  );
}
console.log(
  `\nIn isolation, traced against the floor by CPU: ${(isolatedCpu('/js-stream') / isolatedCpu('/traced')).toFixed(2)}; against the floor that reads only when asked: ${(isolatedCpu('/js-stream-on-demand') / isolatedCpu('/traced')).toFixed(2)}; the checks alone against the floor that reads only when asked: ${(isolatedCpu('/js-stream-on-demand') / isolatedCpu('/js-stream-verify')).toFixed(2)}`,
);

// The demo's conductor: starts the viewer (OTLP receiver + waterfalls), the mock GPU server and
// the demo Worker under `wrangler dev`, all on 127.0.0.1; sends scripted requests through the
// Worker; lets the viewer print each trace; then prints where to look. Runs until Ctrl-C, or
// exits once everything is printed with --once. Logs of the mock and wrangler go to .demo/.
// Ports: --viewer-port 4318, --mock-port 8000, --worker-port 8787 (a busy default is replaced by
// a free port, and the demo says so; see demo-ports.js).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { choosePorts } from './demo-ports.js';

const { values } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    'viewer-port': { type: 'string' },
    'mock-port': { type: 'string' },
    'worker-port': { type: 'string' },
  },
});
const wanted = (name, option, fallback) => ({
  name,
  option,
  port: Number(values[option] ?? fallback),
  explicit: values[option] !== undefined,
});
let ports;
try {
  ports = await choosePorts([
    wanted('viewer', 'viewer-port', 4318),
    wanted('mock GPU server', 'mock-port', 8000),
    wanted('Worker', 'worker-port', 8787),
  ]);
} catch (error) {
  console.error(`demo: ${error.message}`);
  process.exit(1);
}
const VIEWER_PORT = ports.viewer;
const MOCK_PORT = ports['mock GPU server'];
const WORKER_PORT = ports.Worker;
const viewer = `http://127.0.0.1:${VIEWER_PORT}`;
const mock = `http://127.0.0.1:${MOCK_PORT}`;
const worker = `http://127.0.0.1:${WORKER_PORT}`;
const children = [];
mkdirSync('.demo', { recursive: true });

function start(name, command, args, options = {}) {
  const log = createWriteStream(`.demo/${name}.log`);
  const child = spawn(command, args, {
    stdio: ['ignore', options.inherit ? 'inherit' : 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', ...options.env },
    cwd: options.cwd,
  });
  child.stdout?.pipe(log);
  child.stderr.pipe(log);
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`\n${name} stopped unexpectedly (exit ${code}); see .demo/${name}.log`);
      stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function waitFor(name, url, seconds = 60) {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not come up at ${url} within ${seconds} s; see .demo/${name}.log`);
}

const step = (text) => console.log(`\n\x1b[1m▸ ${text}\x1b[0m`);

async function chat(body, headers = {}) {
  return fetch(`${worker}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Prints the tokens of an OpenAI-style event stream as they arrive. */
async function printStream(response) {
  const decoder = new TextDecoder();
  let buffer = '';
  process.stdout.write('  ');
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer.slice(0, end).replace(/^data: ?/, '');
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        try {
          const json = JSON.parse(data);
          process.stdout.write(json.choices?.[0]?.delta?.content ?? json.text_output ?? '');
        } catch {
          // [DONE] or a malformed chunk
        }
      }
    }
    process.stdout.write('\n');
  } catch (error) {
    process.stdout.write(`\n  (the stream broke off: ${error.message})\n`);
  }
}

const traceOf = (response) =>
  /trace;desc=00-([0-9a-f]{32})-/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? '?';

async function main() {
  step('starting the viewer, the mock GPU server and the demo Worker (wrangler dev)');
  start('viewer', process.execPath, ['apps/viewer/dist/main.mjs', '--port', String(VIEWER_PORT)], {
    inherit: true,
  });
  start('mock', process.execPath, [
    'apps/mock-inference/dist/main.mjs',
    '--port',
    String(MOCK_PORT),
    '--otlp',
    `${viewer}/v1/traces`,
  ]);
  start(
    'worker',
    'pnpm',
    [
      'exec',
      'wrangler',
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(WORKER_PORT),
      '--show-interactive-dev-session=false',
      '--log-level',
      'warn',
      '--var',
      `INFERENCE_URL:${mock}`,
      '--var',
      `OTEL_EXPORTER_OTLP_ENDPOINT:${viewer}`,
    ],
    { cwd: 'apps/demo-worker' },
  );
  await waitFor('viewer', `${viewer}/api/traces`);
  await waitFor('mock', `${mock}/healthz`);
  await waitFor('worker', `${worker}/healthz`, 120);
  console.log(`  viewer ${viewer} · mock GPU server ${mock} · Worker ${worker}`);

  step('1. streaming chat completion through the Worker (proxy pattern)');
  const streamed = await chat({
    model: 'llama-3.1-8b-instruct',
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 12,
    messages: [{ role: 'user', content: 'Tell me about the fox' }],
  });
  await printStream(streamed);
  console.log(`  trace ${traceOf(streamed)}`);

  step('2. the same, not streamed');
  const whole = await chat({
    model: 'qwen2.5-7b-instruct',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'Hi' }],
  });
  const answer = await whole.json();
  console.log(`  ${answer.choices?.[0]?.message?.content} (trace ${traceOf(whole)})`);

  step('3. Triton-style generate_stream');
  const triton = await fetch(`${worker}/generate`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'Grüß Gott', model: 'ensemble', stream: true, max_tokens: 6 }),
  });
  await printStream(triton);

  step('4. two models in parallel');
  const compare = await fetch(`${worker}/compare`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'Hello' }),
  });
  for (const a of (await compare.json()).answers) console.log(`  ${a.model}: ${a.text}`);

  step('5. injected upstream failures: an overloaded GPU (503) and a stream cut off mid-generation');
  const failed = await chat(
    { model: 'llama-3.1-8b-instruct', max_tokens: 8, messages: [] },
    { 'x-mock-fault': 'status=503' },
  );
  console.log(`  HTTP ${failed.status}: ${await failed.text()}`);
  const cut = await chat(
    { model: 'llama-3.1-8b-instruct', stream: true, max_tokens: 12, messages: [] },
    { 'x-mock-fault': 'abort=4' },
  );
  await printStream(cut);

  step('6. a generation queued for later: the queue consumer runs it in the same trace');
  const job = await fetch(`${worker}/jobs`, {
    method: 'POST',
    body: JSON.stringify({ prompt: 'Summarise the fox, later', model: 'qwen2.5-7b-instruct' }),
  });
  console.log(`  HTTP ${job.status}: ${await job.text()} (trace ${traceOf(job)})`);

  step('the viewer prints each trace as its spans arrive:');
  const expected = 8;
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const traces = await (await fetch(`${viewer}/api/traces`)).json();
    if (traces.length >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500)); // the viewer prints after a quiet second
  console.log(
    `\n\x1b[1mOpen ${viewer} for the trace list, each trace's waterfall (where a generation spent its time) and the service levels per model.\x1b[0m`,
  );
  console.log(
    `Send your own: curl -N ${worker}/v1/chat/completions -d '{"model":"llama","stream":true,"messages":[]}'`,
  );
  if (values.once) stop(0);
  else console.log('Ctrl-C stops everything.');
}

main().catch((error) => {
  console.error(`\ndemo failed: ${error.message}`);
  stop(1);
});

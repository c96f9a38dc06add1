// Every runtime the READMEs claim, tested with the packages as published: the current Node, the
// oldest Node 22 (22.0.0), Bun and Deno — each from the npm registry (scripts/runtimes.sh) — run
// the same smoke app (test/fixtures/runtime-smoke.mjs) against a recorded chat stream and a
// receiver that checks every body against the official OTLP definitions. Deno runs without
// --allow-env: an environment it may not read must be an unset one.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES, loadRecording } from '../packages/inference/src/test-support/recordings.js';
import { type ReplayServer, startReplay } from '../packages/inference/src/test-support/replay-server.js';
import { attribute, type ExportedSpan, receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';

const run = promisify(execFile);
const root = new URL('../', import.meta.url).pathname;

let paths: Record<string, string> = {};
let receiver: Receiver;
let upstream: ReplayServer;

beforeAll(async () => {
  const { stdout } = await run('bash', ['scripts/runtimes.sh'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  paths = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => line.split('=') as [string, string]),
  );
  receiver = await startReceiver();
  upstream = await startReplay();
  const recorded = CASES.find((c) => c.name === 'openai-family/openai-chat-stream-usage');
  if (recorded === undefined) throw new Error('recording missing');
  upstream.serve(loadRecording(recorded));
}, 300_000);
afterAll(async () => {
  await receiver?.close();
  await upstream?.close();
});

const RUNTIMES: { name: string; command: (script: string) => [string, string[]]; service: string }[] = [
  { name: 'Node (current)', command: (script) => [paths.node ?? '', [script]], service: 'smoke' },
  {
    name: 'Node 22.0.0, the oldest claimed',
    command: (script) => [paths['node-oldest'] ?? '', [script]],
    service: 'smoke',
  },
  { name: 'Bun', command: (script) => [paths.bun ?? '', [script]], service: 'smoke' },
  {
    name: 'Deno, without --allow-env',
    command: (script) => [paths.deno ?? '', ['run', '--allow-net=127.0.0.1', '--allow-read', script]],
    service: 'smoke',
  },
];

/** Runs a smoke script in the bare app with a runtime, against the receiver and the upstream; returns its report. */
async function runSmoke(command: (script: string) => [string, string[]], script: string) {
  await receiver.reset();
  upstream.received.length = 0;
  const [binary, args] = command(script);
  const { stdout } = await run(binary, [...args, receiver.url, upstream.url], {
    cwd: paths.app,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
}

describe.each(RUNTIMES)('$name', ({ command, service }) => {
  it('traces a Hono request that awaits, then streams a chat completion, and exports it', async () => {
    const report = await runSmoke(command, 'smoke.mjs');
    expect(report).toMatchObject({ status: 200, asyncContext: true, serviceName: service });
    expect(report.bytes).toBeGreaterThan(0);
    await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 10_000 }).toBe(2);
    const spans = await receivedSpans(receiver.url);
    const server = spans.find((s) => s.kind === 2);
    const client = spans.find((s) => s.kind === 3);
    expect(server?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    // After the await, the inference call is still the server span's child.
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(client?.name).toBe('chat smoke-model');
    const usage = (span: ExportedSpan | undefined) =>
      span?.attributes?.find((a) => a.key === 'gen_ai.usage.output_tokens')?.value;
    expect(usage(client)).toEqual({ intValue: '9' });
    expect(upstream.received[0]?.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
  }, 60_000);

  it('traces the runtime’s own server through instrumentHandler: one call out, one stream back', async () => {
    const report = await runSmoke(command, 'handler-smoke.mjs');
    expect(report).toMatchObject({ status: 200, contentType: 'text/event-stream', asyncContext: true });
    expect(report.events).toBeGreaterThan(1);
    await expect.poll(async () => (await receivedSpans(receiver.url)).length, { timeout: 10_000 }).toBe(2);
    const spans = await receivedSpans(receiver.url);
    const server = spans.find((s) => s.kind === 2);
    const client = spans.find((s) => s.kind === 3);
    expect(server?.name).toBe('POST /chat');
    expect(server?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(server?.parentSpanId).toBe('00f067aa0ba902b7');
    expect(client?.parentSpanId).toBe(server?.spanId);
    expect(client?.name).toBe('chat smoke-model');
    // The server span ended with the stream it passed on, so it saw every byte.
    expect(Number(attribute(server, 'http.response.body.size'))).toBeGreaterThan(0);
    expect(attribute(server, 'edgetrace.response.cancelled')).toBeUndefined();
    expect(upstream.received[0]?.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-/);
  }, 60_000);
});

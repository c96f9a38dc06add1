// The mock GPU server as a Hono app: OpenAI-compatible `/v1/chat/completions` and
// `/v1/completions`, Triton-style `/v2/models/{model}/generate` and `generate_stream`. It is
// traced like a real server: a SERVER span (from `tracing()`), with `queue`, `prefill` and
// `decode` children, as Triton reports request and compute spans.
import type { EdgeTracerProvider } from '@edgetrace/core';
import { tracing } from '@edgetrace/hono';
import { type Context as OtelContext, ROOT_CONTEXT, type Span, SpanStatusCode } from '@opentelemetry/api';
import { type Context, Hono } from 'hono';
import { type Format, openaiFormat, tritonFormat, type Usage } from './formats.js';
import { type Plan, type PlanDefaults, planFor, token } from './tokens.js';

export interface MockInferenceOptions extends PlanDefaults {
  /** Where the mock's own spans go. @default not traced */
  provider?: EdgeTracerProvider;
}

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function errorBody(status: number): { error: { message: string; type: string; code: number } } {
  const type = status === 429 ? 'rate_limit_error' : status === 503 ? 'overloaded_error' : 'server_error';
  return { error: { message: `mock fault: HTTP ${status}`, type, code: status } };
}

function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => w !== '').length;
}

export function createMockInference(options: MockInferenceOptions = {}): Hono {
  const app = new Hono();
  const { provider } = options;
  if (provider !== undefined) app.use(tracing({ provider, register: false, skip: ['/healthz'] }));
  const tracer = provider?.getTracer('mock-inference');
  let requests = 0;

  function phase(
    name: string,
    parent: OtelContext,
    attributes: Record<string, number | string> = {},
  ): Span | undefined {
    return tracer?.startSpan(name, { attributes }, parent);
  }

  async function generate(
    c: Context,
    plan: Plan,
    format: Format,
    stream: boolean,
    promptTokens: number,
  ): Promise<Response> {
    if (plan.fault?.kind === 'status') return c.json(errorBody(plan.fault.status), plan.fault.status as 500);
    const parent = provider === undefined ? ROOT_CONTEXT : c.get('traceContext');
    const queue = phase('queue', parent, { 'mock.queue_ms': plan.queueMs });
    await sleep(plan.queueMs);
    queue?.end();
    const prefill = phase('prefill', parent, { 'gen_ai.usage.input_tokens': promptTokens });
    await sleep(plan.prefillMs);
    prefill?.end();
    const decode = phase('decode', parent, { 'mock.token_ms': plan.tokenMs });
    const usage = (n: number): Usage => ({
      prompt_tokens: promptTokens,
      completion_tokens: n,
      total_tokens: promptTokens + n,
    });
    const finish = 'length';

    if (!stream) {
      await sleep(plan.tokenMs * plan.tokens);
      decode?.setAttribute('gen_ai.usage.output_tokens', plan.tokens);
      decode?.end();
      const text = Array.from({ length: plan.tokens }, (_, i) => token(i)).join('');
      return c.json(format.whole(text, finish, usage(plan.tokens)) as Record<string, unknown>);
    }

    let sent = 0;
    const { fault } = plan;
    const endDecode = (attributes: Record<string, boolean | number>, error?: string) => {
      decode?.setAttributes({ 'gen_ai.usage.output_tokens': sent, ...attributes });
      if (error !== undefined) decode?.setStatus({ code: SpanStatusCode.ERROR, message: error });
      decode?.end();
    };
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          for (const event of format.opening()) controller.enqueue(encoder.encode(event));
        },
        async pull(controller) {
          await sleep(plan.tokenMs);
          if (fault?.kind === 'abort' && sent === fault.after) {
            endDecode({}, 'aborted mid-stream (mock fault)');
            controller.error(new Error('mock fault: aborted mid-stream'));
            return;
          }
          if (fault?.kind === 'malformed' && sent === fault.after) {
            controller.enqueue(encoder.encode('data: {"choices": [ this is not JSON\n\n'));
          }
          if (sent < plan.tokens) {
            controller.enqueue(encoder.encode(format.token(token(sent))));
            sent++;
            return;
          }
          for (const event of format.closing(finish, usage(sent))) controller.enqueue(encoder.encode(event));
          endDecode({});
          controller.close();
        },
        cancel() {
          endDecode({ 'mock.client_cancelled': true });
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  }

  async function readJson(c: Context): Promise<Record<string, unknown>> {
    try {
      const body: unknown = await c.req.json();
      return body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  for (const chat of [true, false]) {
    app.post(chat ? '/v1/chat/completions' : '/v1/completions', async (c) => {
      const body = await readJson(c);
      const model = typeof body.model === 'string' ? body.model : 'mock-model';
      const prompt = chat ? JSON.stringify(body.messages ?? '') : String(body.prompt ?? '');
      const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
      const format = openaiFormat(chat, model, `mock-${++requests}`, streamOptions?.include_usage === true);
      const plan = planFor(c.req.raw.headers, body.max_completion_tokens ?? body.max_tokens, options);
      return generate(c, plan, format, body.stream === true, countWords(prompt));
    });
  }

  for (const streamed of [false, true]) {
    app.post(`/v2/models/:model/generate${streamed ? '_stream' : ''}`, async (c) => {
      const body = await readJson(c);
      const plan = planFor(c.req.raw.headers, body.max_tokens, options);
      const prompt = typeof body.text_input === 'string' ? body.text_input : '';
      return generate(c, plan, tritonFormat(c.req.param('model')), streamed, countWords(prompt));
    });
  }

  app.get('/v1/models', (c) => c.json({ object: 'list', data: [{ id: 'mock-model', object: 'model' }] }));
  app.get('/healthz', (c) => c.text('ok'));
  return app;
}

// The demo Worker: every edgetrace package in one deployable Worker. An OpenAI-compatible
// `/v1/chat/completions` proxy (streamed or not), a Triton-style `/generate`, a route that asks two
// models at once, `/models` through a plain traced fetch, `/jobs`, which queues a generation that
// the Worker's own queue consumer runs in the same trace, and an untraced `/healthz`.
import { instrumentFetch } from '@edgetrace/fetch';
import { instrumentQueue, instrumentWorker, type QueueBatch, type QueueProducer } from '@edgetrace/handler';
import { logFields, tracing } from '@edgetrace/hono';
import { instrumentInference } from '@edgetrace/inference';
import { Hono } from 'hono';

/** The Worker's vars and secrets (wrangler.jsonc, .dev.vars, `wrangler secret put`). */
export interface Env {
  INFERENCE_URL: string;
  /** The job queue (wrangler.jsonc `queues`): `/jobs` sends to it, `queue` below consumes it. */
  JOBS: QueueProducer<Job>;
  INFERENCE_API_KEY?: string;
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_HEADERS?: string;
  OTEL_SERVICE_NAME?: string;
  OTEL_TRACES_SAMPLER?: string;
  OTEL_TRACES_SAMPLER_ARG?: string;
}

const app = new Hono<{ Bindings: Env }>();
// OTEL_* come from env, once per isolate; spans leave in waitUntil after the response.
app.use(tracing({ skip: ['/healthz'], traceResponse: true }));
const inference = instrumentInference(fetch);
const tracedFetch = instrumentFetch(fetch);

/** Headers for the GPU server: JSON, the API key if set, and the mock's `x-mock-*` fault knobs. */
function upstreamHeaders(env: Env, incoming: Headers): Headers {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (env.INFERENCE_API_KEY) headers.set('authorization', `Bearer ${env.INFERENCE_API_KEY}`);
  for (const [name, value] of incoming) if (name.startsWith('x-mock-')) headers.set(name, value);
  return headers;
}

const base = (env: Env): string => env.INFERENCE_URL.replace(/\/+$/, '');

app.get('/healthz', (c) => c.text('ok'));

// The proxy pattern: the upstream's answer (an event stream when the body asks for one) goes back as is.
app.post('/v1/chat/completions', (c) =>
  inference(`${base(c.env)}/v1/chat/completions`, {
    method: 'POST',
    headers: upstreamHeaders(c.env, c.req.raw.headers),
    body: c.req.raw.body,
  }),
);

// Triton's generate extension: { prompt, model?, stream?, max_tokens? }.
app.post('/generate', async (c) => {
  const input = (await c.req.json().catch(() => ({}))) as {
    prompt?: string;
    model?: string;
    stream?: boolean;
    max_tokens?: number;
  };
  const model = encodeURIComponent(input.model ?? 'ensemble');
  const path = input.stream === true ? 'generate_stream' : 'generate';
  return inference(`${base(c.env)}/v2/models/${model}/${path}`, {
    method: 'POST',
    headers: upstreamHeaders(c.env, c.req.raw.headers),
    body: JSON.stringify({
      text_input: input.prompt ?? '',
      max_tokens: input.max_tokens ?? 16,
      stream: input.stream === true,
    }),
  });
});

// Two models at once: two inference spans side by side under this request's span.
app.post('/compare', async (c) => {
  const input = (await c.req.json().catch(() => ({}))) as { prompt?: string; models?: string[] };
  const models = input.models ?? ['llama-3.1-8b-instruct', 'qwen2.5-7b-instruct'];
  const answers = await Promise.all(
    models.map(async (model) => {
      const response = await inference(`${base(c.env)}/v1/chat/completions`, {
        method: 'POST',
        headers: upstreamHeaders(c.env, c.req.raw.headers),
        body: JSON.stringify({
          model,
          max_tokens: 12,
          messages: [{ role: 'user', content: input.prompt ?? 'Hello' }],
        }),
      });
      const body = (await response.json().catch(() => null)) as {
        choices?: { message?: { content?: string } }[];
      } | null;
      return { model, status: response.status, text: body?.choices?.[0]?.message?.content ?? null };
    }),
  );
  console.log(JSON.stringify({ msg: 'compared models', models, ...logFields(c) }));
  return c.json({ answers });
});

// A plain call: an HTTP client span, no GenAI attributes.
app.get('/models', (c) => tracedFetch(`${base(c.env)}/v1/models`));

/** A generation to run in the background. */
interface Job {
  prompt: string;
  model: string;
}

/** The queue's name, as in wrangler.jsonc. */
const JOBS_QUEUE = 'edgetrace-demo-jobs';

// A generation for later: the message carries this trace to the consumer below.
app.post('/jobs', async (c) => {
  const input = (await c.req.json().catch(() => ({}))) as Partial<Job>;
  const job: Job = { prompt: input.prompt ?? 'Hello', model: input.model ?? 'llama-3.1-8b-instruct' };
  await instrumentQueue(c.env.JOBS, { name: JOBS_QUEUE }).send(job);
  return c.json({ queued: job }, 202);
});

/** The queue consumer: each job is a generation, in the trace of the request that queued it. */
async function runJobs(batch: QueueBatch, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const job = message.body as Job;
    const response = await inference(`${base(env)}/v1/chat/completions`, {
      method: 'POST',
      headers: upstreamHeaders(env, new Headers()),
      body: JSON.stringify({
        model: job.model,
        max_tokens: 8,
        messages: [{ role: 'user', content: job.prompt }],
      }),
    });
    await response.text();
  }
}

// tracing() traces fetch; instrumentWorker traces the queue handler with the same provider.
const events = instrumentWorker({ queue: runJobs });

export default { fetch: app.fetch, queue: events.queue };

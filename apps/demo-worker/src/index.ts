// The demo Worker: every edgetrace package in one deployable Worker. An OpenAI-compatible
// `/v1/chat/completions` proxy (streamed or not), a Triton-style `/generate`, a route that asks two
// models at once, `/models` through a plain traced fetch, and an untraced `/healthz`.
import { instrumentFetch } from '@edgetrace/fetch';
import { logFields, tracing } from '@edgetrace/hono';
import { instrumentInference } from '@edgetrace/inference';
import { Hono } from 'hono';

/** The Worker's vars and secrets (wrangler.jsonc, .dev.vars, `wrangler secret put`). */
export interface Env {
  INFERENCE_URL: string;
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

export default app;

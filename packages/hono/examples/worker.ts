import { instrumentFetch } from '@edgetrace/fetch';
import { logFields, tracing } from '@edgetrace/hono';
import { Hono } from 'hono';

const app = new Hono<{ Bindings: { INFERENCE_URL: string } }>();
app.use(tracing({ skip: ['/healthz'] })); // OTEL_* from env; spans leave in waitUntil
const tracedFetch = instrumentFetch(fetch); // CLIENT spans; W3C context to private hosts

app.get('/healthz', (c) => c.text('ok'));
app.get('/models', async (c) => {
  console.log(JSON.stringify({ msg: 'listing models', ...logFields(c) }));
  return tracedFetch(`${c.env.INFERENCE_URL}/v1/models`); // the GPU server joins the trace
});

export default app;

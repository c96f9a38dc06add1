import { instrumentFetch } from '@edgetrace/fetch';
import { instrumentQueue, instrumentWorker, type QueueBatch, type QueueProducer } from '@edgetrace/handler';

interface Env {
  INFERENCE_URL: string;
  JOBS: QueueProducer<{ model: string }>; // a Queue binding
}
const tracedFetch = instrumentFetch(fetch); // CLIENT spans; W3C context to private hosts

export default instrumentWorker({
  // A SERVER span per request: OTEL_* from env, spans leave in waitUntil.
  async fetch(request: Request, env: Env): Promise<Response> {
    const jobs = instrumentQueue(env.JOBS, { name: 'jobs' });
    await jobs.send({ model: new URL(request.url).searchParams.get('model') ?? 'mock-model' });
    return tracedFetch(`${env.INFERENCE_URL}/v1/models`); // the GPU server joins the trace
  },
  // A CONSUMER span per batch, in the trace of the request that sent the message.
  async queue(batch: QueueBatch, env: Env): Promise<void> {
    for (const message of batch.messages) console.log('warming', message.body);
    await tracedFetch(`${env.INFERENCE_URL}/healthz`);
  },
  // A SERVER span per cron invocation (faas.trigger: timer).
  async scheduled(): Promise<void> {
    console.log('tick');
  },
});

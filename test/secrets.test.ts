// Secrets and privacy through the real demo Worker in workerd: API keys, authorization headers,
// secret query values and prompt text never reach the exported spans unless capture is asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockServer, startMockInference } from '../apps/mock-inference/src/server.js';
import { startViewer, type Viewer } from '../apps/viewer/src/server.js';
import { type RunningWorker, startWorker } from './support/workerd.js';

const SECRETS = {
  upstreamKey: 'sk-upstream-4f1c9e',
  clientAuth: 'Bearer sk-client-77ab21',
  queryKey: 'q-secret-90de',
  prompt: 'my card number is 4111 1111 1111 1111',
};

let viewer: Viewer;
let mock: MockServer;
let worker: RunningWorker;

beforeAll(async () => {
  viewer = await startViewer({ port: 0, print: false, settleMs: 10 });
  mock = await startMockInference({ port: 0, otlpEndpoint: `${viewer.url}/v1/traces` });
  worker = await startWorker({
    entry: new URL('../apps/demo-worker/src/index.ts', import.meta.url).pathname,
    compatibilityFlags: ['nodejs_compat'],
    bindings: {
      INFERENCE_URL: mock.url,
      INFERENCE_API_KEY: SECRETS.upstreamKey,
      OTEL_EXPORTER_OTLP_ENDPOINT: viewer.url,
    },
  });
}, 60_000);
afterAll(async () => {
  await worker?.dispose();
  await mock?.close();
  await viewer?.close();
});

describe('secrets and privacy', () => {
  it('keeps keys, authorization, secret query values and prompts out of every exported span', async () => {
    const response = await worker.fetch(`/v1/chat/completions?api_key=${SECRETS.queryKey}&stream=1`, {
      method: 'POST',
      headers: { authorization: SECRETS.clientAuth, 'x-mock-token-ms': '1', 'x-mock-prefill-ms': '1' },
      body: JSON.stringify({
        model: 'llama',
        stream: true,
        max_tokens: 4,
        messages: [{ role: 'user', content: SECRETS.prompt }],
      }),
    });
    const traceId = (response.headers.get('traceresponse') ?? '').split('-')[1] ?? '';
    await response.text();
    // The worker's two spans and the mock's four.
    await expect.poll(() => viewer.store.get(traceId)?.length ?? 0, { timeout: 10_000 }).toBe(6);
    const exported = JSON.stringify(viewer.store.get(traceId));
    for (const secret of Object.values(SECRETS)) expect(exported).not.toContain(secret);
    // What is there instead: the query key, redacted, and the generation's numbers.
    expect(exported).toContain('api_key=REDACTED');
    expect(exported).toContain('gen_ai.usage.output_tokens');
  });
});

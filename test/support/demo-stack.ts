// The demo end to end, for the suites that test through it: the viewer, the mock GPU server
// exporting to it, and the demo Worker in workerd exporting to it too — started before the
// suite's tests and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import { type MockServer, startMockInference } from '../../apps/mock-inference/src/server.js';
import { startViewer, type Viewer } from '../../apps/viewer/src/server.js';
import { useWorker } from './workerd.js';

export const DEMO_WORKER_ENTRY = new URL('../../apps/demo-worker/src/index.ts', import.meta.url).pathname;

/** The demo Worker's job queue, as its wrangler.jsonc declares it: it produces and consumes. */
export const DEMO_WORKER_QUEUES: Record<string, unknown> = {
  queueProducers: { JOBS: { queueName: 'edgetrace-demo-jobs' } },
  queueConsumers: { 'edgetrace-demo-jobs': { maxBatchSize: 1, maxBatchTimeout: 0 } },
};

export interface DemoStack {
  readonly viewer: Viewer;
  readonly mock: MockServer;
  readonly worker: ReturnType<typeof useWorker>;
}

/** Starts the stack for the enclosing suite; `bindings` are added to the Worker's. */
export function useDemoStack(bindings: Record<string, string> = {}): DemoStack {
  let viewer: Viewer | undefined;
  let mock: MockServer | undefined;
  beforeAll(async () => {
    viewer = await startViewer({ port: 0, print: false, settleMs: 10 });
    mock = await startMockInference({ port: 0, otlpEndpoint: `${viewer.url}/v1/traces` });
  }, 60_000);
  const worker = useWorker(() => ({
    entry: DEMO_WORKER_ENTRY,
    compatibilityFlags: ['nodejs_compat'],
    miniflare: DEMO_WORKER_QUEUES,
    bindings: {
      INFERENCE_URL: started(mock).url,
      OTEL_EXPORTER_OTLP_ENDPOINT: started(viewer).url,
      ...bindings,
    },
  }));
  afterAll(async () => {
    await mock?.close();
    await viewer?.close();
  });
  return {
    get viewer() {
      return started(viewer);
    },
    get mock() {
      return started(mock);
    },
    worker,
  };
}

function started<T>(server: T | undefined): T {
  if (server === undefined) throw new Error('the demo stack has not started');
  return server;
}

// Secrets and privacy through the real demo Worker in workerd: API keys, authorization headers,
// secret query values and prompt text never reach the exported spans unless capture is asked for.
import { describe, expect, it } from 'vitest';
import { useDemoStack } from './support/demo-stack.js';
import { responseTraceId } from './support/otlp-spans.js';

const SECRETS = {
  upstreamKey: 'sk-upstream-4f1c9e',
  clientAuth: 'Bearer sk-client-77ab21',
  queryKey: 'q-secret-90de',
  prompt: 'my card number is 4111 1111 1111 1111',
};

const stack = useDemoStack({ INFERENCE_API_KEY: SECRETS.upstreamKey });
const { worker } = stack;

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
    const traceId = responseTraceId(response);
    await response.text();
    // The worker's two spans and the mock's four.
    await expect.poll(() => stack.viewer.store.get(traceId)?.length ?? 0, { timeout: 10_000 }).toBe(6);
    const exported = JSON.stringify(stack.viewer.store.get(traceId));
    for (const secret of Object.values(SECRETS)) expect(exported).not.toContain(secret);
    // What is there instead: the query key, redacted, and the generation's numbers.
    expect(exported).toContain('api_key=REDACTED');
    expect(exported).toContain('gen_ai.usage.output_tokens');
  });
});

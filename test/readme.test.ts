// README snippets are real files under packages/*/examples: this checks each README shows its
// example verbatim, and runs the example.
import { readFileSync } from 'node:fs';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startUpstream } from './support/upstream.js';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  vi.restoreAllMocks();
});

describe('README examples', () => {
  it('@edgetrace/core quick start is in the README and prints the span it made', async () => {
    const example = read('packages/core/examples/quick-start.ts');
    expect(read('packages/core/README.md')).toContain(example.trim());
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../packages/core/examples/quick-start.js');
    expect(log).toHaveBeenCalledWith(['charge']);
  });

  it('@edgetrace/fetch example is in the README and traces a call to a local server', async () => {
    const example = read('packages/fetch/examples/traced-fetch.ts');
    expect(read('packages/fetch/README.md')).toContain(example.trim());
    const upstream = await startUpstream((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    });
    vi.stubEnv('INFERENCE_URL', upstream.url);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import('../packages/fetch/examples/traced-fetch.js');
    } finally {
      vi.unstubAllEnvs();
      await upstream.close();
    }
    expect(log).toHaveBeenCalledWith([200]);
    // 127.0.0.1 is private: the example's call carried the trace.
    expect(upstream.received[0]?.headers.traceparent).toMatch(/^00-/);
  });
});

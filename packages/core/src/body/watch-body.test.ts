import { describe, expect, it } from 'vitest';
import { addBodyWatcher, type BodyOutcome, watchBody } from './watch-body.js';

function source(chunks: string[], failAfter?: number): ReadableStream<Uint8Array> & { cancelled: unknown[] } {
  const encoder = new TextEncoder();
  const cancelled: unknown[] = [];
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && i === failAfter) {
        controller.error(new Error('upstream reset'));
        return;
      }
      const chunk = chunks[i++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
    cancel(reason) {
      cancelled.push(reason);
    },
  });
  return Object.assign(stream, { cancelled });
}

function recorder() {
  const seen: { chunks: string[]; ends: BodyOutcome[] } = { chunks: [], ends: [] };
  const decoder = new TextDecoder();
  return {
    seen,
    watcher: {
      onChunk: (chunk: Uint8Array) => seen.chunks.push(decoder.decode(chunk)),
      onEnd: (outcome: BodyOutcome) => seen.ends.push(outcome),
    },
  };
}

describe('watchBody', () => {
  it('passes every chunk through unchanged and ends once on completion', async () => {
    const { seen, watcher } = recorder();
    const text = await new Response(watchBody(source(['a', 'bc', 'def']), watcher)).text();
    expect(text).toBe('abcdef');
    expect(seen.chunks).toEqual(['a', 'bc', 'def']);
    expect(seen.ends).toEqual([{ kind: 'complete' }]);
  });

  it('reads nothing ahead of the consumer', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls++;
          controller.enqueue(new Uint8Array([pulls]));
        },
      },
      { highWaterMark: 0 },
    );
    const reader = watchBody(body, { onEnd: () => undefined }).getReader();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(pulls).toBe(0);
    await reader.read();
    await reader.read();
    expect(pulls).toBe(2);
    await reader.cancel();
  });

  it('reports a cancel by the consumer once, with its reason, and cancels the source', async () => {
    const { seen, watcher } = recorder();
    const upstream = source(['a', 'b', 'c']);
    const reader = watchBody(upstream, watcher).getReader();
    await reader.read();
    await reader.cancel('client went away');
    await reader.cancel('again').catch(() => undefined);
    expect(seen.ends).toEqual([{ kind: 'cancelled', reason: 'client went away' }]);
    expect(upstream.cancelled).toEqual(['client went away']);
  });

  it('reports a source error and passes it on to the consumer', async () => {
    const { seen, watcher } = recorder();
    const reader = watchBody(source(['a', 'b'], 1), watcher).getReader();
    expect((await reader.read()).value).toBeDefined();
    await expect(reader.read()).rejects.toThrow('upstream reset');
    expect(seen.ends).toHaveLength(1);
    expect(seen.ends[0]?.kind).toBe('error');
  });

  it('keeps streaming when the watcher throws', async () => {
    const body = watchBody(source(['x', 'y']), {
      onChunk: () => {
        throw new Error('watcher bug');
      },
      onEnd: () => {
        throw new Error('watcher bug');
      },
    });
    expect(await new Response(body).text()).toBe('xy');
  });

  it('lets a second watcher join before the first chunk, and no later, without a second stream', async () => {
    const first = recorder();
    const second = recorder();
    const late = recorder();
    const stream = watchBody(source(['a', 'b']), first.watcher);
    expect(addBodyWatcher(stream, second.watcher)).toBe(true);
    const reader = stream.getReader();
    await reader.read();
    expect(addBodyWatcher(stream, late.watcher)).toBe(false);
    await reader.read();
    await reader.read();
    expect(second.seen.chunks).toEqual(['a', 'b']);
    expect(second.seen.ends).toEqual([{ kind: 'complete' }]);
    expect(first.seen.ends).toEqual([{ kind: 'complete' }]);
    expect(late.seen.chunks).toEqual([]);
    expect(addBodyWatcher(new ReadableStream(), late.watcher)).toBe(false);
  });
});

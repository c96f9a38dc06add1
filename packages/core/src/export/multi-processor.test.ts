// Fanning out to several processors: all are called, in order, and one that throws stops none.
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useDiagCapture } from '../test-support/diag-capture.js';
import type { SpanData, SpanProcessor } from '../trace/types.js';
import { createMultiProcessor } from './multi-processor.js';

const span = { name: 's' } as SpanData;
/** A processor that writes each call it gets into `calls`, under `name`. */
function recording(name: string, calls: string[], fail: Partial<Record<keyof SpanProcessor, true>> = {}) {
  const act = (what: keyof SpanProcessor, detail = '') => {
    calls.push(`${name}.${what}${detail}`);
    if (fail[what]) throw new Error(`${name} ${what} failed`);
  };
  const processor: SpanProcessor = {
    onStart: () => act('onStart'),
    onEnd: () => act('onEnd'),
    forceFlush: async (traceId) => act('forceFlush', traceId === undefined ? '' : `(${traceId})`),
    shutdown: async () => act('shutdown'),
  };
  return processor;
}

const errors = useDiagCapture('error');

describe('createMultiProcessor', () => {
  it('is a processor that does nothing for none, and the processor itself for one', async () => {
    const none = createMultiProcessor([]);
    none.onStart(span, ROOT_CONTEXT);
    none.onEnd(span);
    await expect(none.forceFlush()).resolves.toBeUndefined();
    await expect(none.shutdown()).resolves.toBeUndefined();
    const only = recording('only', []);
    expect(createMultiProcessor([only])).toBe(only);
  });

  it('calls each processor in order, passing the trace id on to forceFlush', async () => {
    const calls: string[] = [];
    const multi = createMultiProcessor([recording('a', calls), recording('b', calls)]);
    multi.onStart(span, ROOT_CONTEXT);
    multi.onEnd(span);
    await multi.forceFlush('4bf92f3577b34da6a3ce929d0e0e4736');
    await multi.shutdown();
    expect(calls).toEqual([
      'a.onStart',
      'b.onStart',
      'a.onEnd',
      'b.onEnd',
      'a.forceFlush(4bf92f3577b34da6a3ce929d0e0e4736)',
      'b.forceFlush(4bf92f3577b34da6a3ce929d0e0e4736)',
      'a.shutdown',
      'b.shutdown',
    ]);
  });

  it('goes on past a processor that throws, reporting it once, never to the caller', () => {
    const calls: string[] = [];
    const multi = createMultiProcessor([
      recording('bad', calls, { onStart: true, onEnd: true }),
      recording('good', calls),
    ]);
    for (let i = 0; i < 3; i++) {
      expect(() => multi.onStart(span, ROOT_CONTEXT)).not.toThrow();
      expect(() => multi.onEnd(span)).not.toThrow();
    }
    expect(calls.filter((c) => c.startsWith('good'))).toHaveLength(6);
    expect(errors).toEqual([
      'edgetrace: a span processor threw in onStart',
      'edgetrace: a span processor threw in onEnd',
    ]);
  });

  it('waits for every flush and shutdown, even when one rejects or throws at once', async () => {
    const calls: string[] = [];
    let release = () => {};
    const slow: SpanProcessor = {
      ...recording('slow', calls),
      forceFlush: () =>
        new Promise<void>((resolve) => {
          release = () => {
            calls.push('slow.flushed');
            resolve();
          };
        }),
    };
    const throwsAtOnce: SpanProcessor = {
      ...recording('sync', calls),
      forceFlush: () => {
        throw new Error('not even a promise');
      },
      shutdown: () => Promise.reject(new Error('rejects')),
    };
    const multi = createMultiProcessor([throwsAtOnce, slow]);
    const flushed = multi.forceFlush();
    let done = false;
    void flushed.then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    release();
    await expect(flushed).resolves.toBeUndefined();
    expect(calls).toContain('slow.flushed');
    await expect(multi.shutdown()).resolves.toBeUndefined();
    expect(calls).toContain('slow.shutdown');
  });
});

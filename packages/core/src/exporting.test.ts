import { describe, expect, it } from 'vitest';
import { createDropCounter } from './drop-counter.js';
import { createSends } from './exporting.js';
import type { ExportResult, SpanData, SpanExporter } from './types.js';

/** An exporter whose exports wait until the test releases them. */
function gatedExporter() {
  const batches: number[] = [];
  const gates: (() => void)[] = [];
  const exporter: SpanExporter = {
    export(spans: readonly SpanData[]): Promise<ExportResult> {
      batches.push(spans.length);
      return new Promise((resolve) => gates.push(() => resolve({ ok: true })));
    },
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { exporter, batches, gates, releaseAll };
}

const spans = (n: number): SpanData[] => Array.from({ length: n }, () => ({}) as SpanData);

describe('createSends', () => {
  it('keeps one export in flight and sends what arrives meanwhile together', async () => {
    const { exporter, batches, releaseAll } = gatedExporter();
    const sends = createSends(exporter, createDropCounter('spans', Date.now));
    sends.send(spans(2));
    sends.send(spans(3));
    sends.send(spans(1));
    sends.send([]);
    expect(batches).toEqual([2]);
    let settled = false;
    const waiting = sends.settled().then(() => {
      settled = true;
    });
    await releaseAll();
    await waiting;
    expect(batches).toEqual([2, 4]);
    expect(settled).toBe(true);
  });

  it('drops and counts what does not fit while a slow export is in flight', async () => {
    const { exporter, batches, releaseAll } = gatedExporter();
    const drops = createDropCounter('spans', Date.now);
    const sends = createSends(exporter, drops, 5);
    sends.send(spans(1)); // in flight
    sends.send(spans(4));
    sends.send(spans(3)); // one fits, two are dropped
    sends.send(spans(1)); // full: dropped
    expect(Object.values(drops.totals).reduce((a, b) => a + b, 0)).toBe(3);
    await releaseAll();
    await sends.settled();
    expect(batches).toEqual([1, 5]);
  });

  it('settles at once when nothing was sent', async () => {
    const { exporter } = gatedExporter();
    await expect(
      createSends(exporter, createDropCounter('spans', Date.now)).settled(),
    ).resolves.toBeUndefined();
  });
});

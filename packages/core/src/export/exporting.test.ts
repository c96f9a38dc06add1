import { describe, expect, it } from 'vitest';
import type { ExportResult, SpanData, SpanExporter } from '../trace/types.js';
import { createDropCounter } from './drop-counter.js';
import { createSends } from './exporting.js';

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
  it('exports each hand-over on its own, and waits for one trace or for all', async () => {
    const { exporter, batches, gates } = gatedExporter();
    const sends = createSends(exporter, createDropCounter('spans', Date.now));
    sends.send(spans(2), 'trace-a');
    sends.send(spans(3), 'trace-b');
    sends.send([], 'trace-c');
    expect(batches).toEqual([2, 3]);
    let aDone = false;
    let allDone = false;
    const a = sends.settled('trace-a').then(() => {
      aDone = true;
    });
    const all = sends.settled().then(() => {
      allDone = true;
    });
    gates.shift()?.(); // trace-a's export answers
    await a;
    expect(aDone).toBe(true);
    expect(allDone).toBe(false);
    gates.shift()?.();
    await all;
    expect(allDone).toBe(true);
    await expect(sends.settled('unknown')).resolves.toBeUndefined();
  });

  it('drops and counts what would exceed the exports in flight', async () => {
    const { exporter, batches, releaseAll } = gatedExporter();
    const drops = createDropCounter('spans', Date.now);
    const sends = createSends(exporter, drops, 2);
    sends.send(spans(1));
    sends.send(spans(4));
    sends.send(spans(3)); // a third export would exceed 2 in flight
    expect(Object.values(drops.totals).reduce((a, b) => a + b, 0)).toBe(3);
    await releaseAll();
    await sends.settled();
    expect(batches).toEqual([1, 4]);
    sends.send(spans(5)); // room again
    expect(batches).toEqual([1, 4, 5]);
    await releaseAll();
  });

  it('settles at once when nothing was sent', async () => {
    const { exporter } = gatedExporter();
    await expect(
      createSends(exporter, createDropCounter('spans', Date.now)).settled(),
    ).resolves.toBeUndefined();
  });
});

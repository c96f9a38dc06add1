// Chunk timing: first chunk, longest and mean gap in seconds, and output tokens per second.
import { describe, expect, it } from 'vitest';
import { CHUNKS, MAX_CHUNK_GAP, MEAN_CHUNK_GAP, TOKENS_PER_SECOND } from './attribute-names.js';
import { ChunkTiming } from './chunk-timing.js';

/** A timing that saw chunks at each of `times` (milliseconds). */
function timed(...times: number[]): ChunkTiming {
  const timing = new ChunkTiming();
  for (const at of times) timing.tick(at);
  return timing;
}

describe('ChunkTiming', () => {
  it('says which chunk was the first, and keeps its time', () => {
    const timing = new ChunkTiming();
    expect(timing.tick(1_000)).toBe(true);
    expect(timing.tick(1_010)).toBe(false);
    expect(timing.first).toBe(1_000);
    expect(timing.count).toBe(2);
  });

  it('reports the count, the longest quiet and the mean gap, in seconds', () => {
    expect(timed(1_000, 1_100, 1_600, 1_900).attributes(1_900, undefined)).toEqual({
      [CHUNKS]: 4,
      [MAX_CHUNK_GAP]: 0.5,
      [MEAN_CHUNK_GAP]: 0.3,
    });
  });

  it('has no mean gap for a single chunk, and a longest quiet of zero', () => {
    expect(timed(1_000).attributes(2_000, undefined)).toEqual({ [CHUNKS]: 1, [MAX_CHUNK_GAP]: 0 });
  });

  it('gives output tokens per second from the first chunk to the end', () => {
    const attributes = timed(1_000, 1_500).attributes(3_000, 100);
    expect(attributes[TOKENS_PER_SECOND]).toBe(50);
  });

  it('gives no rate without a known output, without chunks, or over no time at all', () => {
    expect(timed(1_000, 1_500).attributes(3_000, undefined)[TOKENS_PER_SECOND]).toBeUndefined();
    expect(new ChunkTiming().attributes(3_000, 100)).toEqual({});
    // workerd's clock stands still without I/O: a CPU-only stream may read 0 s.
    expect(timed(1_000).attributes(1_000, 100)[TOKENS_PER_SECOND]).toBeUndefined();
  });
});

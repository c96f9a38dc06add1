// The timing of a stream's content chunks: when the first came, the longest quiet between two,
// the mean gap, and what output tokens per second that makes. Numbers only; the span is written
// by generation-span.ts.
import type { Attributes } from '@opentelemetry/api';
import { CHUNKS, MAX_CHUNK_GAP, MEAN_CHUNK_GAP, TOKENS_PER_SECOND } from './attribute-names.js';

export class ChunkTiming {
  count = 0;
  /** When the first content chunk came (`undefined` before it), by the span's clock. */
  first: number | undefined;
  #last = 0;
  #maxGap = 0;

  /** Notes `count` content chunks that came together at `at`; returns whether the first of them was the stream's first. */
  tick(at: number, count = 1): boolean {
    const first = this.first === undefined;
    if (first) this.first = at;
    else this.#maxGap = Math.max(this.#maxGap, at - this.#last);
    this.#last = at;
    this.count += count;
    return first;
  }

  /** The chunk attributes at the end (`now`), with tokens per second when the output is known. */
  attributes(now: number, outputTokens: number | undefined): Attributes {
    const a: Attributes = {};
    const { count, first } = this;
    if (count > 0) {
      a[CHUNKS] = count;
      a[MAX_CHUNK_GAP] = this.#maxGap / 1000;
      if (count > 1 && first !== undefined) a[MEAN_CHUNK_GAP] = (this.#last - first) / (count - 1) / 1000;
    }
    if (outputTokens !== undefined && first !== undefined) {
      const seconds = (now - first) / 1000;
      if (seconds > 0) a[TOKENS_PER_SECOND] = outputTokens / seconds;
    }
    return a;
  }
}

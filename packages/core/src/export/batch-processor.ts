// The server processor: queues sampled spans and exports them in batches, by size and by
// interval — one timer per processor, never one per span. Bounded: a full queue drops and counts.
import type { Context } from '@opentelemetry/api';
import { type EnvSource, readEnv } from '../config/env.js';
import { isSampled } from '../sampling/tail-policy.js';
import { type Clock, createClock } from '../trace/time.js';
import type { SpanData, SpanExporter, SpanProcessor } from '../trace/types.js';
import { createDropCounter } from './drop-counter.js';
import { callExporter, exportCounted } from './exporting.js';

export interface BatchProcessorOptions {
  readonly exporter: SpanExporter;
  /** Spans waiting at most; more are dropped. @default `OTEL_BSP_MAX_QUEUE_SIZE`, else 2048 */
  readonly maxQueueSize?: number;
  /** Spans per export at most. @default `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, else 512 */
  readonly maxExportBatchSize?: number;
  /** The longest a span waits before its batch is exported. @default `OTEL_BSP_SCHEDULE_DELAY`, else 5000 */
  readonly scheduledDelayMs?: number;
  /** Where `OTEL_BSP_*` are read first, before `process.env`. @default process.env only */
  readonly env?: EnvSource;
  /** @default `performance.timeOrigin + performance.now()` */
  readonly now?: Clock;
}

/** A batch processor, with its drop counts. */
export interface BatchProcessor extends SpanProcessor {
  readonly dropped: Readonly<Record<string, number>>;
}

interface Timer {
  unref?(): void;
}

export function createBatchProcessor(options: BatchProcessorOptions): BatchProcessor {
  const env = readEnv(options.env);
  const count = (name: string): number | undefined => env.number(name, { min: 1, integer: true });
  const { exporter, now = createClock() } = options;
  const maxQueueSize = options.maxQueueSize ?? count('OTEL_BSP_MAX_QUEUE_SIZE') ?? 2048;
  const scheduledDelayMs = options.scheduledDelayMs ?? count('OTEL_BSP_SCHEDULE_DELAY') ?? 5000;
  const maxExportBatchSize = Math.min(
    options.maxExportBatchSize ?? count('OTEL_BSP_MAX_EXPORT_BATCH_SIZE') ?? 512,
    maxQueueSize,
  );
  const queue: SpanData[] = [];
  const drops = createDropCounter('spans', now);
  // One export at a time: while it is in flight spans wait in the queue, which is the bound.
  let inFlight: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  function pump(force: boolean): void {
    if (inFlight !== undefined || queue.length === 0) return;
    if (!force && queue.length < maxExportBatchSize) return;
    const batch = queue.splice(0, maxExportBatchSize);
    inFlight = exportCounted(exporter, batch, drops).finally(() => {
      inFlight = undefined;
      pump(false);
      schedule();
    });
  }

  function schedule(): void {
    if (timer !== undefined || queue.length === 0 || stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      pump(true);
      schedule();
    }, scheduledDelayMs);
    // On Node a pending export timer must not keep the process alive.
    (timer as Timer).unref?.();
  }

  async function flush(): Promise<void> {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    while (inFlight !== undefined || queue.length > 0) {
      pump(true);
      await inFlight;
    }
    await callExporter(exporter, 'forceFlush');
  }

  return {
    get dropped() {
      return drops.totals;
    },
    onStart(_span: SpanData, _parentContext: Context): void {},
    onEnd(span: SpanData): void {
      if (!isSampled(span)) return;
      if (stopped) {
        drops.drop('processor shut down');
        return;
      }
      if (queue.length >= maxQueueSize) {
        drops.drop('queue full');
        return;
      }
      queue.push(span);
      pump(false);
      schedule();
    },
    forceFlush: flush,
    async shutdown(): Promise<void> {
      if (stopped) return;
      stopped = true;
      await flush();
      await callExporter(exporter, 'shutdown');
    },
  };
}

// What every processor does with its exporter: send spans without ever rejecting, count them
// as dropped when the export fails, and wait for sends in flight.
import { diag } from '@opentelemetry/api';
import type { DropCounter } from './drop-counter.js';
import type { SpanData, SpanExporter } from './types.js';

/** Exports `spans`; a failed or throwing export counts them as dropped. Never rejects. */
export function exportCounted(exporter: SpanExporter, spans: SpanData[], drops: DropCounter): Promise<void> {
  let sending: Promise<void>;
  try {
    sending = exporter.export(spans).then(
      (result) => {
        if (!result.ok) drops.drop(`export failed: ${result.error}`, spans.length);
      },
      (error: unknown) => drops.drop(`exporter threw: ${String(error)}`, spans.length),
    );
  } catch (error) {
    drops.drop(`exporter threw: ${String(error)}`, spans.length);
    sending = Promise.resolve();
  }
  return sending;
}

/** Exports in flight, so that a flush can wait for all of them. */
export interface Sends {
  /** Starts exporting `spans` (nothing when empty). */
  send(spans: SpanData[]): void;
  /** Resolves once no export is in flight, including ones started meanwhile. */
  settled(): Promise<void>;
}

export function createSends(exporter: SpanExporter, drops: DropCounter): Sends {
  const pending = new Set<Promise<void>>();
  return {
    send(spans: SpanData[]): void {
      if (spans.length === 0) return;
      const done = exportCounted(exporter, spans, drops).finally(() => pending.delete(done));
      pending.add(done);
    },
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** Calls the exporter's `forceFlush` or `shutdown`, if it has one; failures go to `diag`. */
export async function callExporter(exporter: SpanExporter, what: 'forceFlush' | 'shutdown'): Promise<void> {
  try {
    await exporter[what]?.();
  } catch (error) {
    diag.error(`edgetrace: exporter ${what} failed`, error);
  }
}

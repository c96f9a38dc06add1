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

/**
 * Sends to one exporter with one export in flight at a time: spans handed over meanwhile wait
 * and leave together in the next export. On Workers that turns many requests' traces into one
 * subrequest under load, and bounds what a slow collector can pin.
 */
export interface Sends {
  /** Queues `spans` for export (nothing when empty); beyond the bound they are dropped and counted. */
  send(spans: SpanData[]): void;
  /** Resolves once nothing is queued or in flight, including what is sent meanwhile. */
  settled(): Promise<void>;
}

/** Spans waiting for the export in flight, at most. */
export const MAX_QUEUED_SPANS: number = 4096;

export function createSends(
  exporter: SpanExporter,
  drops: DropCounter,
  maxQueued: number = MAX_QUEUED_SPANS,
): Sends {
  let queue: SpanData[] = [];
  let inFlight: Promise<void> | undefined;
  const next = (): void => {
    if (queue.length === 0) {
      inFlight = undefined;
      return;
    }
    const batch = queue;
    queue = [];
    inFlight = exportCounted(exporter, batch, drops).then(next);
  };
  return {
    send(spans: SpanData[]): void {
      if (spans.length === 0) return;
      const room = maxQueued - queue.length;
      if (room < spans.length) drops.drop('export queue full (collector slow or down)', spans.length - room);
      if (room <= 0) return;
      for (let i = 0; i < spans.length && i < room; i++) queue.push(spans[i] as SpanData);
      if (inFlight === undefined) next();
    },
    async settled(): Promise<void> {
      while (inFlight !== undefined) await inFlight;
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

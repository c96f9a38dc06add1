// What every processor does with its exporter: send spans without ever rejecting, count them
// as dropped when the export fails, and wait for sends in flight.

import { report } from '../config/report.js';
import type { SpanData, SpanExporter } from '../trace/types.js';
import type { DropCounter } from './drop-counter.js';

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
 * Exports in flight, each started where its spans finished — on Workers, inside the request
 * that ended them. Promises are never shared between requests: workerd does not resolve a
 * promise awaited from a request other than the one that created its I/O, so each request
 * waits for its own trace's export (`settled(traceId)`), never for another's.
 */
export interface Sends {
  /**
   * Starts exporting `spans` (nothing when empty), under `key` (a trace id) if given; resolves
   * when that export is done (at once when there was nothing to send, or it was dropped).
   */
  send(spans: SpanData[], key?: string): Promise<void>;
  /** Resolves once the export under `key` is done; without a key, once none is in flight. */
  settled(key?: string): Promise<void>;
}

/** Exports in flight at most; beyond that, finished spans are dropped and counted. */
export const MAX_IN_FLIGHT: number = 1024;

export function createSends(
  exporter: SpanExporter,
  drops: DropCounter,
  maxInFlight: number = MAX_IN_FLIGHT,
): Sends {
  const pending = new Set<Promise<void>>();
  const byKey = new Map<string, Promise<void>>();
  return {
    send(spans: SpanData[], key?: string): Promise<void> {
      if (spans.length === 0) return Promise.resolve();
      if (pending.size >= maxInFlight) {
        drops.drop('too many exports in flight (collector slow or down)', spans.length);
        return Promise.resolve();
      }
      const done: Promise<void> = exportCounted(exporter, spans, drops).finally(() => {
        pending.delete(done);
        if (key !== undefined && byKey.get(key) === done) byKey.delete(key);
      });
      pending.add(done);
      if (key !== undefined) byKey.set(key, done);
      return done;
    },
    async settled(key?: string): Promise<void> {
      if (key !== undefined) {
        await byKey.get(key);
        return;
      }
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

/** Calls the exporter's `forceFlush` or `shutdown`, if it has one; failures go to `diag`. */
export async function callExporter(exporter: SpanExporter, what: 'forceFlush' | 'shutdown'): Promise<void> {
  try {
    await exporter[what]?.();
  } catch (error) {
    report('error', `edgetrace: exporter ${what} failed`, error);
  }
}

// The edge processor: buffers each local trace and exports it once, when every span of it that
// started here has ended — typically inside `waitUntil` after the response. Bounded in traces,
// spans and age; what does not fit is dropped and counted, never grown.
//
// Coalesced export (`coalesceMs`, on Workers): a finished trace need not leave in its own export.
// The first request to finish one waits the bound in its `forceFlush(traceId)`, then exports
// every trace waiting, its own included; requests finishing theirs meanwhile leave them to that
// export, which the waiting request's `waitUntil` covers. In a quiet isolate (no other trace
// open, no flush within the bound) a trace leaves at once. Only plain data (the finished spans
// and times) passes between requests, never a promise or an I/O object, which workerd forbids.
import type { Context } from '@opentelemetry/api';
import { endPendingBody, isBodyPending } from '../body/pending-body.js';
import { isSampled, keepTrace, type TailPolicy } from '../sampling/tail-policy.js';
import type { Clock } from '../trace/time.js';
import type { SpanData, SpanExporter, SpanProcessor } from '../trace/types.js';
import { createDropCounter, type DropCounter } from './drop-counter.js';
import { callExporter, createSends, type Sends } from './exporting.js';

export interface TraceBufferOptions {
  readonly exporter: SpanExporter;
  /**
   * Decide per whole trace at its end. Without a policy only head-sampled spans are exported;
   * with one, unsampled traces are recorded too and kept when the policy says so.
   * @default none
   */
  readonly tail?: TailPolicy | undefined;
  /** Local traces buffered at once; a new trace beyond this is dropped. @default 512 */
  readonly maxTraces?: number;
  /** Spans kept per trace; more are dropped. @default 512 */
  readonly maxSpansPerTrace?: number;
  /**
   * A trace still open after this long is exported with the spans that ended, and its open
   * spans are counted as dropped, so a span that never ends cannot pin memory.
   * @default 300000 (5 minutes)
   */
  readonly maxTraceAgeMs?: number;
  /**
   * How long a finished trace may wait to leave in one export with others (ms); 0 exports each
   * trace as it finishes. Only for runtimes where every trace is flushed with
   * `forceFlush(traceId)` (Workers' `waitUntil`): a trace nobody flushes waits for the next.
   * @default 0
   */
  readonly coalesceMs?: number;
  readonly now: Clock;
}

/** Spans waiting to leave together past which a flush exports at once rather than wait. */
const COALESCE_EXPORT_SPANS = 512;
/** Spans waiting to leave together at most; a finished trace beyond this is dropped and counted. */
export const COALESCE_MAX_SPANS = 8192;

/** A trace-buffer processor, with its drop counts. */
export interface TraceBufferProcessor extends SpanProcessor {
  readonly dropped: Readonly<Record<string, number>>;
  /** Local traces waiting for spans to end. */
  readonly openTraces: number;
}

interface Entry {
  readonly started: number;
  readonly spans: SpanData[];
  open: number;
  /** The spans started, up to the per-trace limit: where spans waiting on unread bodies are found. */
  readonly opened: SpanData[];
  /** `forceFlush(traceId)` calls waiting for the trace's last span to end. */
  waiting?: (() => void)[];
  /**
   * Set a macrotask after the first such flush: from then on, spans waiting only for bodies
   * nobody reads are ended. The delay lets a runtime start reading a response just returned.
   */
  settling?: boolean;
}

/** Ends the trace's spans that wait only for a body nobody reads (which may finish it). */
function endUnreadBodies(entry: Entry): void {
  for (const span of entry.opened) if (!span.ended) endPendingBody(span);
}

/** Whether every span still open waits only for an unread body. */
function onlyUnreadBodiesOpen(entry: Entry): boolean {
  let pending = 0;
  for (const span of entry.opened) if (!span.ended && isBodyPending(span)) pending++;
  return pending > 0 && pending === entry.open;
}

/** Once a flush waits for a trace whose open spans are all unread bodies, ends them. */
function settleBodies(entry: Entry): void {
  if (entry.settling === true && onlyUnreadBodiesOpen(entry)) endUnreadBodies(entry);
}

/**
 * Resolves when the trace's last span ends. The first such wait starts settling a macrotask
 * later — time for a runtime to start reading a response just returned — after which spans
 * waiting only for unread bodies end rather than hold the trace back.
 */
function waitForEnd(entry: Entry): Promise<void> {
  const ended = new Promise<void>((resume) => {
    entry.waiting ??= [];
    entry.waiting.push(resume);
  });
  if (entry.settling === undefined) {
    entry.settling = false;
    setTimeout(() => {
      entry.settling = true;
      settleBodies(entry);
    }, 0);
  }
  return ended;
}

/** Resolves after `ms` on this request's own timer. */
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createTraceBufferProcessor(options: TraceBufferOptions): TraceBufferProcessor {
  return new TraceBuffer(options);
}

class TraceBuffer implements TraceBufferProcessor {
  readonly #exporter: SpanExporter;
  readonly #tail: TailPolicy | undefined;
  readonly #now: Clock;
  readonly #maxTraces: number;
  readonly #maxSpansPerTrace: number;
  readonly #maxTraceAgeMs: number;
  readonly #traces = new Map<string, Entry>();
  readonly #drops: DropCounter;
  readonly #sends: Sends;
  readonly #coalesceMs: number;
  /** Finished traces waiting to leave together (coalesced export): plain data only. */
  readonly #ready = new Map<string, SpanData[]>();
  #readySpans = 0;
  /** When the wait of the request that will export the traces waiting ends (0: none waits). */
  #waitEnds = 0;
  /** When a request last flushed a finished trace (`Date.now()`): how busy the isolate is. */
  #lastFlush = 0;
  #stopped = false;

  constructor(options: TraceBufferOptions) {
    this.#exporter = options.exporter;
    this.#tail = options.tail;
    this.#now = options.now;
    this.#maxTraces = options.maxTraces ?? 512;
    this.#maxSpansPerTrace = options.maxSpansPerTrace ?? 512;
    this.#maxTraceAgeMs = options.maxTraceAgeMs ?? 300_000;
    this.#drops = createDropCounter('spans', this.#now);
    this.#sends = createSends(this.#exporter, this.#drops);
    this.#coalesceMs = options.coalesceMs ?? 0;
  }

  get dropped(): Readonly<Record<string, number>> {
    return this.#drops.totals;
  }

  get openTraces(): number {
    return this.#traces.size;
  }

  onStart(span: SpanData, _parentContext: Context): void {
    if (this.#stopped) return;
    const traceId = span.spanContext().traceId;
    let entry = this.#traces.get(traceId);
    if (entry === undefined) {
      this.#evictExpired();
      if (this.#traces.size >= this.#maxTraces) return; // counted when the span ends without an entry
      entry = { started: this.#now(), spans: [], open: 0, opened: [] };
      this.#traces.set(traceId, entry);
    }
    entry.open++;
    if (entry.opened.length < this.#maxSpansPerTrace) entry.opened.push(span);
  }

  onEnd(span: SpanData): void {
    if (this.#stopped) {
      this.#drops.drop('processor shut down');
      return;
    }
    const traceId = span.spanContext().traceId;
    const entry = this.#traces.get(traceId);
    if (entry === undefined) {
      this.#drops.drop('trace buffer full or trace expired');
      return;
    }
    if (entry.spans.length < this.#maxSpansPerTrace) entry.spans.push(span);
    else this.#drops.drop('too many spans in one trace');
    entry.open--;
    if (entry.open <= 0) this.#finish(traceId, entry);
    else settleBodies(entry);
  }

  async forceFlush(traceId?: string): Promise<void> {
    this.#evictExpired();
    // A trace with spans still open (a body still being read) is waited for: on Workers the
    // request's waitUntil must outlive them, or the runtime cancels their I/O.
    // Spans that wait only for bodies nobody reads are ended rather than waited for.
    const open = traceId === undefined ? undefined : this.#traces.get(traceId);
    if (open !== undefined) await waitForEnd(open);
    if (traceId === undefined) {
      await this.#sendReady();
      await this.#sends.settled();
      await callExporter(this.#exporter, 'forceFlush');
      return;
    }
    if (this.#ready.has(traceId)) await this.#coalesce();
    else await this.#sends.settled(traceId);
  }

  /**
   * A finished trace waits to leave with others. The first request to finish one waits the
   * bound and then exports every trace waiting, in its own `waitUntil`; a request that finishes
   * one while that wait still has time to run leaves its trace to it and does not wait. One
   * timer per bound and isolate, not one per request: a timer costs workerd about 25–40 µs of CPU.
   * A wait whose end passed without it (its request cancelled) is replaced by the next one.
   *
   * In a quiet isolate (no other trace open, and no flush within the bound before this one) the
   * trace leaves at once: no request is likely to join, and a wait that wakes a request only to
   * export costs workerd about 0.2–0.3 ms of CPU (bench/README.md, "A quiet isolate exports at
   * once"). Requests that overlap are coalesced, as is a burst from its second trace on.
   */
  async #coalesce(): Promise<void> {
    // The timers' own clock, not the spans' (which may be injected): the wait is a real timer.
    const now = Date.now();
    const previous = this.#lastFlush;
    this.#lastFlush = now;
    if (this.#readySpans >= COALESCE_EXPORT_SPANS) return this.#sendReady();
    if (now < this.#waitEnds) return;
    if (this.#traces.size === 0 && now - previous >= this.#coalesceMs) return this.#sendReady();
    const ends = now + this.#coalesceMs;
    this.#waitEnds = ends;
    try {
      await delay(this.#coalesceMs);
    } finally {
      // Also when the timer could not be set: what waits leaves now rather than behind a dead wait.
      if (this.#waitEnds === ends) this.#waitEnds = 0;
      await this.#sendReady();
    }
  }

  /** Exports every trace waiting to leave together, in one export; resolves when it is done. */
  #sendReady(): Promise<void> {
    if (this.#ready.size === 0) return Promise.resolve();
    const spans = [...this.#ready.values()].flat();
    this.#ready.clear();
    this.#readySpans = 0;
    return this.#sends.send(spans);
  }

  /** Sends a finished trace's spans now, or keeps them to leave with others (coalesced export). */
  #send(traceId: string, spans: SpanData[]): void {
    if (spans.length === 0) return;
    if (this.#coalesceMs <= 0) {
      this.#sends.send(spans, traceId);
    } else if (this.#readySpans + spans.length > COALESCE_MAX_SPANS) {
      this.#drops.drop('too many finished spans waiting to be exported', spans.length);
    } else {
      // A trace can finish here more than once (a queue consumer continues its producer's trace).
      const waiting = this.#ready.get(traceId);
      if (waiting === undefined) this.#ready.set(traceId, spans);
      else waiting.push(...spans);
      this.#readySpans += spans.length;
    }
  }

  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    // Whatever is still open will not end in time to be exported; send what has ended.
    for (const [traceId, entry] of this.#traces) this.#expire(traceId, entry);
    this.#stopped = true;
    await this.forceFlush();
    await callExporter(this.#exporter, 'shutdown');
  }

  #finish(traceId: string, entry: Entry): void {
    this.#traces.delete(traceId);
    if (this.#tail === undefined) {
      this.#send(traceId, entry.spans.filter(isSampled));
    } else if (keepTrace(entry.spans, this.#tail)) {
      this.#send(traceId, entry.spans);
    }
    for (const resume of entry.waiting ?? []) resume();
  }

  #evictExpired(): void {
    const time = this.#now();
    for (const [traceId, entry] of this.#traces) {
      // Map order is insertion order: the first entry that is young enough ends the sweep.
      if (time - entry.started < this.#maxTraceAgeMs) return;
      this.#expire(traceId, entry);
    }
  }

  /** Exports what ended: unread bodies end first; spans still open are counted as dropped. */
  #expire(traceId: string, entry: Entry): void {
    endUnreadBodies(entry);
    if (this.#traces.get(traceId) !== entry) return;
    this.#drops.drop('span never ended', entry.open);
    this.#finish(traceId, entry);
  }
}

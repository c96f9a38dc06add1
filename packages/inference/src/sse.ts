// Server-sent events parsing: LF-delimited streams framed natively (sse-lf.ts), the rest with the
// parser of @microsoft/fetch-event-source (its runtime-neutral
// `parse.js`; its `fetchEventSource` needs `window` and cannot run in workerd). The CommonJS build:
// the package's `lib/esm` is ESM without `"type": "module"`, whose named exports Node 22 before
// 22.7 refuses; every runtime and bundler reads these `exports.x =` names. Guarded for what
// arrives from the network: a chunk the parser keeps part of is copied first (the consumer may
// transfer the original), and an event longer than a limit is skipped rather than buffered.
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
import { getLines, getMessages } from '@microsoft/fetch-event-source/lib/cjs/parse.js';
import { NEWLINE, RETURN } from './line-ends.js';
import { createLfEventParser, type EventCounter } from './sse-lf.js';

/** One parsed event. */
export interface ServerSentEvent {
  /** The `event:` field; empty for the default `message` type. */
  readonly event: string;
  /** The `data:` lines, joined by newlines. */
  readonly data: string;
  readonly id: string;
  readonly retry?: number | undefined;
}

export interface EventParserOptions {
  /** Bytes one event may take before it is skipped. @default 1048576 (1 MiB) */
  readonly maxEventBytes?: number;
  /** Called for each skipped oversized event. */
  readonly onOversized?: () => void;
}

/** A push parser: feed it chunks as they arrive; it calls `onEvent` for each complete event. */
export type EventParser = (chunk: Uint8Array) => void;

export const DEFAULT_MAX_EVENT_BYTES: number = 1024 * 1024;

/**
 * A push parser for server-sent events: LF-delimited streams through the native fast path
 * (sse-lf.ts), anything else byte by byte through fetch-event-source's parser.
 */
export function createEventParser(
  onEvent: (event: ServerSentEvent) => void,
  options: EventParserOptions = {},
): EventParser {
  return createCountingEventParser(onEvent, options, undefined);
}

/** {@link createEventParser}, with a counter (the inference span) that may take runs of events it only counts. */
export function createCountingEventParser(
  onEvent: (event: ServerSentEvent) => void,
  options: EventParserOptions,
  counter: EventCounter | undefined,
): EventParser {
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES } = options;
  const complete = (): EventParser => createCompleteEventParser(onEvent, options);
  return createLfEventParser(onEvent, maxEventBytes, complete, counter);
}

/** The parser every stream can take: fetch-event-source's, line by line, with the size limit. */
export function createCompleteEventParser(
  onEvent: (event: ServerSentEvent) => void,
  options: EventParserOptions = {},
): EventParser {
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES, onOversized } = options;
  const fresh = () =>
    getLines(
      getMessages(
        () => undefined,
        () => undefined,
        // As the SSE spec says, an event with no data is not dispatched.
        (message) => {
          if (message.data !== '') onEvent(message);
        },
      ),
    );
  let parse = fresh();
  let pending = 0; // bytes of the event being read so far
  let skipping = false;
  const lastBreakIn = (chunk: Uint8Array): number => {
    for (let i = chunk.length - 1; i >= 0; i--) if (chunk[i] === NEWLINE || chunk[i] === RETURN) return i;
    return -1;
  };
  /**
   * Where a line that ends inside `chunk` and is longer than the limit starts (the line the
   * parser was reading counts its earlier bytes); -1 when there is none. Only a chunk that could
   * hold one is scanned, so the usual small chunk costs nothing.
   */
  const longLineIn = (chunk: Uint8Array): number => {
    if (pending + chunk.length <= maxEventBytes) return -1;
    let start = 0;
    let carried = pending;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== NEWLINE && chunk[i] !== RETURN) continue;
      if (carried + (i - start) > maxEventBytes) return start;
      start = i + 1;
      carried = 0;
    }
    return -1;
  };
  const feed = (chunk: Uint8Array): void => {
    const long = longLineIn(chunk);
    if (long >= 0) {
      // Measured whole, however the bytes were split: parse what came before it, then skip it.
      if (long > 0) parse(chunk.subarray(0, long));
      skipping = true;
      onOversized?.();
      skipLine(chunk.subarray(long));
      return;
    }
    const lastBreak = lastBreakIn(chunk);
    pending = lastBreak < 0 ? pending + chunk.length : chunk.length - lastBreak - 1;
    if (pending <= maxEventBytes) {
      // The parser keeps only an unfinished last line; a chunk ending on a line break is done
      // with when parse returns, so only a chunk with a tail needs the copy.
      parse(lastBreak === chunk.length - 1 ? chunk : chunk.slice());
      return;
    }
    // A line too long to buffer: parse what completed before it, drop it up to its line break.
    skipping = true;
    onOversized?.();
    if (lastBreak >= 0) parse(chunk.subarray(0, lastBreak + 1));
  };
  /** While skipping: drops bytes up to the skipped line's break, then reads on with a fresh parser. */
  const skipLine = (chunk: Uint8Array): void => {
    let start = chunk.findIndex((byte) => byte === NEWLINE || byte === RETURN);
    if (start < 0) return;
    if (chunk[start] === RETURN && chunk[start + 1] === NEWLINE) start++;
    skipping = false;
    parse = fresh();
    pending = 0;
    if (start + 1 < chunk.length) feed(chunk.subarray(start + 1));
  };
  return (chunk) => {
    if (skipping) skipLine(chunk);
    else feed(chunk);
  };
}

/**
 * Parses an event stream into an async iterable of events. Leaving the loop early cancels the
 * stream, so a traced response ends its span as cancelled.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: EventParserOptions = {},
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = body.getReader();
  const ready: ServerSentEvent[] = [];
  const parse = createEventParser((event) => ready.push(event), options);
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      parse(value);
      while (ready.length > 0) yield ready.shift() as ServerSentEvent;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

// The fast path of the SSE parser, for the streams inference servers send: LF line ends and
// events far below the size limit. The complete events of a chunk are decoded at once and framed
// with native string search, so a byte is touched in JavaScript only where an event starts. The
// rest of a stream hands over to the complete parser (sse.ts, fetch-event-source's, byte by byte)
// at the first chunk that has a CR or could hold a line over the limit, from the start of the
// event being read. Both give the same events; a property test in sse.test.ts compares them.
//
// A counter (the inference span's) may take a chunk's complete events whole, without their being
// framed one by one: it is shown their text, and when it can tell that every event there only
// carries text it wants no more of, it gets their number instead — the stream's middle, where a
// generation spends its tokens, then costs a few native passes a chunk.
import { NEWLINE, RETURN } from './line-ends.js';
import type { EventParser, ServerSentEvent } from './sse.js';

/** Takes runs of events whole, when it can tell from their text that it needs no more. */
export interface EventCounter {
  /**
   * How many events of `text` (complete events, each ending in a blank line, with LF line ends
   * only) it takes whole: all of them, or 0 to have them read one by one. A counter that takes
   * them vouches for their framing too: each would have been dispatched as one event.
   */
  countable(text: string): number;
  /** `count` events were counted instead of read. */
  counted(count: number): void;
}

const encoder = new TextEncoder();
/** The carried-bytes buffer a stream keeps between events; one grown past it is let go. */
const KEEP_BYTES = 1 << 16;

interface Message {
  data: string;
  event: string;
  id: string;
  retry: number | undefined;
}

const newMessage = (): Message => ({ data: '', event: '', id: '', retry: undefined });

/** One line's field, read as fetch-event-source reads it: `name: value`, one space after the colon dropped. */
function readField(message: Message, line: string): void {
  const colon = line.indexOf(':');
  // No colon: not a field fetch-event-source reads; a leading colon: a comment.
  if (colon <= 0) return;
  const value = line.slice(colon + (line.charCodeAt(colon + 1) === 32 ? 2 : 1));
  switch (line.slice(0, colon)) {
    case 'data':
      message.data = message.data ? `${message.data}\n${value}` : value;
      return;
    case 'event':
      message.event = value;
      return;
    case 'id':
      message.id = value;
      return;
    case 'retry': {
      const retry = Number.parseInt(value, 10);
      if (!Number.isNaN(retry)) message.retry = retry;
    }
  }
}

/**
 * An SSE push parser that frames LF-delimited events natively and gives the rest of the stream
 * to `fallback()` once a chunk has a CR or the event being read could pass `maxEventBytes`.
 */
export function createLfEventParser(
  onEvent: (event: ServerSentEvent) => void,
  maxEventBytes: number,
  fallback: () => EventParser,
  counter?: EventCounter,
): EventParser {
  const decoder = new TextDecoder();
  // The unfinished event's bytes, copied, at the start of one buffer kept for the stream: it grows
  // by doubling, so an event over many chunks costs one copy of each, and no chunk allocates.
  let carry = new Uint8Array(0);
  let carried = 0; // their length
  let slow: EventParser | undefined;

  /** Appends `bytes` to the carried ones. */
  const keep = (bytes: Uint8Array): void => {
    const needed = carried + bytes.length;
    if (needed > carry.length) {
      const grown = new Uint8Array(Math.max(needed, carry.length * 2, 4096));
      grown.set(carry.subarray(0, carried));
      carry = grown;
    }
    carry.set(bytes, carried);
    carried = needed;
  };

  const dispatch = (message: Message): void => {
    // As the SSE spec says, an event with no data is not dispatched.
    if (message.data !== '') onEvent(message);
  };
  const readEvent = (text: string): void => {
    // The usual event: one `data:` line.
    if (text.startsWith('data:') && !text.includes('\n')) {
      const data = text.slice(text.charCodeAt(5) === 32 ? 6 : 5);
      if (data !== '') onEvent({ data, event: '', id: '', retry: undefined });
      return;
    }
    let message = newMessage();
    for (const line of text.split('\n')) {
      if (line !== '') {
        readField(message, line);
        continue;
      }
      dispatch(message); // a blank line inside: an event of its own ended there
      message = newMessage();
    }
    dispatch(message);
  };

  /** Reads the complete events in `text`. */
  const readEvents = (text: string): void => {
    let start = 0;
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
      readEvent(text.slice(start, end));
      start = end + 2;
    }
  };
  /** Hands a run to the counter; `false` when it does not take it whole. */
  const countEvents = (text: string): boolean => {
    if (counter === undefined) return false;
    const count = counter.countable(text);
    if (count === 0) return false;
    counter.counted(count);
    return true;
  };

  /** Hands the rest of the stream, from the event being read, to the complete parser. */
  const handOver = (...parts: Uint8Array[]): void => {
    slow = fallback();
    for (const part of parts) slow(part); // it may keep them: the buffer is not written again
    carry = new Uint8Array(0);
    carried = 0;
  };

  return (input) => {
    if (slow !== undefined) {
      slow(input);
      return;
    }
    // Where the last event ends: in this chunk, or at the line break it adds to the carried one.
    const inInput = lastEventEnd(input);
    const joined = carried > 0 && carry[carried - 1] === NEWLINE && input[0] === NEWLINE;
    const ends = inInput > 0 || joined;
    const end = carried + (inInput > 0 ? inInput : 1);
    // The limit is a line's: what is carried past the last event end is one unfinished line at
    // most as long. A CR is a line end as well, which this parser does not frame; where events
    // end it is searched for in their decoded text (native), else in the bytes (a loop).
    const unfinished = carried + input.length - (ends ? end : 0);
    if (unfinished > maxEventBytes || (!ends && input.includes(RETURN))) {
      if (carried > 0) handOver(carry.subarray(0, carried), input);
      else handOver(input);
      return;
    }
    if (!ends) {
      keep(input); // a chunk that ends no event is only kept
      return;
    }
    const fromCarry = carried > 0;
    if (fromCarry) keep(input);
    const bytes = fromCarry ? carry.subarray(0, carried) : input;
    // Complete events end at a line break, so the text decoded has no character cut in two.
    const text = decoder.decode(bytes.subarray(0, end));
    if (
      text.includes('\r') ||
      bytes.indexOf(RETURN, end) >= 0 ||
      (end > maxEventBytes && hasLongLine(text, maxEventBytes))
    ) {
      handOver(bytes);
      return;
    }
    // An odd run of line breaks leaves one unread: a blank line, which would dispatch nothing.
    if (!countEvents(text)) readEvents(text);
    if (fromCarry) carry.copyWithin(0, end, bytes.length);
    carried = fromCarry ? bytes.length - end : 0;
    // A buffer a long event grew is let go once emptied: a stream keeps no more than it carries.
    if (carried === 0 && carry.length > KEEP_BYTES) carry = new Uint8Array(0);
    if (!fromCarry && end < bytes.length) keep(input.subarray(end));
  };
}

/**
 * Whether a line of `text` is longer than `limit` bytes, for the complete parser to skip and
 * count. A line of n characters is n to 3n bytes of UTF-8: only one that could pass is measured.
 */
function hasLongLine(text: string, limit: number): boolean {
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
    const length = end - start;
    if (length > limit) return true;
    if (length * 3 > limit && encoder.encode(text.slice(start, end)).length > limit) return true;
  }
  return false;
}

/** Where the chunk's last complete event ends (after its blank line); 0 when none does. */
function lastEventEnd(chunk: Uint8Array): number {
  for (let at = chunk.lastIndexOf(NEWLINE); at > 0; at = chunk.lastIndexOf(NEWLINE, at - 1)) {
    if (chunk[at - 1] === NEWLINE) return at + 1;
  }
  return 0;
}

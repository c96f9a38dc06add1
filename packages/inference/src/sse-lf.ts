// The fast path of the SSE parser, for the streams inference servers send: LF line ends and
// events far below the size limit. The complete events of a chunk are decoded at once and framed
// with native string search, so a byte is touched in JavaScript only where an event starts. The
// rest of a stream hands over to the complete parser (sse.ts, fetch-event-source's, byte by byte)
// at the first chunk that has a CR or could hold a line over the limit, from the start of the
// event being read. Both give the same events; a property test in sse.test.ts compares them.
//
// A counter (the inference span's) may take a whole run of plain `data:` events without their
// being framed one by one: it is shown the run's text, and when it says every event there only
// carries text it wants no more of, it gets their number instead — the stream's middle, where a
// generation spends its tokens, then costs a few native passes a chunk.
import type { EventParser, ServerSentEvent } from './sse.js';

/** Takes runs of events whole, when it can tell from their text that it needs no more. */
export interface EventCounter {
  /**
   * How many events of `text` (a run of single-line `data:` events, each ending in a blank
   * line) it takes whole: all of them, or 0 to have them read one by one.
   */
  countable(text: string): number;
  /** `count` events were counted instead of read. */
  counted(count: number): void;
}

/** A run of events that are each a single `data:` line. */
const DATA_EVENTS = /^(?:data:[^\n]*\n\n)+$/;

const NEWLINE = 10;
const RETURN = 13;

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
  let carry: Uint8Array[] = []; // the unfinished event's bytes, copied, as they came
  let carried = 0; // their length
  let slow: EventParser | undefined;

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

  /** Reads the complete events in `text`; returns where the unread rest starts. */
  const readEvents = (text: string): number => {
    let start = 0;
    for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n', start)) {
      readEvent(text.slice(start, end));
      start = end + 2;
    }
    return start;
  };
  /** Hands a run to the counter; `false` when it does not take it whole. */
  const countEvents = (text: string): boolean => {
    if (counter === undefined || !DATA_EVENTS.test(text)) return false;
    const count = counter.countable(text);
    if (count === 0) return false;
    counter.counted(count);
    return true;
  };

  return (input) => {
    if (slow !== undefined) {
      slow(input);
      return;
    }
    if (carried + input.length > maxEventBytes || input.includes(RETURN)) {
      slow = fallback();
      for (const part of carry) slow(part);
      carry = [];
      slow(input);
      return;
    }
    // A chunk that ends no event is only kept: joining it now would copy a long event's bytes
    // again with every chunk that adds to it.
    // Where the last event ends: in this chunk, or at the line break it adds to the carried one.
    const last = carry.at(-1);
    const inInput = lastEventEnd(input);
    const joined = last !== undefined && last[last.length - 1] === NEWLINE && input[0] === NEWLINE;
    if (inInput === 0 && !joined) {
      carry.push(input.slice());
      carried += input.length;
      return;
    }
    const end = carried + (inInput > 0 ? inInput : 1);
    const chunk = carry.length === 0 ? input : concat(carry, carried, input);
    carry = [];
    carried = 0;
    // Complete events end at a line break, so the text decoded has no character cut in two.
    const text = decoder.decode(chunk.subarray(0, end));
    const read = countEvents(text) ? text.length : readEvents(text);
    // An odd run of line breaks can leave one for the next event to start with.
    const rest = read < text.length ? withNewline(chunk.subarray(end)) : chunk.slice(end);
    if (rest.length > 0) {
      carry.push(rest);
      carried = rest.length;
    }
  };
}

/** `parts` (of `length` bytes in all) and then `input`, in one array. */
function concat(parts: readonly Uint8Array[], length: number, input: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(length + input.length);
  let at = 0;
  for (const part of parts) {
    chunk.set(part, at);
    at += part.length;
  }
  chunk.set(input, at);
  return chunk;
}

/** Where the chunk's last complete event ends (after its blank line); 0 when none does. */
function lastEventEnd(chunk: Uint8Array): number {
  for (let at = chunk.lastIndexOf(NEWLINE); at > 0; at = chunk.lastIndexOf(NEWLINE, at - 1)) {
    if (chunk[at - 1] === NEWLINE) return at + 1;
  }
  return 0;
}

/** A copy of `rest` after one line break: what an odd run of them left unread. */
function withNewline(rest: Uint8Array): Uint8Array {
  const copy = new Uint8Array(rest.length + 1);
  copy[0] = NEWLINE;
  copy.set(rest, 1);
  return copy;
}

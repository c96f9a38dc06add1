// Newline-delimited JSON (Ollama's native API, `application/x-ndjson`; JSON Lines; JSON text
// sequences, whose records also start with RS): each line is one event.
// A push parser like the SSE one, fed chunks as they pass, cutting nothing and keeping only the
// unfinished last line; a line longer than the limit is skipped and counted, never buffered.
// https://github.com/ndjson/ndjson-spec
import { NEWLINE } from './line-ends.js';
import {
  DEFAULT_MAX_EVENT_BYTES,
  type EventParser,
  type EventParserOptions,
  type ServerSentEvent,
} from './sse.js';

const RECORD_SEPARATOR = 0x1e;

/** Calls `onEvent` with each non-blank line as an event's `data` (its `event` and `id` are empty). */
export function createLineParser(
  onEvent: (event: ServerSentEvent) => void,
  options: EventParserOptions = {},
): EventParser {
  const { maxEventBytes = DEFAULT_MAX_EVENT_BYTES, onOversized } = options;
  const decoder = new TextDecoder();
  let tail = '';
  let tailBytes = 0;
  let skipping = false;
  const emit = (line: string): void => {
    // JSON text sequences (RFC 7464, `application/json-seq`) start each record with RS.
    const start = line.charCodeAt(0) === RECORD_SEPARATOR ? 1 : 0;
    const end = line.endsWith('\r') ? line.length - 1 : line.length;
    const data = start === 0 && end === line.length ? line : line.slice(start, end);
    if (data.trim() !== '') onEvent({ event: '', data, id: '' });
  };
  /** Starts skipping the line being read: counted once, its bytes dropped up to its newline. */
  const skip = (): void => {
    tail = '';
    tailBytes = 0;
    decoder.decode(); // drop a partial character of the skipped line
    skipping = true;
    onOversized?.();
  };
  return (chunk) => {
    let start = 0;
    for (let i = chunk.indexOf(NEWLINE); i >= 0; i = chunk.indexOf(NEWLINE, start)) {
      // A line is measured whole, however its bytes were split into chunks.
      if (!skipping && tailBytes + (i - start) > maxEventBytes) skip();
      if (skipping) skipping = false;
      else emit(tail + decoder.decode(chunk.subarray(start, i)));
      tail = '';
      tailBytes = 0;
      start = i + 1;
    }
    if (skipping || start >= chunk.length) return;
    tail += decoder.decode(chunk.subarray(start), { stream: true });
    tailBytes += chunk.length - start;
    if (tailBytes > maxEventBytes) skip();
  };
}

// The SSE fast path's counter: each chunk's complete events offered whole, counted when the
// counter takes them, read one by one when it does not.
import { describe, expect, it } from 'vitest';
import { createCompleteEventParser, type ServerSentEvent } from './sse.js';
import { createLfEventParser, type EventCounter } from './sse-lf.js';

const encoder = new TextEncoder();

/** The events of a run, as a counter that takes it would count them. */
const eventsIn = (text: string): number => text.split('\n\n').length - 1;

function parser(countable: (text: string) => boolean) {
  const events: string[] = [];
  const offered: { text: string; count: number }[] = [];
  const counted: number[] = [];
  const counter: EventCounter = {
    countable: (text) => {
      offered.push({ text, count: eventsIn(text) });
      return countable(text) ? eventsIn(text) : 0;
    },
    counted: (count) => counted.push(count),
  };
  const onEvent = (event: ServerSentEvent) => events.push(event.data);
  const parse = createLfEventParser(onEvent, 1 << 20, () => createCompleteEventParser(onEvent), counter);
  return { parse, events, offered, counted };
}

describe('createLfEventParser with a counter', () => {
  it('offers each chunk’s complete events as one run, and counts them instead of reading them', () => {
    const { parse, events, offered, counted } = parser(() => true);
    parse(encoder.encode('data: a\n\ndata: b\n\ndata: c'));
    parse(encoder.encode('\n\ndata: d\n\n'));
    expect(offered).toEqual([
      { text: 'data: a\n\ndata: b\n\n', count: 2 },
      { text: 'data: c\n\ndata: d\n\n', count: 2 },
    ]);
    expect(counted).toEqual([2, 2]);
    expect(events).toEqual([]);
  });

  it('reads the events one by one when the counter declines the run', () => {
    const { parse, events, counted } = parser((text) => !text.includes('finish'));
    parse(encoder.encode('data: a\n\ndata: b\n\n'));
    parse(encoder.encode('data: c\n\ndata: finish\n\n'));
    expect(counted).toEqual([2]);
    expect(events).toEqual(['c', 'finish']);
  });

  it('offers complete events of any framing, and reads a declined run as the complete parser does', () => {
    for (const text of [
      'data: a\n\n: keep-alive\n\n',
      'event: delta\ndata: a\n\n',
      'data: a\ndata: b\n\n',
      'data: a\n\n\n',
      'id: 1\ndata: a\n\n',
    ]) {
      const { parse, offered, counted, events } = parser(() => false);
      parse(encoder.encode(text));
      // Whether they are one event each is the counter's to vouch for (protocols/runs.test.ts).
      expect(offered.map((o) => o.text)).toEqual([text]);
      expect(counted).toEqual([]);
      const read: string[] = [];
      createCompleteEventParser((event) => read.push(event.data))(encoder.encode(text));
      expect(events).toEqual(read);
    }
  });

  it('keeps an odd line break for the next event rather than losing it', () => {
    const { parse, events } = parser(() => false);
    parse(encoder.encode('data: a\n\n\n'));
    parse(encoder.encode('data: b\n\n'));
    // The third line break is a blank line of its own: it ends an (empty) event, nothing more.
    expect(events).toEqual(['a', 'b']);
  });

  it('holds the size limit to lines: chunks longer than it stay on the fast path, a longer line does not', () => {
    const onEvent = (event: ServerSentEvent) => events.push(event.data);
    const events: string[] = [];
    let handedOver = 0;
    const fallback = () => {
      handedOver++;
      return createCompleteEventParser(onEvent, { maxEventBytes: 100 });
    };
    const parse = createLfEventParser(onEvent, 100, fallback);
    // Ten 14-byte events a chunk: 140 bytes, more than the limit, no line near it.
    const run = (from: number) =>
      Array.from({ length: 10 }, (_, i) => `data: n${String(from + i).padStart(5, '0')}\n\n`).join('');
    parse(encoder.encode(run(0)));
    parse(encoder.encode(run(10)));
    expect(handedOver).toBe(0);
    expect(events).toHaveLength(20);
    // A line of 120 characters: the complete parser takes over, skips it and reads on.
    parse(encoder.encode(`data: ${'é'.repeat(57)}\n\ndata: after\n\n`));
    expect(handedOver).toBe(1);
    expect(events.slice(20)).toEqual(['after']);
  });

  it('reads a long event that arrives over many chunks once, whole', () => {
    const { parse, events } = parser(() => false);
    const long = 'x'.repeat(300_000);
    const bytes = encoder.encode(`data: a\n\ndata: ${long}\n\ndata: b\n\n`);
    for (let at = 0; at < bytes.length; at += 1000) parse(bytes.subarray(at, at + 1000));
    expect(events.map((e) => e.length)).toEqual([1, long.length, 1]);
  });
});

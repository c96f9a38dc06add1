import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createCompleteEventParser,
  createEventParser,
  parseEventStream,
  type ServerSentEvent,
} from './sse.js';

const encoder = new TextEncoder();

function parseAll(
  chunks: Uint8Array[],
  maxEventBytes?: number,
): { events: ServerSentEvent[]; oversized: number } {
  const events: ServerSentEvent[] = [];
  let oversized = 0;
  const parse = createEventParser((event) => events.push(event), {
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
    onOversized: () => oversized++,
  });
  for (const chunk of chunks) parse(chunk);
  return { events, oversized };
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    if (point > at) chunks.push(bytes.slice(at, point));
    at = Math.max(at, point);
  }
  return chunks;
}

const field = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '));

describe('createEventParser', () => {
  it('reads events, names, ids, multi-line data and CRLF line ends', () => {
    const text = 'event: delta\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\n: comment\n\ndata:{"x":1}\n\n';
    const { events } = parseAll([encoder.encode(text)]);
    expect(events.map((e) => [e.event, e.id, e.data])).toEqual([
      ['delta', '7', 'a\nb'],
      ['', '', '{"x":1}'],
    ]);
  });

  it('finds the same events however the bytes are split, mid-line and mid-character', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(field, field), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (events, cuts) => {
          const text = events.map(([name, data]) => `event: ${name}\ndata: ${data}\n\n`).join('');
          const bytes = encoder.encode(text);
          const whole = parseAll([bytes]).events;
          const pieces = parseAll(split(bytes, cuts)).events;
          expect(pieces).toEqual(whole);
          expect(whole.map((e) => e.data)).toEqual(
            events.filter(([, data]) => data !== '').map(([, data]) => data),
          );
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        parseAll(chunks, 32);
      }),
      { numRuns: 10_000 },
    );
  });

  it('skips a line longer than the limit without buffering it, then reads on', () => {
    const long = `data: ${'x'.repeat(5000)}`;
    const text = `data: first\n\n${long}\n\ndata: last\n\n`;
    const chunks = split(
      encoder.encode(text),
      Array.from({ length: 60 }, (_, i) => i * 97),
    );
    const { events, oversized } = parseAll(chunks, 1000);
    expect(events.map((e) => e.data)).toEqual(['first', 'last']);
    expect(oversized).toBe(1);
  });

  it('skips a long line the same whether it arrives whole in one chunk or split across many', () => {
    const long = 'x'.repeat(200);
    const text = `data: a\n\ndata: ${long}\ndata: same event\n\ndata: b\r\n\r\n: ${long}\n\ndata: c\n\n`;
    const whole = parseAll([encoder.encode(text)], 64);
    // The skipped line only: the event's later lines are read on.
    expect(whole.events.map((e) => e.data)).toEqual(['a', 'same event', 'b', 'c']);
    expect(whole.oversized).toBe(2);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const parts = parseAll(split(encoder.encode(text), cuts), 64);
        expect(parts.events.map((e) => e.data)).toEqual(['a', 'same event', 'b', 'c']);
        expect(parts.oversized).toBe(2);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not depend on chunks the consumer may reuse after the parser has seen them', () => {
    const events: string[] = [];
    const parse = createEventParser((e) => events.push(e.data));
    const chunk = encoder.encode('data: hel');
    parse(chunk);
    chunk.fill(0); // the consumer transfers or overwrites its buffer
    parse(encoder.encode('lo\n\n'));
    expect(events).toEqual(['hello']);
  });
});

describe('parseEventStream', () => {
  it('yields events and cancels the stream when the loop is left early', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode('data: tick\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    let count = 0;
    for await (const event of parseEventStream(body)) {
      expect(event.data).toBe('tick');
      if (++count === 3) break;
    }
    expect(cancelled).toBe(true);
  });
});

describe('createEventParser’s LF fast path against the complete parser', () => {
  const line = fc.oneof(
    fc.constantFrom(
      'data: {"a":1}',
      'data:x',
      'data',
      'data: ',
      ': comment',
      'event: delta',
      'id: 7',
      'retry: 50',
    ),
    fc.constantFrom('retry: x', 'event:', 'id', ':', 'data: é€😀', 'data:  two spaces', 'nocolon'),
    fc.string({ maxLength: 12 }).map((s) => `data: ${s}`),
  );
  const stream = fc
    .array(fc.tuple(fc.array(line, { maxLength: 4 }), fc.constantFrom('\n', '\n', '\n', '\r\n', '\r')), {
      maxLength: 8,
    })
    .map((events) => events.map(([lines, end]) => `${lines.join(end)}${end}${end}`).join(''));

  it('gives the same events, and the same oversized count, however the bytes are split', () => {
    fc.assert(
      fc.property(
        stream,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.constantFrom(16, 64, 1 << 20),
        (text, cuts, max) => {
          const chunks = split(encoder.encode(text), cuts);
          const fast = parseAll(chunks, max);
          const complete: ServerSentEvent[] = [];
          let oversized = 0;
          const parse = createCompleteEventParser((event) => complete.push(event), {
            maxEventBytes: max,
            onOversized: () => oversized++,
          });
          for (const chunk of split(encoder.encode(text), cuts)) parse(chunk);
          expect(fast.events).toEqual(complete);
          expect(fast.oversized).toBe(oversized);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('keeps an event that spans many chunks whole, however far it outgrows the first buffer', () => {
    const long = `${'x'.repeat(9_000)}é${'y'.repeat(9_000)}`;
    // Past the size of buffer a stream keeps: let go once the event is read, then made again.
    const longer = `${'z'.repeat(100_000)}€`;
    const bytes = encoder.encode(
      `data: {"n":1}\n\ndata: ${long}\n\ndata: {"n":2}\n\ndata: ${longer}\n\ndata: {"n":3}\n\ndata: ${long}\n\n`,
    );
    const chunks = Array.from({ length: Math.ceil(bytes.length / 997) }, (_, i) =>
      bytes.slice(i * 997, (i + 1) * 997),
    );
    expect(parseAll(chunks).events.map((e) => e.data)).toEqual([
      '{"n":1}',
      long,
      '{"n":2}',
      longer,
      '{"n":3}',
      long,
    ]);
  });

  it('reads the usual stream without the complete parser: events framed across any split', () => {
    const text = 'data: {"n":1}\n\ndata: {"n":2}\n\n: keep-alive\n\nevent: done\ndata: [DONE]\n\n';
    for (let cut = 1; cut < text.length; cut++) {
      const bytes = encoder.encode(text);
      const { events } = parseAll([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(events.map((e) => [e.event, e.data])).toEqual([
        ['', '{"n":1}'],
        ['', '{"n":2}'],
        ['done', '[DONE]'],
      ]);
    }
  });
});

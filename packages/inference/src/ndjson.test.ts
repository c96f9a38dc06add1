// The NDJSON line parser: one event per non-blank line, however the bytes are split; long lines skipped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLineParser } from './ndjson.js';

const encoder = new TextEncoder();

/** Feeds `chunks` to a fresh parser; returns the data of each event and the oversized count. */
function parseAll(chunks: Uint8Array[], maxEventBytes?: number): { lines: string[]; oversized: number } {
  const lines: string[] = [];
  let oversized = 0;
  const parse = createLineParser((event) => lines.push(event.data), {
    ...(maxEventBytes === undefined ? {} : { maxEventBytes }),
    onOversized: () => oversized++,
  });
  for (const chunk of chunks) parse(chunk);
  return { lines, oversized };
}

/** `bytes` cut at each of `cuts` (taken modulo its length). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1))), bytes.length].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const point of points) {
    if (point > at) chunks.push(bytes.slice(at, point));
    at = Math.max(at, point);
  }
  return chunks;
}

describe('createLineParser', () => {
  it('gives each line as an event with empty name and id, dropping CR and blank lines', () => {
    const events: unknown[] = [];
    const parse = createLineParser((event) => events.push(event));
    parse(encoder.encode('{"a":1}\r\n\n   \n{"b":2}\n'));
    expect(events).toEqual([
      { event: '', data: '{"a":1}', id: '' },
      { event: '', data: '{"b":2}', id: '' },
    ]);
  });

  it('holds an unfinished last line until its newline comes', () => {
    const lines: string[] = [];
    const parse = createLineParser((event) => lines.push(event.data));
    parse(encoder.encode('{"done":fa'));
    expect(lines).toEqual([]);
    parse(encoder.encode('lse}\n{"next"'));
    expect(lines).toEqual(['{"done":false}']);
  });

  it('finds the same lines however the bytes are split, mid-line and mid-character', () => {
    const line = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ' '));
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (lines, cuts) => {
          const bytes = encoder.encode(lines.map((l) => `${l}\n`).join(''));
          expect(parseAll(split(bytes, cuts)).lines).toEqual(lines.filter((l) => l.trim() !== ''));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('skips a line longer than the limit without keeping it, counts it, and reads the next', () => {
    const long = `{"text":"${'x'.repeat(100)}"}`;
    const chunks = split(encoder.encode(`{"a":1}\n${long}\n{"b":2}\n`), [3, 20, 40, 60, 90, 115]);
    const { lines, oversized } = parseAll(chunks, 32);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(oversized).toBe(1);
  });

  it('skips a long line the same whether it arrives whole in one chunk or split across many', () => {
    const text = `{"a":1}\n{"t":"${'x'.repeat(200)}"}\n{"b":2}\r\n{"u":"${'é'.repeat(40)}"}\n{"c":3}\n`;
    const whole = parseAll([encoder.encode(text)], 64);
    expect(whole.lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(whole.oversized).toBe(2);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const parts = parseAll(split(encoder.encode(text), cuts), 64);
        expect(parts.lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
        expect(parts.oversized).toBe(2);
      }),
      { numRuns: 2000 },
    );
  });

  it('drops the partial character a skipped line ends with, so the next line reads clean', () => {
    // A 3-byte character cut after its first byte at the point the line goes over the limit.
    const bytes = encoder.encode(`${'y'.repeat(10)}€\n{"k":1}\n`);
    const { lines, oversized } = parseAll([bytes.slice(0, 11), bytes.slice(11)], 8);
    expect(lines).toEqual(['{"k":1}']);
    expect(oversized).toBe(1);
  });

  it('reads JSON text sequences (RFC 7464): the record separator before each record is not data', () => {
    const { lines } = parseAll([encoder.encode('\u001e{"a":1}\n\u001e{"b":2}\r\n')]);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});

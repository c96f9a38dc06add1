// Which responses count as streams: streaming content types or chunked transfer, and only with a body.
import { describe, expect, it } from 'vitest';
import { isStreamingResponse } from './streaming.js';

const response = (headers: Record<string, string>, body: string | null = 'data') =>
  new Response(body, { headers });

describe('isStreamingResponse', () => {
  it('knows the streaming content types, with parameters and in any case', () => {
    const types = [
      'text/event-stream',
      'text/event-stream; charset=utf-8',
      'Text/Event-Stream',
      'application/x-ndjson',
      'application/jsonl',
      'application/json-seq',
      'application/stream+json',
      'multipart/x-mixed-replace; boundary=frame',
    ];
    for (const type of types)
      expect(isStreamingResponse(response({ 'content-type': type })), type).toBe(true);
  });

  it('counts a chunked transfer as a stream, whatever its type (Hono’s stream() helpers)', () => {
    expect(
      isStreamingResponse(response({ 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })),
    ).toBe(true);
    expect(isStreamingResponse(response({ 'transfer-encoding': 'gzip, Chunked' }))).toBe(true);
  });

  it('does not count a whole body of another type, such as c.json() or c.text()', () => {
    expect(isStreamingResponse(response({ 'content-type': 'application/json' }))).toBe(false);
    expect(isStreamingResponse(response({ 'content-type': 'text/plain;charset=UTF-8' }))).toBe(false);
    expect(
      isStreamingResponse(response({ 'content-type': 'text/html', 'transfer-encoding': 'identity' })),
    ).toBe(false);
    expect(isStreamingResponse(response({}))).toBe(false);
  });

  it('never counts a response without a body, whatever its headers say', () => {
    expect(isStreamingResponse(response({ 'content-type': 'text/event-stream' }, null))).toBe(false);
    expect(
      isStreamingResponse(new Response(null, { status: 204, headers: { 'transfer-encoding': 'chunked' } })),
    ).toBe(false);
  });
});

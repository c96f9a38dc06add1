// Which responses are streams, to be watched chunk by chunk: their span ends with the body.
// Hono's `c.text()`/`c.json()` bodies are streams too, so the body alone cannot tell; the
// headers a streamed response is sent with can.

/** Streaming content types, whatever their case and parameters: server-sent events, NDJSON, JSON Lines, ... */
const STREAM_TYPE =
  /^(?:text\/event-stream|application\/(?:x-ndjson|jsonl|json-seq|stream\+json)|multipart\/x-mixed-replace)/i;
const CHUNKED = /chunked/i;

/**
 * The default test: a streaming content type or `transfer-encoding: chunked` (what Hono's
 * `stream()` and `streamText()` helpers send), and a body. The headers are asked first: the body
 * getter costs more, and most answers are not streams.
 */
export function isStreamingResponse(response: Response): boolean {
  const { headers } = response;
  const type = headers.get('content-type');
  const streaming =
    (type !== null && STREAM_TYPE.test(type)) || CHUNKED.test(headers.get('transfer-encoding') ?? '');
  return streaming && response.body !== null;
}

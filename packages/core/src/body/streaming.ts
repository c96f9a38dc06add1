// Which responses are streams, to be watched chunk by chunk: their span ends with the body.
// Hono's `c.text()`/`c.json()` bodies are streams too, so the body alone cannot tell; the
// headers a streamed response is sent with can.

const STREAM_TYPES = [
  'text/event-stream',
  'application/x-ndjson',
  'application/jsonl',
  'application/json-seq',
  'application/stream+json',
  'multipart/x-mixed-replace',
];

/**
 * The default test: a streaming content type (server-sent events, NDJSON, JSON Lines, ...) or
 * `transfer-encoding: chunked` (what Hono's `stream()` and `streamText()` helpers send).
 */
export function isStreamingResponse(response: Response): boolean {
  if (response.body === null) return false;
  const type = response.headers.get('content-type')?.toLowerCase() ?? '';
  if (STREAM_TYPES.some((stream) => type.startsWith(stream))) return true;
  return response.headers.get('transfer-encoding')?.toLowerCase().includes('chunked') === true;
}

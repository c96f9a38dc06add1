// Imported first by every variant: the global `fetch` answers in-process, so the outgoing call
// and the OTLP export cost what the instrumentation does with them, and no network is timed.
// (`@microlabs/otel-cf-workers` wraps the global fetch when it loads, so this must come first.)
const encoder = new TextEncoder();

/**
 * Answers every request with a small JSON body, after reading (and so paying for) its body. With
 * a `content-length`, as a collector's (or any server's) small answer comes over HTTP.
 */
export async function stubFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const body = init?.body;
  if (typeof body === 'string') encoder.encode(body);
  else if (body instanceof Uint8Array) void body.byteLength;
  else if (input instanceof Request && input.body !== null) await input.arrayBuffer();
  return new Response('{"ok":true}', {
    headers: { 'content-type': 'application/json', 'content-length': '11' },
  });
}

globalThis.fetch = stubFetch as typeof fetch;

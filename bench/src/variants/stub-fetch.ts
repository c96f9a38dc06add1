// Imported first by every variant: the global `fetch` answers in-process, so the outgoing call
// and the OTLP export cost what the instrumentation does with them, and no network is timed.
// (`@microlabs/otel-cf-workers` wraps the global fetch when it loads, so this must come first.)
const encoder = new TextEncoder();

/** Replaced by esbuild's `define`: a real collector on 127.0.0.1 for CPU runs, else ''. */
declare const COLLECTOR_URL: string;
const original = globalThis.fetch;
const STUB_COLLECTOR = 'http://collector.stub';

/**
 * Answers every request (but exports, in CPU runs) with a small JSON body, after reading (and so paying for) its body. With
 * a `content-length`, as a collector's (or any server's) small answer comes over HTTP.
 */
export async function stubFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = input instanceof Request ? input.url : String(input);
  if (COLLECTOR_URL !== '' && url.startsWith(STUB_COLLECTOR)) {
    // CPU runs: the export really goes out, as a subrequest, to a collector on 127.0.0.1.
    return original(COLLECTOR_URL + url.slice(STUB_COLLECTOR.length), init);
  }
  const body = init?.body;
  if (typeof body === 'string') encoder.encode(body);
  else if (body instanceof Uint8Array) void body.byteLength;
  else if (input instanceof Request && input.body !== null) await input.arrayBuffer();
  return new Response('{"ok":true}', {
    headers: { 'content-type': 'application/json', 'content-length': '11' },
  });
}

globalThis.fetch = stubFetch as typeof fetch;

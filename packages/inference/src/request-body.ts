// Reading a request's JSON body without consuming the caller's: strings and bytes are read as
// they are, a Blob is read again, a stream is teed (fetch gets one branch), a Request is cloned.
import type { CallTarget } from '@edgetrace/fetch/internal';

export interface ReadBody {
  /** The body's text, or `undefined` when there is none, it is too large, or not text. */
  readonly text: string | undefined;
  /** The init to send with: the caller's, or a copy carrying a teed stream. */
  readonly init: RequestInit | undefined;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Whether a string's UTF-8 form fits in `limit` bytes; it is encoded only when its length cannot tell. */
function fitsUtf8(text: string, limit: number): boolean {
  if (text.length > limit) return false; // every UTF-16 unit is at least one UTF-8 byte
  return text.length * 3 <= limit || encoder.encode(text).byteLength <= limit;
}

async function readLimited(stream: ReadableStream<Uint8Array>, limit: number): Promise<string | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return decoder.decode(all);
}

/** Reads the body a call will send, up to `limit` bytes, leaving what fetch sends intact. */
export async function readRequestBody(
  target: CallTarget,
  init: RequestInit | undefined,
  limit: number,
): Promise<ReadBody> {
  const body = init?.body;
  try {
    if (body === undefined || body === null) {
      const request = target.request;
      if (request === undefined || request.body === null) return { text: undefined, init };
      return { text: await readLimited(request.clone().body as ReadableStream<Uint8Array>, limit), init };
    }
    if (typeof body === 'string') return { text: fitsUtf8(body, limit) ? body : undefined, init };
    if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
      const bytes =
        body instanceof ArrayBuffer
          ? new Uint8Array(body)
          : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
      return { text: bytes.byteLength <= limit ? decoder.decode(bytes) : undefined, init };
    }
    if (body instanceof Blob) return { text: body.size <= limit ? await body.text() : undefined, init };
    if (body instanceof ReadableStream) {
      const [sent, read] = body.tee();
      return { text: await readLimited(read, limit), init: { ...init, body: sent } };
    }
  } catch {
    // An unreadable body only means no request attributes.
  }
  return { text: undefined, init };
}

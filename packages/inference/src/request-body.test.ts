import { callTarget } from '@edgetrace/fetch/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from '../../../test/support/upstream.js';
import { readRequestBody } from './request-body.js';

const JSON_BODY = '{"model":"m","messages":[{"role":"user","content":"héllo"}]}';
const bytes = new TextEncoder().encode(JSON_BODY);

function streamOf(...parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream((_request, response) => {
    response.end('ok');
  });
});
afterAll(() => upstream.close());

/** Reads the body as the instrumentation does, then sends the call with the init it returns. */
async function readThenSend(init: RequestInit, limit = 1024) {
  const target = callTarget(upstream.url, init, (m) => m);
  if (target === undefined) throw new Error('no target');
  const read = await readRequestBody(target, init, limit);
  await (await fetch(upstream.url, read.init)).text();
  return { text: read.text, sent: upstream.received.at(-1)?.body };
}

describe('readRequestBody', () => {
  const bodies: [string, () => BodyInit][] = [
    ['a string', () => JSON_BODY],
    ['an ArrayBuffer', () => bytes.slice().buffer],
    ['a Uint8Array', () => bytes.slice()],
    [
      'a view into a larger buffer',
      () => new Uint8Array([0x20, ...bytes, 0x20]).subarray(1, bytes.length + 1),
    ],
    ['a DataView', () => new DataView(bytes.slice().buffer)],
    ['a Blob', () => new Blob([JSON_BODY])],
    ['a stream in pieces', () => streamOf(bytes.slice(0, 5), bytes.slice(5, 31), bytes.slice(31))],
  ];

  for (const [name, body] of bodies) {
    it(`reads ${name} and leaves what fetch sends whole`, async () => {
      const { text, sent } = await readThenSend({
        method: 'POST',
        body: body(),
        duplex: 'half',
      } as RequestInit);
      expect(text).toBe(JSON_BODY);
      expect(sent).toBe(JSON_BODY);
    });
  }

  it('reads a Request body from a clone, leaving the Request unread', async () => {
    const request = new Request(upstream.url, { method: 'POST', body: JSON_BODY });
    const target = callTarget(request, undefined, (m) => m);
    if (target === undefined) throw new Error('no target');
    const read = await readRequestBody(target, undefined, 1024);
    expect(read.text).toBe(JSON_BODY);
    expect(request.bodyUsed).toBe(false);
    await (await fetch(request)).text();
    expect(upstream.received.at(-1)?.body).toBe(JSON_BODY);
  });

  it('gives no text for a body over the limit, of any kind, and still sends it whole', async () => {
    const limit = bytes.length - 1;
    for (const body of [
      JSON_BODY,
      bytes.slice(),
      new Blob([JSON_BODY]),
      streamOf(bytes.slice(0, 10), bytes.slice(10)),
    ]) {
      const { text, sent } = await readThenSend(
        { method: 'POST', body, duplex: 'half' } as RequestInit,
        limit,
      );
      expect(text).toBeUndefined();
      expect(sent).toBe(JSON_BODY);
    }
  });

  it('gives no text for no body, FormData, or a stream that fails, and returns the caller’s init', async () => {
    expect((await readThenSend({ method: 'GET' })).text).toBeUndefined();
    const form = new FormData();
    form.set('model', 'm');
    const formInit = { method: 'POST', body: form };
    const target = callTarget(upstream.url, formInit, (m) => m);
    if (target === undefined) throw new Error('no target');
    const formRead = await readRequestBody(target, formInit, 1024);
    expect(formRead).toEqual({ text: undefined, init: formInit });
    const failing = new ReadableStream({
      pull(controller) {
        controller.error(new TypeError('upload failed'));
      },
    });
    const failingInit = { method: 'POST', body: failing, duplex: 'half' } as RequestInit;
    const failingRead = await readRequestBody(target, failingInit, 1024);
    expect(failingRead).toEqual({ text: undefined, init: failingInit });
  });
});

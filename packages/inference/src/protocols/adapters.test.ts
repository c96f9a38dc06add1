// Every protocol adapter against what a server may really send: junk of any shape never throws
// and never leaves a non-number count, and the edge cases of each wire format read as documented.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anthropic } from './anthropic.js';
import { ADAPTERS } from './detect.js';
import { ollamaChat } from './ollama.js';
import { openaiChat } from './openai.js';
import { tgi } from './tgi.js';
import type { Generation } from './types.js';

const fresh = (choices = 1): Generation => ({
  finishReasons: [],
  choices,
  output: [],
  outputChars: 0,
  complete: false,
});

const COUNTS = [
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'dimensions',
] as const;

/** What every adapter must leave in a generation, whatever it read. */
function expectWellFormed(g: Generation): void {
  for (const key of COUNTS) {
    const value = g[key];
    if (value !== undefined) expect(Number.isFinite(value), key).toBe(true);
  }
  expect(g.finishReasons.length).toBeLessThanOrEqual(1024);
  for (const reason of g.finishReasons) if (reason !== undefined) expect(typeof reason).toBe('string');
  for (const part of g.output) expect(typeof part).toBe('string');
  expect(g.outputChars).toBe(g.output.join('').length);
  for (const field of ['responseId', 'responseModel', 'modelVersion'] as const) {
    const value = g[field];
    if (value !== undefined) expect(typeof value).toBe('string');
  }
}

describe('every adapter', () => {
  for (const adapter of Object.values(ADAPTERS)) {
    it(`${adapter.name} reads any JSON as an event, an answer or a request without throwing`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 5 }),
          fc.constantFrom('', 'message', 'error', 'message_stop', 'content_block_delta'),
          fc.boolean(),
          (values, name, capture) => {
            const g = fresh();
            for (const value of values) adapter.event(value, name, g, capture);
            adapter.response(values[0] ?? null, g, capture);
            expectWellFormed(g);
            const body = values.find((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
            if (body !== undefined) {
              const request = adapter.request(
                body as Record<string, unknown>,
                new URL('http://gpu/v1/x'),
                capture,
              );
              expect(['string', 'undefined']).toContain(typeof request.model);
              expect(typeof request.stream).toBe('boolean');
            }
          },
        ),
        { numRuns: 300 },
      );
    });

    it(`${adapter.name} ignores events that are not objects`, () => {
      const g = fresh();
      for (const junk of [null, 42, 'text', [], [{ choices: [] }], true]) adapter.event(junk, '', g, true);
      expect(g).toEqual(fresh());
    });
  }
});

describe('openai adapter edge cases', () => {
  it('puts a finish reason with an index out of range or not whole at the first choice', () => {
    for (const index of [5000, -1, 1.5, '1', null]) {
      const g = fresh();
      openaiChat.event({ choices: [{ index, finish_reason: 'stop' }] }, '', g, false);
      expect(g.finishReasons, String(index)).toEqual(['stop']);
    }
  });

  it('ignores usage counts that are not numbers', () => {
    const g = fresh();
    openaiChat.event(
      { usage: { prompt_tokens: '12', completion_tokens: null, total_tokens: 12 } },
      '',
      g,
      false,
    );
    expect([g.inputTokens, g.outputTokens]).toEqual([undefined, undefined]);
  });

  it('reads an error in vLLM’s shape (object: error) and stops reading that event', () => {
    const g = fresh();
    const event = {
      object: 'error',
      type: 'BadRequestError',
      message: 'too long',
      choices: [{ finish_reason: 'stop' }],
    };
    openaiChat.event(event, '', g, false);
    expect(g.error).toEqual({ type: 'BadRequestError', message: 'too long' });
    expect(g.finishReasons).toEqual([]);
  });

  it('is complete once every choice asked for has finished, without [DONE]', () => {
    const g = fresh(2);
    openaiChat.event({ choices: [{ index: 1, finish_reason: 'length' }] }, '', g, false);
    expect(g.complete).toBe(false);
    openaiChat.event({ choices: [{ index: 0, finish_reason: 'stop' }] }, '', g, false);
    expect(g.complete).toBe(true);
  });

  it('treats an empty id as no id (TGI’s OpenAI API sends "id": "")', () => {
    const g = fresh();
    openaiChat.event({ id: '', model: 'tgi', choices: [] }, '', g, false);
    openaiChat.event({ id: 'chatcmpl-2', choices: [] }, '', g, false);
    expect([g.responseId, g.responseModel]).toEqual(['chatcmpl-2', 'tgi']);
  });
});

describe('anthropic adapter edge cases', () => {
  it('takes the event type from the SSE event name when the data has none', () => {
    const g = fresh();
    anthropic.event({}, 'message_stop', g, false);
    expect(g.complete).toBe(true);
  });

  it('reads a message_delta without a delta, and an error without a type', () => {
    const g = fresh();
    anthropic.event({ type: 'message_delta', usage: { output_tokens: 9 } }, '', g, false);
    anthropic.event({ type: 'error', error: { message: 'Overloaded' } }, '', g, false);
    expect(g.outputTokens).toBe(9);
    expect(g.finishReasons).toEqual([]);
    expect(g.error).toEqual({ type: 'server_error', message: 'Overloaded' });
  });
});

describe('tgi adapter edge cases', () => {
  it('reads an error event with its error_type, and leaves the stream incomplete', () => {
    const g = fresh();
    tgi.event({ error: 'Request failed during generation', error_type: 'generation' }, '', g, false);
    expect(g.error).toEqual({ type: 'generation', message: 'Request failed during generation' });
    expect(g.complete).toBe(false);
  });

  it('records no text of special tokens', () => {
    const g = fresh();
    tgi.event({ token: { text: '</s>', special: true }, generated_text: null }, '', g, true);
    tgi.event({ token: { text: 'Hi' }, generated_text: null }, '', g, true);
    expect(g.output).toEqual(['Hi']);
  });
});

describe('ollama adapter edge cases', () => {
  it('is complete at done: true even without a done_reason, with durations in seconds', () => {
    const g = fresh();
    ollamaChat.event({ done: true, eval_count: 3, eval_duration: 1_500_000_000 }, '', g, false);
    expect(g.complete).toBe(true);
    expect(g.finishReasons).toEqual([]);
    expect(g.server).toEqual({ total: undefined, load: undefined, prefill: undefined, decode: 1.5 });
    expect(g.outputTokens).toBe(3);
  });

  it('reads nothing final from a line that is not done', () => {
    const g = fresh();
    ollamaChat.event({ done: false, done_reason: 'stop', eval_count: 3 }, '', g, false);
    expect([g.complete, g.finishReasons, g.outputTokens]).toEqual([false, [], undefined]);
  });
});

describe('openai adapter: runs of events taken whole', () => {
  const chunk = (tail: string): string =>
    `data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"},${tail}}]}\n\n`;
  const run = (...tails: string[]): string => tails.map(chunk).join('');
  const contentOnlyRun = openaiChat.contentOnlyRun;

  it('takes a run of text-only chunks, and agrees with contentOnly event by event', () => {
    const text = run('"finish_reason":null', '"finish_reason":null', '"finish_reason":null');
    expect(contentOnlyRun?.(text)).toBe(3);
    for (const event of text.split('\n\n').filter((e) => e !== '')) {
      expect(openaiChat.contentOnly?.(event.slice(6))).toBe(true);
    }
  });

  it('takes text that only mentions the facts, escaped inside a string', () => {
    const text = run('"finish_reason":null').replace(
      '"content":"x"',
      String.raw`"content":"error\": \"usage\":{"`,
    );
    expect(contentOnlyRun?.(text)).toBe(1);
  });

  it('declines a run with a finish reason, usage or an error anywhere, or an event with no null finish reason', () => {
    expect(contentOnlyRun?.(run('"finish_reason":null', '"finish_reason":"stop"'))).toBe(0);
    expect(
      contentOnlyRun?.(run('"finish_reason":null', '"finish_reason":null,"usage":{"total_tokens":3}')),
    ).toBe(0);
    expect(contentOnlyRun?.(run('"finish_reason":null', '"error":"x"'))).toBe(0);
    expect(contentOnlyRun?.(run('"finish_reason":null', '"error" : {"message":"x"}'))).toBe(0);
    expect(contentOnlyRun?.(run('"finish_reason":null,"object":"error"'))).toBe(0);
    expect(contentOnlyRun?.(run('"finish_reason":null', '"finish_reason": "length"'))).toBe(0);
    expect(contentOnlyRun?.(run('"finish_reason":null,"usage": {"total_tokens":3}'))).toBe(0);
    // The middle chunk names no finish reason: the run is read event by event.
    expect(contentOnlyRun?.(run('"finish_reason":null', '"logprobs":null', '"finish_reason":null'))).toBe(0);
    // A spaced null is not the marker: read event by event too, as contentOnly does.
    expect(contentOnlyRun?.(run('"finish_reason": null'))).toBe(0);
  });
});

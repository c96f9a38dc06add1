// A generation's end attributes: finish reasons (error for choices cut short), usage under the
// GenAI convention names, captured output, and what only the wire shows.
import { describe, expect, it } from 'vitest';
import {
  MALFORMED_EVENTS,
  MODEL_VERSION,
  OVERSIZED_EVENTS,
  SERVER_DECODE_DURATION,
  SERVER_LOAD_DURATION,
  SERVER_PREFILL_DURATION,
  SERVER_TOTAL_DURATION,
} from './attribute-names.js';
import { answerAttributes, finishReasons, wireAttributes } from './generation-attributes.js';
import type { Generation } from './protocols/types.js';

function generation(fields: Partial<Generation> = {}): Generation {
  return { finishReasons: [], choices: 1, output: [], outputChars: 0, complete: false, ...fields };
}

describe('finishReasons', () => {
  it('lists the reasons that came, in choice order, skipping holes of a finished call', () => {
    expect(
      finishReasons(generation({ finishReasons: ['stop', undefined, 'length'], choices: 3 }), false),
    ).toEqual(['stop', 'length']);
  });

  it('puts error in place of each reason a call ended early never got', () => {
    const g = generation({ finishReasons: [undefined, 'stop'], choices: 3 });
    expect(finishReasons(g, true)).toEqual(['error', 'stop', 'error']);
    expect(finishReasons(generation(), true)).toEqual(['error']);
    expect(finishReasons(generation(), false)).toEqual([]);
  });
});

describe('answerAttributes', () => {
  it('writes the answer under the GenAI convention names', () => {
    const g = generation({
      responseId: 'chatcmpl-1',
      responseModel: 'llama-3.1-8b',
      finishReasons: ['stop'],
      inputTokens: 12,
      outputTokens: 34,
      cacheReadTokens: 5,
      cacheWriteTokens: 6,
      reasoningTokens: 7,
    });
    expect(answerAttributes(g, 'chat', undefined, false)).toEqual({
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.model': 'llama-3.1-8b',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 34,
      'gen_ai.usage.cache_read.input_tokens': 5,
      'gen_ai.usage.cache_write.input_tokens': 6,
      'gen_ai.usage.reasoning.output_tokens': 7,
    });
  });

  it('writes nothing it does not know, and no finish reasons for embeddings, even cut short', () => {
    expect(answerAttributes(generation(), 'text_completion', undefined, false)).toEqual({});
    expect(answerAttributes(generation({ dimensions: 768 }), 'embeddings', undefined, true)).toEqual({
      'gen_ai.embeddings.dimension.count': 768,
    });
  });

  it('records the output as one assistant message only when capturing, bounded by the capture', () => {
    const g = generation({ output: ['Hello', ', ', 'world'], outputChars: 12 });
    expect(answerAttributes(g, 'chat', undefined, false)['gen_ai.output.messages']).toBeUndefined();
    expect(answerAttributes(g, 'chat', { maxLength: 100, redact: undefined }, false)).toEqual({
      'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello, world' }] }],
    });
    expect(answerAttributes(g, 'chat', { maxLength: 5, redact: undefined }, false)).toEqual({
      'gen_ai.output.messages': [
        { role: 'assistant', parts: [{ type: 'text', content: 'Hello…[truncated]' }] },
      ],
    });
    expect(answerAttributes(generation(), 'chat', { maxLength: 5, redact: undefined }, false)).toEqual({});
  });
});

describe('wireAttributes', () => {
  it('records the model version and the server’s own timings under edgetrace names', () => {
    const g = generation({ modelVersion: '3', server: { total: 1.5, load: 0.1, prefill: 0.2, decode: 1.2 } });
    expect(wireAttributes(g, 0, 0)).toEqual({
      [MODEL_VERSION]: '3',
      [SERVER_TOTAL_DURATION]: 1.5,
      [SERVER_LOAD_DURATION]: 0.1,
      [SERVER_PREFILL_DURATION]: 0.2,
      [SERVER_DECODE_DURATION]: 1.2,
    });
    expect(wireAttributes(generation({ server: { decode: 0.5 } }), 0, 0)).toEqual({
      [SERVER_DECODE_DURATION]: 0.5,
    });
  });

  it('counts malformed and oversized events only when there were some', () => {
    expect(wireAttributes(generation(), 0, 0)).toEqual({});
    expect(wireAttributes(generation(), 2, 1)).toEqual({ [MALFORMED_EVENTS]: 2, [OVERSIZED_EVENTS]: 1 });
  });
});

// Small synthetic event streams in each protocol's shape, for the mechanics a recording cannot
// script: exact timing with an injected clock, faults at a chosen event, UTF-8 sequences cut by
// the byte splitter (texts carry multi-byte characters). What servers really send is tested
// against the recorded transcripts in ../../recordings (recordings.test.ts, sdk-clients.test.ts).

/** One SSE event's wire text. */
export const sse = (data: unknown, event?: string): string =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

const chatChunk = (content: string | undefined, finish: string | null): Record<string, unknown> => ({
  id: 'chatcmpl-42',
  object: 'chat.completion.chunk',
  created: 1_795_000_000,
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  system_fingerprint: 'fp_vllm_0.11',
  choices: [
    { index: 0, delta: content === undefined ? { role: 'assistant' } : { content }, finish_reason: finish },
  ],
});

/** OpenAI-compatible chat streaming with `stream_options.include_usage` (vLLM, OpenAI). */
export const OPENAI_CHAT_STREAM: string[] = [
  sse(chatChunk(undefined, null)),
  sse(chatChunk('Héllo', null)),
  sse(chatChunk(' wörld', null)),
  sse(chatChunk(' 😀', 'stop')),
  sse({
    id: 'chatcmpl-42',
    object: 'chat.completion.chunk',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    choices: [],
    usage: {
      prompt_tokens: 21,
      completion_tokens: 4,
      total_tokens: 25,
      prompt_tokens_details: { cached_tokens: 16 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  }),
  sse('[DONE]'),
];

export const OPENAI_CHAT_REQUEST: Record<string, unknown> = {
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Say hello to the wörld' },
  ],
  stream: true,
  stream_options: { include_usage: true },
  max_tokens: 64,
  temperature: 0.2,
  top_p: 0.9,
  seed: 7,
  stop: ['\n\n'],
};

export const OPENAI_CHAT_ANSWER: Record<string, unknown> = {
  id: 'chatcmpl-43',
  object: 'chat.completion',
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
};

/** OpenAI-compatible completions streaming (llama.cpp server, vLLM). */
export const OPENAI_COMPLETIONS_STREAM: string[] = [
  sse({
    id: 'cmpl-7',
    object: 'text_completion',
    model: 'qwen2.5-7b',
    choices: [{ index: 0, text: 'Once', finish_reason: null }],
  }),
  sse({
    id: 'cmpl-7',
    object: 'text_completion',
    model: 'qwen2.5-7b',
    choices: [{ index: 0, text: ' upon', finish_reason: 'length' }],
  }),
  sse({
    id: 'cmpl-7',
    object: 'text_completion',
    model: 'qwen2.5-7b',
    choices: [],
    usage: { prompt_tokens: 3, completion_tokens: 2 },
  }),
  sse('[DONE]'),
];

/** TGI `/generate_stream`: a token per event, `details` in the last. */
export const TGI_STREAM: string[] = [
  sse({
    index: 1,
    token: { id: 9906, text: 'Bonjour', logprob: -0.3, special: false },
    generated_text: null,
    details: null,
  }),
  sse({
    index: 2,
    token: { id: 1917, text: ' à tous', logprob: -0.9, special: false },
    generated_text: null,
    details: null,
  }),
  sse({
    index: 3,
    token: { id: 2, text: '</s>', logprob: -0.01, special: true },
    generated_text: 'Bonjour à tous',
    details: { finish_reason: 'eos_token', generated_tokens: 3, seed: null },
  }),
];

/** Triton `generate_stream` (TensorRT-LLM / vLLM backends). */
export const TRITON_STREAM: string[] = [
  sse({
    model_name: 'ensemble',
    model_version: '3',
    sequence_end: false,
    sequence_id: 0,
    text_output: 'Grüß',
  }),
  sse({
    model_name: 'ensemble',
    model_version: '3',
    sequence_end: false,
    sequence_id: 0,
    text_output: ' Gott',
  }),
  sse({ model_name: 'ensemble', model_version: '3', sequence_end: true, sequence_id: 0, text_output: '!' }),
];

/** Anthropic Messages streaming events. */
export const ANTHROPIC_STREAM: string[] = [
  sse(
    {
      type: 'message_start',
      message: {
        id: 'msg_01XYZ',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        usage: {
          input_tokens: 12,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 0,
          output_tokens: 1,
        },
      },
    },
    'message_start',
  ),
  sse(
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    'content_block_start',
  ),
  sse({ type: 'ping' }, 'ping'),
  sse(
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Ça va' } },
    'content_block_delta',
  ),
  sse(
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' très bien' } },
    'content_block_delta',
  ),
  sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
  sse(
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5 },
    },
    'message_delta',
  ),
  sse({ type: 'message_stop' }, 'message_stop'),
];

/** Workers AI native streaming. */
export const WORKERS_AI_STREAM: string[] = [
  sse({ response: 'Hallo', p: 'abc' }),
  sse({ response: ' Welt', p: 'abcd' }),
  sse({ response: '', usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10 } }),
  sse('[DONE]'),
];

/** Splits `text`'s bytes into chunks of `size`, cutting lines and UTF-8 sequences anywhere. */
export function splitBytes(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

// The wire formats the mock speaks: OpenAI chat completions and completions (streamed with
// `[DONE]` and the `include_usage` chunk, or whole), and Triton's generate / generate_stream.

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Format {
  /** Events sent before the first token (the chat role chunk). */
  opening(): string[];
  /** The event carrying token `text`. */
  token(text: string): string;
  /** The closing events: finish reason, usage when asked, the end marker. */
  closing(finish: string, usage: Usage): string[];
  /** The whole answer, when not streaming. */
  whole(text: string, finish: string, usage: Usage): unknown;
}

const sse = (data: unknown): string => `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

export function openaiFormat(chat: boolean, model: string, id: string, includeUsage: boolean): Format {
  const created = Math.floor(Date.now() / 1000);
  const object = chat ? 'chat.completion.chunk' : 'text_completion';
  const choice = (text: string | undefined, finish: string | null) =>
    chat
      ? { index: 0, delta: text === undefined ? {} : { content: text }, finish_reason: finish }
      : { index: 0, text: text ?? '', finish_reason: finish };
  return {
    opening: () =>
      chat
        ? [
            sse({
              id,
              object,
              created,
              model,
              choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }],
            }),
          ]
        : [],
    token: (text) => sse({ id, object, created, model, choices: [choice(text, null)] }),
    closing: (finish, usage) => [
      sse({ id, object, created, model, choices: [choice(undefined, finish)] }),
      ...(includeUsage ? [sse({ id, object, created, model, choices: [], usage })] : []),
      sse('[DONE]'),
    ],
    whole: (text, finish, usage) => ({
      id,
      object: chat ? 'chat.completion' : 'text_completion',
      created,
      model,
      choices: [
        chat
          ? { index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }
          : { index: 0, text, finish_reason: finish },
      ],
      usage,
    }),
  };
}

export function tritonFormat(model: string): Format {
  const base = { model_name: model, model_version: '1', sequence_id: 0 };
  return {
    opening: () => [],
    token: (text) => sse({ ...base, sequence_end: false, text_output: text }),
    closing: (_finish, usage) => [
      sse({ ...base, sequence_end: true, text_output: '', num_output_tokens: usage.completion_tokens }),
    ],
    whole: (text, _finish, usage) => ({
      ...base,
      text_output: text,
      num_output_tokens: usage.completion_tokens,
    }),
  };
}

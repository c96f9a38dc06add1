// Ollama's native API: `/api/chat`, `/api/generate` and `/api/embed`. Streams are newline-
// delimited JSON (`application/x-ndjson`), on by default; the last object says `done: true` with
// `done_reason`, the token counts (`prompt_eval_count`, `eval_count`) and where the server's
// time went (`load_duration`, `prompt_eval_duration`, `eval_duration`, `total_duration`, in ns).
// https://github.com/ollama/ollama/blob/main/docs/api.md

import { dimensionsOf } from './embeddings.js';
import {
  addOutput,
  chatMessages,
  type Generation,
  inputText,
  isObject,
  type JsonObject,
  num,
  type Operation,
  type ProtocolAdapter,
  type ProtocolName,
  readErrorBody,
  requestParameters,
  setFinishReason,
  str,
  text,
  textMessage,
} from './types.js';

/** Ollama's `options` names where they differ from the common ones. */
const PARAMETERS = { 'gen_ai.request.max_tokens': ['num_predict'] };

const seconds = (nanoseconds: unknown): number | undefined => {
  const value = num(nanoseconds);
  return value === undefined ? undefined : value / 1e9;
};

function readFinal(body: JsonObject, generation: Generation): void {
  const input = num(body.prompt_eval_count);
  const output = num(body.eval_count);
  if (input !== undefined) generation.inputTokens = input;
  if (output !== undefined) generation.outputTokens = output;
  const server = {
    total: seconds(body.total_duration),
    load: seconds(body.load_duration),
    prefill: seconds(body.prompt_eval_duration),
    decode: seconds(body.eval_duration),
  };
  if (Object.values(server).some((value) => value !== undefined)) generation.server = server;
}

/** Reads one object: a stream's line or a whole answer. */
function read(body: unknown, generation: Generation, capture: boolean): void {
  if (!isObject(body) || readErrorBody(body, generation)) return;
  generation.responseModel ??= text(body.model);
  if (capture) addOutput(generation, isObject(body.message) ? body.message.content : body.response);
  if (body.done !== true) return;
  setFinishReason(generation, body.done_reason);
  readFinal(body, generation);
  generation.complete = true;
}

/** `/api/generate`'s `prompt`, or `/api/embed`'s `input` (one text or a list). */
const promptOf = (body: JsonObject): string => str(body.prompt) ?? inputText(body.input);

function createAdapter(name: ProtocolName, operation: Operation, path: string): ProtocolAdapter {
  return {
    name,
    operation,
    provider: 'ollama',
    endMarked: operation !== 'embeddings',
    matchPath: (given) => given.endsWith(path),
    request(body, _url, capture) {
      const options = isObject(body.options) ? body.options : {};
      const prompt = operation === 'chat' ? undefined : promptOf(body);
      const input = !capture
        ? undefined
        : prompt === undefined
          ? chatMessages(body.messages)
          : [textMessage('user', prompt)];
      return {
        model: str(body.model),
        stream: operation !== 'embeddings' && body.stream !== false,
        attributes: requestParameters(options, PARAMETERS),
        ...(input === undefined ? {} : { input }),
      };
    },
    event: (data, _event, generation, capture) => read(data, generation, capture),
    contentOnly: (data) => data.includes('"done":false') && !data.includes('"error"'),
    response(body, generation, capture) {
      if (operation === 'embeddings') readEmbed(body, generation);
      else read(body, generation, capture);
      generation.complete = true;
    },
  };
}

function readEmbed(body: unknown, generation: Generation): void {
  if (!isObject(body) || readErrorBody(body, generation)) return;
  generation.responseModel ??= text(body.model);
  const first = Array.isArray(body.embeddings) ? body.embeddings[0] : undefined;
  generation.dimensions = dimensionsOf(first);
  readFinal(body, generation);
}

export const ollamaChat: ProtocolAdapter = createAdapter('ollama.chat', 'chat', '/api/chat');
export const ollamaGenerate: ProtocolAdapter = createAdapter(
  'ollama.generate',
  'text_completion',
  '/api/generate',
);
export const ollamaEmbed: ProtocolAdapter = createAdapter('ollama.embed', 'embeddings', '/api/embed');

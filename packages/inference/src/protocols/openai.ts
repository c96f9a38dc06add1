// OpenAI-compatible chat completions and completions — vLLM, TGI's Messages API, SGLang,
// llama.cpp server, Workers AI's OpenAI endpoints, OpenAI: `data:` chunks, the optional usage
// chunk of `stream_options.include_usage`, and `data: [DONE]`. Choices carry their `index`
// (several with `n > 1`); llama.cpp adds a `timings` object to its last chunk.
// https://platform.openai.com/docs/api-reference/chat/streaming
import { dataLinesHaving } from './runs.js';
import {
  addOutput,
  allChoicesFinished,
  chatMessages,
  type Generation,
  inputText,
  isObject,
  type JsonObject,
  type Message,
  num,
  type ProtocolAdapter,
  readError,
  readOpenAiUsage,
  requestParameters,
  setFinishReason,
  str,
  text,
  textMessage,
  textOf,
} from './types.js';

/**
 * What makes a streamed chunk more than text: a finish reason, usage, an error (an `error` key, or
 * the value of vLLM's `"object":"error"`). One regular expression pass, written so that no branch
 * starts with a character JSON is full of: V8 then skips ahead to where a branch could match, four
 * times faster over a chunk than with a leading `"`. It matches more than the facts (a
 * `stop_reason`, a text that ends in "error"), which only sends those events the slow way.
 */
const CHUNK_FACTS = /(?:_reason":\s*"|usage":\s*\{|error"\s*[:,}\]])/;
const NO_FINISH = '"finish_reason":null';

/** Where OpenAI's fields differ from the common ones. */
const PARAMETERS = { 'gen_ai.request.max_tokens': ['max_completion_tokens', 'max_tokens'] };

function readHead(body: JsonObject, generation: Generation): void {
  generation.responseId ??= text(body.id);
  generation.responseModel ??= text(body.model);
  const fingerprint = text(body.system_fingerprint);
  if (fingerprint !== undefined) generation.modelVersion = fingerprint;
}

/** llama.cpp server's `timings` (milliseconds): prompt processing is the prefill, prediction the decode. */
function readTimings(timings: unknown, generation: Generation): void {
  if (!isObject(timings)) return;
  const prefill = num(timings.prompt_ms);
  const decode = num(timings.predicted_ms);
  if (prefill === undefined && decode === undefined) return;
  generation.server = {
    ...(prefill === undefined ? {} : { prefill: prefill / 1000 }),
    ...(decode === undefined ? {} : { decode: decode / 1000 }),
  };
}

/** A choice's text: a chat delta's or message's content, or a completion's `text`. */
function choiceText(choice: JsonObject, chat: boolean): string | undefined {
  if (!chat) return str(choice.text);
  if (isObject(choice.delta)) return str(choice.delta.content);
  return isObject(choice.message) ? textOf(choice.message.content) : undefined;
}

/** Every choice's finish reason, in its own place, and its text when captured. */
function readChoices(body: JsonObject, generation: Generation, chat: boolean, capture: boolean): void {
  if (!Array.isArray(body.choices)) return;
  for (const choice of body.choices) {
    if (!isObject(choice)) continue;
    setFinishReason(generation, choice.finish_reason, choice.index);
    if (capture) addOutput(generation, choiceText(choice, chat));
  }
}

/** The request's messages, or a completion's prompt (lines joined) as one user message. */
function requestInput(body: JsonObject, chat: boolean): Message[] {
  if (chat) return chatMessages(body.messages);
  return [textMessage('user', inputText(body.prompt))];
}

function createAdapter(chat: boolean): ProtocolAdapter {
  const suffix = chat ? '/chat/completions' : '/completions';
  return {
    name: chat ? 'openai.chat' : 'openai.completions',
    operation: chat ? 'chat' : 'text_completion',
    provider: 'openai',
    endMarked: true,
    matchPath: (path) => path.endsWith(suffix),
    matchBody: chat ? (body) => Array.isArray(body.messages) : (body) => body.prompt !== undefined,
    request(body, _url, capture) {
      const input = capture ? requestInput(body, chat) : undefined;
      return {
        model: str(body.model),
        stream: body.stream === true,
        attributes: requestParameters(body, PARAMETERS),
        ...(input === undefined ? {} : { input }),
      };
    },
    event(data, _name, generation, capture) {
      if (data === '[DONE]') {
        generation.complete = true;
        return;
      }
      if (!isObject(data)) return;
      const error = readError(data.error) ?? (data.object === 'error' ? readError(data) : undefined);
      if (error !== undefined) {
        generation.error = error;
        return;
      }
      readHead(data, generation);
      readChoices(data, generation, chat, capture);
      readOpenAiUsage(data.usage, generation);
      readTimings(data.timings, generation);
      // `[DONE]` is the marker, but not every server sends it (TGI 1.4): once every choice has
      // its finish reason the generation is complete, whatever happens to the stream after.
      if (allChoicesFinished(generation)) generation.complete = true;
    },
    contentOnly: (data) => data.includes('"finish_reason":null') && !CHUNK_FACTS.test(data),
    // No fact anywhere in the run, and a null finish reason in each event.
    contentOnlyRun: (text) => (CHUNK_FACTS.test(text) ? 0 : dataLinesHaving(text, NO_FINISH)),
    response(body, generation, capture) {
      if (!isObject(body)) return;
      const error = readError(body.error);
      if (error !== undefined) generation.error = error;
      readHead(body, generation);
      readChoices(body, generation, chat, capture);
      readOpenAiUsage(body.usage, generation);
      readTimings(body.timings, generation);
      generation.complete = true;
    },
  };
}

export const openaiChat: ProtocolAdapter = createAdapter(true);
export const openaiCompletions: ProtocolAdapter = createAdapter(false);

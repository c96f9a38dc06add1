// OpenAI-compatible chat completions and completions — vLLM, TGI's Messages API, SGLang,
// llama.cpp server, Workers AI's OpenAI endpoints, OpenAI: `data:` chunks, the optional usage
// chunk of `stream_options.include_usage`, and `data: [DONE]`.
// https://platform.openai.com/docs/api-reference/chat/streaming
import {
  addFinishReason,
  addOutput,
  chatMessages,
  type Generation,
  isObject,
  type JsonObject,
  type Message,
  type ProtocolAdapter,
  readError,
  readOpenAiUsage,
  requestParameters,
  str,
  textMessage,
  textOf,
} from './types.js';

/** Where OpenAI's fields differ from the common ones. */
const PARAMETERS = { 'gen_ai.request.max_tokens': ['max_completion_tokens', 'max_tokens'] };

function readHead(body: JsonObject, generation: Generation): void {
  generation.responseId ??= str(body.id);
  generation.responseModel ??= str(body.model);
  const fingerprint = str(body.system_fingerprint);
  if (fingerprint !== undefined) generation.modelVersion = fingerprint;
}

function createAdapter(chat: boolean): ProtocolAdapter {
  const textIn = (choice: JsonObject): string | undefined =>
    chat
      ? isObject(choice.delta)
        ? str(choice.delta.content)
        : isObject(choice.message)
          ? textOf(choice.message.content)
          : undefined
      : str(choice.text);
  const choicesOf = (body: JsonObject, generation: Generation, capture: boolean): void => {
    if (!Array.isArray(body.choices)) return;
    for (const choice of body.choices) {
      if (!isObject(choice)) continue;
      addFinishReason(generation, choice.finish_reason);
      if (capture) addOutput(generation, textIn(choice));
    }
  };
  return {
    name: chat ? 'openai.chat' : 'openai.completions',
    operation: chat ? 'chat' : 'text_completion',
    request(body, _url, capture) {
      let input: Message[] | undefined;
      if (capture) {
        input = chat
          ? chatMessages(body.messages)
          : [
              textMessage(
                'user',
                Array.isArray(body.prompt) ? body.prompt.join('\n') : (str(body.prompt) ?? ''),
              ),
            ];
      }
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
      choicesOf(data, generation, capture);
      readOpenAiUsage(data.usage, generation);
    },
    contentOnly: (data) =>
      data.includes('"finish_reason":null') &&
      !data.includes('"finish_reason":"') &&
      !data.includes('"usage":{') &&
      !data.includes('"error"'),
    response(body, generation, capture) {
      if (!isObject(body)) return;
      const error = readError(body.error);
      if (error !== undefined) generation.error = error;
      readHead(body, generation);
      choicesOf(body, generation, capture);
      readOpenAiUsage(body.usage, generation);
      generation.complete = true;
    },
  };
}

export const openaiChat: ProtocolAdapter = createAdapter(true);
export const openaiCompletions: ProtocolAdapter = createAdapter(false);

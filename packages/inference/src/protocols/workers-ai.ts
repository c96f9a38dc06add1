// Workers AI's native REST API: `POST .../ai/run/{model}` with `messages` or `prompt`; streamed
// events carry `{"response": "..."}` (usage in the last), ending with `data: [DONE]`; a whole
// answer is `{"result": {"response", "usage"}, "success", "errors"}`.
// https://developers.cloudflare.com/workers-ai/configuration/open-ai-compatibility/
import {
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
} from './types.js';

/** The model a Workers AI `/ai/run/` URL names (`@cf/meta/llama-3.1-8b-instruct`). */
export function workersAiModel(url: URL): string | undefined {
  const at = url.pathname.indexOf('/ai/run/');
  if (at < 0) return undefined;
  const model = url.pathname.slice(at + '/ai/run/'.length);
  try {
    return decodeURIComponent(model);
  } catch {
    return model;
  }
}

function readResult(result: JsonObject, generation: Generation, capture: boolean): void {
  readOpenAiUsage(result.usage, generation);
  if (capture) addOutput(generation, result.response);
}

export const workersAi: ProtocolAdapter = {
  name: 'workers-ai',
  operation: 'chat',
  provider: 'cloudflare.workers_ai',
  endMarked: true,
  matchPath: (path) => path.includes('/ai/run/'),
  request(body, url, capture) {
    let input: Message[] | undefined;
    if (capture) {
      input = Array.isArray(body.messages)
        ? chatMessages(body.messages)
        : [textMessage('user', str(body.prompt) ?? '')];
    }
    return {
      model: workersAiModel(url),
      stream: body.stream === true,
      attributes: requestParameters(body),
      ...(input === undefined ? {} : { input }),
    };
  },
  event(data, _name, generation, capture) {
    if (data === '[DONE]') {
      generation.complete = true;
      return;
    }
    if (isObject(data)) readResult(data, generation, capture);
  },
  contentOnly: (data) => data.startsWith('{"response":') && !data.includes('"usage"'),
  response(body, generation, capture) {
    if (!isObject(body)) return;
    if (body.success === false) {
      const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
      generation.error = readError(first) ?? { type: 'server_error' };
      return;
    }
    if (isObject(body.result)) readResult(body.result, generation, capture);
    generation.complete = true;
  },
};

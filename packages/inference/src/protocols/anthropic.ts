// Anthropic Messages API: named streaming events (`message_start`, `content_block_delta`,
// `message_delta`, `message_stop`, `ping`, `error`). Usage arrives in `message_start` (input)
// and `message_delta` (output). https://docs.anthropic.com/en/api/messages-streaming
import { eventsStarting, namedEventHead } from './runs.js';
import {
  addOutput,
  chatMessages,
  type Generation,
  isObject,
  num,
  type ProtocolAdapter,
  readError,
  requestParameters,
  setFinishReason,
  str,
  text,
  textMessage,
  textOf,
} from './types.js';

/** A content delta as the API frames it: its `event:` line, then the data naming the same type. */
const DELTA_HEADS = [namedEventHead('content_block_delta')];

const PARAMETERS = { 'gen_ai.request.stop_sequences': ['stop_sequences'] };

function readUsage(usage: unknown, generation: Generation): void {
  if (!isObject(usage)) return;
  const input = num(usage.input_tokens);
  const output = num(usage.output_tokens);
  const cacheRead = num(usage.cache_read_input_tokens);
  const cacheWrite = num(usage.cache_creation_input_tokens);
  // The conventions count cached tokens inside gen_ai.usage.input_tokens; Anthropic does not.
  if (input !== undefined) generation.inputTokens = input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  if (output !== undefined) generation.outputTokens = output;
  if (cacheRead !== undefined) generation.cacheReadTokens = cacheRead;
  if (cacheWrite !== undefined) generation.cacheWriteTokens = cacheWrite;
}

export const anthropic: ProtocolAdapter = {
  name: 'anthropic',
  operation: 'chat',
  provider: 'anthropic',
  endMarked: true,
  matchPath: (path) => path.endsWith('/messages'),
  request(body, _url, capture) {
    const system = capture ? textOf(body.system) : '';
    return {
      model: str(body.model),
      stream: body.stream === true,
      attributes: requestParameters(body, PARAMETERS),
      ...(capture ? { input: chatMessages(body.messages) } : {}),
      // The API takes the system prompt apart from the messages: the conventions' system instructions.
      ...(system === '' ? {} : { system: textMessage('system', system).parts }),
    };
  },
  event(data, name, generation, capture) {
    if (!isObject(data)) return;
    const type = str(data.type) ?? name;
    if (type === 'message_start' && isObject(data.message)) {
      generation.responseId ??= text(data.message.id);
      generation.responseModel ??= text(data.message.model);
      readUsage(data.message.usage, generation);
    } else if (type === 'content_block_delta' && isObject(data.delta)) {
      if (capture) addOutput(generation, data.delta.text);
    } else if (type === 'message_delta') {
      if (isObject(data.delta)) setFinishReason(generation, data.delta.stop_reason);
      readUsage(data.usage, generation);
    } else if (type === 'message_stop') {
      generation.complete = true;
    } else if (type === 'error') {
      const error = readError(data.error);
      if (error !== undefined) generation.error = error;
    }
  },
  contentOnly: (data) => data.startsWith('{"type":"content_block_delta"'),
  contentOnlyRun: (text) => eventsStarting(text, DELTA_HEADS),
  response(body, generation, capture) {
    if (!isObject(body)) return;
    if (body.type === 'error') {
      const error = readError(body.error);
      if (error !== undefined) generation.error = error;
      return;
    }
    generation.responseId ??= text(body.id);
    generation.responseModel ??= text(body.model);
    setFinishReason(generation, body.stop_reason);
    readUsage(body.usage, generation);
    if (capture) addOutput(generation, textOf(body.content));
    generation.complete = true;
  },
};

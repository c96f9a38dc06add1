// OpenAI's Responses API (`POST …/responses`), served by OpenAI and by vLLM: named events
// (`response.created`, `response.output_text.delta`, ..., `response.completed`) whose data carry
// a `type` field; the final `response.completed`, `response.incomplete` or `response.failed`
// holds the whole response with its usage. It has no finish reason: `completed` is `stop` (or
// `tool_call` when the output calls a function), `incomplete` gives its reason.
// https://platform.openai.com/docs/api-reference/responses-streaming
import { eventsStarting, namedEventHead, startsWithAny } from './runs.js';
import {
  addOutput,
  type Generation,
  isObject,
  type JsonObject,
  type Message,
  type ProtocolAdapter,
  RESPONSES_USAGE,
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
 * The events that only carry generated text: the answer's, a function call's arguments, and the
 * summary of the model's reasoning. The adapter reads none of them unless it captures the output.
 */
const DELTA_TYPES = [
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_summary_text.delta',
];
const DELTA_DATA = DELTA_TYPES.map((type) => `{"type":"${type}"`);
/** The same as the API frames them: an `event:` line, then the data naming the same type. */
const DELTA_HEADS = DELTA_TYPES.map(namedEventHead);

const PARAMETERS = { 'gen_ai.request.max_tokens': ['max_output_tokens'] };

/** Where a response ended: the three final events. */
const FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/** Whether the output calls a tool: a function, a web or file search, ... */
const callsTool = (output: unknown): boolean =>
  Array.isArray(output) &&
  output.some((item) => isObject(item) && str(item.type)?.endsWith('_call') === true);

/** The text of the output's message items, for content capture. */
function outputText(output: unknown): string {
  if (!Array.isArray(output)) return '';
  return output
    .filter((item): item is JsonObject => isObject(item) && item.type === 'message')
    .map((item) => textOf(item.content))
    .join('');
}

/** Reads a whole response object: the non-streamed answer, or the one a final event carries. */
function readResponse(
  response: JsonObject,
  generation: Generation,
  capture: boolean,
  streamed: boolean,
): void {
  generation.responseId ??= text(response.id);
  generation.responseModel ??= text(response.model);
  readOpenAiUsage(response.usage, generation, RESPONSES_USAGE);
  const error = readError(response.error);
  if (error !== undefined) generation.error = error;
  const status = str(response.status);
  if (status === 'completed') setFinishReason(generation, callsTool(response.output) ? 'tool_call' : 'stop');
  else if (status === 'incomplete' && isObject(response.incomplete_details)) {
    const reason = str(response.incomplete_details.reason);
    setFinishReason(generation, reason === 'max_output_tokens' ? 'length' : reason);
  } else if (status === 'failed' && error === undefined) generation.error = { type: 'response_failed' };
  if (capture && !streamed) addOutput(generation, outputText(response.output));
}

function inputMessages(body: JsonObject): Message[] {
  if (typeof body.input === 'string') return [textMessage('user', body.input)];
  if (!Array.isArray(body.input)) return [];
  return body.input
    .filter((item): item is JsonObject => isObject(item) && typeof item.role === 'string')
    .map((item) => textMessage(str(item.role) ?? 'user', textOf(item.content)));
}

export const openaiResponses: ProtocolAdapter = {
  name: 'openai.responses',
  operation: 'chat',
  provider: 'openai',
  endMarked: true,
  matchPath: (path) => path.endsWith('/responses'),
  request(body, _url, capture) {
    const instructions = capture ? str(body.instructions) : undefined;
    return {
      model: str(body.model),
      stream: body.stream === true,
      attributes: requestParameters(body, PARAMETERS),
      ...(capture ? { input: inputMessages(body) } : {}),
      ...(instructions === undefined || instructions === ''
        ? {}
        : { system: textMessage('system', instructions).parts }),
    };
  },
  event(data, name, generation, capture) {
    if (!isObject(data)) return;
    const type = str(data.type) ?? name;
    if (type === 'response.output_text.delta') {
      if (capture) addOutput(generation, data.delta);
    } else if (type === 'response.created' || type === 'response.in_progress' || FINAL.has(type)) {
      if (isObject(data.response)) readResponse(data.response, generation, capture, true);
      if (FINAL.has(type)) generation.complete = true;
    } else if (type === 'error') {
      const message = str(data.message);
      generation.error = {
        type: str(data.code) ?? 'server_error',
        ...(message === undefined ? {} : { message }),
      };
    }
  },
  contentOnly: (data) => startsWithAny(data, DELTA_DATA, 0) !== undefined,
  contentOnlyRun: (text) => eventsStarting(text, DELTA_HEADS),
  response(body, generation, capture) {
    if (!isObject(body)) return;
    readResponse(body, generation, capture, false);
    generation.complete = true;
  },
};

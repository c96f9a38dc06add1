// Hugging Face Text Generation Inference, native API: `/generate` and `/generate_stream`. Each
// event carries a token; the last one also `generated_text` and `details` (finish reason and
// token counts). https://huggingface.github.io/text-generation-inference/
import {
  addFinishReason,
  addOutput,
  type Generation,
  isObject,
  type JsonObject,
  num,
  type ProtocolAdapter,
  readError,
  requestParameters,
  str,
  textMessage,
} from './types.js';

/** TGI's parameter names. */
const PARAMETERS = {
  'gen_ai.request.max_tokens': ['max_new_tokens'],
  'gen_ai.request.choice.count': ['best_of'],
};

function readDetails(details: unknown, generation: Generation): void {
  if (!isObject(details)) return;
  addFinishReason(generation, details.finish_reason);
  const generated = num(details.generated_tokens);
  if (generated !== undefined) generation.outputTokens = generated;
  const prefill = Array.isArray(details.prefill) ? details.prefill.length : undefined;
  if (prefill !== undefined && prefill > 0) generation.inputTokens = prefill;
}

function readError2(body: JsonObject, generation: Generation): boolean {
  if (body.error === undefined) return false;
  const error = readError(body.error);
  const type = str(body.error_type);
  if (error !== undefined) generation.error = type === undefined ? error : { ...error, type };
  return true;
}

export const tgi: ProtocolAdapter = {
  name: 'tgi',
  operation: 'text_completion',
  request(body, url, capture) {
    const parameters = isObject(body.parameters) ? body.parameters : {};
    return {
      stream: body.stream === true || url.pathname.endsWith('/generate_stream'),
      attributes: requestParameters(parameters, PARAMETERS),
      ...(capture ? { input: [textMessage('user', str(body.inputs) ?? '')] } : {}),
    };
  },
  event(data, _name, generation, capture) {
    if (!isObject(data) || readError2(data, generation)) return;
    if (capture && isObject(data.token) && data.token.special !== true)
      addOutput(generation, data.token.text);
    if (data.details !== undefined && data.details !== null) {
      readDetails(data.details, generation);
      generation.complete = true;
    } else if (typeof data.generated_text === 'string') {
      generation.complete = true;
    }
  },
  contentOnly: (data) => data.includes('"details":null') && !data.includes('"error"'),
  response(body, generation, capture) {
    // `/generate` answers an object; some versions a one-element list.
    const answer = Array.isArray(body) ? body[0] : body;
    if (!isObject(answer) || readError2(answer, generation)) return;
    readDetails(answer.details, generation);
    if (capture) addOutput(generation, answer.generated_text);
    generation.complete = true;
  },
};

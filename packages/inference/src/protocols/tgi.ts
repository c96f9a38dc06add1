// Hugging Face Text Generation Inference, native API: `/generate` and `/generate_stream`. Each
// event carries a token; the last one also `generated_text`, which is the end marker: without
// `details: true` in the request every event has `"details": null`, the last one included. With
// it the last event's details give the finish reason and token counts (`input_length` in recent
// versions). https://huggingface.github.io/text-generation-inference/
import { dataLinesHaving } from './runs.js';
import {
  addOutput,
  type Generation,
  isObject,
  num,
  type ProtocolAdapter,
  readErrorBody,
  requestParameters,
  setFinishReason,
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
  setFinishReason(generation, details.finish_reason);
  const generated = num(details.generated_tokens);
  if (generated !== undefined) generation.outputTokens = generated;
  // Streams report `input_length`; `/generate` lists the prompt's tokens with `decoder_input_details`.
  const prefill =
    Array.isArray(details.prefill) && details.prefill.length > 0 ? details.prefill.length : undefined;
  const input = num(details.input_length) ?? prefill;
  if (input !== undefined) generation.inputTokens = input;
}

export const tgi: ProtocolAdapter = {
  name: 'tgi',
  operation: 'text_completion',
  provider: 'tgi',
  endMarked: true,
  matchPath: (path) => path.endsWith('/generate_stream') || path.endsWith('/generate'),
  matchBody: (body) => typeof body.inputs === 'string',
  request(body, url, capture) {
    const parameters = isObject(body.parameters) ? body.parameters : {};
    return {
      stream: body.stream === true || url.pathname.endsWith('/generate_stream'),
      attributes: requestParameters(parameters, PARAMETERS),
      ...(capture ? { input: [textMessage('user', str(body.inputs) ?? '')] } : {}),
    };
  },
  event(data, _name, generation, capture) {
    if (!isObject(data) || readErrorBody(data, generation)) return;
    if (capture && isObject(data.token) && data.token.special !== true)
      addOutput(generation, data.token.text);
    readDetails(data.details, generation);
    if (typeof data.generated_text === 'string') generation.complete = true;
  },
  // Only the last event has text in `generated_text`; the others say null.
  contentOnly: (data) => data.includes('"generated_text":null') && !data.includes('"error"'),
  contentOnlyRun: (text) => (text.includes('"error"') ? 0 : dataLinesHaving(text, '"generated_text":null')),
  response(body, generation, capture) {
    // `/generate` answers an object; some versions a one-element list.
    const answer = Array.isArray(body) ? body[0] : body;
    if (!isObject(answer) || readErrorBody(answer, generation)) return;
    readDetails(answer.details, generation);
    if (capture) addOutput(generation, answer.generated_text);
    generation.complete = true;
  },
};

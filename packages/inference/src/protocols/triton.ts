// NVIDIA Triton Inference Server's generate extension: `/v2/models/{model}[/versions/{v}]/generate`
// and `generate_stream`. Requests put the prompt in `text_input`; each answer or event carries
// `model_name`, `model_version` and `text_output`.
// https://github.com/triton-inference-server/server/blob/main/docs/protocol/extension_generate.md
import { dataLinesHaving } from './runs.js';
import {
  addOutput,
  type Generation,
  isObject,
  type JsonObject,
  num,
  type ProtocolAdapter,
  readError,
  requestParameters,
  str,
  text,
  textMessage,
} from './types.js';

/** The names Triton backends use besides the common ones. */
const PARAMETERS = {
  'gen_ai.request.seed': ['seed', 'random_seed'],
  'gen_ai.request.stop_sequences': ['stop', 'stop_words'],
};

const PATH = /\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/generate(_stream)?$/;

/** The model and version a Triton generate URL names, or `undefined` for another URL. */
export function tritonModel(url: URL): { model: string; version?: string; stream: boolean } | undefined {
  const match = PATH.exec(url.pathname);
  if (match?.[1] === undefined) return undefined;
  let model = match[1];
  try {
    model = decodeURIComponent(model);
  } catch {
    // Keep the model name as written.
  }
  return { model, stream: match[3] !== undefined, ...(match[2] === undefined ? {} : { version: match[2] }) };
}

function readAnswer(body: JsonObject, generation: Generation, capture: boolean): void {
  if (body.error !== undefined) {
    const error = readError(body.error);
    if (error !== undefined) generation.error = error;
    return;
  }
  generation.responseModel ??= text(body.model_name);
  const version =
    str(body.model_version) ??
    (typeof body.model_version === 'number' ? String(body.model_version) : undefined);
  if (version !== undefined) generation.modelVersion = version;
  const outputTokens = num(body.num_output_tokens);
  if (outputTokens !== undefined) generation.outputTokens = (generation.outputTokens ?? 0) + outputTokens;
  const inputTokens = num(body.num_input_tokens);
  if (inputTokens !== undefined) generation.inputTokens = inputTokens;
  if (capture) addOutput(generation, body.text_output);
}

export const triton: ProtocolAdapter = {
  name: 'triton',
  operation: 'text_completion',
  provider: 'triton',
  // Backends differ on whether the last event says `sequence_end`; an end without it proves nothing.
  endMarked: false,
  matchPath: (_path, url) => tritonModel(url) !== undefined,
  matchBody: (body) => typeof body.text_input === 'string',
  request(body, url, capture) {
    const named = tritonModel(url);
    const parameters = isObject(body.parameters) ? { ...body.parameters, ...body } : body;
    return {
      model: named?.model,
      stream: named?.stream === true || body.stream === true,
      attributes: requestParameters(parameters, PARAMETERS),
      ...(capture ? { input: [textMessage('user', str(body.text_input) ?? '')] } : {}),
    };
  },
  event(data, _name, generation, capture) {
    if (!isObject(data)) return;
    readAnswer(data, generation, capture);
    if (data.sequence_end === true) generation.complete = true;
  },
  contentOnly: (data) =>
    data.includes('"sequence_end":false') &&
    !data.includes('"num_output_tokens"') &&
    !data.includes('"error"'),
  contentOnlyRun: (text) =>
    text.includes('"num_output_tokens"') || text.includes('"error"')
      ? 0
      : dataLinesHaving(text, '"sequence_end":false'),
  response(body, generation, capture) {
    if (!isObject(body)) return;
    readAnswer(body, generation, capture);
    generation.complete = true;
  },
};

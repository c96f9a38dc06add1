// Embeddings: OpenAI-compatible `…/embeddings` (OpenAI, vLLM, TEI, llama.cpp, Ollama's `/v1`)
// and Hugging Face Text Embeddings Inference's native `/embed`. One answer, no stream: the model,
// the input tokens and the vectors' length (`gen_ai.embeddings.dimension.count`). The `openai`
// SDK asks for base64 vectors by default: 4 bytes per float32 dimension.
// https://platform.openai.com/docs/api-reference/embeddings
import {
  type Generation,
  inputText,
  isObject,
  num,
  type ProtocolAdapter,
  readError,
  readErrorBody,
  readOpenAiUsage,
  str,
  text,
  textMessage,
} from './types.js';

/** The length of one vector: a list of numbers, or base64 float32s. */
export function dimensionsOf(vector: unknown): number | undefined {
  if (Array.isArray(vector)) return vector.length;
  if (typeof vector !== 'string') return undefined;
  const padding = vector.endsWith('==') ? 2 : vector.endsWith('=') ? 1 : 0;
  const bytes = (vector.length / 4) * 3 - padding;
  return Number.isInteger(bytes / 4) ? bytes / 4 : undefined;
}

function readEmbeddings(body: unknown, generation: Generation): void {
  if (!isObject(body)) return;
  const error = readError(body.error);
  if (error !== undefined) {
    generation.error = error;
    return;
  }
  generation.responseModel ??= text(body.model);
  readOpenAiUsage(body.usage, generation); // embeddings count only prompt tokens
  const first = Array.isArray(body.data) ? body.data[0] : undefined;
  if (isObject(first)) generation.dimensions = dimensionsOf(first.embedding);
}

export const openaiEmbeddings: ProtocolAdapter = {
  name: 'openai.embeddings',
  operation: 'embeddings',
  provider: 'openai',
  endMarked: false,
  matchPath: (path) => path.endsWith('/embeddings'),
  request(body, _url, capture) {
    const format = str(body.encoding_format);
    const dimensions = num(body.dimensions);
    return {
      model: str(body.model),
      stream: false,
      attributes: {
        ...(format === undefined ? {} : { 'gen_ai.request.encoding_formats': [format] }),
        ...(dimensions === undefined ? {} : { 'gen_ai.embeddings.dimension.count': dimensions }),
      },
      ...(capture ? { input: [textMessage('user', inputText(body.input))] } : {}),
    };
  },
  event: () => undefined,
  response(body, generation) {
    readEmbeddings(body, generation);
    generation.complete = true;
  },
};

/** TEI's `/embed`: `{"inputs": ...}` in, a list of vectors out; the model is the server's (pass `model`). */
export const tei: ProtocolAdapter = {
  name: 'tei',
  operation: 'embeddings',
  provider: 'tei',
  endMarked: false,
  matchPath: (path) => path.endsWith('/embed'),
  request(body, _url, capture) {
    return {
      stream: false,
      attributes: {},
      ...(capture ? { input: [textMessage('user', inputText(body.inputs))] } : {}),
    };
  },
  event: () => undefined,
  response(body, generation) {
    if (Array.isArray(body)) generation.dimensions = dimensionsOf(body[0]);
    else if (isObject(body)) readErrorBody(body, generation);
    generation.complete = true;
  },
};

// @edgetrace/inference: GenAI spans for (streaming) inference calls, measured as they pass through.

export {
  CHUNKS,
  INCOMPLETE,
  MALFORMED_EVENTS,
  MAX_CHUNK_GAP,
  MEAN_CHUNK_GAP,
  MODEL_VERSION,
  OVERSIZED_EVENTS,
  SERVER_DECODE_DURATION,
  SERVER_LOAD_DURATION,
  SERVER_PREFILL_DURATION,
  SERVER_TOTAL_DURATION,
  TOKENS_PER_SECOND,
} from './attribute-names.js';
export type { ContentCaptureOptions } from './content.js';
export type { InferenceEvent } from './generation-span.js';
export type { InstrumentInferenceOptions } from './instrument-inference.js';
export { instrumentInference } from './instrument-inference.js';
export { detectProtocol } from './protocols/detect.js';
export type { ProtocolName } from './protocols/types.js';
export type { ReadEventStreamOptions } from './read-event-stream.js';
export { readEventStream } from './read-event-stream.js';
export type { EventParserOptions, ServerSentEvent } from './sse.js';
export { createEventParser } from './sse.js';

// Our attribute names, where the GenAI semantic conventions have none.
export const CHUNKS = 'edgetrace.inference.chunks';
export const MAX_CHUNK_GAP = 'edgetrace.inference.max_chunk_gap';
export const MEAN_CHUNK_GAP = 'edgetrace.inference.mean_chunk_gap';
export const TOKENS_PER_SECOND = 'edgetrace.inference.output_tokens_per_second';
export const MODEL_VERSION = 'edgetrace.inference.model_version';
export const MALFORMED_EVENTS = 'edgetrace.inference.malformed_events';
export const OVERSIZED_EVENTS = 'edgetrace.inference.oversized_events';
export const INCOMPLETE = 'edgetrace.inference.incomplete';
/** What the server reports its own time went to, in seconds (Ollama, llama.cpp). */
export const SERVER_TOTAL_DURATION = 'edgetrace.inference.server.total_duration';
export const SERVER_LOAD_DURATION = 'edgetrace.inference.server.load_duration';
export const SERVER_PREFILL_DURATION = 'edgetrace.inference.server.prefill_duration';
export const SERVER_DECODE_DURATION = 'edgetrace.inference.server.decode_duration';

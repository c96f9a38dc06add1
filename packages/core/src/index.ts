// @edgetrace/core: an OpenTelemetry-API tracer built for edge runtimes.
export type { IdGenerator } from './ids.js';
export { createIdGenerator, isValidSpanId, isValidTraceId } from './ids.js';
export type { TraceParent } from './trace-context.js';
export { createTraceContextPropagator, formatTraceParent, parseTraceParent } from './trace-context.js';
export { createTraceState, parseTraceState } from './trace-state.js';

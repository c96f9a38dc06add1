// @edgetrace/core: an OpenTelemetry-API tracer built for edge runtimes. What users look for:
// the provider, processors and exporters, samplers, propagators and the types to write their own.
// The plumbing our other packages share is in `./internal` (internal.ts).

export type { EnvSource } from './config/env.js';
export { ConfigError } from './config/errors.js';
export type { AsyncLocalStorageClass } from './context/context-manager.js';
export { loadAsyncLocalStorage } from './context/context-manager.js';
export type { BatchProcessor, BatchProcessorOptions } from './export/batch-processor.js';
export { createBatchProcessor } from './export/batch-processor.js';
export type { FlushOnExitOptions } from './export/flush-on-exit.js';
export { flushOnExit } from './export/flush-on-exit.js';
export { createSimpleProcessor } from './export/simple-processor.js';
export type { TraceBufferOptions, TraceBufferProcessor } from './export/trace-buffer-processor.js';
export { createTraceBufferProcessor } from './export/trace-buffer-processor.js';
export { createBaggagePropagator, formatBaggage, parseBaggage } from './propagation/baggage.js';
export { createCompositePropagator, createDefaultPropagator } from './propagation/composite-propagator.js';
export type { TraceParent } from './propagation/trace-context.js';
export {
  createTraceContextPropagator,
  formatTraceParent,
  parseTraceParent,
} from './propagation/trace-context.js';
export { createTraceState, parseTraceState } from './propagation/trace-state.js';
export type { ParentBasedOptions, SamplerName } from './sampling/samplers.js';
export {
  alwaysOffSampler,
  alwaysOnSampler,
  createSampler,
  parentBasedSampler,
  SAMPLER_NAMES,
  traceIdRatioSampler,
} from './sampling/samplers.js';
export type { TailPolicy } from './sampling/tail-policy.js';
export type { IdGenerator } from './trace/ids.js';
export type { MemoryExporter } from './trace/memory-exporter.js';
export { createMemoryExporter } from './trace/memory-exporter.js';
export type { EdgeTracerProvider, TracerProviderOptions } from './trace/provider.js';
export { createTracerProvider } from './trace/provider.js';
export type {
  ExportResult,
  InstrumentationScope,
  Resource,
  Sampler,
  SamplingResult,
  SpanData,
  SpanExporter,
  SpanLimits,
  SpanProcessor,
} from './trace/types.js';
export { SamplingDecision } from './trace/types.js';
export { VERSION } from './trace/version.js';

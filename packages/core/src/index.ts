// @edgetrace/core: an OpenTelemetry-API tracer built for edge runtimes. What users look for:
// the provider, processors and exporters, samplers, propagators and the types to write their own.
// The plumbing our other packages share is in `./internal` (internal.ts).
export { createBaggagePropagator, formatBaggage, parseBaggage } from './baggage.js';
export type { BatchProcessor, BatchProcessorOptions } from './batch-processor.js';
export { createBatchProcessor } from './batch-processor.js';
export { createCompositePropagator, createDefaultPropagator } from './composite-propagator.js';
export type { AsyncLocalStorageClass } from './context-manager.js';
export { loadAsyncLocalStorage } from './context-manager.js';
export type { EnvSource } from './env.js';
export { ConfigError } from './errors.js';
export type { FlushOnExitOptions } from './flush-on-exit.js';
export { flushOnExit } from './flush-on-exit.js';
export type { IdGenerator } from './ids.js';
export type { MemoryExporter } from './memory-exporter.js';
export { createMemoryExporter } from './memory-exporter.js';
export type { EdgeTracerProvider, TracerProviderOptions } from './provider.js';
export { createTracerProvider } from './provider.js';
export type { ParentBasedOptions, SamplerName } from './samplers.js';
export {
  alwaysOffSampler,
  alwaysOnSampler,
  createSampler,
  parentBasedSampler,
  SAMPLER_NAMES,
  traceIdRatioSampler,
} from './samplers.js';
export { createSimpleProcessor } from './simple-processor.js';
export type { TailPolicy } from './tail-policy.js';
export type { TraceBufferOptions, TraceBufferProcessor } from './trace-buffer-processor.js';
export { createTraceBufferProcessor } from './trace-buffer-processor.js';
export type { TraceParent } from './trace-context.js';
export { createTraceContextPropagator, formatTraceParent, parseTraceParent } from './trace-context.js';
export { createTraceState, parseTraceState } from './trace-state.js';
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
} from './types.js';
export { SamplingDecision } from './types.js';
export { VERSION } from './version.js';

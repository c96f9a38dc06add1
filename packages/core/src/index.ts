// @edgetrace/core: an OpenTelemetry-API tracer built for edge runtimes.
export type { BaggageEntry } from '@opentelemetry/api';
export {
  isAttributeValue,
  MAX_VALUE_DEPTH,
  MAX_VALUE_NODES,
  truncateString,
  truncateValue,
} from './attributes.js';
export { createBaggagePropagator, formatBaggage, parseBaggage } from './baggage.js';
export type { BatchProcessor, BatchProcessorOptions } from './batch-processor.js';
export { createBatchProcessor } from './batch-processor.js';
export { createCompositePropagator, createDefaultPropagator } from './composite-propagator.js';
export type { AsyncLocalStorageClass, AsyncLocalStorageLike } from './context-manager.js';
export {
  createAsyncLocalStorageContextManager,
  createContextManager,
  createStackContextManager,
  findAsyncLocalStorage,
  loadAsyncLocalStorage,
} from './context-manager.js';
export type { DropCounter } from './drop-counter.js';
export { createDropCounter } from './drop-counter.js';
export type { EnvReader, EnvSource, NumberCheck } from './env.js';
export { createEnvReader, parseKeyValueList, processEnv } from './env.js';
export { ConfigError, checkOptionNames } from './errors.js';
export type { FlushOnExitOptions } from './flush-on-exit.js';
export { flushOnExit } from './flush-on-exit.js';
export {
  headerNames,
  isSecretKey,
  methodAttributes,
  normalizeMethod,
  REDACTED,
  recordHeaders,
  redactQuery,
  redactUrl,
  urlPort,
} from './http.js';
export type { IdGenerator } from './ids.js';
export { createIdGenerator, isValidSpanId, isValidTraceId } from './ids.js';
export type { MemoryExporter } from './memory-exporter.js';
export { createMemoryExporter } from './memory-exporter.js';
export { createMultiProcessor } from './multi-processor.js';
export { clearBodyPending, markBodyPending } from './pending-body.js';
export type { EdgeTracerProvider, TracerProviderOptions } from './provider.js';
export {
  checkTracerProviderOptions,
  createTracerProvider,
  TRACER_PROVIDER_OPTION_NAMES,
} from './provider.js';
export type { LogLevel, ReportLevel } from './report.js';
export { configureReporting, LOG_LEVELS, report, resetReporting } from './report.js';
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
export type { SpanBodyOptions } from './span-body.js';
export {
  endSpanWithBody,
  isBodyDeferred,
  materializeBody,
  TIME_TO_FIRST_BYTE,
  TIME_TO_FIRST_CHUNK,
  withBody,
} from './span-body.js';
export type { SpanEnd, SpanEndOptions, SpanOutcome } from './span-end.js';
export {
  BODY_UNOBSERVED,
  createSpanEnd,
  errorType,
  isAbort,
  RESPONSE_CANCELLED,
  recordError,
  recordOutcome,
} from './span-end.js';
export { isStreamingResponse } from './streaming.js';
export type { TailPolicy } from './tail-policy.js';
export { isSampled, keepTrace } from './tail-policy.js';
export type { Clock } from './time.js';
export { createClock, toEpochMillis } from './time.js';
export type { TraceBufferOptions, TraceBufferProcessor } from './trace-buffer-processor.js';
export { createTraceBufferProcessor } from './trace-buffer-processor.js';
export type { TraceParent } from './trace-context.js';
export {
  createTraceContextPropagator,
  formatTraceParent,
  KNOWN_TRACE_FLAGS,
  parseTraceParent,
  RANDOM_TRACE_FLAG,
  serverTimingMetric,
} from './trace-context.js';
export { createTraceState, parseTraceState } from './trace-state.js';
export type {
  ExportResult,
  InstrumentationScope,
  Resource,
  Sampler,
  SamplingResult,
  SpanData,
  SpanEventData,
  SpanExporter,
  SpanLimits,
  SpanLinkData,
  SpanProcessor,
} from './types.js';
export { SamplingDecision } from './types.js';
export { VERSION } from './version.js';
export type { BodyOutcome, BodyWatcher } from './watch-body.js';
export { addBodyWatcher, watchBody } from './watch-body.js';

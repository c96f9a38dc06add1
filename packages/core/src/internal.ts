// @edgetrace/core/internal: the plumbing the @edgetrace/* packages share — the response-body
// lifecycle, HTTP semantic-convention helpers, option and `OTEL_*` reading, reporting, ids and
// clocks. For @edgetrace/* packages and instrumentations written the same way; no semver
// promise: it changes with them.
export {
  isAttributeValue,
  MAX_VALUE_DEPTH,
  MAX_VALUE_NODES,
  truncateString,
  truncateValue,
} from './attributes.js';
export type { AsyncLocalStorageLike } from './context-manager.js';
export {
  createAsyncLocalStorageContextManager,
  createContextManager,
  createStackContextManager,
  findAsyncLocalStorage,
} from './context-manager.js';
export type { DropCounter } from './drop-counter.js';
export { createDropCounter } from './drop-counter.js';
export type { EnvReader, NumberCheck } from './env.js';
export { createEnvReader, parseKeyValueList, processEnv } from './env.js';
export type { OptionTable } from './errors.js';
export { checkOptionNames, optionNames, pickOptions } from './errors.js';
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
export { createIdGenerator, isValidSpanId, isValidTraceId } from './ids.js';
export { clearBodyPending, markBodyPending } from './pending-body.js';
export { checkTracerProviderOptions, TRACER_PROVIDER_OPTION_NAMES } from './provider.js';
export type { LogLevel, ReportLevel } from './report.js';
export { configureReporting, LOG_LEVELS, report, resetReporting } from './report.js';
export type { SpanBodyOptions } from './span-body.js';
export {
  endSpanWithBody,
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
export { isSampled, keepTrace } from './tail-policy.js';
export type { Clock } from './time.js';
export { createClock, toEpochMillis } from './time.js';
export { serverTimingMetric } from './trace-context.js';
export type { BodyOutcome, BodyWatcher } from './watch-body.js';
export { watchBody } from './watch-body.js';

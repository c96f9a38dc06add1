// @edgetrace/core/internal: the plumbing the @edgetrace/* packages share — the response-body
// lifecycle, HTTP semantic-convention helpers, option and `OTEL_*` reading, reporting, ids and
// clocks. For @edgetrace/* packages and instrumentations written the same way; no semver
// promise: it changes with them.

export { clearBodyPending, markBodyPending } from './body/pending-body.js';
export type { SpanBodyOptions } from './body/span-body.js';
export {
  endSpanWithBody,
  materializeBody,
  TIME_TO_FIRST_BYTE,
  TIME_TO_FIRST_CHUNK,
  withBody,
} from './body/span-body.js';
export type { SpanEnd, SpanEndOptions, SpanOutcome } from './body/span-end.js';
export {
  BODY_UNOBSERVED,
  createSpanEnd,
  errorType,
  isAbort,
  RESPONSE_CANCELLED,
  recordError,
  recordOutcome,
} from './body/span-end.js';
export { isStreamingResponse } from './body/streaming.js';
export type { BodyOutcome, BodyWatcher } from './body/watch-body.js';
export { watchBody } from './body/watch-body.js';
export type { EnvReader, NumberCheck } from './config/env.js';
export { parseKeyValueList, readEnv } from './config/env.js';
export type { OptionTable } from './config/errors.js';
export { checkOptionNames, optionNames, pickOptions } from './config/errors.js';
export {
  headerNames,
  isSecretKey,
  isToken,
  methodAttributes,
  normalizeMethod,
  REDACTED,
  recordHeaders,
  recordStatus,
  redactQuery,
  redactUrl,
  urlPort,
} from './config/http.js';
export type { LogLevel, ReportLevel } from './config/report.js';
export { configureReporting, guarded, LOG_LEVELS, report, resetReporting } from './config/report.js';
export { isWorkerd } from './config/runtime.js';
export { isTracedFetch, tagTracedFetch, untracedFetch } from './config/untraced-fetch.js';
export type { AsyncLocalStorageLike } from './context/context-manager.js';
export {
  createAsyncLocalStorageContextManager,
  createContextManager,
  createStackContextManager,
  findAsyncLocalStorage,
} from './context/context-manager.js';
export type { DropCounter } from './export/drop-counter.js';
export { createDropCounter } from './export/drop-counter.js';
export { serverTimingMetric } from './propagation/trace-context.js';
export { isSampled, keepTrace } from './sampling/tail-policy.js';
export {
  isAttributeValue,
  MAX_VALUE_DEPTH,
  MAX_VALUE_NODES,
  truncateString,
  truncateValue,
} from './trace/attributes.js';
export { createIdGenerator, isValidSpanId, isValidTraceId } from './trace/ids.js';
export { checkTracerProviderOptions, TRACER_PROVIDER_OPTION_NAMES } from './trace/provider.js';
export type { Clock } from './trace/time.js';
export { createClock, toEpochMillis } from './trace/time.js';

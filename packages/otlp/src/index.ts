// @edgetrace/otlp: OTLP/HTTP JSON encoding and the fetch exporter.

export type { ConsoleExporterOptions } from './console-exporter.js';
export { createConsoleExporter, formatSpan } from './console-exporter.js';
export { exporterFromEnv } from './env-exporter.js';
export type { ExporterConfig, ExporterConfigOptions } from './exporter-config.js';
export { resolveExporterConfig } from './exporter-config.js';
export type { OtlpExporter, OtlpExporterOptions } from './otlp-exporter.js';
export { createOtlpExporter, USER_AGENT } from './otlp-exporter.js';
export type {
  OtlpAnyValue,
  OtlpEvent,
  OtlpKeyValue,
  OtlpLink,
  OtlpResource,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeSpans,
  OtlpSpan,
  OtlpTraceRequest,
} from './otlp-json.js';
export { encodeTraces } from './otlp-json.js';
export { encodeTracesBytes, encodeTracesText, toNanoString } from './otlp-json-text.js';
export { parseRetryAfter } from './retry.js';

// @edgetrace/hono: Hono middleware for server spans, flushed after the response.

export { clientAddressOf } from '@edgetrace/handler';
export type { LogFields } from './log-fields.js';
export { logFields } from './log-fields.js';
export type { ExporterOption, ProviderOptions, TracingOptions } from './options.js';
export type { TracingVariables } from './tracing.js';
export { tracing } from './tracing.js';

// @edgetrace/handler/internal: the server span every entry point shares, for @edgetrace/hono's
// `tracing()` and adapters written the same way. For @edgetrace/* packages; no semver promise.
export type {
  ExporterOption,
  ProviderOptions,
  ProviderSetup,
  ServerOptions,
  ServerSetup,
  SkipOption,
} from './server/options.js';
export { compileSkip, prepareServer } from './server/options.js';
export type { Answer, InvocationStart, ServerSpan, Tracing, WaitUntil } from './server/server-tracing.js';
export { resetColdStart, ServerTracing, waitUntilOf } from './server/server-tracing.js';

// @edgetrace/fetch/internal: what a traced client shares with @edgetrace/inference — the wrapped
// fetch, the parent context, sending with trace headers to admitted origins, a call's target and
// the HTTP client attributes. For @edgetrace/* packages; no semver promise.
export type { CallTarget } from './client-call.js';
export {
  CLIENT_OPTION_NAMES,
  CLIENT_OPTIONS,
  callTarget,
  createClient,
  withSpan,
} from './client-call.js';
export { clientAttributes } from './instrument-fetch.js';

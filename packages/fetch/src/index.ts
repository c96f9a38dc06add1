// @edgetrace/fetch: a traced fetch with client spans and a propagation allow-list. The pieces
// @edgetrace/inference builds on are in `./internal` (internal.ts).
export type { ClientOptions, Fetcher } from './client-call.js';
export type { InstrumentFetchOptions } from './instrument-fetch.js';
export { instrumentFetch } from './instrument-fetch.js';
export { instrumentGlobalFetch } from './instrument-global-fetch.js';
export type { PropagateTo } from './propagate-to.js';
export { isPrivateUrl } from './propagate-to.js';

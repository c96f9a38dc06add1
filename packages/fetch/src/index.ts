// @edgetrace/fetch: a traced fetch with client spans and a propagation allow-list.
export type { CallTarget, Client, ClientOptions, Fetcher } from './client-call.js';
export { CLIENT_OPTION_NAMES, callTarget, createClient, headersOf, withSpan } from './client-call.js';
export type { InstrumentFetchOptions } from './instrument-fetch.js';
export { clientAttributes, instrumentFetch } from './instrument-fetch.js';
export type { PropagateTo } from './propagate-to.js';
export { createPropagationFilter, isPrivateUrl } from './propagate-to.js';

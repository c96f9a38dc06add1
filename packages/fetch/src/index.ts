// @edgetrace/fetch: a traced fetch with client spans and a propagation allow-list.
export type { Fetcher, InstrumentFetchOptions } from './instrument-fetch.js';
export { instrumentFetch } from './instrument-fetch.js';
export type { PropagateTo } from './propagate-to.js';
export { createPropagationFilter, isPrivateUrl } from './propagate-to.js';

// edgetrace, its provider made at load (at-load.ts), with a hand-made CLIENT span that ends at
// its headers (hand-made-fetch.ts) in place of instrumentFetch(): the official route's features.
import { appAtLoad } from './at-load.js';
import { handMadeFetch } from './hand-made-fetch.js';

export default appAtLoad(handMadeFetch as typeof fetch);

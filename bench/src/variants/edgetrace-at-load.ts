// edgetrace as its README's "Cold starts" shows: tracing({ env }) with the Worker's env from
// `cloudflare:workers`, its provider made at load (at-load.ts), with instrumentFetch().
import { instrumentFetch } from '@edgetrace/fetch';
import { appAtLoad } from './at-load.js';

export default appAtLoad(instrumentFetch(fetch));

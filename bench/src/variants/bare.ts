// The floor: Hono with no tracing.
import './stub-fetch.js';
import { createApp } from './app.js';

const app = createApp((input, init) => fetch(input, init));
export default { fetch: app.fetch };

// The POST floor (floor-export-post.ts) with the deadline an OTLP exporter must honour: each POST
// carries `AbortSignal.timeout`, a timer per export, as ours (10 s by default) does.

import { postAfterEachRequest } from './floor-export-post.js';

export default postAfterEachRequest(10_000);

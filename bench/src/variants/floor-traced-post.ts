// The floor of a per-request export with our spans measured in one Worker: edgetrace with
// coalesced export (edgetrace.ts), whose own exports are shared, plus one export-sized POST with
// a deadline after each request (floor-export-post.ts). Measured together because the two cost
// more than the sum of each measured alone.

import edgetrace from './edgetrace.js';
import { postAfterEachRequest } from './floor-export-post.js';

export default postAfterEachRequest(10_000, edgetrace);

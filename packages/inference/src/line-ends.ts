// The two bytes (and UTF-16 code units) that end a line in SSE and NDJSON streams.
export const NEWLINE = 10;
export const RETURN = 13;

// readEventStream: server-sent events as an async iterable, for Workers that consume a stream
// themselves. On a response from instrumentInference the span follows along: it ends when the
// loop finishes, and a loop left early cancels the stream and ends the span as cancelled.
import type { InferenceEvent } from './generation-span.js';
import { parseJson } from './protocols/types.js';
import { type EventParserOptions, parseEventStream } from './sse.js';

export interface ReadEventStreamOptions {
  /** The longest SSE line read; a longer one is skipped. @default 1048576 */
  maxEventBytes?: number;
}

/** Yields each event of `response`'s body, with `json` when its data parses as JSON. */
export async function* readEventStream(
  response: Response,
  options: ReadEventStreamOptions = {},
): AsyncGenerator<InferenceEvent, void, undefined> {
  const body = response.body;
  if (body === null) return;
  const parserOptions: EventParserOptions =
    options.maxEventBytes === undefined ? {} : { maxEventBytes: options.maxEventBytes };
  for await (const event of parseEventStream(body, parserOptions)) {
    if (event.data === '[DONE]') {
      yield event;
      continue;
    }
    const parsed = parseJson(event.data);
    yield parsed === undefined ? event : { ...event, json: parsed.value };
  }
}

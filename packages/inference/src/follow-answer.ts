// Following an inference call's answer to its end: an error answer is read whole (it is small
// and says why) and handed on as the same bytes; a stream (server-sent events or NDJSON) is
// watched as it passes, through core's span-over-body; a JSON answer is read from a copy, so the
// caller's body is never consumed.
import { type Clock, endSpanWithBody, withBody } from '@edgetrace/core/internal';
import type { Span } from '@opentelemetry/api';
import type { GenerationSpan } from './generation-span.js';
import { createLineParser } from './ndjson.js';
import {
  createCountingEventParser,
  type EventParser,
  type EventParserOptions,
  type ServerSentEvent,
} from './sse.js';

const LINE_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/json-seq'];

/** The parser for a streamed answer, or `undefined` when the answer is a whole JSON document. */
function streamParser(
  response: Response,
  generation: GenerationSpan,
  options: EventParserOptions,
): EventParser | undefined {
  const type = response.headers.get('content-type')?.toLowerCase() ?? '';
  const onEvent = (event: ServerSentEvent): void => generation.event(event);
  // The generation counts runs of text-only events rather than reading each (sse-lf.ts).
  if (type.startsWith('text/event-stream'))
    return createCountingEventParser(onEvent, options, generation.counter);
  if (LINE_TYPES.some((lines) => type.startsWith(lines))) return createLineParser(onEvent, options);
  return undefined;
}

export interface Following {
  readonly span: Span;
  readonly startTime: number;
  readonly now: Clock;
  readonly parserOptions: EventParserOptions;
}

/** Follows the answer (see the header); returns what the caller gets. */
export async function followAnswer(
  response: Response,
  generation: GenerationSpan,
  { span, startTime, now, parserOptions }: Following,
): Promise<Response> {
  if (!response.ok) {
    // Reading a clone instead would stall in workerd when the caller never reads the body.
    let errorText: string;
    try {
      errorText = await response.text();
    } catch (error) {
      generation.end({ kind: 'error', error });
      return withBody(response, null);
    }
    generation.answer(errorText);
    generation.failHttp(response.status);
    return withBody(response, errorText);
  }
  if (response.body === null) {
    generation.end({ kind: 'complete' });
    return response;
  }
  const parse = streamParser(response, generation, {
    ...parserOptions,
    onOversized: () => generation.oversized(),
  });
  if (parse === undefined) {
    response
      .clone()
      .text()
      .then(
        (answer) => {
          generation.answer(answer);
          generation.end({ kind: 'complete' });
        },
        (error: unknown) => generation.end({ kind: 'error', error }),
      );
    return response;
  }
  generation.watchIdle();
  return endSpanWithBody(span, response, {
    now,
    startTime,
    streaming: true,
    end: generation.end,
    onChunk: parse,
    timeFirstChunk: false,
  });
}

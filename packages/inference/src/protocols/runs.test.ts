// The runs of events a protocol takes whole (contentOnlyRun), checked against the recorded
// streams: a run is taken only when reading it event by event would find as many events, each
// text only; and the text-only stretches of every recording are taken, so the fast path is the
// one real streams use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCompleteEventParser, type ServerSentEvent } from '../sse.js';
import { CASES, type Family, loadRecording } from '../test-support/recordings.js';
import { anthropic } from './anthropic.js';
import { openaiChat } from './openai.js';
import { openaiResponses } from './responses.js';
import { tgi } from './tgi.js';
import { triton } from './triton.js';
import type { ProtocolAdapter } from './types.js';

const ADAPTERS: Partial<Record<Family, ProtocolAdapter>> = {
  'openai.chat': openaiChat,
  'openai.responses': openaiResponses,
  tgi,
  triton,
  anthropic,
};

const encoder = new TextEncoder();

/** The events of `text` as the complete parser dispatches them. */
function dispatched(text: string): ServerSentEvent[] {
  const events: ServerSentEvent[] = [];
  createCompleteEventParser((event) => events.push(event))(encoder.encode(text));
  return events;
}

/** Ways an event's framing may differ from the recording's, each keeping it a complete event. */
const VARIANTS: ((event: string) => string)[] = [
  (event) => event,
  (event) => event.slice(event.indexOf('\n') + 1), // its first line dropped
  (event) => `id: 7\n${event}`,
  (event) => `: keep-alive\n${event}`,
  (event) => `${event.slice(0, -1)}data: more\n\n`, // a second data line
  (event) => `${event.slice(0, -1)}event: ping\n\n`, // a name after the data
  (event) => `\n${event}`, // a blank line before it
  (event) => event.replaceAll('data: ', 'data:'),
  (event) => event.replaceAll('data:', 'data:  '),
  (event) => event.replace('event: ', 'event:'),
  (event) => event.replace('\n\n', '\n'), // runs into the next event
];

const streams = CASES.flatMap((recorded) => {
  const adapter = ADAPTERS[recorded.family];
  const recording = loadRecording(recorded);
  if (adapter?.contentOnlyRun === undefined || recording.contentType !== 'text/event-stream') return [];
  const events = recording.body
    .toString()
    .split('\n\n')
    .filter((event) => event.trim() !== '')
    .map((event) => `${event}\n\n`);
  return [{ name: recorded.name, adapter, events }];
});

it('has, for each protocol that takes runs, a recording with text-only events to take', () => {
  for (const adapter of Object.values(ADAPTERS)) {
    const content = streams
      .filter((stream) => stream.adapter === adapter)
      .flatMap(({ events }) =>
        events.filter((e) => dispatched(e).every((d) => adapter.contentOnly?.(d.data))),
      );
    expect(content.length, adapter.name).toBeGreaterThan(0);
  }
});

describe.each(streams)('$name: runs taken whole', ({ adapter, events }) => {
  const contentOnlyRun = (text: string): number => adapter.contentOnlyRun?.(text) ?? 0;
  const textOnly = (event: ServerSentEvent): boolean => adapter.contentOnly?.(event.data) === true;

  it('takes the recording’s text-only events as one run, counted as they are read', () => {
    const content = events.filter((event) => dispatched(event).every(textOnly));
    expect(contentOnlyRun(content.join(''))).toBe(content.length);
  });

  it('declines every event that is more than text, and a run holding one', () => {
    const more = events.filter((event) => !dispatched(event).every(textOnly));
    for (const event of more) expect(contentOnlyRun(event)).toBe(0);
    expect(contentOnlyRun(events.join(''))).toBe(more.length === 0 ? events.length : 0);
  });

  it('takes a run only when reading it event by event finds as many events, each text only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(events.length - 1), fc.nat(VARIANTS.length - 1)), {
          minLength: 1,
          maxLength: 12,
        }),
        (picks) => {
          const text = picks.map(([event, variant]) => VARIANTS[variant]?.(events[event] ?? '')).join('');
          const taken = contentOnlyRun(text);
          if (taken === 0) return;
          const read = dispatched(text);
          expect(read).toHaveLength(taken);
          expect(read.every(textOnly)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

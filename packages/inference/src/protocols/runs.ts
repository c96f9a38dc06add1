// Runs of streamed events taken whole (`ProtocolAdapter.contentOnlyRun`): a protocol tells from a
// run's text that every event in it carries text and nothing else, in a few native searches an
// event. Each walk checks the events' framing as well as their content, and answers 0 at the
// first event it cannot vouch for, which sends the run to be read event by event.
import { NEWLINE } from '../line-ends.js';

/**
 * The number of events in `text` (complete LF-framed events) when each is a single `data:` line
 * holding `part`, else 0. An event ends at its one line break, which a one-character search finds
 * fastest; `part` is searched backwards from there, where a chunk's markers stand, so each search
 * reads a few characters.
 */
export function dataLinesHaving(text: string, part: string): number {
  let count = 0;
  for (let start = 0; start < text.length; count++) {
    const end = text.indexOf('\n', start);
    const single = end >= 0 && text.charCodeAt(end + 1) === NEWLINE && text.startsWith('data:', start);
    if (!single || text.lastIndexOf(part, end) < start) return 0;
    start = end + 2;
  }
  return count;
}

/**
 * The number of events in `text` (complete LF-framed events) when each starts with one of
 * `heads`, else 0. A head holds one line break at most, so the event goes on to the next blank line.
 */
export function eventsStarting(text: string, heads: readonly string[]): number {
  let count = 0;
  for (let start = 0; start < text.length; count++) {
    const head = startsWithAny(text, heads, start);
    if (head === undefined) return 0;
    const end = text.indexOf('\n\n', start + head.length);
    if (end < 0) return 0;
    start = end + 2;
  }
  return count;
}

/** The one of `heads` that `text` has at `at`, if any (a loop: no closure per event). */
export function startsWithAny(text: string, heads: readonly string[], at: number): string | undefined {
  for (const head of heads) if (text.startsWith(head, at)) return head;
  return undefined;
}

/** How Anthropic and OpenAI's Responses API start an event of `type`: named, and the data's first key. */
export const namedEventHead = (type: string): string => `event: ${type}\ndata: {"type":"${type}"`;

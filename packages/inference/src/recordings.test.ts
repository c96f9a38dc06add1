import {
  createMemoryExporter,
  createSimpleProcessor,
  createTracerProvider,
  type SpanData,
} from '@edgetrace/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentInference } from './instrument-inference.js';
import { CASES, loadRecording, type Recording, TRUTH_KEYS, truthOf } from './test-support/recordings.js';
import { type ReplayMode, type ReplayServer, startReplay } from './test-support/replay-server.js';

// Every recorded transcript, replayed by a real server on 127.0.0.1 — whole, and cut into
// pieces of three bytes (through lines, JSON and UTF-8 sequences) — through instrumentInference
// called directly. The span must say what the transcript says, and nothing it does not.

const exporter = createMemoryExporter();
const provider = createTracerProvider({
  processors: [createSimpleProcessor(exporter)],
  serviceName: 'recordings-test',
});
let server: ReplayServer;

beforeAll(async () => {
  server = await startReplay();
});
afterAll(() => server.close());
afterEach(() => exporter.reset());

/** How a transcript's bytes are written: whole, in pieces of a size, or its first event then the rest. */
type Cut = number | 'first-then-rest' | undefined;

function modeOf(cut: Cut): ReplayMode {
  if (cut === undefined) return { kind: 'whole' };
  return cut === 'first-then-rest' ? { kind: cut } : { kind: 'pieces', size: cut };
}

async function replay(name: string, cut: Cut): Promise<{ text: string; span: SpanData }> {
  const recorded = CASES.find((c) => c.name === name);
  if (recorded === undefined) throw new Error(name);
  const recording = loadRecording(recorded);
  server.serve(recording, modeOf(cut));
  const traced = instrumentInference(fetch, {
    tracerProvider: provider,
    ...(recorded.model === undefined ? {} : { model: recorded.model }),
  });
  const response = await traced(`${server.url}${recorded.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(recording.request),
  });
  const text = await response.text();
  await provider.forceFlush();
  const [span] = exporter.getFinishedSpans();
  if (span === undefined) throw new Error('no span');
  return { text, span };
}

/**
 * The content chunks a transcript holds, read here independently of the parser: each NDJSON
 * line; each SSE event with data, except `[DONE]` and pings.
 */
function contentChunks(recording: Recording): number {
  const text = recording.body.toString().replace(/\r\n?/g, '\n');
  if (recording.contentType !== 'text/event-stream')
    return text.split('\n').filter((l) => l.trim() !== '').length;
  return text.split('\n\n').filter((block) => {
    const lines = block.split('\n');
    const data = lines
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
    if (data.length === 0 || data.join('\n') === '' || data.join('\n') === '[DONE]') return false;
    if (lines.some((l) => l === 'event: ping' || l === 'event:ping')) return false;
    return !data.join('\n').includes('"type":"ping"');
  }).length;
}

describe('instrumentInference against recorded transcripts', () => {
  for (const recorded of CASES) {
    // The first event, then the rest at once: the stream's middle arrives as runs of events,
    // which the span may count without reading each (sse-lf.ts); the span must say the same.
    for (const pieces of [undefined, 3, 'first-then-rest'] as const) {
      const how =
        pieces === undefined
          ? 'whole'
          : pieces === 3
            ? `in ${pieces}-byte pieces`
            : 'its first event, then the rest';
      it(`${recorded.name}, ${how}: passes the bytes on and records what the transcript says`, async () => {
        const recording = loadRecording(recorded);
        const { text, span } = await replay(recorded.name, pieces);
        expect(text).toBe(recording.body.toString());
        const truth = truthOf(recorded, recording);
        const seen = Object.fromEntries(TRUTH_KEYS.map((key) => [key, span.attributes[key]]));
        expect(seen).toEqual(truth);
        expect(span.status.code).toBe(SpanStatusCode.UNSET);
        expect(span.attributes['edgetrace.response.cancelled']).toBeUndefined();
        expect(span.attributes['edgetrace.inference.incomplete']).toBeUndefined();
        expect(span.attributes['gen_ai.operation.name']).toBeTypeOf('string');
        // The model: the request's, else the one the path names (Triton, Workers AI), else the option.
        const inPath = recorded.path.match(/\/models\/([^/]+)\/|\/ai\/run\/(.+)$/);
        const model = recorded.model ?? recording.request.model ?? inPath?.[1] ?? inPath?.[2];
        expect(span.attributes['gen_ai.request.model']).toBe(model);
        expect(span.name).toBe(`${String(span.attributes['gen_ai.operation.name'])} ${String(model)}`);
        if (recording.streamed) {
          expect(span.attributes['gen_ai.request.stream']).toBe(true);
          expect(span.attributes['edgetrace.inference.chunks']).toBe(contentChunks(recording));
          expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
        } else {
          expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
          expect(span.attributes['edgetrace.inference.chunks']).toBeUndefined();
        }
      });
    }
  }
});

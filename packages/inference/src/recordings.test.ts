import {
  createMemoryExporter,
  createSimpleProcessor,
  createTracerProvider,
  type SpanData,
} from '@edgetrace/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentInference } from './instrument-inference.js';
import { CASES, loadRecording, TRUTH_KEYS, truthOf } from './test-support/recordings.js';
import { type ReplayServer, startReplay } from './test-support/replay-server.js';

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

async function replay(name: string, pieces: number | undefined): Promise<{ text: string; span: SpanData }> {
  const recorded = CASES.find((c) => c.name === name);
  if (recorded === undefined) throw new Error(name);
  const recording = loadRecording(recorded);
  server.serve(recording, pieces === undefined ? { kind: 'whole' } : { kind: 'pieces', size: pieces });
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

describe('instrumentInference against recorded transcripts', () => {
  for (const recorded of CASES) {
    for (const pieces of [undefined, 3]) {
      const how = pieces === undefined ? 'whole' : `in ${pieces}-byte pieces`;
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
          expect(span.attributes['edgetrace.inference.chunks']).toBeGreaterThan(0);
          expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeTypeOf('number');
        } else {
          expect(span.attributes['gen_ai.request.stream']).toBeUndefined();
          expect(span.attributes['edgetrace.inference.chunks']).toBeUndefined();
        }
      });
    }
  }
});

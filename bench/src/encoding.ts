// OTLP JSON encoding: 1,000 spans of ~10 attributes and one event each, encoded to request-body
// bytes by @edgetrace/otlp (`encodeTracesBytes`, what the exporter sends) and by the official
// @opentelemetry/otlp-transformer JSON serializer, in one process. Prints spans/s and bytes per
// span (raw and gzipped), each a median of 15 runs with min–max; the two encoders' runs
// alternate, each after a forced GC, so that neither inherits the other's garbage. A second
// batch has no attribute value repeated from one span to the next, the worst case for our
// encoder's pair cache.
// Run: pnpm --filter @edgetrace/bench encoding
import { gzipSync } from 'node:zlib';
import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { encodeTracesBytes } from '@edgetrace/otlp';
import { SpanKind } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { toReadableSpans } from '../../packages/otlp/src/test-support/readable-span.ts';
import { median } from './stats.ts';

const SPANS = 1_000;
const RUNS = 15;
const ITERATIONS = 20;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

/** GenAI client spans; with `distinct`, no attribute value repeats from one span to the next. */
async function makeSpans(distinct: boolean): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({ exporter: memory, serviceName: 'bench', asyncLocalStorage: false });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let i = 0; i < SPANS; i++) {
    const n = distinct ? `-${i}` : '';
    const span = tracer.startSpan(`chat llama-${i % 4}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': `chat${n}`,
        'gen_ai.provider.name': `vllm${n}`,
        'gen_ai.request.model': `meta-llama/Llama-3.1-8B-Instruct${n}`,
        'gen_ai.request.max_tokens': distinct ? 512 + i : 512,
        'gen_ai.request.temperature': distinct ? 0.7 + i / 1e4 : 0.7,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 1_200 + i,
        'gen_ai.usage.output_tokens': 300 + (i % 50),
        'server.address': `gpu-7${n}.internal`,
        'server.port': distinct ? 8000 + i : 8000,
      },
    });
    span.addEvent('gen_ai.first_chunk', {
      'gen_ai.response.time_to_first_chunk': distinct ? 0.21 + i / 1e4 : 0.21,
    });
    span.end();
  }
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

interface Measured {
  rates: number[];
  bytes: number;
  gzip: number;
}

function rate(encode: () => Uint8Array): number {
  gc?.();
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) encode();
  return (ITERATIONS * SPANS) / ((performance.now() - start) / 1000);
}

/** Runs the encoders in turn, RUNS times, after a warm-up long enough for the optimizing JIT. */
function compare(encoders: Array<() => Uint8Array>): Measured[] {
  for (const encode of encoders) for (let i = 0; i < 100; i++) encode();
  const results = encoders.map((encode) => {
    const bytes = encode();
    return { rates: [] as number[], bytes: bytes.length, gzip: gzipSync(bytes).length };
  });
  for (let run = 0; run < RUNS; run++) {
    for (const [i, encode] of encoders.entries()) results[i]?.rates.push(rate(encode));
  }
  return results;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const row = (name: string, r: Measured): string =>
  `| ${name} | ${fmt(median(r.rates))} (${fmt(Math.min(...r.rates))}–${fmt(Math.max(...r.rates))}) | ${(r.bytes / SPANS).toFixed(1)} | ${(r.gzip / SPANS).toFixed(1)} |`;

for (const distinct of [false, true]) {
  const spans = await makeSpans(distinct);
  const readable = toReadableSpans(spans);
  const [ours, official] = compare([
    () => encodeTracesBytes(spans),
    () => JsonTraceSerializer.serializeRequest(readable) ?? new Uint8Array(),
  ]) as [Measured, Measured];
  console.log(
    `\nOTLP JSON encoding to request bytes, ${SPANS} spans × 10 attributes + 1 event${
      distinct ? ', no value repeated between spans' : ''
    }, median of ${RUNS} runs`,
  );
  console.log('| encoder | spans/s (min–max) | bytes/span | gzipped bytes/span |');
  console.log('| --- | --- | --- | --- |');
  console.log(row('@edgetrace/otlp encodeTracesBytes', ours));
  console.log(row('@opentelemetry/otlp-transformer JsonTraceSerializer', official));
  console.log(
    `ratio: ${(median(ours.rates) / median(official.rates)).toFixed(2)}× the throughput, ${(ours.bytes / official.bytes).toFixed(2)} of the bytes (${(ours.gzip / official.gzip).toFixed(2)} gzipped)`,
  );
}

// OTLP JSON encoding: 1,000 spans of ~10 attributes and one event each, encoded by
// @edgetrace/otlp (the text the exporter sends) and by the official
// @opentelemetry/otlp-transformer JSON serializer, in one process. Prints spans/s and bytes per
// span (raw and gzipped), each a median of 7 runs with min–max.
// Run: pnpm --filter @edgetrace/bench encoding
import { gzipSync } from 'node:zlib';
import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { encodeTracesText } from '@edgetrace/otlp';
import { SpanKind } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { toReadableSpans } from '../../packages/otlp/src/test-support/readable-span.js';

const SPANS = 1_000;
const RUNS = 7;

async function makeSpans(): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({ exporter: memory, serviceName: 'bench', asyncLocalStorage: false });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let i = 0; i < SPANS; i++) {
    const span = tracer.startSpan(`chat llama-${i % 4}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'vllm',
        'gen_ai.request.model': 'meta-llama/Llama-3.1-8B-Instruct',
        'gen_ai.request.max_tokens': 512,
        'gen_ai.request.temperature': 0.7,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 1_200 + i,
        'gen_ai.usage.output_tokens': 300 + (i % 50),
        'server.address': 'gpu-7.internal',
        'server.port': 8000,
      },
    });
    span.addEvent('gen_ai.first_chunk', { 'gen_ai.response.time_to_first_chunk': 0.21 });
    span.end();
  }
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function measure(encode: () => Uint8Array | string): { rates: number[]; bytes: number; gzip: number } {
  for (let i = 0; i < 20; i++) encode(); // warm up the JIT
  const rates: number[] = [];
  let output: Uint8Array | string = '';
  for (let run = 0; run < RUNS; run++) {
    const iterations = 20;
    const start = performance.now();
    for (let i = 0; i < iterations; i++) output = encode();
    rates.push((iterations * SPANS) / ((performance.now() - start) / 1000));
  }
  const bytes = typeof output === 'string' ? new TextEncoder().encode(output) : output;
  return { rates, bytes: bytes.length, gzip: gzipSync(bytes).length };
}

const spans = await makeSpans();
const readable = toReadableSpans(spans);
const ours = measure(() => encodeTracesText(spans));
const official = measure(() => JsonTraceSerializer.serializeRequest(readable) ?? new Uint8Array());

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const row = (name: string, r: ReturnType<typeof measure>): string =>
  `| ${name} | ${fmt(median(r.rates))} (${fmt(Math.min(...r.rates))}–${fmt(Math.max(...r.rates))}) | ${(r.bytes / SPANS).toFixed(1)} | ${(r.gzip / SPANS).toFixed(1)} |`;
console.log(`OTLP JSON encoding, ${SPANS} spans × 10 attributes + 1 event, median of ${RUNS} runs`);
console.log('| encoder | spans/s (min–max) | bytes/span | gzipped bytes/span |');
console.log('| --- | --- | --- | --- |');
console.log(row('@edgetrace/otlp encodeTracesText', ours));
console.log(row('@opentelemetry/otlp-transformer JsonTraceSerializer', official));
console.log(
  `ratio: ${(median(ours.rates) / median(official.rates)).toFixed(2)}× the throughput, ${(ours.bytes / official.bytes).toFixed(2)} of the bytes (${(ours.gzip / official.gzip).toFixed(2)} gzipped)`,
);

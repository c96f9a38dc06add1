// Bundle size of edgetrace's packages over `@opentelemetry/api`: each entry is bundled, minified
// and gzipped with esbuild as a Worker would be, and compared with a baseline that uses the API
// alone. Run: pnpm --filter @edgetrace/bench size
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

interface Entry {
  name: string;
  code: string;
}

// The baseline touches the same API objects the measured entries do, so only our code differs.
const BASELINE = `
import { context, propagation, trace } from '@opentelemetry/api';
export default { fetch() { return [trace.getTracer('x'), context.active(), propagation.fields()]; } };
`;

const ENTRIES: Entry[] = [
  {
    name: '@edgetrace/core (provider, tracer, propagators, trace buffer)',
    code: `
import { context, propagation, trace } from '@opentelemetry/api';
import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
const provider = createTracerProvider({ exporter: createMemoryExporter() });
provider.register();
export default { fetch() { return [trace.getTracer('x'), context.active(), propagation.fields()]; } };
`,
  },
];

async function measure(code: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents: code, resolveDir: import.meta.dirname, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    target: 'es2022',
    write: false,
  });
  const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

const baseline = await measure(BASELINE);
console.log(`baseline (@opentelemetry/api alone): ${kb(baseline.min)} min, ${kb(baseline.gzip)} gzip`);
console.log('| entry | minified | min + gzip | growth over the API (gzip) |');
console.log('| --- | --- | --- | --- |');
for (const entry of ENTRIES) {
  const size = await measure(entry.code);
  console.log(`| ${entry.name} | ${kb(size.min)} | ${kb(size.gzip)} | ${kb(size.gzip - baseline.gzip)} |`);
}

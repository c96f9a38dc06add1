// The exporter `OTEL_TRACES_EXPORTER` asks for, as other OpenTelemetry SDKs read it: `otlp`
// (the default), `console`, `none`, or several separated by commas. A value we cannot honour
// is reported with what to use instead, never silently ignored.
// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#exporter-selection
import type { EnvSource, SpanExporter } from '@edgetrace/core';
import { readEnv, report } from '@edgetrace/core/internal';
import { createConsoleExporter } from './console-exporter.js';
import { createOtlpExporter } from './otlp-exporter.js';

const KNOWN = ['otlp', 'console', 'none'];

/** Sends every batch to each exporter; the result is the first failure, else success. */
function fanOut(exporters: SpanExporter[]): SpanExporter {
  return {
    async export(spans) {
      const results = await Promise.all(exporters.map((exporter) => exporter.export(spans)));
      return results.find((result) => !result.ok) ?? { ok: true };
    },
    async forceFlush() {
      await Promise.all(exporters.map((exporter) => exporter.forceFlush?.()));
    },
    async shutdown() {
      await Promise.all(exporters.map((exporter) => exporter.shutdown?.()));
    },
  };
}

/**
 * The exporter `OTEL_TRACES_EXPORTER` names, read from `env` (a Worker's bindings) and then
 * `process.env`; `undefined` for `none` (spans are made and propagated, not exported).
 */
export function exporterFromEnv(env?: EnvSource): SpanExporter | undefined {
  const names = readEnv(env).list('OTEL_TRACES_EXPORTER') ?? ['otlp'];
  const exporters: SpanExporter[] = [];
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (name === 'otlp') exporters.push(createOtlpExporter(env === undefined ? {} : { env }));
    else if (name === 'console') exporters.push(createConsoleExporter());
    else if (name !== 'none') {
      report(
        'warn',
        `OTEL_TRACES_EXPORTER names "${raw}", which edgetrace does not provide; use ${KNOWN.join(', ')} ` +
          '(or pass an exporter in code)',
      );
    }
  }
  if (exporters.length === 0) return undefined;
  return exporters.length === 1 ? exporters[0] : fanOut(exporters);
}

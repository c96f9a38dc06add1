// An exporter that prints spans readably, one line each, for local debugging.
import type { ExportResult, SpanData, SpanExporter } from '@edgetrace/core';

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['', ' OK', ' ERROR'];

export interface ConsoleExporterOptions {
  /** Where each line goes. @default console.log */
  write?: (line: string) => void;
}

function formatValue(value: unknown): string {
  return typeof value === 'string' || Array.isArray(value) ? JSON.stringify(value) : String(value);
}

/** One line for a span: ids, kind, name, duration, status, attributes and event names. */
export function formatSpan(span: SpanData): string {
  const { traceId, spanId } = span.spanContext();
  const parent = span.parentSpanContext?.spanId ?? 'root';
  const duration = (span.endTime - span.startTime).toFixed(1);
  const status = `${STATUS[span.status.code] ?? ''}${span.status.message ? ` (${span.status.message})` : ''}`;
  const attributes = Object.entries(span.attributes)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(' ');
  const events = span.events.length > 0 ? ` events=[${span.events.map((e) => e.name).join(', ')}]` : '';
  return `${traceId}/${spanId} ← ${parent} ${KINDS[span.kind] ?? span.kind} "${span.name}" ${duration} ms${status}${
    attributes ? ` ${attributes}` : ''
  }${events}`;
}

export function createConsoleExporter(options: ConsoleExporterOptions = {}): SpanExporter {
  const write = options.write ?? ((line: string) => console.log(line));
  return {
    async export(spans: readonly SpanData[]): Promise<ExportResult> {
      try {
        for (const span of spans) write(formatSpan(span));
        return { ok: true };
      } catch (error) {
        return { ok: false, error: `console exporter: ${String(error)}` };
      }
    },
  };
}

// A trace as a terminal waterfall: one line per span, indented under its parent, with its
// service, a bar placed on the trace's time line, its duration and the attributes that matter
// for inference (time to first chunk, tokens, finish reasons, status).
import type { ViewerSpan } from './decode.js';

const KEY_ATTRIBUTES: [string, (v: unknown) => string][] = [
  ['gen_ai.response.time_to_first_chunk', (v) => `ttfc=${(Number(v) * 1000).toFixed(0)}ms`],
  ['gen_ai.usage.input_tokens', (v) => `in=${v}`],
  ['gen_ai.usage.output_tokens', (v) => `out=${v}`],
  ['gen_ai.response.finish_reasons', (v) => `finish=${Array.isArray(v) ? v.join(',') : v}`],
  ['http.response.status_code', (v) => `${v}`],
  ['edgetrace.response.cancelled', () => 'cancelled'],
  ['error.type', (v) => `error=${v}`],
];

const KIND = ['', '', 'server', 'client', 'producer', 'consumer'];

/** Spans in depth-first order with their depth; orphans (parent not here) start new roots. */
export function ordered(spans: ViewerSpan[]): { span: ViewerSpan; depth: number }[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, ViewerSpan[]>();
  for (const span of spans) {
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const out: { span: ViewerSpan; depth: number }[] = [];
  const visit = (parent: string | undefined, depth: number): void => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startMs - b.startMs)) {
      out.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return out;
}

/** The waterfall as text lines, `width` characters of bar. */
export function renderWaterfall(spans: ViewerSpan[], width = 40, color = false): string {
  if (spans.length === 0) return '';
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const total = Math.max(end - start, 0.001);
  const rows = ordered(spans);
  const labels = rows.map(({ span, depth }) => `${'  '.repeat(depth)}${span.service} ${span.name}`);
  const labelWidth = Math.min(60, Math.max(...labels.map((l) => l.length)));
  const red = (text: string) => (color ? `\x1b[31m${text}\x1b[0m` : text);
  const lines = [`trace ${spans[0]?.traceId} — ${spans.length} spans, ${total.toFixed(1)} ms`];
  rows.forEach(({ span }, i) => {
    const from = Math.floor(((span.startMs - start) / total) * width);
    const length = Math.max(1, Math.round(((span.endMs - span.startMs) / total) * width));
    const bar = `${' '.repeat(from)}${'█'.repeat(Math.min(length, width - from))}`.padEnd(width);
    const notes = KEY_ATTRIBUTES.filter(([key]) => span.attributes[key] !== undefined).map(([key, show]) =>
      show(span.attributes[key]),
    );
    const kind = KIND[span.kind] ?? '';
    const label = (labels[i] ?? '').slice(0, labelWidth).padEnd(labelWidth);
    const line = `${label} │${bar}│ ${(span.endMs - span.startMs).toFixed(1).padStart(8)} ms ${kind} ${notes.join(' ')}`;
    lines.push(span.status.code === 2 ? red(line) : line);
  });
  return lines.join('\n');
}

// Where a trace's time went, per generation: the edge's own time, the network (the client span
// less the upstream server span it called), the upstream's phases (its child spans: queue,
// prefill, decode on a traced GPU server), or, with no traced upstream, time to first chunk
// against the time after it. Durations come from the spans; nothing is estimated.
import type { ViewerSpan } from './decode.js';
import { generationOf, isGeneration, modelOf } from './generation.js';

export interface Segment {
  /** What the time was: `edge`, `network`, an upstream phase's name, `to first chunk`, ... */
  name: string;
  ms: number;
  /** Which colour family it takes: the edge, the wire, the upstream server, or a generation's own time. */
  kind: 'edge' | 'network' | 'upstream' | 'generation';
  /** The service that spent it, where one did. */
  service?: string;
}

export interface GenerationBreakdown {
  spanId: string;
  label: string;
  totalMs: number;
  segments: Segment[];
}

export interface TraceBreakdown {
  totalMs: number;
  /** The root's time outside every generation call (the edge's own work). */
  edgeMs: number;
  edgeService: string;
  generations: GenerationBreakdown[];
}

const SERVER = 2;
const duration = (span: ViewerSpan): number => Math.max(0, span.endMs - span.startMs);

/** The length of the union of [start, end) intervals. */
function covered(intervals: [number, number][]): number {
  let total = 0;
  let reach = Number.NEGATIVE_INFINITY;
  for (const [start, end] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const from = Math.max(start, reach);
    if (end > from) total += end - from;
    reach = Math.max(reach, end);
  }
  return total;
}

function segmentsOf(generation: ViewerSpan, spans: ViewerSpan[]): Segment[] {
  const upstream = spans.find((s) => s.parentSpanId === generation.spanId && s.kind === SERVER);
  if (upstream !== undefined) {
    const phases = spans
      .filter((s) => s.parentSpanId === upstream.spanId)
      .sort((a, b) => a.startMs - b.startMs)
      .map((s): Segment => ({ name: s.name, ms: duration(s), kind: 'upstream', service: s.service }));
    const inPhases = covered(
      spans.filter((s) => s.parentSpanId === upstream.spanId).map((s) => [s.startMs, s.endMs]),
    );
    const rest = duration(upstream) - inPhases;
    const segments: Segment[] = [
      { name: 'network', ms: Math.max(0, duration(generation) - duration(upstream)), kind: 'network' },
      ...phases,
    ];
    if (phases.length === 0 || rest > 0.05)
      segments.push({
        name: phases.length === 0 ? upstream.name : 'other upstream',
        ms: Math.max(0, rest),
        kind: 'upstream',
        service: upstream.service,
      });
    return segments;
  }
  const firstChunk = generationOf(generation)?.firstChunkMs;
  if (firstChunk === undefined) return [{ name: 'call', ms: duration(generation), kind: 'generation' }];
  return [
    { name: 'to first chunk', ms: firstChunk, kind: 'generation' },
    { name: 'after first chunk', ms: Math.max(0, duration(generation) - firstChunk), kind: 'generation' },
  ];
}

/** The breakdown of a trace whose local root is `root`; `undefined` when it made no generation call. */
export function breakdownOf(spans: ViewerSpan[], root: ViewerSpan | undefined): TraceBreakdown | undefined {
  if (root === undefined) return undefined;
  // The outermost generation spans: a generation inside another (an SDK span over a fetch) counts once.
  const generationIds = new Set(spans.filter(isGeneration).map((s) => s.spanId));
  const calls = spans.filter(
    (s) =>
      generationIds.has(s.spanId) && (s.parentSpanId === undefined || !generationIds.has(s.parentSpanId)),
  );
  if (calls.length === 0) return undefined;
  const inCalls = covered(
    calls.map((s) => [Math.max(s.startMs, root.startMs), Math.min(s.endMs, root.endMs)]),
  );
  return {
    totalMs: duration(root),
    edgeMs: Math.max(0, duration(root) - inCalls),
    edgeService: root.service,
    generations: calls.map((call) => ({
      spanId: call.spanId,
      label: `${call.service} · ${modelOf(call) ?? call.name}`,
      totalMs: duration(call),
      segments: segmentsOf(call, spans),
    })),
  };
}

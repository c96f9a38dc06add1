// Reading back what the test receiver recorded: the spans of OTLP/HTTP JSON requests, and one
// attribute's value as OTLP carries it.
import type { RecordedRequest } from './receiver.js';

export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

/** Every span in the recorded requests, in the order received; throws for a body the official definitions refuse. */
export function exportedSpans(requests: RecordedRequest[]): ExportedSpan[] {
  return requests.flatMap((request) => {
    if (request.invalid !== undefined)
      throw new Error(`the receiver got an invalid OTLP body: ${request.invalid}`);
    const body = JSON.parse(request.body) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
    return body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  });
}

/** The requests the receiver at `url` has recorded so far. */
export async function receivedRequests(url: string): Promise<RecordedRequest[]> {
  return (await (await fetch(`${url}/received`)).json()) as RecordedRequest[];
}

/** The spans the receiver at `url` has recorded so far. */
export async function receivedSpans(url: string): Promise<ExportedSpan[]> {
  return exportedSpans(await receivedRequests(url));
}

/** An attribute's OTLP value (`stringValue`, `intValue` as a string, ...), or `undefined`. */
export function attribute(span: ExportedSpan | undefined, key: string): unknown {
  const value = span?.attributes?.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
}

/** The trace id a response names in its W3C `Server-Timing` metric (`trace;desc=00-{trace-id}-...`), or ''. */
export function responseTraceId(response: Response): string {
  return /trace;desc=00-([0-9a-f]{32})-/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? '';
}

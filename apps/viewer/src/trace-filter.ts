// Finding a trace: the filters the list offers (service, model, status, minimum duration, trace
// id), read from a query string (`/api/traces?service=…&status=error`) and applied to summaries.
import type { TraceSummary } from './trace-summary.js';

export interface TraceFilter {
  service?: string;
  model?: string;
  status?: 'error' | 'cancelled' | 'slow';
  minMs?: number;
  /** A trace id or a part of one. */
  traceId?: string;
}

type Status = NonNullable<TraceFilter['status']>;
const STATUSES: readonly string[] = ['error', 'cancelled', 'slow'] satisfies Status[];
const isStatus = (value: string): value is Status => STATUSES.includes(value);

/** The filter a query string asks for; unknown or empty parameters are ignored. */
export function parseFilter(query: URLSearchParams): TraceFilter {
  const filter: TraceFilter = {};
  const service = query.get('service');
  if (service) filter.service = service;
  const model = query.get('model');
  if (model) filter.model = model;
  const status = query.get('status');
  if (status && isStatus(status)) filter.status = status;
  const minMs = Number(query.get('minMs') ?? '');
  if (query.get('minMs') && Number.isFinite(minMs)) filter.minMs = minMs;
  const traceId = query.get('traceId')?.trim().toLowerCase();
  if (traceId) filter.traceId = traceId;
  return filter;
}

/** Whether `summary` passes every part of `filter`. */
export function matches(summary: TraceSummary, filter: TraceFilter): boolean {
  if (filter.service !== undefined && !summary.services.includes(filter.service)) return false;
  if (filter.model !== undefined && !summary.models.includes(filter.model)) return false;
  if (filter.status !== undefined && !summary[filter.status]) return false;
  if (filter.minMs !== undefined && summary.durationMs < filter.minMs) return false;
  if (filter.traceId !== undefined && !summary.traceId.includes(filter.traceId)) return false;
  return true;
}

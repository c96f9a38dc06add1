// The shapes that processors, exporters and samplers exchange.
import type {
  Attributes,
  Context,
  Link,
  SpanContext,
  SpanKind,
  SpanStatus,
  TraceState,
} from '@opentelemetry/api';

/** Where spans come from: a tracer's name, version, schema URL and attributes. */
export interface InstrumentationScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly attributes?: Attributes;
}

/** The entity producing telemetry (`service.name`, `telemetry.sdk.*`, ...). */
export interface Resource {
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
  readonly droppedAttributesCount: number;
}

/** A timed event on a span. Times are unix epoch milliseconds with a fraction. */
export interface SpanEventData {
  readonly name: string;
  readonly time: number;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

/** A link from a span to another span context. */
export interface SpanLinkData extends Link {
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

/**
 * A span as processors and exporters see it. Times are unix epoch milliseconds with a
 * fraction (`performance.timeOrigin + performance.now()` by default).
 */
export interface SpanData {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  /** The parent's context, with `isRemote` set when it came from a propagator. */
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: number;
  /** `NaN` until the span ends. */
  readonly endTime: number;
  readonly ended: boolean;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly SpanEventData[];
  readonly droppedEventsCount: number;
  readonly links: readonly SpanLinkData[];
  readonly droppedLinksCount: number;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/** What an exporter reports. It never rejects: failure is a value. */
export type ExportResult =
  | {
      readonly ok: true;
      /** Spans the receiver rejected (OTLP partial success). */
      readonly rejected?: number;
      /** Spans the exporter dropped before sending, such as a span too large to send. */
      readonly dropped?: number;
      readonly message?: string;
    }
  | { readonly ok: false; readonly error: string; readonly retryable?: boolean };

/** Sends finished spans somewhere. `export` must resolve, never reject. */
export interface SpanExporter {
  export(spans: readonly SpanData[]): Promise<ExportResult>;
  forceFlush?(): Promise<void>;
  shutdown?(): Promise<void>;
}

/** Sees spans start and end; decides when and what to export. */
export interface SpanProcessor {
  onStart(span: SpanData, parentContext: Context): void;
  onEnd(span: SpanData): void;
  /**
   * Exports what is ready and waits for exports in flight. Never rejects. With `traceId`, waits
   * only for that trace's export where the processor can tell (the per-trace buffer) — what one
   * Worker request should wait for in its `waitUntil`.
   */
  forceFlush(traceId?: string): Promise<void>;
  /** Flushes, then stops accepting spans. Never rejects. */
  shutdown(): Promise<void>;
}

/** Sampling decisions, numbered as in the OpenTelemetry SDKs. */
export const SamplingDecision = {
  NOT_RECORD: 0,
  RECORD: 1,
  RECORD_AND_SAMPLED: 2,
} as const;
export type SamplingDecision = (typeof SamplingDecision)[keyof typeof SamplingDecision];

export interface SamplingResult {
  readonly decision: SamplingDecision;
  readonly attributes?: Attributes;
  readonly traceState?: TraceState;
}

/** Decides whether a new span is recorded and sampled (the OpenTelemetry SDK's shape). */
export interface Sampler {
  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: readonly Link[],
  ): SamplingResult;
  toString(): string;
}

/** Limits on what one span may hold; what goes over is dropped and counted. */
export interface SpanLimits {
  /** @default 128 */
  readonly attributeCountLimit: number;
  /** Longer string values are truncated. @default Infinity */
  readonly attributeValueLengthLimit: number;
  /** @default 128 */
  readonly eventCountLimit: number;
  /** @default 128 */
  readonly linkCountLimit: number;
  /** @default 128 */
  readonly attributePerEventCountLimit: number;
  /** @default 128 */
  readonly attributePerLinkCountLimit: number;
}

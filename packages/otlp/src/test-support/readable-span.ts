// Our spans as the official SDK's ReadableSpan, so the official serializer can encode the same
// spans: the oracle in tests and the peer in the encoding benchmark.
import type { SpanData } from '@edgetrace/core';
import type { HrTime } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource as SdkResource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { toNanoString } from '../otlp-json-text.js';

function toHrTime(ms: number): HrTime {
  const ns = BigInt(toNanoString(ms));
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

/** Our spans as the official SDK's ReadableSpan, for the official serializer. */
export function toReadableSpans(spans: SpanData[]): ReadableSpan[] {
  const resources = new Map<unknown, SdkResource>();
  return spans.map((span) => {
    let resource = resources.get(span.resource);
    if (resource === undefined) {
      resource = resourceFromAttributes(span.resource.attributes);
      resources.set(span.resource, resource);
    }
    return {
      name: span.name,
      kind: span.kind,
      spanContext: () => span.spanContext(),
      ...(span.parentSpanContext === undefined ? {} : { parentSpanContext: span.parentSpanContext }),
      startTime: toHrTime(span.startTime),
      endTime: toHrTime(span.endTime),
      duration: [0, 0],
      status: span.status,
      attributes: span.attributes,
      links: [...span.links],
      events: span.events.map((e) => ({
        name: e.name,
        time: toHrTime(e.time),
        attributes: e.attributes,
        droppedAttributesCount: e.droppedAttributesCount,
      })),
      ended: true,
      resource,
      instrumentationScope: span.scope,
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
  });
}

// Fitting spans into request bodies of bounded size: a batch whose JSON is too large is halved
// until each part fits; a single span too large on its own has its string values cut down, and
// is dropped (and counted) if even that does not fit. Every step shrinks the input, so it ends.
import type { SpanData } from '@edgetrace/core';
import { truncateString, truncateValue } from '@edgetrace/core/internal';
import type { Attributes } from '@opentelemetry/api';
import type { OtlpJsonEncoder } from './otlp-json-text.js';

/** The longest string value kept when a single span must be cut down to fit. */
const CUT_TO = 1024;

export interface Parts {
  /** JSON bodies, each at most the limit in UTF-8 bytes. */
  readonly bodies: Uint8Array<ArrayBuffer>[];
  /** Spans that could not fit even cut down. */
  readonly dropped: number;
}

function cut(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) out[key] = truncateValue(value, CUT_TO);
  }
  return out;
}

/** A copy of `span` with every string attribute value (span, events, links) cut to 1 KiB. */
export function cutDown(span: SpanData): SpanData {
  return {
    name: truncateString(span.name, CUT_TO),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    ended: span.ended,
    status: span.status,
    attributes: cut(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((event) => ({
      ...event,
      name: truncateString(event.name, CUT_TO),
      attributes: cut(event.attributes),
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((link) => ({ ...link, attributes: cut(link.attributes) })),
    droppedLinksCount: span.droppedLinksCount,
    resource: span.resource,
    scope: span.scope,
  };
}

/** Encodes `spans` with `encoder` into one or more bodies of at most `maxBytes` each. */
export function splitIntoBodies(
  spans: readonly SpanData[],
  maxBytes: number,
  encoder: OtlpJsonEncoder,
): Parts {
  const bodies: Uint8Array<ArrayBuffer>[] = [];
  let dropped = 0;
  const place = (part: readonly SpanData[]): void => {
    if (part.length === 0) return;
    const body = encoder.encode(part);
    if (body.length <= maxBytes) {
      bodies.push(body);
      return;
    }
    if (part.length > 1) {
      const middle = Math.ceil(part.length / 2);
      place(part.slice(0, middle));
      place(part.slice(middle));
      return;
    }
    const [only] = part;
    const smaller = only === undefined ? undefined : encoder.encode([cutDown(only)]);
    if (smaller !== undefined && smaller.length <= maxBytes) bodies.push(smaller);
    else dropped++;
  };
  place(spans);
  return { bodies, dropped };
}

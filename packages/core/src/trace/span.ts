// The recording span: the whole `@opentelemetry/api` Span interface over a `SpanData` view.
// Calls after `end()` and invalid input are ignored as the specification asks, never thrown.
import {
  type Attributes,
  type AttributeValue,
  type Context,
  diag,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
} from '@opentelemetry/api';
import type { PendingBodies } from '../body/pending-body.js';
import { AttributeBag } from './attributes.js';
import { isWellFormedIdPair } from './ids.js';
import { type Clock, toEpochMillis } from './time.js';
import type {
  InstrumentationScope,
  Resource,
  SpanData,
  SpanEventData,
  SpanLimits,
  SpanLinkData,
  SpanProcessor,
} from './types.js';

/** What a span needs from its tracer; shared by every span of that tracer. */
export interface SpanOwner {
  /** The provider's registry of spans waiting only for an unread body (body/pending-body.ts). */
  readonly bodies: PendingBodies;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly limits: SpanLimits;
  readonly processor: SpanProcessor;
  readonly now: Clock;
}

export interface SpanInit {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: number;
  readonly attributes: Attributes | undefined;
  readonly links: readonly Link[] | undefined;
}

const UNSET: SpanStatus = { code: SpanStatusCode.UNSET };

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || Array.isArray(value);
}

// A link's ids are written into exports as they are: lowercase hex of the right length (all
// zeros allowed, as the specification lets a link without a valid context carry attributes).
function hasWellFormedIds(context: SpanContext | undefined): boolean {
  return (
    context !== null && typeof context === 'object' && isWellFormedIdPair(context.traceId, context.spanId)
  );
}

export class RecordingSpan implements Span, SpanData {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: number;
  endTime: number = Number.NaN;
  ended: boolean = false;
  status: SpanStatus = UNSET;
  readonly events: SpanEventData[] = [];
  droppedEventsCount: number = 0;
  readonly links: SpanLinkData[] = [];
  droppedLinksCount: number = 0;
  readonly #context: SpanContext;
  readonly #attributes: AttributeBag;
  readonly #owner: SpanOwner;

  constructor(owner: SpanOwner, init: SpanInit) {
    this.#owner = owner;
    this.#context = init.spanContext;
    this.name = init.name;
    this.kind = init.kind;
    this.parentSpanContext = init.parentSpanContext;
    this.startTime = init.startTime;
    this.#attributes = new AttributeBag(
      owner.limits.attributeCountLimit,
      owner.limits.attributeValueLengthLimit,
    );
    this.#attributes.setAll(init.attributes);
    if (init.links !== undefined) for (const link of init.links) this.addLink(link);
  }

  get attributes(): Attributes {
    return this.#attributes.values;
  }

  get droppedAttributesCount(): number {
    return this.#attributes.dropped;
  }

  get resource(): Resource {
    return this.#owner.resource;
  }

  /** The provider's registry of spans waiting for an unread body, for the body code and the trace buffer. */
  get pendingBodies(): PendingBodies {
    return this.#owner.bodies;
  }

  get scope(): InstrumentationScope {
    return this.#owner.scope;
  }

  /** Start the span for the processors; the tracer calls this once after construction. */
  start(parentContext: Context): this {
    this.#owner.processor.onStart(this, parentContext);
    return this;
  }

  spanContext(): SpanContext {
    return this.#context;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  #writable(what: string): boolean {
    if (this.ended) diag.debug(`edgetrace: ${what} on ended span "${this.name}" ignored`);
    return !this.ended;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.#writable('setAttribute')) this.#attributes.set(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (this.#writable('setAttributes')) this.#attributes.setAll(attributes);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (!this.#writable('addEvent') || typeof name !== 'string') return this;
    const limits = this.#owner.limits;
    if (this.events.length >= limits.eventCountLimit) {
      // Over the limit the oldest event makes room, as the OpenTelemetry JS SDK does.
      this.droppedEventsCount++;
      if (limits.eventCountLimit === 0) return this;
      this.events.shift();
    }
    let attributes: Attributes | undefined;
    let at: TimeInput | undefined = time;
    if (isTimeInput(attributesOrTime)) at = attributesOrTime;
    else attributes = attributesOrTime;
    const bag = new AttributeBag(limits.attributePerEventCountLimit, limits.attributeValueLengthLimit);
    bag.setAll(attributes);
    const eventTime = (at === undefined ? undefined : toEpochMillis(at)) ?? this.#owner.now();
    this.events.push({ name, time: eventTime, attributes: bag.values, droppedAttributesCount: bag.dropped });
    return this;
  }

  addLink(link: Link): this {
    if (!this.#writable('addLink') || link === null || typeof link !== 'object') return this;
    if (!hasWellFormedIds(link.context)) {
      diag.debug('edgetrace: ignoring a link whose context has malformed ids');
      return this;
    }
    const limits = this.#owner.limits;
    if (this.links.length >= limits.linkCountLimit) {
      this.droppedLinksCount++;
      return this;
    }
    const bag = new AttributeBag(limits.attributePerLinkCountLimit, limits.attributeValueLengthLimit);
    bag.setAll(link.attributes);
    this.links.push({ context: link.context, attributes: bag.values, droppedAttributesCount: bag.dropped });
    return this;
  }

  addLinks(links: Link[]): this {
    if (Array.isArray(links)) for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (!this.#writable('setStatus') || status === null || typeof status !== 'object') return this;
    // OK is final; UNSET never overrides; a description belongs to ERROR only.
    if (this.status.code === SpanStatusCode.OK || status.code === SpanStatusCode.UNSET) return this;
    if (status.code === SpanStatusCode.OK) this.status = { code: SpanStatusCode.OK };
    else if (status.code === SpanStatusCode.ERROR) {
      this.status =
        typeof status.message === 'string'
          ? { code: SpanStatusCode.ERROR, message: status.message }
          : { code: SpanStatusCode.ERROR };
    }
    return this;
  }

  updateName(name: string): this {
    if (this.#writable('updateName') && typeof name === 'string') this.name = name;
    return this;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    if (!this.#writable('recordException')) return;
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception !== null && typeof exception === 'object') {
      const { name, message, stack, code } = exception;
      const type = typeof name === 'string' && name !== '' ? name : code;
      if (typeof type === 'string' || typeof type === 'number') attributes['exception.type'] = String(type);
      if (typeof message === 'string') attributes['exception.message'] = message;
      if (typeof stack === 'string') attributes['exception.stacktrace'] = stack;
    }
    if (attributes['exception.type'] === undefined && attributes['exception.message'] === undefined) {
      diag.debug('edgetrace: recordException needs a message or a type; ignored');
      return;
    }
    this.addEvent('exception', attributes, time);
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.debug(`edgetrace: span "${this.name}" ended twice; the second end() is ignored`);
      return;
    }
    let end = (endTime === undefined ? undefined : toEpochMillis(endTime)) ?? this.#owner.now();
    if (end < this.startTime) {
      diag.debug(`edgetrace: span "${this.name}" ends before it starts; end moved to its start`);
      end = this.startTime;
    }
    this.endTime = end;
    this.ended = true;
    this.#owner.processor.onEnd(this);
  }
}

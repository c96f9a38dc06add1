// createTracerProvider: normalises options and `OTEL_*` once, then hands out tracers.
import {
  type Attributes,
  type ContextManager,
  context,
  propagation,
  type TextMapPropagator,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { PendingBodies } from '../body/pending-body.js';
import { type EnvReader, type EnvSource, readEnv } from '../config/env.js';
import { ConfigError, checkOptionNames, type OptionTable, optionNames } from '../config/errors.js';
import { configureReporting, report } from '../config/report.js';
import { type AsyncLocalStorageClass, createContextManager } from '../context/context-manager.js';
import { createMultiProcessor } from '../export/multi-processor.js';
import { createTraceBufferProcessor, type TraceBufferOptions } from '../export/trace-buffer-processor.js';
import { createBaggagePropagator } from '../propagation/baggage.js';
import { createCompositePropagator } from '../propagation/composite-propagator.js';
import { createTraceContextPropagator } from '../propagation/trace-context.js';
import { alwaysOffSampler, createSampler, SAMPLER_NAMES, type SamplerName } from '../sampling/samplers.js';
import type { TailPolicy } from '../sampling/tail-policy.js';
import { createIdGenerator, type IdGenerator } from './ids.js';
import { resolveSpanLimits } from './limits.js';
import { createResource } from './resource.js';
import { type Clock, createClock } from './time.js';
import { EdgeTracer } from './tracer.js';
import type {
  InstrumentationScope,
  Resource,
  Sampler,
  SpanExporter,
  SpanLimits,
  SpanProcessor,
} from './types.js';

export interface TracerProviderOptions {
  /** `service.name`. @default `OTEL_SERVICE_NAME`, else `unknown_service:<executable>` (`unknown_service:node`; `unknown_service` in a Worker) */
  serviceName?: string;
  /** `service.version`. @default none */
  serviceVersion?: string;
  /** More resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES`. @default {} */
  resource?: Attributes;
  /**
   * Where `OTEL_*` variables are read first — a Worker's `env` bindings, say — before
   * `process.env`. Explicit options always win. @default process.env only
   */
  env?: EnvSource;
  /**
   * Where finished spans go, through a per-trace buffer: each local trace is exported once all
   * its spans have ended — the edge pattern, flushed in `waitUntil`. For a long-running server
   * pass `processors: [createBatchProcessor({ exporter })]` instead. @default none
   */
  exporter?: SpanExporter;
  /** Tail sampling in the per-trace buffer: keep whole traces by outcome. @default none (head sampling only) */
  tail?: TailPolicy;
  /**
   * Bounds of the per-trace buffer, and coalesced export: how long a finished trace may wait to
   * leave in one export with the traces of other requests (Workers).
   * @default { maxTraces: 512, maxSpansPerTrace: 512, maxTraceAgeMs: 300000, coalesceMs: 0 }
   */
  traceBuffer?: Pick<TraceBufferOptions, 'maxTraces' | 'maxSpansPerTrace' | 'maxTraceAgeMs' | 'coalesceMs'>;
  /** More processors, such as `createBatchProcessor` or `createSimpleProcessor`. @default [] */
  processors?: SpanProcessor[];
  /** A sampler, or an `OTEL_TRACES_SAMPLER` name. @default `OTEL_TRACES_SAMPLER`, else 'parentbased_always_on' */
  sampler?: Sampler | SamplerName;
  /** The ratio for the `traceidratio` samplers. @default `OTEL_TRACES_SAMPLER_ARG`, else 1 */
  samplerArg?: number;
  /** @default `OTEL_*_LIMIT`, else 128 each and no value length limit */
  spanLimits?: Partial<SpanLimits>;
  /** @default `OTEL_PROPAGATORS`, else W3C Trace Context + W3C Baggage */
  propagator?: TextMapPropagator;
  /**
   * The `AsyncLocalStorage` class for the context manager, or `false` for none (context is then
   * passed explicitly across `await`). @default found at runtime without a static `node:` import
   */
  asyncLocalStorage?: AsyncLocalStorageClass | false;
  /** @default pooled `crypto.getRandomValues` */
  idGenerator?: IdGenerator;
  /** Unix epoch milliseconds. @default `performance.timeOrigin + performance.now()` */
  now?: Clock;
}

/** What `createTracerProvider` returns: an OpenTelemetry `TracerProvider` and its controls. */
export interface EdgeTracerProvider extends TracerProvider {
  getTracer(name: string, version?: string, options?: TracerOptions): Tracer;
  /**
   * Installs this provider, its propagator and its context manager as the `@opentelemetry/api`
   * globals. Returns `false` when another provider was registered first (the API keeps that one).
   */
  register(): boolean;
  /**
   * Exports what is ready and waits for exports in flight. Never rejects. With `traceId`, waits
   * only for that trace's export — what one Worker request waits for in `waitUntil`.
   */
  forceFlush(traceId?: string): Promise<void>;
  /** Flushes and stops. Never rejects. */
  shutdown(): Promise<void>;
  readonly resource: Resource;
  readonly propagator: TextMapPropagator;
  readonly contextManager: ContextManager;
  /** Whether the context manager follows `await` (an `AsyncLocalStorage` was found). */
  readonly asyncContext: boolean;
  readonly sampler: Sampler;
  /** The clock spans are timed with, in epoch milliseconds. */
  readonly now: Clock;
}

/** The names `createTracerProvider` accepts, for wrappers that pass some of them on. */
const PROVIDER_OPTIONS: OptionTable<TracerProviderOptions> = {
  serviceName: true,
  serviceVersion: true,
  resource: true,
  env: true,
  exporter: true,
  tail: true,
  traceBuffer: true,
  processors: true,
  sampler: true,
  samplerArg: true,
  spanLimits: true,
  propagator: true,
  asyncLocalStorage: true,
  idGenerator: true,
  now: true,
};
export const TRACER_PROVIDER_OPTION_NAMES: ReadonlySet<keyof TracerProviderOptions> =
  optionNames(PROVIDER_OPTIONS);

/**
 * Each option's problem, or `undefined` when its value is fine. Run only for the options given,
 * so that a fresh isolate compiles only their checks.
 */
const OPTION_PROBLEMS: {
  readonly [K in keyof TracerProviderOptions]?: (options: TracerProviderOptions) => string | undefined;
} = {
  exporter: ({ exporter }) =>
    typeof exporter?.export === 'function'
      ? undefined
      : 'exporter must have an export(spans) method (createOtlpExporter() or createMemoryExporter())',
  processors: ({ processors }) =>
    Array.isArray(processors) && processors.every((p) => typeof p?.onEnd === 'function')
      ? undefined
      : 'processors must be an array of span processors (objects with onStart, onEnd, forceFlush, shutdown)',
  propagator: ({ propagator }) =>
    typeof propagator?.inject === 'function' ? undefined : 'propagator must be a TextMapPropagator',
  asyncLocalStorage: ({ asyncLocalStorage }) =>
    asyncLocalStorage === false || typeof asyncLocalStorage === 'function'
      ? undefined
      : 'asyncLocalStorage must be the AsyncLocalStorage class (from node:async_hooks) or false',
  now: ({ now }) =>
    typeof now === 'function' ? undefined : 'now must be a function returning epoch milliseconds',
  serviceName: ({ serviceName }) =>
    typeof serviceName === 'string' && serviceName !== ''
      ? undefined
      : 'serviceName must be a non-empty string',
  tail: ({ tail, exporter }) => {
    if (exporter === undefined) {
      return 'tail sampling needs an exporter: it decides in the per-trace buffer in front of it';
    }
    for (const key of ['slowerThanMs', 'slowFirstChunkMs'] as const) {
      const value = tail?.[key];
      if (value !== undefined && !(typeof value === 'number' && value >= 0)) {
        return `tail.${key} must be a number ≥ 0`;
      }
    }
    return undefined;
  },
  traceBuffer: ({ traceBuffer }) => {
    const coalesceMs = traceBuffer?.coalesceMs;
    return coalesceMs === undefined ||
      (typeof coalesceMs === 'number' && coalesceMs >= 0 && coalesceMs <= 10_000)
      ? undefined
      : // Workers cancel waitUntil tasks 30 s after the response; the wait must stay far below that.
        `traceBuffer.coalesceMs must be a number of milliseconds from 0 to 10000, got ${String(coalesceMs)}`;
  },
  sampler: ({ sampler }) =>
    (
      typeof sampler === 'string'
        ? (SAMPLER_NAMES as readonly string[]).includes(sampler)
        : typeof sampler?.shouldSample === 'function'
    )
      ? undefined
      : `unknown sampler "${String(sampler)}": use one of ${SAMPLER_NAMES.join(', ')}, or pass a Sampler object`,
  samplerArg: ({ samplerArg }) =>
    samplerArg !== undefined && samplerArg >= 0 && samplerArg <= 1
      ? undefined
      : `samplerArg must be a ratio from 0 to 1, got ${String(samplerArg)}`,
};

/**
 * Checks provider options without creating anything: throws the `ConfigError` that
 * `createTracerProvider` would. For wrappers that create their provider later (on a Worker's
 * first request, when its `env` is known) but must fail at setup.
 */
export function checkTracerProviderOptions(options: TracerProviderOptions): void {
  checkOptionNames(options, TRACER_PROVIDER_OPTION_NAMES, 'createTracerProvider');
  for (const key of Object.keys(options) as (keyof TracerProviderOptions)[]) {
    if (options[key] === undefined) continue;
    const problem = OPTION_PROBLEMS[key]?.(options);
    if (problem !== undefined) throw new ConfigError(problem);
  }
}

function resolveSampler(options: TracerProviderOptions, env: EnvReader, disabled: boolean): Sampler {
  if (disabled) return alwaysOffSampler();
  const { sampler } = options;
  if (sampler !== undefined && typeof sampler !== 'string') return sampler;
  const name = sampler ?? env.oneOf('OTEL_TRACES_SAMPLER', SAMPLER_NAMES) ?? 'parentbased_always_on';
  const arg = options.samplerArg ?? env.number('OTEL_TRACES_SAMPLER_ARG', { min: 0, max: 1 });
  return createSampler(name, arg);
}

function resolvePropagator(options: TracerProviderOptions, env: EnvReader): TextMapPropagator {
  if (options.propagator !== undefined) return options.propagator;
  const names = env.list('OTEL_PROPAGATORS') ?? ['tracecontext', 'baggage'];
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    if (name === 'tracecontext') propagators.push(createTraceContextPropagator());
    else if (name === 'baggage') propagators.push(createBaggagePropagator());
    else if (name !== 'none') {
      report(
        'warn',
        `edgetrace: OTEL_PROPAGATORS names "${name}", which edgetrace does not provide; skipped`,
      );
    }
  }
  return createCompositePropagator(propagators);
}

/** A tracer's instrumentation scope: its name (`unknown` when empty), version and schema URL. */
function scopeOf(
  name: string,
  version: string | undefined,
  options: TracerOptions | undefined,
): InstrumentationScope {
  return {
    name: typeof name === 'string' && name !== '' ? name : 'unknown',
    ...(version === undefined ? {} : { version }),
    ...(options?.schemaUrl === undefined ? {} : { schemaUrl: options.schemaUrl }),
  };
}

/**
 * The context manager, and a word once when AsyncLocalStorage was not asked away (`false` is a
 * choice) but is missing: a span started after an `await` in a handler would then find no parent
 * and start a trace of its own.
 */
function contextManagerFor(
  Storage: TracerProviderOptions['asyncLocalStorage'],
): ReturnType<typeof createContextManager> {
  const made = createContextManager(Storage);
  if (!made.async && Storage === undefined) {
    report(
      'warn',
      'AsyncLocalStorage is not available, so the active span does not follow `await`: spans started ' +
        'after the first await in a handler start new traces. In a Worker add compatibility_flags = ' +
        '["nodejs_compat"] (or "nodejs_als") to the wrangler configuration; or pass the context explicitly ' +
        "(tracing()'s c.get('traceContext'), instrumentFetch's context option); or pass asyncLocalStorage: false " +
        'to say this is intended',
    );
  }
  return made;
}

/**
 * Creates a tracer provider. Options are checked here, once: an invalid one throws a
 * `ConfigError` saying what to fix; an invalid `OTEL_*` variable only warns and takes the default.
 */
export function createTracerProvider(options: TracerProviderOptions = {}): EdgeTracerProvider {
  checkTracerProviderOptions(options);
  configureReporting(options.env);
  const env = readEnv(options.env);
  const now = options.now ?? createClock();
  const resource = createResource(
    {
      serviceName: options.serviceName,
      serviceVersion: options.serviceVersion,
      attributes: options.resource,
    },
    env,
  );
  // OTEL_SDK_DISABLED=true: every span is non-recording, whatever else is configured.
  const disabled = env.boolean('OTEL_SDK_DISABLED') === true;
  const sampler = resolveSampler(options, env, disabled);
  const limits = resolveSpanLimits(options.spanLimits, env);
  const propagator = resolvePropagator(options, env);
  const { manager: contextManager, async: asyncContext } = contextManagerFor(options.asyncLocalStorage);
  const { exporter, tail, traceBuffer } = options;
  const processors = [
    ...(exporter === undefined ? [] : [createTraceBufferProcessor({ ...traceBuffer, exporter, now, tail })]),
    ...(options.processors ?? []),
  ];
  const processor = createMultiProcessor(processors);
  const ids = options.idGenerator ?? createIdGenerator();
  const recordUnsampled = tail !== undefined && !disabled;
  // The provider owns the registry of spans waiting for unread bodies; its spans carry it.
  const bodies = new PendingBodies();
  const tracers = new Map<string, Tracer>();
  const config = { bodies, resource, limits, processor, now, sampler, ids, recordUnsampled };

  const provider: EdgeTracerProvider = {
    resource,
    propagator,
    contextManager,
    asyncContext,
    sampler,
    now,
    getTracer(name: string, version?: string, tracerOptions?: TracerOptions): Tracer {
      const key = `${name}@${version ?? ''}:${tracerOptions?.schemaUrl ?? ''}`;
      let tracer = tracers.get(key);
      if (tracer === undefined) {
        tracer = new EdgeTracer({ ...config, scope: scopeOf(name, version, tracerOptions) });
        tracers.set(key, tracer);
      }
      return tracer;
    },
    register(): boolean {
      const tracing = trace.setGlobalTracerProvider(provider);
      const propagating = propagation.setGlobalPropagator(propagator);
      const contexts = context.setGlobalContextManager(contextManager);
      return tracing && propagating && contexts;
    },
    forceFlush: (traceId?: string) => processor.forceFlush(traceId).catch(() => undefined),
    shutdown: () => processor.shutdown().catch(() => undefined),
  };
  return provider;
}

// The tracer provider behind the server entry points, made on the first request or event, once
// per isolate: that is when a Worker's `env` (its `OTEL_*` vars and secrets) is first known.
import {
  type AsyncLocalStorageClass,
  createBatchProcessor,
  createTracerProvider,
  type EdgeTracerProvider,
  type EnvSource,
  loadAsyncLocalStorage,
  type SpanExporter,
} from '@edgetrace/core';
import { configureReporting, findAsyncLocalStorage, isWorkerd, report } from '@edgetrace/core/internal';
import { exporterFromEnv } from '@edgetrace/otlp';
import { trace } from '@opentelemetry/api';
import { isPlainObject } from '../objects.js';
import type { ProviderSetup } from './options.js';

function envOf(bindings: unknown): EnvSource | undefined {
  return bindings !== null && typeof bindings === 'object' ? (bindings as EnvSource) : undefined;
}

/**
 * The `AsyncLocalStorage` class to give a provider `tracing()` makes, when none is configured and
 * the runtime hides it behind a dynamic import (workerd's `nodejs_als`), or in workerd, where the
 * import is cheaper than the `process` the provider would otherwise look in; `undefined` otherwise.
 */
export async function asyncLocalStorageFor(
  options: ProviderSetup,
): Promise<AsyncLocalStorageClass | undefined> {
  if (options.provider !== undefined || options.providerOptions.asyncLocalStorage !== undefined)
    return undefined;
  if (!isWorkerd() && findAsyncLocalStorage() !== undefined) return undefined;
  return loadAsyncLocalStorage();
}

/**
 * Where the isolate's provider is kept once made and registered, so that the entry points of one
 * Worker — hono's `tracing()` for `fetch`, `instrumentWorker` for `queue` and `scheduled` — share
 * one provider (and one registration) when they are given the same options. On `globalThis` under
 * a `Symbol.for` key, so two installed copies of this package share it too.
 */
const ISOLATE_PROVIDER = Symbol.for('edgetrace.handler.isolate-provider');

interface IsolateProvider {
  readonly setup: ProviderSetup;
  readonly provider: EdgeTracerProvider;
}

/**
 * Whether two option values are equal: the same value, or plain objects and arrays (`resource`,
 * `tail`, `spanLimits` written inline at each entry point) equal key by key. Anything else — a
 * sampler, a clock, a propagator — must be the same object.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isPlain(a) || !isPlain(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const first = a as Record<string, unknown>;
  const second = b as Record<string, unknown>;
  const names = Object.keys(first);
  return (
    names.length === Object.keys(second).length &&
    names.every((name) => Object.hasOwn(second, name) && sameValue(first[name], second[name]))
  );
}

const isPlain = (value: unknown): boolean => Array.isArray(value) || isPlainObject(value);

/** Whether two entry points asked for the same provider: the same exporter and `env`, and options equal value by value. */
function sameSetup(a: ProviderSetup, b: ProviderSetup): boolean {
  return a.exporter === b.exporter && a.env === b.env && sameValue(a.providerOptions, b.providerOptions);
}

/** The provider another entry point made from the same options, while it is still the registered one. */
function isolateProvider(setup: ProviderSetup): EdgeTracerProvider | undefined {
  const kept = (globalThis as Record<symbol, IsolateProvider | undefined>)[ISOLATE_PROVIDER];
  if (kept === undefined || !sameSetup(kept.setup, setup)) return undefined;
  const registered = trace.getTracerProvider() as { getDelegate?: () => unknown };
  return registered.getDelegate?.() === kept.provider ? kept.provider : undefined;
}

/**
 * How long, on Workers, finished traces wait to leave together (ms): the first request to finish
 * one waits this long in its `waitUntil`, then exports them all (in a quiet isolate, with no
 * other trace open and no flush this long before, a trace leaves at once). Chosen by measurement
 * (bench/README.md, "Coalesced export"); `traceBuffer: { coalesceMs: 0 }` exports per request.
 */
export const DEFAULT_COALESCE_MS = 50;

/**
 * The exporter: the one given, the one a function of `env` returns, else what `OTEL_TRACES_EXPORTER`
 * names (`none`: none at all). It is made at the first request, from the Worker's `env`: a
 * function that throws or returns no exporter must not fail that request and every one after it,
 * so it is reported once and nothing is exported; requests are still traced and propagate.
 */
function exporterOf(
  options: ProviderSetup,
  entry: string,
  env: EnvSource | undefined,
): SpanExporter | undefined {
  let exporter: unknown;
  try {
    exporter =
      typeof options.exporter === 'function'
        ? options.exporter(env ?? {})
        : (options.exporter ?? exporterFromEnv(env));
  } catch (error) {
    return exporterFailed(entry, error);
  }
  if (exporter === undefined || typeof (exporter as Partial<SpanExporter> | null)?.export === 'function') {
    return exporter as SpanExporter | undefined;
  }
  return notAnExporter(entry, exporter);
}

/** Reports that making the exporter threw; none is used. (Out of line: seldom run.) */
function exporterFailed(entry: string, error: unknown): undefined {
  report(
    'error',
    `${entry}: making the exporter from the Worker's env failed, so no span is exported (requests are still served and traced); the error says what to fix`,
    error,
  );
  return undefined;
}

/** Reports that the exporter function made something else than an exporter; none is used. */
function notAnExporter(entry: string, made: unknown): undefined {
  report(
    'error',
    `${entry}: the exporter function returned ${made === null ? 'null' : typeof made}, not an exporter, so no span is exported; return createOtlpExporter(...) or undefined`,
  );
  return undefined;
}

/**
 * A new provider from the options and the Worker's `env`. With `waitUntil` (Workers) each
 * request's trace is buffered and exported once it ends; elsewhere (Node, Deno, Bun) a batch
 * processor exports by size and interval — unless tail sampling asks for whole traces.
 */
function makeProvider(
  options: ProviderSetup,
  entry: string,
  bindings: unknown,
  edge: boolean,
  asyncLocalStorage: AsyncLocalStorageClass | undefined,
): EdgeTracerProvider {
  const env = envOf(bindings);
  // OTEL_LOG_LEVEL from this env before the exporter is made, so that what making it reports
  // (no endpoint, say) heeds the Worker's own level, and reading the level does not make
  // workerd's `process` (about 3 ms of CPU in a fresh isolate).
  configureReporting(env);
  const exporter = exporterOf(options, entry, env);
  // With nothing to export (`OTEL_TRACES_EXPORTER=none`) there is no trace to keep or drop:
  // tail sampling is left out, or createTracerProvider would refuse it on every request.
  const { tail, ...rest } = options.providerOptions;
  const providerOptions = exporter === undefined ? rest : options.providerOptions;
  const perTrace = edge || tail !== undefined;
  // On Workers every trace is flushed in its request's waitUntil: finished traces may leave together.
  const traceBuffer =
    edge && providerOptions.traceBuffer?.coalesceMs === undefined
      ? { ...providerOptions.traceBuffer, coalesceMs: DEFAULT_COALESCE_MS }
      : providerOptions.traceBuffer;
  return createTracerProvider({
    ...providerOptions,
    ...(traceBuffer === undefined ? {} : { traceBuffer }),
    ...(asyncLocalStorage === undefined ? {} : { asyncLocalStorage }),
    ...(env === undefined ? {} : { env }),
    ...(exporter === undefined
      ? {}
      : perTrace
        ? { exporter }
        : { processors: [createBatchProcessor({ exporter, ...(env ? { env } : {}) })] }),
  });
}

/**
 * The provider for this isolate: the one given, the one another entry point of this Worker made
 * from the same options, or a new one — registered as the OpenTelemetry globals unless told not to.
 */
export function createProvider(
  options: ProviderSetup,
  entry: string,
  bindings: unknown,
  edge: boolean,
  asyncLocalStorage?: AsyncLocalStorageClass,
): EdgeTracerProvider {
  const made = options.provider === undefined;
  if (made && options.register) {
    const shared = isolateProvider(options);
    if (shared !== undefined) return shared;
  }
  const provider = options.provider ?? makeProvider(options, entry, bindings, edge, asyncLocalStorage);
  if (!options.register) return provider;
  if (!provider.register()) {
    report(
      'warn',
      'edgetrace: another OpenTelemetry tracer provider, propagator or context manager was registered first; ' +
        `${entry} still traces requests, but trace.getTracer() and context.active() in handlers use the other one`,
    );
  } else if (made) {
    (globalThis as Record<symbol, IsolateProvider>)[ISOLATE_PROVIDER] = { setup: options, provider };
  }
  return provider;
}

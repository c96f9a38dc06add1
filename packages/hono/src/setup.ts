// The tracer provider behind `tracing()`, made on the first request, once per isolate: that is
// when a Worker's `env` (its `OTEL_*` vars and secrets) is first known.
import {
  type AsyncLocalStorageClass,
  createBatchProcessor,
  createTracerProvider,
  type EdgeTracerProvider,
  type EnvSource,
  loadAsyncLocalStorage,
  type SpanExporter,
  type TracerProviderOptions,
} from '@edgetrace/core';
import {
  checkTracerProviderOptions,
  findAsyncLocalStorage,
  report,
  TRACER_PROVIDER_OPTION_NAMES,
} from '@edgetrace/core/internal';
import { exporterFromEnv } from '@edgetrace/otlp';

/** Options `tracing()` sets itself rather than passing on: from `c.env` and its own `exporter`. */
type OwnProviderOptions = 'env' | 'exporter' | 'processors';

/** The provider options `tracing()` passes on to `createTracerProvider`. */
export type ProviderOptions = Omit<TracerProviderOptions, OwnProviderOptions>;

const OWN_PROVIDER_OPTIONS: ReadonlySet<string> = new Set<OwnProviderOptions>([
  'env',
  'exporter',
  'processors',
]);

export const PROVIDER_OPTION_NAMES: readonly (keyof ProviderOptions)[] = [
  ...TRACER_PROVIDER_OPTION_NAMES,
].filter((name): name is keyof ProviderOptions => !OWN_PROVIDER_OPTIONS.has(name));

/** Where spans go: an exporter, or a function making one from the Worker's `env`. */
export type ExporterOption = SpanExporter | ((env: EnvSource) => SpanExporter);

export interface SetupOptions {
  readonly provider: EdgeTracerProvider | undefined;
  readonly providerOptions: ProviderOptions;
  readonly exporter: ExporterOption | undefined;
  readonly register: boolean;
}

/** Checks at setup what `createProvider` would reject later. */
export function checkSetup(options: SetupOptions): void {
  // A stand-in exporter: the real one may need the Worker's env, which is not known yet.
  const exporter = { export: async () => ({ ok: true as const }) };
  checkTracerProviderOptions({ ...options.providerOptions, exporter });
}

function envOf(bindings: unknown): EnvSource | undefined {
  return bindings !== null && typeof bindings === 'object' ? (bindings as EnvSource) : undefined;
}

/**
 * The provider for this isolate. With `waitUntil` (Workers) each request's trace is buffered
 * and exported once it ends; elsewhere (Node, Deno, Bun) a batch processor exports by size and
 * interval — unless tail sampling asks for whole traces.
 */
/**
 * The `AsyncLocalStorage` class to give a provider `tracing()` makes, when none is configured and
 * the runtime hides it behind a dynamic import (workerd's `nodejs_als`); `undefined` otherwise.
 */
export async function asyncLocalStorageFor(
  options: SetupOptions,
): Promise<AsyncLocalStorageClass | undefined> {
  if (options.provider !== undefined || options.providerOptions.asyncLocalStorage !== undefined)
    return undefined;
  if (findAsyncLocalStorage() !== undefined) return undefined;
  return loadAsyncLocalStorage();
}

export function createProvider(
  options: SetupOptions,
  bindings: unknown,
  edge: boolean,
  asyncLocalStorage?: AsyncLocalStorageClass,
): EdgeTracerProvider {
  let provider = options.provider;
  if (provider === undefined) {
    const env = envOf(bindings);
    // OTEL_TRACES_EXPORTER decides when no exporter is given in code (`none`: none at all).
    const exporter =
      typeof options.exporter === 'function'
        ? options.exporter(env ?? {})
        : (options.exporter ?? exporterFromEnv(env));
    const { providerOptions } = options;
    const perTrace = edge || providerOptions.tail !== undefined;
    provider = createTracerProvider({
      ...providerOptions,
      ...(asyncLocalStorage === undefined ? {} : { asyncLocalStorage }),
      ...(env === undefined ? {} : { env }),
      ...(exporter === undefined
        ? {}
        : perTrace
          ? { exporter }
          : { processors: [createBatchProcessor({ exporter, ...(env ? { env } : {}) })] }),
    });
  }
  if (options.register && !provider.register()) {
    report(
      'warn',
      'edgetrace: another OpenTelemetry tracer provider, propagator or context manager was registered first; ' +
        'tracing() still traces requests, but trace.getTracer() and context.active() in handlers use the other one',
    );
  }
  return provider;
}

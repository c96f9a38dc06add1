// The tracer provider behind the server entry points, made on the first request or event, once
// per isolate: that is when a Worker's `env` (its `OTEL_*` vars and secrets) is first known.
import {
  type AsyncLocalStorageClass,
  createBatchProcessor,
  createTracerProvider,
  type EdgeTracerProvider,
  type EnvSource,
  loadAsyncLocalStorage,
} from '@edgetrace/core';
import { findAsyncLocalStorage, report } from '@edgetrace/core/internal';
import { exporterFromEnv } from '@edgetrace/otlp';
import type { ProviderSetup } from './options.js';

function envOf(bindings: unknown): EnvSource | undefined {
  return bindings !== null && typeof bindings === 'object' ? (bindings as EnvSource) : undefined;
}

/**
 * The `AsyncLocalStorage` class to give a provider `tracing()` makes, when none is configured and
 * the runtime hides it behind a dynamic import (workerd's `nodejs_als`); `undefined` otherwise.
 */
export async function asyncLocalStorageFor(
  options: ProviderSetup,
): Promise<AsyncLocalStorageClass | undefined> {
  if (options.provider !== undefined || options.providerOptions.asyncLocalStorage !== undefined)
    return undefined;
  if (findAsyncLocalStorage() !== undefined) return undefined;
  return loadAsyncLocalStorage();
}

/**
 * The provider for this isolate. With `waitUntil` (Workers) each request's trace is buffered
 * and exported once it ends; elsewhere (Node, Deno, Bun) a batch processor exports by size and
 * interval — unless tail sampling asks for whole traces.
 */
export function createProvider(
  options: ProviderSetup,
  entry: string,
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
        `${entry} still traces requests, but trace.getTracer() and context.active() in handlers use the other one`,
    );
  }
  return provider;
}

// createProvider and asyncLocalStorageFor: the isolate's provider made from the options and a Worker's env, how it exports, and its sharing between entry points.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  createMemoryExporter,
  createTracerProvider,
  type EdgeTracerProvider,
  type EnvSource,
} from '@edgetrace/core';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetGlobals } from '../test-support/reset-globals.js';
import type { ProviderSetup } from './options.js';
import { asyncLocalStorageFor, createProvider } from './provider.js';

const ENTRY = 'instrumentWorker()';

afterEach(resetGlobals);

function setupOf(overrides: Partial<ProviderSetup> = {}): ProviderSetup {
  return {
    provider: undefined,
    providerOptions: {},
    exporter: undefined,
    env: undefined,
    register: false,
    ...overrides,
  };
}

/** Ends a child span and leaves its root open; returns the root's trace id and a way to end it. */
function childThenRoot(provider: EdgeTracerProvider): { traceId: string; endRoot: () => void } {
  const tracer = provider.getTracer('test');
  const root = tracer.startSpan('root');
  tracer.startSpan('child', {}, trace.setSpan(context.active(), root)).end();
  return { traceId: root.spanContext().traceId, endRoot: () => root.end() };
}

/** The OpenTelemetry global provider's delegate: the provider `register()` installed. */
function registered(): unknown {
  return (trace.getTracerProvider() as { getDelegate?: () => unknown }).getDelegate?.();
}

describe('createProvider', () => {
  it('reads OTEL_* from the Worker’s env bindings', () => {
    const provider = createProvider(
      setupOf({ exporter: createMemoryExporter() }),
      ENTRY,
      { OTEL_SERVICE_NAME: 'from-env', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging' },
      true,
    );
    expect(provider.resource.attributes['service.name']).toBe('from-env');
    expect(provider.resource.attributes['deployment.environment.name']).toBe('staging');
  });

  it('lets an option in code win over the env', () => {
    const provider = createProvider(
      setupOf({ providerOptions: { serviceName: 'from-code' } }),
      ENTRY,
      { OTEL_SERVICE_NAME: 'from-env', OTEL_TRACES_EXPORTER: 'none' },
      true,
    );
    expect(provider.resource.attributes['service.name']).toBe('from-code');
  });

  it('exports to the console when OTEL_TRACES_EXPORTER=console, and nowhere when none', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const quiet = createProvider(setupOf(), ENTRY, { OTEL_TRACES_EXPORTER: 'none' }, true);
    const silent = quiet.getTracer('test').startSpan('not-exported');
    silent.end();
    await quiet.forceFlush(silent.spanContext().traceId);
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();

    const printing = createProvider(setupOf(), ENTRY, { OTEL_TRACES_EXPORTER: 'console' }, true);
    const span = printing.getTracer('test').startSpan('printed-span');
    span.end();
    await printing.forceFlush(span.spanContext().traceId);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain('printed-span');
  });

  it('calls an exporter function with the env bindings, or an empty env without them', () => {
    const seen: EnvSource[] = [];
    const exporter = (env: EnvSource) => {
      seen.push(env);
      return createMemoryExporter();
    };
    const bindings = { OTEL_SERVICE_NAME: 'x' };
    createProvider(setupOf({ exporter }), ENTRY, bindings, true);
    createProvider(setupOf({ exporter }), ENTRY, undefined, false);
    createProvider(setupOf({ exporter }), ENTRY, 'not an object', false);
    expect(seen).toEqual([bindings, {}, {}]);
    expect(seen[0]).toBe(bindings);
  });

  it('reports an exporter function that throws or returns no exporter, once, and exports nothing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = () => {
      throw new Error('OTLP_TOKEN is not set');
    };
    for (let i = 0; i < 2; i++) {
      const provider = createProvider(setupOf({ exporter: failing }), ENTRY, {}, true);
      const span = provider.getTracer('test').startSpan('traced anyway');
      expect(span.isRecording()).toBe(true);
      span.end();
      await provider.forceFlush(span.spanContext().traceId);
    }
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBe(
      "edgetrace: instrumentWorker(): making the exporter from the Worker's env failed, so no span is exported (requests are still served and traced); the error says what to fix",
    );
    expect(String(error.mock.calls[0]?.[1])).toContain('OTLP_TOKEN is not set');

    const notAnExporter = () =>
      ({ url: 'http://collector:4318' }) as unknown as ReturnType<typeof createMemoryExporter>;
    createProvider(setupOf({ exporter: notAnExporter }), ENTRY, {}, true);
    expect(error).toHaveBeenCalledTimes(2);
    expect(error.mock.calls[1]?.[0]).toBe(
      'edgetrace: instrumentWorker(): the exporter function returned object, not an exporter, so no span is exported; return createOtlpExporter(...) or undefined',
    );
    // undefined is a choice (no exporter in this environment), not a mistake.
    createProvider(setupOf({ exporter: () => undefined }), ENTRY, {}, true);
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('with waitUntil, buffers each trace until its root ends and exports it on forceFlush(traceId)', async () => {
    const exporter = createMemoryExporter();
    const provider = createProvider(setupOf({ exporter }), ENTRY, {}, true);
    const { traceId, endRoot } = childThenRoot(provider);
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    endRoot();
    await provider.forceFlush(traceId);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child', 'root']);
  });

  it('without waitUntil, exports through a batch: ended spans leave on forceFlush(), root or not', async () => {
    const exporter = createMemoryExporter();
    const provider = createProvider(setupOf({ exporter }), ENTRY, {}, false);
    const { endRoot } = childThenRoot(provider);
    expect(exporter.getFinishedSpans()).toEqual([]);
    await provider.forceFlush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child']);
    endRoot();
    await provider.shutdown();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child', 'root']);
  });

  it('without waitUntil but with tail sampling, still buffers whole traces', async () => {
    const exporter = createMemoryExporter();
    const setup = setupOf({ exporter, providerOptions: { tail: { slowerThanMs: 0 } } });
    const provider = createProvider(setup, ENTRY, {}, false);
    const { traceId, endRoot } = childThenRoot(provider);
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    endRoot();
    await provider.forceFlush(traceId);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child', 'root']);
  });

  it('makes a provider with tail sampling when OTEL_TRACES_EXPORTER=none leaves nothing to export', () => {
    const setup = setupOf({ providerOptions: { tail: { slowerThanMs: 100 } } });
    const provider = createProvider(setup, ENTRY, { OTEL_TRACES_EXPORTER: 'none' }, true);
    const span = provider.getTracer('test').startSpan('made');
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('registers the provider as the OpenTelemetry globals, unless register is false', () => {
    const unregistered = createProvider(setupOf({ exporter: createMemoryExporter() }), ENTRY, {}, true);
    expect(registered()).not.toBe(unregistered);
    const provider = createProvider(
      setupOf({ exporter: createMemoryExporter(), register: true }),
      ENTRY,
      {},
      true,
    );
    expect(registered()).toBe(provider);
    expect(provider).not.toBe(unregistered);
  });

  it('uses a given provider as is and registers it', () => {
    const given = createTracerProvider({ exporter: createMemoryExporter() });
    expect(createProvider(setupOf({ provider: given, register: true }), ENTRY, {}, true)).toBe(given);
    expect(registered()).toBe(given);
  });

  it('shares one provider between entry points given the same exporter object and equal options', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const exporter = createMemoryExporter();
    const options = (): ProviderSetup =>
      setupOf({ exporter, register: true, providerOptions: { serviceName: 'api', samplerArg: 0.5 } });
    const first = createProvider(options(), 'tracing()', {}, true);
    const second = createProvider(options(), ENTRY, {}, true);
    expect(second).toBe(first);
    // With no exporter at all (OTEL_* decides), too.
    trace.disable();
    propagation.disable();
    context.disable();
    const env = { OTEL_TRACES_EXPORTER: 'none' };
    const bare = createProvider(setupOf({ register: true }), 'tracing()', env, true);
    expect(createProvider(setupOf({ register: true }), ENTRY, env, true)).toBe(bare);
    expect(warn).not.toHaveBeenCalled();
  });

  it('shares one provider when object options are written out equal at each entry point', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const exporter = createMemoryExporter();
    const sampler = createTracerProvider().sampler;
    const options = (region: string): ProviderSetup =>
      setupOf({
        exporter,
        register: true,
        providerOptions: {
          resource: { 'cloud.region': region, tags: ['a', 'b'] },
          tail: { slowerThanMs: 500 },
          sampler,
        },
      });
    const first = createProvider(options('eu'), 'tracing()', {}, true);
    expect(createProvider(options('eu'), ENTRY, {}, true)).toBe(first);
    expect(warn).not.toHaveBeenCalled();
    expect(createProvider(options('us'), ENTRY, {}, true)).not.toBe(first);
    // A sampler, clock or propagator is compared as the object it is.
    const otherSampler = setupOf({
      ...options('eu'),
      providerOptions: { ...options('eu').providerOptions, sampler: createTracerProvider().sampler },
    });
    expect(createProvider(otherSampler, ENTRY, {}, true)).not.toBe(first);
  });

  it('makes a second provider for different options, and reports its failed registration once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const first = createProvider(
      setupOf({ exporter: createMemoryExporter(), register: true }),
      'tracing()',
      {},
      true,
    );
    const other = setupOf({ exporter: createMemoryExporter(), register: true });
    const second = createProvider(other, ENTRY, {}, true);
    const third = createProvider(other, ENTRY, {}, true);
    expect(second).not.toBe(first);
    expect(third).not.toBe(first);
    expect(registered()).toBe(first);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      'another OpenTelemetry tracer provider, propagator or context manager was registered first; instrumentWorker() still traces requests',
    );
    const renamed = setupOf({
      exporter: other.exporter,
      register: true,
      providerOptions: { serviceName: 'b' },
    });
    expect(createProvider(renamed, ENTRY, {}, true)).not.toBe(second);
  });

  it('does not reuse the kept provider once it is no longer the registered one', () => {
    const setup = setupOf({ exporter: createMemoryExporter(), register: true });
    const first = createProvider(setup, ENTRY, {}, true);
    trace.disable();
    propagation.disable();
    context.disable();
    const second = createProvider(setup, ENTRY, {}, true);
    expect(second).not.toBe(first);
    expect(registered()).toBe(second);
  });

  it('does not share when not registering, nor hand out a provider that was given', () => {
    const exporter = createMemoryExporter();
    const shared = createProvider(setupOf({ exporter, register: true }), ENTRY, {}, true);
    expect(createProvider(setupOf({ exporter }), ENTRY, {}, true)).not.toBe(shared);
    const given = createTracerProvider({ exporter });
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(createProvider(setupOf({ provider: given, register: true }), ENTRY, {}, true)).toBe(given);
  });
});

describe('asyncLocalStorageFor', () => {
  it('needs nothing when a provider is given or asyncLocalStorage is configured', async () => {
    const provider = createTracerProvider();
    expect(await asyncLocalStorageFor(setupOf({ provider }))).toBeUndefined();
    expect(
      await asyncLocalStorageFor(setupOf({ providerOptions: { asyncLocalStorage: false } })),
    ).toBeUndefined();
  });

  it('needs nothing when the runtime has AsyncLocalStorage at hand (Node)', async () => {
    expect(await asyncLocalStorageFor(setupOf())).toBeUndefined();
  });

  it('imports node:async_hooks when the runtime hides it (workerd’s nodejs_als)', async () => {
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(() => {
      throw new Error('no builtins here');
    });
    expect(await asyncLocalStorageFor(setupOf())).toBe(AsyncLocalStorage);
  });
});

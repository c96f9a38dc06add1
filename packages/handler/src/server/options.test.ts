// prepareServer and compileSkip: the shared server options checked at setup (ConfigError saying what to fix) and compiled for each request.
import { ConfigError, createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { isStreamingResponse, resetReporting } from '@edgetrace/core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileSkip, prepareServer, type ServerOptions } from './options.js';

const ENTRY = 'tracing()';

afterEach(() => {
  vi.restoreAllMocks();
  resetReporting();
});

/** The ConfigError message `prepareServer` throws for `options`. */
function refusal(options: unknown, own: string[] = []): string {
  try {
    prepareServer(options as ServerOptions, ENTRY, own);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('prepareServer accepted the options');
}

describe('prepareServer', () => {
  it('compiles the defaults of every field from no options', () => {
    const setup = prepareServer({}, ENTRY);
    expect(setup).toEqual({
      entry: ENTRY,
      provider: {
        provider: undefined,
        providerOptions: {},
        exporter: undefined,
        env: undefined,
        register: true,
      },
      requestHeaders: [],
      responseHeaders: [],
      isStreaming: isStreamingResponse,
      clientAddress: false,
      traceResponse: false,
      flushOnExit: true,
    });
  });

  it('compiles what it is given: provider options picked, headers lower-cased, flags as set', () => {
    const exporter = createMemoryExporter();
    const isStreaming = (): boolean => true;
    const setup = prepareServer(
      {
        exporter,
        serviceName: 'api',
        sampler: 'always_off',
        register: false,
        requestHeaders: ['Content-Type', 'X-Request-Id'],
        responseHeaders: ['Cache-Control'],
        clientAddress: true,
        traceResponse: true,
        flushOnExit: false,
        isStreaming,
      },
      ENTRY,
    );
    expect(setup.provider).toEqual({
      provider: undefined,
      providerOptions: { serviceName: 'api', sampler: 'always_off' },
      exporter,
      register: false,
    });
    expect(setup.requestHeaders).toEqual(['content-type', 'x-request-id']);
    expect(setup.responseHeaders).toEqual(['cache-control']);
    expect(setup.isStreaming).toBe(isStreaming);
    expect(setup.clientAddress).toBe(true);
    expect(setup.traceResponse).toBe(true);
    expect(setup.flushOnExit).toBe(false);
  });

  it('refuses an unknown option, naming the entry point and the option it most likely meant', () => {
    expect(refusal({ exporterr: createMemoryExporter() })).toMatch(
      /tracing\(\): unknown option "exporterr"; did you mean "exporter"\?/,
    );
    expect(refusal({ requestHeader: ['a'] })).toContain('did you mean "requestHeaders"?');
    // Provider options are known too, and so are the entry point's own.
    expect(refusal({ servicename: 'x' })).toContain('did you mean "serviceName"?');
    expect(() => prepareServer({ route: () => '/' } as ServerOptions, ENTRY, ['route'])).not.toThrow();
    expect(refusal({ rout: () => '/' }, ['route'])).toContain('did you mean "route"?');
  });

  it('refuses options that are not an object', () => {
    expect(refusal('exporter')).toContain('tracing() expects an options object');
  });

  it('refuses provider options beside a provider, naming them and where they belong', () => {
    const provider = createTracerProvider();
    expect(refusal({ provider, serviceName: 'api', sampler: 'always_on' })).toContain(
      'tracing(): with a provider, configure serviceName, sampler on createTracerProvider() instead',
    );
    expect(refusal({ provider, exporter: createMemoryExporter() })).toContain(
      'with a provider, configure exporter on createTracerProvider() instead',
    );
  });

  it('uses a given provider as is, and leaves flushing it to its owner', () => {
    const provider = createTracerProvider();
    const setup = prepareServer({ provider, flushOnExit: true }, ENTRY);
    expect(setup.provider.provider).toBe(provider);
    expect(setup.flushOnExit).toBe(false);
  });

  it('refuses a provider that createTracerProvider did not make', () => {
    expect(refusal({ provider: { getTracer: () => undefined } })).toContain(
      'tracing(): provider must come from createTracerProvider()',
    );
  });

  it('takes an exporter object or a function of env, and refuses anything else', () => {
    expect(prepareServer({ exporter: () => createMemoryExporter() }, ENTRY).provider.exporter).toEqual(
      expect.any(Function),
    );
    for (const exporter of [42, 'otlp', { send: () => undefined }]) {
      expect(refusal({ exporter })).toContain(
        'tracing(): exporter must be an exporter (createOtlpExporter()) or a function of env',
      );
    }
  });

  it('takes an env object, and refuses anything else or an env beside a provider', () => {
    const env = { OTEL_SERVICE_NAME: 'api' };
    expect(prepareServer({ env }, ENTRY).provider.env).toBe(env);
    for (const [given, named] of [
      ['OTEL_SERVICE_NAME=api', 'string'],
      [null, 'null'],
    ] as const) {
      expect(refusal({ env: given })).toContain(
        `tracing(): env must be the Worker's env object (import { env } from 'cloudflare:workers'), got ${named}`,
      );
    }
    expect(refusal({ provider: createTracerProvider(), env })).toContain(
      'with a provider, configure env on createTracerProvider() instead',
    );
  });

  it('refuses an isStreaming that is not a function', () => {
    expect(refusal({ isStreaming: true })).toContain(
      'tracing(): isStreaming must be a function of the response',
    );
  });

  it('refuses header allow-lists that are not lists of header names, saying which option', () => {
    expect(refusal({ requestHeaders: 'content-type' })).toContain(
      "tracing(): requestHeaders must be a list of header names, such as ['content-type']",
    );
    expect(refusal({ responseHeaders: ['bad header'] })).toContain('tracing(): responseHeaders must be');
    expect(refusal({ responseHeaders: ['ok', 7] })).toContain('responseHeaders must be');
  });

  it('checks the provider options at setup, before any env is known', () => {
    expect(refusal({ sampler: 'sometimes' })).toContain('unknown sampler "sometimes"');
    expect(refusal({ samplerArg: 2 })).toContain('samplerArg must be a ratio from 0 to 1');
    expect(refusal({ serviceName: '' })).toContain('serviceName must be a non-empty string');
    // Tail sampling is allowed without an exporter in code: the exporter may come from env.
    expect(() => prepareServer({ tail: { slowerThanMs: 500 } }, ENTRY)).not.toThrow();
  });
});

describe('compileSkip', () => {
  const pathOf = (url: string): string => new URL(url).pathname;

  it('skips nothing without a skip option, or with an empty list', () => {
    expect(compileSkip(undefined, pathOf, ENTRY)('https://a.example/healthz')).toBe(false);
    expect(compileSkip([], pathOf, ENTRY)('https://a.example/')).toBe(false);
  });

  it('skips exact paths and paths a RegExp matches, and nothing else', () => {
    const skipped = compileSkip(['/healthz', /^\/internal\//], pathOf, ENTRY);
    expect(skipped('https://a.example/healthz')).toBe(true);
    expect(skipped('https://a.example/healthz?verbose=1')).toBe(true);
    expect(skipped('https://a.example/internal/metrics')).toBe(true);
    expect(skipped('https://a.example/healthz/deep')).toBe(false);
    expect(skipped('https://a.example/api/internal/x')).toBe(false);
    expect(skipped('https://a.example/')).toBe(false);
  });

  it('skips every matching request with a global or sticky RegExp, not every other one', () => {
    const global = /^\/internal\//g;
    const skipped = compileSkip([global, /\/ping/y], pathOf, ENTRY);
    const paths = ['/internal/a', '/internal/b', '/internal/c', '/ping', '/ping', '/x/ping'];
    expect(paths.map((path) => skipped(`https://a.example${path}`))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    // The user's RegExp is left as it was.
    expect(global.lastIndex).toBe(0);
  });

  it('asks a skip function, and skips only on true', () => {
    const skipped = compileSkip((url: string) => url.endsWith('/ping'), pathOf, ENTRY);
    expect(skipped('https://a.example/ping')).toBe(true);
    expect(skipped('https://a.example/pong')).toBe(false);
  });

  it('traces a request whose skip function throws, and reports that once on the console', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const skipped = compileSkip(
      (): boolean => {
        throw new TypeError('no path');
      },
      pathOf,
      ENTRY,
    );
    expect(skipped('https://a.example/a')).toBe(false);
    expect(skipped('https://a.example/b')).toBe(false);
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[0]).toBe('edgetrace: the skip function threw; the request is traced');
    expect(error.mock.calls[0]?.[1]).toBeInstanceOf(TypeError);
  });

  it('refuses a skip that is neither a list of paths and RegExps nor a function, naming the entry point', () => {
    for (const skip of ['/healthz', 42, { path: '/healthz' }, ['/healthz', 42], [null]]) {
      expect(() => compileSkip(skip as never, pathOf, ENTRY)).toThrow(ConfigError);
      expect(() => compileSkip(skip as never, pathOf, 'instrumentHandler()')).toThrow(
        "instrumentHandler(): skip must be a list of paths and RegExps (e.g. ['/healthz']) or a function",
      );
    }
  });
});

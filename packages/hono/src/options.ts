// tracing()'s options, and its setup in one step: `prepare` checks them once, when tracing() is
// called (invalid ones throw ConfigError there), and compiles what each request needs — header
// allow-lists, the skip test, the stream test — and what the provider will be made from.
import type { EdgeTracerProvider, EnvSource, SpanExporter, TracerProviderOptions } from '@edgetrace/core';
import { ConfigError } from '@edgetrace/core';
import {
  checkOptionNames,
  checkTracerProviderOptions,
  guarded,
  headerNames,
  isStreamingResponse,
  type OptionTable,
  optionNames,
  pickOptions,
  TRACER_PROVIDER_OPTION_NAMES,
} from '@edgetrace/core/internal';
import type { Context } from 'hono';

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

export interface TracingOptions extends ProviderOptions {
  /**
   * A provider made with `createTracerProvider`, used as is; the provider options above are
   * then not allowed. @default one made on the first request from these options and `c.env`
   */
  provider?: EdgeTracerProvider;
  /**
   * Where spans go: an exporter, or a function of the Worker's `env` returning one.
   * @default `exporterFromEnv(c.env)`: `OTEL_TRACES_EXPORTER`, else OTLP (no endpoint configured: nothing is exported)
   */
  exporter?: ExporterOption;
  /**
   * On a server (Node, Bun, Deno: no `waitUntil`), export what the provider `tracing()` made still
   * holds when the process gets SIGTERM or SIGINT, then let it end (`flushOnExit` from core).
   * A provider you pass is yours to flush. @default true
   */
  flushOnExit?: boolean;
  /** Install the provider, propagator and context manager as the OpenTelemetry globals. @default true */
  register?: boolean;
  /** Request headers recorded as `http.request.header.<name>` (an allow-list). @default [] */
  requestHeaders?: readonly string[];
  /** Response headers recorded as `http.response.header.<name>` (an allow-list). @default [] */
  responseHeaders?: readonly string[];
  /**
   * Add the W3C Trace Context response metric to `Server-Timing` (`trace;desc=00-{trace-id}-{span-id}-{flags}`,
   * after any metric the handler set), so a browser or client can join the server's trace. A
   * cross-origin page reads it only when the response also has `Timing-Allow-Origin`. @default false
   */
  traceResponse?: boolean;
  /** Record `client.address` from `cf-connecting-ip` / `x-forwarded-for` / `x-real-ip`. @default false */
  clientAddress?: boolean;
  /** Paths not traced: exact paths, RegExps tested on the path, or a function. @default [] */
  skip?: readonly (string | RegExp)[] | ((c: Context) => boolean);
  /**
   * Whether a response is a stream whose end (or cancel) ends the span.
   * @default server-sent events, NDJSON / JSON Lines, or `transfer-encoding: chunked`
   */
  isStreaming?: (response: Response) => boolean;
}

/** tracing()'s own options; the provider options it passes on come from core's table. */
const OWN_OPTIONS: OptionTable<Omit<TracingOptions, keyof ProviderOptions>> = {
  provider: true,
  exporter: true,
  flushOnExit: true,
  register: true,
  requestHeaders: true,
  responseHeaders: true,
  traceResponse: true,
  clientAddress: true,
  skip: true,
  isStreaming: true,
};
const OPTION_NAMES = new Set<string>([...optionNames(OWN_OPTIONS), ...PROVIDER_OPTION_NAMES]);

/** What each request needs, compiled once from the options. */
export interface Setup {
  readonly provider: SetupOptions;
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
  readonly skipped: (c: Context) => boolean;
  readonly isStreaming: (response: Response) => boolean;
  readonly clientAddress: boolean;
  readonly traceResponse: boolean;
  readonly flushOnExit: boolean;
}

function compileSkip(skip: TracingOptions['skip']): (c: Context) => boolean {
  if (skip === undefined) return () => false;
  if (typeof skip === 'function') {
    return (c) => guarded('the skip function threw; the request is traced', () => skip(c) === true, false);
  }
  if (!Array.isArray(skip) || !skip.every((s) => typeof s === 'string' || s instanceof RegExp)) {
    throw new ConfigError("skip must be a list of paths and RegExps (e.g. ['/healthz']) or a function");
  }
  const paths = new Set(skip.filter((s): s is string => typeof s === 'string'));
  const patterns = skip.filter((s): s is RegExp => s instanceof RegExp);
  if (paths.size === 0 && patterns.length === 0) return () => false;
  return (c) => paths.has(c.req.path) || patterns.some((p) => p.test(c.req.path));
}

function checkProviderOptions(options: TracingOptions): SetupOptions {
  checkOptionNames(options, OPTION_NAMES, 'tracing()');
  const providerOptions: ProviderOptions = pickOptions(options, PROVIDER_OPTION_NAMES);
  const { provider, exporter } = options;
  if (provider !== undefined) {
    if (typeof provider?.getTracer !== 'function' || typeof provider.forceFlush !== 'function') {
      throw new ConfigError('tracing(): provider must come from createTracerProvider()');
    }
    const extra = [...Object.keys(providerOptions), ...(exporter === undefined ? [] : ['exporter'])];
    if (extra.length > 0) {
      throw new ConfigError(
        `tracing(): with a provider, configure ${extra.join(', ')} on createTracerProvider() instead`,
      );
    }
  }
  if (exporter !== undefined && typeof exporter !== 'function' && typeof exporter?.export !== 'function') {
    throw new ConfigError(
      'tracing(): exporter must be an exporter (createOtlpExporter()) or a function of env',
    );
  }
  if (options.isStreaming !== undefined && typeof options.isStreaming !== 'function') {
    throw new ConfigError('tracing(): isStreaming must be a function of the response');
  }
  const setup: SetupOptions = { provider, providerOptions, exporter, register: options.register !== false };
  if (provider === undefined) checkSetup(setup);
  return setup;
}

/** Checks the options and compiles them into what each request needs. Invalid ones throw ConfigError. */
export function prepare(options: TracingOptions): Setup {
  return {
    provider: checkProviderOptions(options),
    requestHeaders: headerNames(options.requestHeaders, 'tracing(): requestHeaders'),
    responseHeaders: headerNames(options.responseHeaders, 'tracing(): responseHeaders'),
    skipped: compileSkip(options.skip),
    isStreaming: options.isStreaming ?? isStreamingResponse,
    clientAddress: options.clientAddress === true,
    traceResponse: options.traceResponse === true,
    flushOnExit: options.provider === undefined && options.flushOnExit !== false,
  };
}

// The options every server entry point shares (`instrumentHandler`, `instrumentWorker`, hono's
// `tracing()`), and their setup in one step: `prepareServer` checks them once, when the entry
// point is called (invalid ones throw ConfigError there), and compiles what each request needs —
// header allow-lists, the skip test, the stream test — and what the provider will be made from.
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

/** Options the entry points set themselves rather than passing on: from `env` and their own `exporter`. */
type OwnProviderOptions = 'env' | 'exporter' | 'processors';

/** The provider options an entry point passes on to `createTracerProvider`. */
export type ProviderOptions = Omit<TracerProviderOptions, OwnProviderOptions>;

const OWN_PROVIDER_OPTIONS: ReadonlySet<string> = new Set<OwnProviderOptions>([
  'env',
  'exporter',
  'processors',
]);

const PROVIDER_OPTION_NAMES: readonly (keyof ProviderOptions)[] = [...TRACER_PROVIDER_OPTION_NAMES].filter(
  (name): name is keyof ProviderOptions => !OWN_PROVIDER_OPTIONS.has(name),
);

/** Where spans go: an exporter, or a function making one from the Worker's `env`. */
export type ExporterOption = SpanExporter | ((env: EnvSource) => SpanExporter | undefined);

/** What the isolate's provider is made from. */
export interface ProviderSetup {
  readonly provider: EdgeTracerProvider | undefined;
  readonly providerOptions: ProviderOptions;
  readonly exporter: ExporterOption | undefined;
  /** The `env` option: read in place of each request's `env`. */
  readonly env: EnvSource | undefined;
  readonly register: boolean;
}

/** The options of every entry point that traces incoming requests or events. */
export interface ServerOptions extends ProviderOptions {
  /**
   * A provider made with `createTracerProvider`, used as is; the provider options above are
   * then not allowed. @default one made on the first request from these options and `env`
   */
  provider?: EdgeTracerProvider;
  /**
   * Where spans go: an exporter, or a function of the Worker's `env` returning one (or
   * `undefined`: nothing is exported). One that throws is reported once; nothing is exported and
   * requests are still served.
   * @default `exporterFromEnv(env)`: `OTEL_TRACES_EXPORTER`, else OTLP (no endpoint configured: nothing is exported)
   */
  exporter?: ExporterOption;
  /**
   * Where `OTEL_*` variables are read from (outside workerd, `process.env` after it), and the
   * `env` an `exporter` function gets, in place of the first request's `env`: on Workers, the
   * `env` of `import { env } from 'cloudflare:workers'`. Given in workerd with no exporter
   * function, the provider is made as the module loads rather than at the first request, which
   * takes its setup (1.3–1.5 ms of CPU) off that request. @default the first request's (or
   * event's) `env`
   */
  env?: EnvSource;
  /**
   * On a server (Node, Bun, Deno: no `waitUntil`), export what the provider made here still
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
  /**
   * Whether a response is a stream whose end (or cancel) ends the span.
   * @default server-sent events, NDJSON / JSON Lines, or `transfer-encoding: chunked`
   */
  isStreaming?: (response: Response) => boolean;
}

/** The shared options' own entries; the provider options come from core's table. */
const SERVER_OPTIONS: OptionTable<Omit<ServerOptions, keyof ProviderOptions>> = {
  provider: true,
  exporter: true,
  env: true,
  flushOnExit: true,
  register: true,
  requestHeaders: true,
  responseHeaders: true,
  traceResponse: true,
  clientAddress: true,
  isStreaming: true,
};

/** What each request needs, compiled once from the options. */
export interface ServerSetup {
  /** The entry point's name in messages, e.g. `tracing()`. */
  readonly entry: string;
  readonly provider: ProviderSetup;
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
  readonly isStreaming: (response: Response) => boolean;
  readonly clientAddress: boolean;
  readonly traceResponse: boolean;
  readonly flushOnExit: boolean;
}

/** A provider given: one of ours, with no provider options beside it. */
function checkOwnProvider(options: ServerOptions, providerOptions: ProviderOptions, entry: string): void {
  const { provider, exporter, env } = options;
  if (typeof provider?.getTracer !== 'function' || typeof provider.forceFlush !== 'function') {
    throw new ConfigError(`${entry}: provider must come from createTracerProvider()`);
  }
  const extra = [
    ...Object.keys(providerOptions),
    ...(exporter === undefined ? [] : ['exporter']),
    ...(env === undefined ? [] : ['env']),
  ];
  if (extra.length > 0) {
    throw new ConfigError(
      `${entry}: with a provider, configure ${extra.join(', ')} on createTracerProvider() instead`,
    );
  }
}

function checkProviderOptions(options: ServerOptions, entry: string): ProviderSetup {
  const providerOptions: ProviderOptions = pickOptions(options, PROVIDER_OPTION_NAMES);
  const { provider, exporter } = options;
  if (provider !== undefined) checkOwnProvider(options, providerOptions, entry);
  if (exporter !== undefined && typeof exporter !== 'function' && typeof exporter?.export !== 'function') {
    throw new ConfigError(
      `${entry}: exporter must be an exporter (createOtlpExporter()) or a function of env`,
    );
  }
  if (options.isStreaming !== undefined && typeof options.isStreaming !== 'function') {
    throw new ConfigError(`${entry}: isStreaming must be a function of the response`);
  }
  const { env } = options;
  if (env !== undefined && (env === null || typeof env !== 'object')) {
    throw new ConfigError(
      `${entry}: env must be the Worker's env object (import { env } from 'cloudflare:workers'), got ${env === null ? 'null' : typeof env}`,
    );
  }
  if (provider === undefined) {
    // A stand-in exporter: the real one may need the Worker's env, which is not known yet.
    const standIn = { export: async () => ({ ok: true as const }) };
    checkTracerProviderOptions({ ...providerOptions, exporter: standIn });
  }
  return { provider, providerOptions, exporter, env, register: options.register !== false };
}

/**
 * Checks the shared options and compiles them into what each request needs. `ownOptions` names
 * the entry point's own options, for the unknown-option check. Invalid ones throw ConfigError.
 */
export function prepareServer(
  options: ServerOptions,
  entry: string,
  ownOptions: Iterable<string> = [],
): ServerSetup {
  checkOptionNames(
    options,
    new Set<string>([...optionNames(SERVER_OPTIONS), ...PROVIDER_OPTION_NAMES, ...ownOptions]),
    entry,
  );
  return {
    entry,
    provider: checkProviderOptions(options, entry),
    requestHeaders: headerNames(options.requestHeaders, `${entry}: requestHeaders`),
    responseHeaders: headerNames(options.responseHeaders, `${entry}: responseHeaders`),
    isStreaming: options.isStreaming ?? isStreamingResponse,
    clientAddress: options.clientAddress === true,
    traceResponse: options.traceResponse === true,
    flushOnExit: options.provider === undefined && options.flushOnExit !== false,
  };
}

/** Requests not traced: exact paths, RegExps tested on the path, or a function of the request. */
export type SkipOption<T> = readonly (string | RegExp)[] | ((input: T) => boolean);

/** The skip test for `skip`: by the path `pathOf` reads, or the user's function (a throw is reported, and traced). */
export function compileSkip<T>(
  skip: SkipOption<T> | undefined,
  pathOf: (input: T) => string,
  entry: string,
): (input: T) => boolean {
  if (skip === undefined) return () => false;
  if (typeof skip === 'function') {
    return (input) =>
      guarded('the skip function threw; the request is traced', () => skip(input) === true, false);
  }
  // In a function of its own: a fresh isolate with no list compiles none of it.
  return pathSkip(skip, pathOf, entry);
}

/** The skip test for a list of paths and RegExps. */
function pathSkip<T>(
  skip: readonly (string | RegExp)[],
  pathOf: (input: T) => string,
  entry: string,
): (input: T) => boolean {
  if (!Array.isArray(skip) || !skip.every((s) => typeof s === 'string' || s instanceof RegExp)) {
    throw new ConfigError(
      `${entry}: skip must be a list of paths and RegExps (e.g. ['/healthz']) or a function`,
    );
  }
  const paths = new Set(skip.filter((s): s is string => typeof s === 'string'));
  // Copies, tested from the start each time: a global or sticky RegExp's `test` goes on from its
  // `lastIndex`, so the same path would otherwise be skipped only every other request.
  const patterns = skip.filter((s): s is RegExp => s instanceof RegExp).map((p) => new RegExp(p));
  if (paths.size === 0 && patterns.length === 0) return () => false;
  return (input) => {
    const path = pathOf(input);
    return (
      paths.has(path) ||
      patterns.some((p) => {
        p.lastIndex = 0;
        return p.test(path);
      })
    );
  };
}

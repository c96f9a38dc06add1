// Exporter configuration from options and the `OTEL_EXPORTER_OTLP_*` variables, with the
// specification's endpoint rules: the per-signal endpoint is used as-is, the general one gets
// `/v1/traces` appended. https://opentelemetry.io/docs/specs/otel/protocol/exporter/
import { ConfigError, type EnvSource } from '@edgetrace/core';
import { type EnvReader, isToken, parseKeyValueList, readEnv, report } from '@edgetrace/core/internal';

export interface ExporterConfigOptions {
  /** The full traces URL. @default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` */
  endpoint?: string;
  /** Extra request headers (auth). Merged over `OTEL_EXPORTER_OTLP_(TRACES_)HEADERS`. @default {} */
  headers?: Record<string, string>;
  /** @default `OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION`, else 'none' */
  compression?: 'gzip' | 'none';
  /** Milliseconds for the whole export, retries included. @default `OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT`, else 10000 */
  timeoutMs?: number;
  /** Where `OTEL_*` are read first, before `process.env`. @default process.env only */
  env?: EnvSource;
}

export interface ExporterConfig {
  /** `undefined` when nothing configures one: the exporter then exports nothing. */
  readonly endpoint: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly timeoutMs: number;
}

const COMPRESSIONS = ['gzip', 'none'] as const;

/** The general variable is a base URL (the signal's path is appended); the others are used as they are. */
const BASE_VARIABLE = 'OTEL_EXPORTER_OTLP_ENDPOINT';

/** What a valid value of `from` looks like, to suggest in a message. */
const example = (from: string): string =>
  from === BASE_VARIABLE
    ? 'http://127.0.0.1:4318 (a base URL: /v1/traces is appended)'
    : 'http://127.0.0.1:4318/v1/traces';

/** What is wrong with `url` as an OTLP endpoint, or `undefined` when it is fine. */
function urlProblem(url: string, from: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${from} "${url}" is not a URL; use e.g. ${example(from)}`;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:'
    ? undefined
    : `${from} "${url}" must be an http: or https: URL, e.g. ${example(from)}`;
}

/** A URL given in code: invalid is a setup error. */
function checkUrl(url: string, from: string): string {
  const problem = urlProblem(url, from);
  if (problem !== undefined) throw new ConfigError(problem);
  return new URL(url).toString();
}

/** A URL from a variable: invalid is one warning, and the variable is ignored. */
function envUrl(url: string | undefined, name: string): string | undefined {
  if (url === undefined) return undefined;
  const problem = urlProblem(url, name);
  if (problem === undefined) return new URL(url).toString();
  report('warn', `edgetrace: ${problem}; ignored`);
  return undefined;
}

/**
 * What is wrong with one request header, or `undefined` when `Headers` takes it; the value is
 * tried on the platform's own `Headers`, whose rule (no NUL or line break once the ends are
 * trimmed, nothing above U+00FF) is the one the export will meet.
 */
function headerProblem(name: string, value: string): string | undefined {
  if (!isToken(name)) return `"${name}" is not a header name (letters, digits and !#$%&'*+-.^_\`|~ only)`;
  try {
    new Headers().append(name, value);
    return undefined;
  } catch {
    return `the value of "${name}" is not a header value (a line break, a NUL or a character above U+00FF)`;
  }
}

/**
 * The headers a variable lists. An entry `Headers` would refuse is left out with a warning: a
 * malformed variable must not fail the exporter, and with it every request, at the first export.
 */
function envHeaders(text: string, name: string): Record<string, string> {
  const parsed = parseKeyValueList(text);
  if (parsed === null) {
    report('warn', `edgetrace: ${name} is not a list of key=value pairs; ignored`);
    return {};
  }
  for (const [key, value] of Object.entries(parsed)) {
    const problem = headerProblem(key, value);
    if (problem === undefined) continue;
    report('warn', `edgetrace: ${name}: ${problem}; that header is not sent`);
    delete parsed[key];
  }
  return parsed;
}

/** Headers given in code: one `Headers` would refuse is a setup error. */
function checkHeaders(headers: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(headers)) {
    const problem = headerProblem(key, String(value));
    if (problem !== undefined) throw new ConfigError(`headers: ${problem}`);
  }
  return headers;
}

/** The protocols other SDKs are configured with; we send the one OTLP/HTTP receivers all take. */
const PROTOCOLS = ['http/json', 'http/protobuf', 'grpc'] as const;

/** The protocol variables, the signal's own first. */
const PROTOCOL_VARIABLES = ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'];
/** The header variables, in the order they merge: the signal's own win. */
const HEADER_VARIABLES = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'];

function checkProtocol(env: EnvReader): void {
  for (const name of PROTOCOL_VARIABLES) {
    const protocol = env.oneOf(name, PROTOCOLS);
    if (protocol === undefined || protocol === 'http/json') continue;
    report(
      'warn',
      `${name}=${protocol} is not supported: edgetrace sends OTLP/HTTP JSON, which every OTLP/HTTP ` +
        `receiver (port 4318) accepts${protocol === 'grpc' ? "; point the endpoint at the collector's HTTP port, not its gRPC port 4317" : ''}. ` +
        `Set ${name}=http/json to silence this`,
    );
    return;
  }
}

function checkTimeoutAndCompression({ timeoutMs, compression }: ExporterConfigOptions): void {
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs))
  ) {
    throw new ConfigError(`timeoutMs must be a number of milliseconds > 0, got ${String(timeoutMs)}`);
  }
  if (compression !== undefined && !COMPRESSIONS.includes(compression)) {
    throw new ConfigError(`compression must be "gzip" or "none", got "${String(compression)}"`);
  }
}

/** Resolves the exporter's configuration; invalid options throw, invalid variables warn. */
export function resolveExporterConfig(options: ExporterConfigOptions = {}): ExporterConfig {
  const env = readEnv(options.env);
  const { timeoutMs, compression } = options;
  if (timeoutMs !== undefined || compression !== undefined) checkTimeoutAndCompression(options);
  let endpoint: string | undefined;
  if (options.endpoint !== undefined) endpoint = checkUrl(options.endpoint, 'endpoint');
  else {
    endpoint = envUrl(env.string('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    const base = envUrl(env.string(BASE_VARIABLE), BASE_VARIABLE);
    if (endpoint === undefined && base !== undefined) {
      endpoint = `${base.replace(/\/+$/, '')}/v1/traces`;
      // The specification appends the path whatever the base says; a base that already ends in
      // it is almost always a mix-up of the two variables.
      if (/\/v1\/traces\/?$/.test(base)) {
        report(
          'warn',
          `${BASE_VARIABLE}="${base}" already ends in /v1/traces, so spans go to ${endpoint}; ` +
            `set ${BASE_VARIABLE} to the base URL, or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to the full one`,
        );
      }
    }
  }
  // The checks of what is seldom set run only when it is: a fresh isolate compiles less.
  if (PROTOCOL_VARIABLES.some((name) => env.string(name) !== undefined)) checkProtocol(env);
  const headers: Record<string, string> = {};
  for (const name of HEADER_VARIABLES) {
    const text = env.string(name);
    if (text !== undefined) Object.assign(headers, envHeaders(text, name));
  }
  if (options.headers !== undefined) Object.assign(headers, checkHeaders(options.headers));
  const seconds = (name: string) => env.number(name, { min: 1 });
  return {
    endpoint,
    headers,
    compression:
      compression ??
      env.oneOf('OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', COMPRESSIONS) ??
      env.oneOf('OTEL_EXPORTER_OTLP_COMPRESSION', COMPRESSIONS) ??
      'none',
    timeoutMs:
      timeoutMs ??
      seconds('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ??
      seconds('OTEL_EXPORTER_OTLP_TIMEOUT') ??
      10_000,
  };
}

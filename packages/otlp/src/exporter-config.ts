// Exporter configuration from options and the `OTEL_EXPORTER_OTLP_*` variables, with the
// specification's endpoint rules: the per-signal endpoint is used as-is, the general one gets
// `/v1/traces` appended. https://opentelemetry.io/docs/specs/otel/protocol/exporter/
import { ConfigError, createEnvReader, type EnvSource, parseKeyValueList, processEnv } from '@edgetrace/core';
import { diag } from '@opentelemetry/api';

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

/** What is wrong with `url` as an OTLP endpoint, or `undefined` when it is fine. */
function urlProblem(url: string, from: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${from} "${url}" is not a URL; use e.g. http://127.0.0.1:4318/v1/traces`;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:'
    ? undefined
    : `${from} "${url}" must be an http: or https: URL`;
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
  diag.warn(`edgetrace: ${problem}; ignored`);
  return undefined;
}

function envHeaders(text: string | undefined, name: string): Record<string, string> {
  if (text === undefined) return {};
  const parsed = parseKeyValueList(text);
  if (parsed === null) {
    diag.warn(`edgetrace: ${name} is not a list of key=value pairs; ignored`);
    return {};
  }
  return parsed;
}

/** Resolves the exporter's configuration; invalid options throw, invalid variables warn. */
export function resolveExporterConfig(options: ExporterConfigOptions = {}): ExporterConfig {
  const env = createEnvReader(options.env, processEnv());
  const { timeoutMs, compression } = options;
  if (
    timeoutMs !== undefined &&
    !(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs))
  ) {
    throw new ConfigError(`timeoutMs must be a number of milliseconds > 0, got ${String(timeoutMs)}`);
  }
  if (compression !== undefined && !COMPRESSIONS.includes(compression)) {
    throw new ConfigError(`compression must be "gzip" or "none", got "${String(compression)}"`);
  }
  let endpoint: string | undefined;
  if (options.endpoint !== undefined) endpoint = checkUrl(options.endpoint, 'endpoint');
  else {
    endpoint = envUrl(env.string('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
    const base = envUrl(env.string('OTEL_EXPORTER_OTLP_ENDPOINT'), 'OTEL_EXPORTER_OTLP_ENDPOINT');
    if (endpoint === undefined && base !== undefined) endpoint = `${base.replace(/\/+$/, '')}/v1/traces`;
  }
  const headers = {
    ...envHeaders(env.string('OTEL_EXPORTER_OTLP_HEADERS'), 'OTEL_EXPORTER_OTLP_HEADERS'),
    ...envHeaders(env.string('OTEL_EXPORTER_OTLP_TRACES_HEADERS'), 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
    ...options.headers,
  };
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

// The OTLP/HTTP JSON exporter over `fetch`: optional gzip through CompressionStream, retries
// (retry.ts) inside one deadline so an export fits a Worker's `waitUntil`. It never throws: every
// outcome is an ExportResult. https://opentelemetry.io/docs/specs/otlp/#otlphttp
import { ConfigError, type ExportResult, type SpanData, type SpanExporter, VERSION } from '@edgetrace/core';
import {
  checkOptionNames,
  createDropCounter,
  type DropCounter,
  optionNames,
  report,
  untracedFetch,
} from '@edgetrace/core/internal';
import { type ExporterConfig, type ExporterConfigOptions, resolveExporterConfig } from './exporter-config.js';
import { OtlpJsonEncoder } from './otlp-json-text.js';
import { type Backoff, isRetryable, parseRetryAfter, retryWithin } from './retry.js';
import { splitIntoBodies } from './split.js';

export interface OtlpExporterOptions extends ExporterConfigOptions {
  /**
   * The `fetch` to send with — a service binding's, say. Always pass an uninstrumented one, so
   * exporting never traces itself. @default the global `fetch` at creation
   */
  fetch?: typeof fetch;
  /** Attempts per export at most, the first included. @default 5 */
  maxAttempts?: number;
  /** The first retry's delay before jitter; it doubles each time. @default 250 */
  initialBackoffMs?: number;
  /** The longest delay between attempts. @default 5000 */
  maxBackoffMs?: number;
  /** Source of jitter in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * The largest request body, in bytes of JSON before compression. Larger batches are split;
   * a single span too large on its own has its string values cut to 1 KiB, or is dropped and
   * counted. @default 4194304 (4 MiB)
   */
  maxBodyBytes?: number;
  /**
   * The most of a collector's answer that is read. A larger answer is not read further and the
   * export fails without retry, as the OTLP specification asks. @default 4194304 (4 MiB)
   */
  maxResponseBytes?: number;
}

/** Every option, once: the unknown-option check derives from it, and the compiler checks it is complete. */
const OPTION_NAMES = optionNames<OtlpExporterOptions>({
  endpoint: true,
  headers: true,
  compression: true,
  timeoutMs: true,
  env: true,
  fetch: true,
  maxAttempts: true,
  initialBackoffMs: true,
  maxBackoffMs: true,
  random: true,
  maxBodyBytes: true,
  maxResponseBytes: true,
});

/** Names other OTLP exporters use for our options. */
const SYNONYMS = { url: 'endpoint', timeoutMillis: 'timeoutMs', timeout: 'timeoutMs' };

/** The exporter, with the configuration it resolved. */
export interface OtlpExporter extends SpanExporter {
  readonly config: ExporterConfig;
}

/** How the exporter names itself, as the OTLP specification asks: `edgetrace-otlp-js/<version>`. */
export const USER_AGENT: string = `edgetrace-otlp-js/${VERSION}`;

/**
 * The answer's text, or `undefined` when it is longer than `limit` bytes (it is then not read
 * further). An answer is small; `text()` reads it at once (a JS reader loop costs tens of
 * microseconds in workerd), and only an answer without a length is read piece by piece, counted.
 */
async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  const body = response.body;
  if (body === null) return '';
  const length = response.headers.get('content-length');
  if (length !== null && /^\d+$/.test(length)) {
    if (Number(length) <= limit) return response.text();
    await body.cancel().catch(() => undefined);
    return undefined;
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

interface PartialSuccess {
  rejectedSpans?: string | number;
  errorMessage?: string;
}

function readPartialSuccess(text: string, drops: DropCounter): ExportResult {
  if (text.trim() === '') return { ok: true };
  try {
    const body = JSON.parse(text) as { partialSuccess?: PartialSuccess };
    const partial = body?.partialSuccess;
    const rejected = Number(partial?.rejectedSpans ?? 0);
    const message = typeof partial?.errorMessage === 'string' ? partial.errorMessage : '';
    if (rejected > 0 || message !== '') {
      drops.drop(`rejected by the collector${message ? `: ${message}` : ''}`, rejected);
      return { ok: true, rejected, ...(message ? { message } : {}) };
    }
  } catch {
    // A success with a body we cannot read is still a success.
  }
  return { ok: true };
}

/** The exporter's limits and backoff, checked: invalid ones throw at creation. */
function resolveLimits(
  options: OtlpExporterOptions,
): Backoff & { maxBodyBytes: number; maxResponseBytes: number } {
  const {
    maxAttempts = 5,
    initialBackoffMs = 250,
    maxBackoffMs = 5000,
    random = Math.random,
    maxBodyBytes = 4 * 1024 * 1024,
    maxResponseBytes = 4 * 1024 * 1024,
  } = options;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new ConfigError(`maxAttempts must be a whole number ≥ 1, got ${String(maxAttempts)}`);
  }
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes >= 1024)) {
    throw new ConfigError(`maxBodyBytes must be a whole number ≥ 1024, got ${String(maxBodyBytes)}`);
  }
  if (!(Number.isInteger(maxResponseBytes) && maxResponseBytes >= 0)) {
    throw new ConfigError(`maxResponseBytes must be a whole number ≥ 0, got ${String(maxResponseBytes)}`);
  }
  if (!(initialBackoffMs >= 0 && maxBackoffMs >= initialBackoffMs)) {
    throw new ConfigError('initialBackoffMs must be ≥ 0 and maxBackoffMs at least as large');
  }
  return { maxAttempts, initialBackoffMs, maxBackoffMs, random, maxBodyBytes, maxResponseBytes };
}

/** The request headers: configured ones, our User-Agent unless one is configured, the content type. */
function requestHeaders(config: ExporterConfig): Headers {
  const headers = new Headers(config.headers);
  if (!headers.has('user-agent')) headers.set('user-agent', USER_AGENT);
  headers.set('content-type', 'application/json');
  if (config.compression === 'gzip') headers.set('content-encoding', 'gzip');
  return headers;
}

/** Where and how one body is posted. */
interface Post {
  readonly send: typeof fetch;
  readonly endpoint: string;
  readonly headers: Headers;
  readonly maxResponseBytes: number;
  readonly drops: DropCounter;
}

/** One POST and what its answer means: success (with partial success read), retryable or not. */
async function postOnce(
  post: Post,
  body: Uint8Array<ArrayBuffer>,
  timeoutMs: number,
): Promise<{ result: ExportResult; retryAfter?: number }> {
  // Called unbound: workerd's fetch refuses any other `this` than none or the global.
  const { send } = post;
  let response: Response;
  try {
    response = await send(post.endpoint, {
      method: 'POST',
      headers: post.headers,
      body,
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { result: { ok: false, error: `network error: ${reason}`, retryable: true } };
  }
  let text: string | undefined = '';
  try {
    text = await readCapped(response, post.maxResponseBytes);
  } catch {
    // The status decides; an unreadable body changes nothing.
  }
  if (text !== undefined && response.ok) return { result: readPartialSuccess(text, post.drops) };
  return failed(response, text, post.maxResponseBytes);
}

/** What a failed POST means: its error, whether to retry, and when (`Retry-After`). */
function failed(
  response: Response,
  text: string | undefined,
  maxResponseBytes: number,
): { result: ExportResult; retryAfter?: number } {
  if (text === undefined) {
    const error = `HTTP ${response.status} with an answer over ${maxResponseBytes} bytes, not read (maxResponseBytes)`;
    return { result: { ok: false, error, retryable: false } };
  }
  const error = `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (!isRetryable(response.status)) return { result: { ok: false, error, retryable: false } };
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  return {
    result: { ok: false, error, retryable: true },
    ...(retryAfter === undefined ? {} : { retryAfter }),
  };
}

/** Sums the results of a batch sent as several bodies: the first failure, else the totals. */
function combine(results: ExportResult[], count: number, dropped: number): ExportResult {
  let rejected = 0;
  const messages: string[] = [];
  for (const result of results) {
    if (!result.ok)
      return count > 1 ? { ...result, error: `${result.error} (one of ${count} requests)` } : result;
    rejected += result.rejected ?? 0;
    if (result.message !== undefined) messages.push(result.message);
  }
  return {
    ok: true,
    ...(rejected > 0 ? { rejected } : {}),
    ...(dropped > 0 ? { dropped } : {}),
    ...(messages.length > 0 ? { message: messages.join('; ') } : {}),
  };
}

/** Creates the OTLP/HTTP JSON exporter. Invalid options throw at creation. */
export function createOtlpExporter(options: OtlpExporterOptions = {}): OtlpExporter {
  checkOptionNames(options, OPTION_NAMES, 'createOtlpExporter', SYNONYMS);
  const config = resolveExporterConfig(options);
  // Never the traced global fetch: an exporter must not trace its own exports.
  const send = options.fetch ?? untracedFetch();
  if (typeof send !== 'function') {
    throw new ConfigError('fetch must be a function (the uninstrumented fetch)');
  }
  const limits = resolveLimits(options);
  if (config.endpoint === undefined) {
    report(
      'warn',
      'no OTLP endpoint configured, so spans are not exported: set OTEL_EXPORTER_OTLP_ENDPOINT to a ' +
        "collector's base URL (http://127.0.0.1:4318), or pass createOtlpExporter({ endpoint })",
    );
  }
  // The exporter's own encoder: its buffer and caches are this exporter's state.
  const encoder = new OtlpJsonEncoder();
  // Rejections and oversize drops are reported rate-limited; failures are the processor's to count.
  const drops = createDropCounter('spans', Date.now);
  const post: Post = {
    send,
    endpoint: config.endpoint ?? '',
    headers: requestHeaders(config),
    maxResponseBytes: limits.maxResponseBytes,
    drops,
  };
  let stopped = false;

  async function sendBody(json: Uint8Array<ArrayBuffer>, deadline: number): Promise<ExportResult> {
    const body = config.compression === 'gzip' ? await gzip(json) : json;
    return retryWithin(deadline, config.timeoutMs, limits, (remaining) => postOnce(post, body, remaining));
  }

  return {
    config,
    async export(spans: readonly SpanData[]): Promise<ExportResult> {
      if (stopped) return { ok: false, error: 'exporter is shut down' };
      if (config.endpoint === undefined || spans.length === 0) return { ok: true };
      const deadline = Date.now() + config.timeoutMs;
      try {
        const { bodies, dropped } = splitIntoBodies(spans, limits.maxBodyBytes, encoder);
        drops.drop('too large to send even cut down', dropped);
        const results: ExportResult[] = [];
        for (const body of bodies) {
          const result = await sendBody(body, deadline);
          results.push(result);
          if (!result.ok) break;
        }
        return combine(results, bodies.length, dropped);
      } catch (error) {
        return { ok: false, error: `export failed: ${String(error)}` };
      }
    },
    async shutdown(): Promise<void> {
      stopped = true;
    },
  };
}

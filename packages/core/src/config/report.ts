// edgetrace's own problems — a misconfiguration, a failing export, dropped spans — reported
// where the user looks. `diag` from `@opentelemetry/api` prints nothing until someone calls
// `diag.setLogger`, so a Worker with a bad endpoint would fail in silence. Instead: to the
// user's `diag` logger when one is installed, else to the console; each message once, at most
// a few lines a minute; at or above `OTEL_LOG_LEVEL` (`none` silences it; default `warn`).
//
// The reporter is one per isolate, like `diag` itself: it holds only which messages were
// already said and how many lines went out this minute — nothing of any request.
import { diag } from '@opentelemetry/api';
import { type EnvSource, readEnv } from './env.js';

/** `OTEL_LOG_LEVEL` values, quietest first. */
export const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The levels a message can have. */
export type ReportLevel = 'error' | 'warn' | 'info' | 'debug';

/** Console lines per minute at most; later ones in the same minute are dropped. */
const LINES_PER_MINUTE = 20;
/** Distinct messages remembered for "once each"; past this, the oldest are forgotten. */
const REMEMBERED = 512;

const rank = (level: LogLevel | ReportLevel): number => LOG_LEVELS.indexOf(level);

/** Whether a `diag` logger has been installed (`diag.setLogger`): the API keeps it in its global registry. */
function userLoggerInstalled(): boolean {
  const registry = (globalThis as Record<symbol, unknown>)[Symbol.for('opentelemetry.js.api.1')];
  return (
    typeof registry === 'object' && registry !== null && (registry as { diag?: unknown }).diag !== undefined
  );
}

class Reporter {
  #level: LogLevel | undefined;
  readonly #said = new Set<string>();
  #minute = 0;
  #lines = 0;

  /**
   * Sets the level from `OTEL_LOG_LEVEL` in `env` (a Worker's bindings) or `process.env`. Read
   * from a given `env`, its absence settles the default too, so a later report does not look in
   * `process.env` (which costs a fresh workerd isolate about 3 ms of CPU to make).
   */
  configure(env: EnvSource | undefined): void {
    const level = readEnv(env).oneOf('OTEL_LOG_LEVEL', LOG_LEVELS);
    if (level !== undefined) this.#level = level;
    else if (env !== undefined) this.#level ??= 'warn';
  }

  get level(): LogLevel {
    if (this.#level === undefined) {
      this.#level = 'warn';
      this.configure(undefined);
    }
    return this.#level;
  }

  report(level: ReportLevel, message: string, detail: unknown, repeat: boolean): void {
    if (rank(level) > rank(this.level)) return;
    if (!repeat) {
      if (this.#said.has(message)) return;
      if (this.#said.size >= REMEMBERED) this.#said.delete(this.#said.values().next().value as string);
      this.#said.add(message);
    }
    if (userLoggerInstalled()) {
      if (detail === undefined) diag[level](message);
      else diag[level](message, detail);
      return;
    }
    const minute = Math.floor(Date.now() / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#lines = 0;
    }
    if (++this.#lines > LINES_PER_MINUTE) return;
    const line = level === 'debug' ? console.debug : level === 'info' ? console.info : console[level];
    if (detail === undefined) line(message);
    else line(message, detail);
  }

  /** Forgets what was said (tests). */
  reset(): void {
    this.#said.clear();
    this.#level = undefined;
    this.#lines = 0;
  }
}

const reporter = new Reporter();

/**
 * Reports one of edgetrace's own problems (see the header): `message` says what is wrong and
 * what to do. Said once unless `repeat` (a periodic summary such as dropped-span counts).
 */
export function report(level: ReportLevel, message: string, detail?: unknown, repeat = false): void {
  try {
    reporter.report(
      level,
      message.startsWith('edgetrace') ? message : `edgetrace: ${message}`,
      detail,
      repeat,
    );
  } catch {
    // Reporting must not fail the caller: a console that throws is not our exception to raise.
  }
}

/**
 * Calls code that is not ours to trust — a user's hook, a processor, a propagator, a protocol
 * adapter — and returns what it returns; a throw is reported as `message` (at `level`) and
 * swallowed, and `fallback` is returned instead. Telemetry never throws into the request.
 */
export function guarded<T>(message: string, call: () => T, fallback: T, level: ReportLevel = 'error'): T {
  try {
    return call();
  } catch (error) {
    report(level, message, error);
    return fallback;
  }
}

/** Reads `OTEL_LOG_LEVEL` from `env` (a Worker's bindings) as well as `process.env`. */
export function configureReporting(env: EnvSource | undefined): void {
  reporter.configure(env);
}

/** Forgets which messages were said and the level read (for tests). */
export function resetReporting(): void {
  reporter.reset();
}

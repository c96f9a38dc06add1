// Reading `OTEL_*` configuration from any record: a Worker's `env` bindings or `process.env`.
// As the OpenTelemetry spec asks, an invalid value gives one warning and the default. An
// environment we may not read (Deno without `--allow-env` throws `NotCapable`) is an unset one.
// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
import { report } from './report.js';
import { isWorkerd } from './runtime.js';

/**
 * Where `OTEL_*` variables are read from. A number or boolean (a Worker's JSON `vars`) is read as
 * its text; any other value that is not text is passed over, and a JSON object or array with a
 * warning, since it looks meant for us.
 */
export type EnvSource = Readonly<Record<string, unknown>>;

/**
 * A variable's text: a string, or a number or boolean written in a Worker's `vars` as JSON
 * (`"OTEL_SDK_DISABLED": true`), as its text. Anything else is not a variable of ours: a binding
 * of the same name (a KV namespace, say) is passed over quietly, a JSON object or array with a word.
 */
function textOf(name: string, value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return String(value);
  if (
    Array.isArray(value) ||
    (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
  ) {
    report(
      'warn',
      `edgetrace: ${name} is a JSON ${Array.isArray(value) ? 'array' : 'object'} in the Worker's vars; OTEL_* variables are text (a list is written "key=value,key2=value2"); ignored`,
    );
  }
  return undefined;
}

/** `process.env` where the runtime has one (Node, Bun, Deno, workerd with nodejs_compat). */
export function processEnv(): EnvSource {
  try {
    const env = (globalThis as { process?: { env?: unknown } }).process?.env;
    return env !== null && typeof env === 'object' ? (env as EnvSource) : {};
  } catch {
    return {}; // an environment we may not read
  }
}

/**
 * Reads `env` (a Worker's bindings), then `process.env`. In workerd `process.env` holds the same
 * bindings (`nodejs_compat`), and its first use costs about 3 ms of CPU, so it is read there only
 * where no `env` is given: at module scope, before any request.
 */
export function readEnv(env: EnvSource | undefined): EnvReader {
  return createEnvReader(env, env !== undefined && isWorkerd() ? undefined : processEnv());
}

/** Reads variables from `sources` in order: the first that defines a name wins. */
export function createEnvReader(...sources: readonly (EnvSource | undefined)[]): EnvReader {
  const present = sources.filter((s): s is EnvSource => s !== undefined && s !== null);
  return {
    string(name: string): string | undefined {
      for (const source of present) {
        let value: unknown;
        try {
          value = source[name];
        } catch {
          continue; // not ours to read: as if unset
        }
        const text = textOf(name, value);
        if (text === undefined) continue;
        const trimmed = text.trim();
        if (trimmed !== '') return trimmed;
      }
      return undefined;
    },
    number(name: string, check: NumberCheck = {}): number | undefined {
      const text = this.string(name);
      if (text === undefined) return undefined;
      const value = Number(text);
      const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = check;
      if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
        const range = `${integer ? 'an integer' : 'a number'}${min > Number.NEGATIVE_INFINITY ? ` ≥ ${min}` : ''}${max < Number.POSITIVE_INFINITY ? ` ≤ ${max}` : ''}`;
        report('warn', `${name}="${text}" is not ${range}; using the default`);
        return undefined;
      }
      return value;
    },
    boolean(name: string): boolean | undefined {
      const text = this.string(name);
      if (text === undefined) return undefined;
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      report('warn', `${name}="${text}" is not true or false; using the default`);
      return undefined;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
      const text = this.string(name);
      if (text === undefined) return undefined;
      const lower = text.toLowerCase();
      if ((allowed as readonly string[]).includes(lower)) return lower as T;
      report('warn', `${name}="${text}" is not one of ${allowed.join(', ')}; using the default`);
      return undefined;
    },
    list(name: string): string[] | undefined {
      const text = this.string(name);
      if (text === undefined) return undefined;
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },
  };
}

export interface NumberCheck {
  min?: number;
  max?: number;
  integer?: boolean;
}

export interface EnvReader {
  /** A trimmed, non-empty value, or `undefined`. */
  string(name: string): string | undefined;
  number(name: string, check?: NumberCheck): number | undefined;
  boolean(name: string): boolean | undefined;
  /** A case-insensitive choice, returned lower-case. */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined;
  /** A comma-separated list, trimmed, empty items removed. */
  list(name: string): string[] | undefined;
}

/**
 * Parses the `key=value,key2=value2` format of `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS`: keys and values trimmed and percent-decoded. Returns `null` when
 * the text is malformed — the spec asks to discard the whole value then.
 */
export function parseKeyValueList(text: string): Record<string, string> | null {
  const result: Record<string, string> = Object.create(null);
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(item.slice(0, eq).trim());
      value = decodeURIComponent(item.slice(eq + 1).trim());
    } catch {
      return null;
    }
    if (key === '') return null;
    result[key] = value;
  }
  return result;
}

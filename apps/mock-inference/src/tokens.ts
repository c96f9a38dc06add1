// What the mock "generates": words of a fixed text, one per token, and the timing and faults a
// request asks for through `x-mock-*` headers.

const WORDS =
  'The quick brown fox jumps over the lazy dog while the GPU hums along and the edge waits patiently'.split(
    ' ',
  );

/** The `n`th generated token (a word, with its leading space). */
export const token = (n: number): string => `${n === 0 ? '' : ' '}${WORDS[n % WORDS.length]}`;

/** How one request is served: delays, length and an optional fault. */
export interface Plan {
  queueMs: number;
  prefillMs: number;
  tokenMs: number;
  tokens: number;
  fault: Fault | undefined;
}

export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'abort'; after: number }
  | { kind: 'malformed'; after: number };

export interface PlanDefaults {
  /** Time spent waiting for a GPU slot. @default 5 */
  queueMs?: number;
  /** Time to process the prompt before the first token. @default 30 */
  prefillMs?: number;
  /** Time between tokens. @default 15 */
  tokenMs?: number;
  /** Tokens generated when the request gives no limit. @default 16 */
  tokens?: number;
}

const MAX_TOKENS = 512;

/** Reads `x-mock-fault: status=503 | abort=5 | malformed=3`; `undefined` when absent or unreadable. */
export function parseFault(value: string | undefined): Fault | undefined {
  const match = /^\s*(status|abort|malformed)\s*=\s*(\d+)\s*$/.exec(value ?? '');
  if (match === null) return undefined;
  const n = Number(match[2]);
  if (match[1] === 'status') return n >= 400 && n <= 599 ? { kind: 'status', status: n } : undefined;
  return { kind: match[1] as 'abort' | 'malformed', after: n };
}

function headerNumber(headers: Headers, name: string, fallback: number): number {
  const value = Number(headers.get(name) ?? Number.NaN);
  return Number.isFinite(value) && value >= 0 ? Math.min(value, 60_000) : fallback;
}

/** The plan for a request, from its headers, its `max_tokens` and the server's defaults. */
export function planFor(headers: Headers, maxTokens: unknown, defaults: PlanDefaults): Plan {
  const limit =
    typeof maxTokens === 'number' && maxTokens > 0 ? Math.floor(maxTokens) : (defaults.tokens ?? 16);
  return {
    queueMs: headerNumber(headers, 'x-mock-queue-ms', defaults.queueMs ?? 5),
    prefillMs: headerNumber(headers, 'x-mock-prefill-ms', defaults.prefillMs ?? 30),
    tokenMs: headerNumber(headers, 'x-mock-token-ms', defaults.tokenMs ?? 15),
    tokens: Math.min(limit, MAX_TOKENS),
    fault: parseFault(headers.get('x-mock-fault') ?? undefined),
  };
}

// The one error edgetrace throws: invalid configuration, at setup time.

/** Invalid configuration passed in code. The message says what is wrong and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'EdgetraceConfigError';

  constructor(message: string) {
    super(`edgetrace: ${message}`);
  }
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive, for "did you mean". */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = row;
  }
  return previous[y.length] as number;
}

/**
 * The known name `key` most likely meant: a close spelling, or one that contains it or is
 * contained in it (`url` for `endpoint` is a synonym, given in `synonyms`).
 */
function closest(
  key: string,
  names: ReadonlySet<string>,
  synonyms: Readonly<Record<string, string>>,
): string | undefined {
  const synonym = synonyms[key];
  if (synonym !== undefined && names.has(synonym)) return synonym;
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const name of names) {
    const d = distance(key, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Checks that `options` is an object with known keys; `who` names the function in messages,
 * which suggest the option a misspelt or foreign key most likely meant (`synonyms` maps names
 * other libraries use to ours, such as `url` → `endpoint`).
 */
export function checkOptionNames(
  options: unknown,
  names: ReadonlySet<string>,
  who: string,
  synonyms: Readonly<Record<string, string>> = {},
): void {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`${who} expects an options object`);
  }
  for (const key of Object.keys(options)) {
    if (names.has(key)) continue;
    const meant = closest(key, names, synonyms);
    const hint = meant === undefined ? '' : `did you mean "${meant}"? `;
    throw new ConfigError(`${who}: unknown option "${key}"; ${hint}the options are ${[...names].join(', ')}`);
  }
}

/**
 * An entry point's options, each named once: the compiler checks that the table names every
 * option of `T` and nothing else, and the unknown-option check and the picking of options to
 * pass on both derive from it — no hand-kept list of names beside an interface.
 */
export type OptionTable<T> = { readonly [K in keyof Required<T>]: true };

/** The option names of a table. */
export function optionNames<T>(table: OptionTable<T>): ReadonlySet<keyof T & string> {
  return new Set(Object.keys(table)) as Set<keyof T & string>;
}

/** The options named in `names` that are set in `options`, to pass on to another entry point. */
export function pickOptions<T extends object, K extends keyof T>(options: T, names: Iterable<K>): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const name of names) if (options[name] !== undefined) picked[name] = options[name];
  return picked;
}

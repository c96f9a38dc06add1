// The one error edgetrace throws: invalid configuration, at setup time.

/** Invalid configuration passed in code. The message says what is wrong and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'EdgetraceConfigError';

  constructor(message: string) {
    super(`edgetrace: ${message}`);
  }
}

/** Checks that `options` is an object with known keys; `who` names the function in messages. */
export function checkOptionNames(options: unknown, names: ReadonlySet<string>, who: string): void {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError(`${who} expects an options object`);
  }
  for (const key of Object.keys(options)) {
    if (!names.has(key)) {
      throw new ConfigError(`${who}: unknown option "${key}"; the options are ${[...names].join(', ')}`);
    }
  }
}

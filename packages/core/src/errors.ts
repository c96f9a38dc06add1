// The one error edgetrace throws: invalid configuration, at setup time.

/** Invalid configuration passed in code. The message says what is wrong and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'EdgetraceConfigError';

  constructor(message: string) {
    super(`edgetrace: ${message}`);
  }
}

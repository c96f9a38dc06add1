// The Workers the cold-start and one-request-at-a-time benchmarks compare, by their variant
// module (src/variants): bare Hono, edgetrace as its README starts, and the official route with
// its hand-made exporter and with its own OTLP/HTTP exporter.

export interface NamedVariant {
  name: string;
  /** The variant's module, relative to src/variants, without its extension. */
  file: string;
}

export const BARE: NamedVariant = { name: 'bare Hono', file: 'bare' };
export const README_SETUP: NamedVariant = {
  name: 'edgetrace (the README setup: exporter made from env)',
  file: 'edgetrace-env',
};
export const OFFICIAL: NamedVariant = { name: 'OpenTelemetry SDK 3.x + @hono/otel', file: 'official' };
export const OFFICIAL_OTLP: NamedVariant = {
  name: 'the same with the official OTLP/HTTP exporter',
  file: 'official-otlp',
};

/** Bare Hono first: growths are taken over it. */
export const PEERS: readonly NamedVariant[] = [BARE, README_SETUP, OFFICIAL, OFFICIAL_OTLP];

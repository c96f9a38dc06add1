// A benchmark Worker in workerd: one ES module script in Miniflare, at the tests' compatibility
// date, with `nodejs_compat` unless other flags are given, and no telemetry sent anywhere.
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { COMPATIBILITY_DATE } from '../../vitest.config.ts';

export interface WorkerOptions {
  bindings?: Record<string, string>;
  /** @default ['nodejs_compat'] */
  compatibilityFlags?: string[];
  /** Opens workerd's inspector (the Chrome DevTools protocol) on this port. */
  inspectorPort?: number;
}

/** Starts `script` in a fresh workerd; `ready` gives the URL it answers on. */
export function startWorker(script: string, options: WorkerOptions = {}): Miniflare {
  return new Miniflare(
    convertV4MiniflareOptions({
      telemetry: { enabled: false },
      modules: true,
      script,
      compatibilityDate: COMPATIBILITY_DATE,
      compatibilityFlags: options.compatibilityFlags ?? ['nodejs_compat'],
      ...(options.bindings === undefined ? {} : { bindings: options.bindings }),
      ...(options.inspectorPort === undefined ? {} : { inspectorPort: options.inspectorPort }),
    }),
  );
}

// Runs a Worker module in a real workerd through Miniflare, bundled from TypeScript source with
// esbuild — for code that must run under flags the vitest pool cannot give its own runner
// (it always enables Node compatibility), such as a Worker without `nodejs_compat`.
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';
import { afterAll, beforeAll } from 'vitest';
import { COMPATIBILITY_DATE } from '../../vitest.config.js';

export interface WorkerdOptions {
  /** Path of the Worker's entry module (TypeScript is fine). */
  entry: string;
  /** Compatibility flags, such as `nodejs_compat`. */
  compatibilityFlags?: string[];
  /** @default the repository's COMPATIBILITY_DATE */
  compatibilityDate?: string;
  /** Text bindings, or JSON values as a Worker's `vars` may hold them. */
  bindings?: Record<string, string | number | boolean | Record<string, unknown> | unknown[]>;
  /** The Worker's name, for service bindings and `worker()`. @default none (a single Worker) */
  name?: string;
  /** More of Miniflare's per-Worker options: `serviceBindings`, `queueProducers`, `queueConsumers`. */
  miniflare?: Record<string, unknown>;
}

/** A workerd configuration a Worker runs under, for tests that cover both. */
export interface WorkerdRuntime {
  readonly name: string;
  readonly compatibilityFlags: string[];
  readonly compatibilityDate?: string;
  /** Whether `AsyncLocalStorage` exists there. */
  readonly asyncContext: boolean;
}

// Node compatibility is on by default from compatibility date 2026-08-04, so the Worker without
// it uses the day before and no flags: no `process`, no `AsyncLocalStorage`.
export const WORKERD_RUNTIMES: readonly WorkerdRuntime[] = [
  { name: 'nodejs_compat', compatibilityFlags: ['nodejs_compat'], asyncContext: true },
  {
    name: 'no Node compatibility',
    compatibilityFlags: [],
    compatibilityDate: '2026-08-03',
    asyncContext: false,
  },
  // `nodejs_als` alone: `node:async_hooks` through a dynamic import, and no `process`.
  {
    name: 'nodejs_als',
    compatibilityFlags: ['nodejs_als'],
    compatibilityDate: '2026-08-03',
    asyncContext: true,
  },
];

export interface RunningWorker {
  fetch(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

/**
 * A Worker started before the tests of the enclosing suite and disposed of after them. `options`
 * is read when it starts, so it can name servers the suite starts first.
 */
export function useWorker(options: () => WorkerdOptions): RunningWorker {
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker(options());
  }, 60_000);
  afterAll(async () => {
    await worker?.dispose();
  });
  return {
    fetch(path, init) {
      if (worker === undefined) throw new Error('the Worker has not started');
      return worker.fetch(path, init);
    },
    dispose: async () => worker?.dispose(),
  };
}

/** Bundles a Worker's entry for workerd, as wrangler would. */
async function bundleWorker(options: WorkerdOptions): Promise<string> {
  const nodeCompat = options.compatibilityFlags?.includes('nodejs_compat') === true;
  const bundle = await build({
    entryPoints: [options.entry],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import'],
    // As wrangler does: with Node compatibility, workerd provides Node's modules (an SDK's
    // Node-only paths import them, unused in a Worker), to CommonJS dependencies as well.
    // workerd's own modules (`cloudflare:workers`) are the runtime's, with or without it.
    external: [
      'cloudflare:*',
      ...(nodeCompat ? [...builtinModules, ...builtinModules.map((name) => `node:${name}`)] : []),
    ],
    ...(nodeCompat
      ? { banner: { js: "import { createRequire } from 'node:module'; const require = createRequire('/');" } }
      : {}),
  });
  return bundle.outputFiles[0]?.text ?? '';
}

/** Workers running together in one workerd; `fetch` goes to the first. */
export interface RunningWorkers extends RunningWorker {
  /** A Worker's own Fetcher: `.scheduled()`, `.queue()` and `.fetch()` through the runtime's test paths. */
  worker(name: string): Promise<WorkerFetcher>;
}

/** The parts of workerd's Fetcher the tests use. */
export interface WorkerFetcher {
  scheduled(options?: {
    cron?: string;
    scheduledTime?: Date;
  }): Promise<{ outcome: string; noRetry: boolean }>;
}

export async function startWorkers(list: readonly WorkerdOptions[]): Promise<RunningWorkers> {
  const workers = await Promise.all(
    list.map(async (options) => ({
      ...(options.name === undefined ? {} : { name: options.name }),
      modules: true,
      script: await bundleWorker(options),
      compatibilityDate: options.compatibilityDate ?? COMPATIBILITY_DATE,
      compatibilityFlags: options.compatibilityFlags ?? [],
      bindings: options.bindings ?? {},
      ...options.miniflare,
    })),
  );
  const mf = new Miniflare(convertV4MiniflareOptions({ telemetry: { enabled: false }, workers } as never));
  const url = await mf.ready;
  return {
    async fetch(path: string, init?: RequestInit): Promise<Response> {
      const response = await mf.dispatchFetch(new URL(path, url).toString(), init as never);
      return response as unknown as Response;
    },
    worker: async (name) => (await mf.getWorker(name)) as unknown as WorkerFetcher,
    dispose: () => mf.dispose(),
  };
}

export async function startWorker(options: WorkerdOptions): Promise<RunningWorker> {
  return startWorkers([options]);
}

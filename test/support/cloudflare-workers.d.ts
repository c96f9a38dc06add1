// The one export of workerd's `cloudflare:workers` module the fixtures use: the Worker's env,
// importable at module scope (env-at-load-worker.ts).
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}

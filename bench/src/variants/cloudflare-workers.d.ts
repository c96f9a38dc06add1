// The one export of workerd's `cloudflare:workers` module a variant uses: the Worker's env,
// importable at module scope (edgetrace-at-load.ts).
declare module 'cloudflare:workers' {
  export const env: Record<string, unknown>;
}

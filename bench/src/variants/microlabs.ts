// @microlabs/otel-cf-workers: it wraps the whole Worker handler and the global fetch, and exports
// OTLP/HTTP JSON with the (stubbed) global fetch. Workers only.
import './stub-fetch.js';
import { instrument } from '@microlabs/otel-cf-workers';
import { createApp } from './app.js';

const app = createApp((input, init) => fetch(input, init));
export default instrument({ fetch: app.fetch } as never, {
  exporter: { url: 'http://collector.stub/v1/traces' },
  service: { name: 'bench' },
}) as { fetch(request: Request, env: unknown, ctx: unknown): Promise<Response> };

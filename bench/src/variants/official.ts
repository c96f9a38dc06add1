// The official route (official-setup.ts) with the least exporter: it encodes with the official
// JSON serializer and posts through the stub fetch, as ours does, with no configuration read,
// retry, timeout or answer handling.

import type { ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { officialWorker } from './official-setup.js';
import { stubFetch } from './stub-fetch.js';

const exporter: SpanExporter = {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JsonTraceSerializer.serializeRequest(spans);
    stubFetch('http://collector.stub/v1/traces', { method: 'POST', body: body as Uint8Array<ArrayBuffer> })
      .then((response) => response.text())
      .then(
        () => done({ code: 0 }),
        () => done({ code: 1 }),
      );
  },
  shutdown: async () => undefined,
};
export default officialWorker(exporter);

// Starting the mock on Node with its own traces: a provider whose spans go to an OTLP endpoint
// (the viewer), each trace exported as soon as it ends.

import type { AddressInfo } from 'node:net';
import { createTracerProvider, type EdgeTracerProvider } from '@edgetrace/core';
import { createOtlpExporter } from '@edgetrace/otlp';
import { serve } from '@hono/node-server';
import { createMockInference, type MockInferenceOptions } from './app.js';

export interface MockServerOptions extends Omit<MockInferenceOptions, 'provider'> {
  /** @default 8000; 0 picks a free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The OTLP/HTTP traces URL for the mock's own spans. @default not traced */
  otlpEndpoint?: string;
  /** @default 'mock-gpu' */
  serviceName?: string;
}

export interface MockServer {
  readonly url: string;
  readonly provider: EdgeTracerProvider | undefined;
  close(): Promise<void>;
}

export async function startMockInference(options: MockServerOptions = {}): Promise<MockServer> {
  const { port = 8000, host = '127.0.0.1', otlpEndpoint, serviceName = 'mock-gpu', ...plan } = options;
  const provider =
    otlpEndpoint === undefined
      ? undefined
      : createTracerProvider({
          serviceName,
          exporter: createOtlpExporter({ endpoint: otlpEndpoint }),
          asyncLocalStorage: false,
        });
  const app = createMockInference({ ...plan, ...(provider === undefined ? {} : { provider }) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(started));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    provider,
    close: () =>
      new Promise<void>((resolve) => {
        void provider?.forceFlush();
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

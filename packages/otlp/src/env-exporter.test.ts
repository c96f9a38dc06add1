import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { resetReporting } from '@edgetrace/core/internal';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exporterFromEnv } from './env-exporter.js';
import { createOtlpExporter } from './otlp-exporter.js';

afterEach(() => {
  vi.restoreAllMocks();
  resetReporting();
});

async function spans(): Promise<SpanData[]> {
  const memory = createMemoryExporter();
  const provider = createTracerProvider({ exporter: memory, asyncLocalStorage: false });
  provider.getTracer('t').startSpan('one').end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

describe('exporterFromEnv (OTEL_TRACES_EXPORTER)', () => {
  it('otlp by default, console, none, and several at once', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(req.url ?? '');
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await exporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: base })?.export(await spans());
      expect(received).toEqual(['/v1/traces']);
      expect(exporterFromEnv({ OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
      await exporterFromEnv({ OTEL_TRACES_EXPORTER: 'console' })?.export(await spans());
      expect(log.mock.calls[0]?.[0]).toMatch(/"one"/);
      const both = exporterFromEnv({
        OTEL_TRACES_EXPORTER: 'otlp, console',
        OTEL_EXPORTER_OTLP_ENDPOINT: base,
      });
      expect(await both?.export(await spans())).toEqual({ ok: true });
      expect(received).toHaveLength(2);
      expect(log).toHaveBeenCalledTimes(2);
    } finally {
      server.close();
    }
  });

  it('with several, every exporter gets every batch, the first failure is the result, and shutdown reaches each', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const both = exporterFromEnv({
        OTEL_TRACES_EXPORTER: 'console,otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: base,
      });
      const failed = await both?.export(await spans());
      if (failed === undefined || failed.ok)
        throw new Error(`expected a failure, got ${JSON.stringify(failed)}`);
      expect(failed.error).toMatch(/400/);
      expect(log).toHaveBeenCalledTimes(1); // the console exporter wrote its batch all the same
      await both?.forceFlush?.();
      await both?.shutdown?.();
      expect(await both?.export(await spans())).toEqual({ ok: false, error: 'exporter is shut down' });
    } finally {
      server.close();
    }
  });

  it('says which value it cannot honour, and what to use', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(exporterFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toBeUndefined();
    expect(warn.mock.calls[0]?.[0]).toMatch(/OTEL_TRACES_EXPORTER names "zipkin".*use otlp, console, none/);
  });
});

describe('createOtlpExporter options', () => {
  it('rejects unknown options, naming the one meant', () => {
    expect(() => createOtlpExporter({ url: 'http://x:4318/v1/traces' } as never)).toThrow(
      /unknown option "url"; did you mean "endpoint"\?/,
    );
    expect(() => createOtlpExporter({ headres: {} } as never)).toThrow(/did you mean "headers"\?/);
    expect(() => createOtlpExporter({ timeoutMillis: 5 } as never)).toThrow(/did you mean "timeoutMs"\?/);
    expect(() => createOtlpExporter({ zzz: 1 } as never)).toThrow(ConfigError);
  });

  it('says once, on the console, that nothing is exported without an endpoint, and how to fix it', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    createOtlpExporter({ env: {} });
    createOtlpExporter({ env: {} });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/no OTLP endpoint configured.*OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});

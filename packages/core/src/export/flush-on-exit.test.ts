// Flushing on the way out: SIGTERM/SIGINT shut providers down within a deadline and re-raise the
// signal when no one else handles it; beforeExit flushes. Run against a stand-in process.
import { EventEmitter } from 'node:events';
import { DiagLogLevel, diag } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetReporting } from '../config/report.js';
import { createMemoryExporter } from '../trace/memory-exporter.js';
import { createTracerProvider, type EdgeTracerProvider } from '../trace/provider.js';
import { createBatchProcessor } from './batch-processor.js';
import { flushOnExit } from './flush-on-exit.js';

/** A process that records the signals it is asked to raise instead of raising them. */
class StandInProcess extends EventEmitter {
  readonly pid = 4242;
  readonly killed: Array<[number, string]> = [];
  readonly versions = process.versions;
  kill(pid: number, signal: string): boolean {
    this.killed.push([pid, signal]);
    return true;
  }
}

const stops: Array<() => void> = [];

/** A stand-in process as the global one, and `flushOnExit` for `provider`, undone after the test. */
function install(provider: EdgeTracerProvider, options = {}): StandInProcess {
  const proc = new StandInProcess();
  vi.stubGlobal('process', proc);
  stops.push(flushOnExit(provider, options));
  vi.unstubAllGlobals();
  return proc;
}

/** A provider whose batch processor holds one ended span for a minute, as a server's would. */
function providerWithSpan() {
  const exporter = createMemoryExporter();
  const processor = createBatchProcessor({ exporter, scheduledDelayMs: 60_000 });
  const provider = createTracerProvider({ processors: [processor], asyncLocalStorage: false });
  const later = provider.getTracer('t').startSpan('later');
  provider.getTracer('t').startSpan('held').end();
  expect(exporter.getFinishedSpans()).toEqual([]);
  return { provider, exporter, later };
}

/** Lets the shutdown promises settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  diag.disable();
  resetReporting();
});

describe('flushOnExit', () => {
  it('does nothing where there is no process to listen to', () => {
    vi.stubGlobal('process', undefined);
    const stop = flushOnExit(createTracerProvider({ asyncLocalStorage: false }));
    vi.unstubAllGlobals();
    expect(() => stop()).not.toThrow();
  });

  it('on SIGTERM shuts the provider down, then raises the signal again for the process to end', async () => {
    const { provider, exporter } = providerWithSpan();
    const proc = install(provider);
    proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['held']);
    expect(proc.killed).toEqual([[4242, 'SIGTERM']]);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });

  it('leaves the ending to another listener of the signal (a server’s graceful shutdown)', async () => {
    const { provider, exporter } = providerWithSpan();
    const proc = install(provider);
    proc.on('SIGINT', () => {});
    proc.emit('SIGINT', 'SIGINT');
    await settle();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect(proc.killed).toEqual([]);
  });

  it('goes on ending after the deadline when the export hangs', async () => {
    vi.useFakeTimers();
    const hanging = {
      shutdown: () => new Promise<void>(() => {}),
      forceFlush: async () => {},
    } as unknown as EdgeTracerProvider;
    const proc = install(hanging, { timeoutMs: 2_000 });
    proc.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(proc.killed).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(proc.killed).toEqual([[4242, 'SIGTERM']]);
  });

  it('listens once per signal for any number of providers, and shuts each down', async () => {
    const first = providerWithSpan();
    const second = providerWithSpan();
    const proc = install(first.provider);
    vi.stubGlobal('process', proc);
    stops.push(flushOnExit(second.provider));
    vi.unstubAllGlobals();
    expect(proc.listenerCount('SIGTERM')).toBe(1);
    proc.emit('SIGTERM', 'SIGTERM');
    await settle();
    expect(first.exporter.getFinishedSpans()).toHaveLength(1);
    expect(second.exporter.getFinishedSpans()).toHaveLength(1);
    expect(proc.killed).toHaveLength(1);
  });

  it('listens to the signals asked for only', () => {
    const proc = install(providerWithSpan().provider, { signals: ['SIGUSR2'] });
    expect(proc.listenerCount('SIGUSR2')).toBe(1);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('beforeExit')).toBe(1);
  });

  it('flushes on beforeExit without shutting down or raising anything', async () => {
    const { provider, exporter, later } = providerWithSpan();
    const proc = install(provider);
    proc.emit('beforeExit');
    await settle();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    // Still running: a span ended later is still exported.
    later.end();
    await provider.forceFlush();
    expect(exporter.getFinishedSpans()).toHaveLength(2);
    expect(proc.killed).toEqual([]);
  });

  it('stops listening once the last provider is let go', () => {
    const a = providerWithSpan().provider;
    const b = providerWithSpan().provider;
    const proc = new StandInProcess();
    vi.stubGlobal('process', proc);
    const stopA = flushOnExit(a);
    const stopB = flushOnExit(b);
    vi.unstubAllGlobals();
    stopA();
    expect(proc.listenerCount('SIGTERM')).toBe(1);
    stopB();
    expect(proc.listenerCount('SIGTERM')).toBe(0);
    expect(proc.listenerCount('beforeExit')).toBe(0);
  });

  it('says what to do when the process refuses listeners', () => {
    const warnings: string[] = [];
    diag.setLogger(
      { warn: (m) => warnings.push(m), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    const proc = new StandInProcess();
    proc.on = () => {
      throw new Error('signals are not supported');
    };
    vi.stubGlobal('process', proc);
    stops.push(flushOnExit(providerWithSpan().provider));
    vi.unstubAllGlobals();
    expect(warnings).toEqual([
      'edgetrace: could not listen for process signals; call provider.shutdown() before the process exits',
    ]);
  });
});

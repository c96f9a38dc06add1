// The memory exporter: keeps exported spans in order, forgets on reset, refuses after shutdown.
import { describe, expect, it } from 'vitest';
import { createMemoryExporter } from './memory-exporter.js';
import type { SpanData } from './types.js';

const span = (name: string): SpanData => ({ name }) as SpanData;

describe('createMemoryExporter', () => {
  it('keeps every exported span, in export order, and reports success', async () => {
    const exporter = createMemoryExporter();
    expect(await exporter.export([span('a'), span('b')])).toEqual({ ok: true });
    await exporter.export([span('c')]);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['a', 'b', 'c']);
  });

  it('hands out a copy: changing it changes nothing kept', async () => {
    const exporter = createMemoryExporter();
    await exporter.export([span('a')]);
    exporter.getFinishedSpans().push(span('added'));
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });

  it('forgets what it kept on reset, and keeps exporting after', async () => {
    const exporter = createMemoryExporter();
    await exporter.export([span('a')]);
    exporter.reset();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await exporter.export([span('b')]);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['b']);
  });

  it('refuses spans after shutdown with a failed result, never a rejection', async () => {
    const exporter = createMemoryExporter();
    await exporter.export([span('before')]);
    await exporter.shutdown?.();
    expect(await exporter.export([span('after')])).toEqual({ ok: false, error: 'exporter is shut down' });
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['before']);
  });
});

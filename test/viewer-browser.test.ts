// The viewer's page in headless Chromium (Debian's, driven by playwright-core), on traces built
// with our packages and exported over OTLP: each way a span can end looks and reads different,
// clock skew is marked, a hostile attribute value stays text, filters and deep links survive a
// reload, the list updates from the server's event stream without polling, and the keyboard
// alone reaches a span's details.

import { createMemoryExporter, createTracerProvider, type SpanData } from '@edgetrace/core';
import { BODY_UNOBSERVED, RESPONSE_CANCELLED } from '@edgetrace/core/internal';
import { CHUNKS, INCOMPLETE, MAX_CHUNK_GAP, MEAN_CHUNK_GAP, TOKENS_PER_SECOND } from '@edgetrace/inference';
import { createOtlpExporter } from '@edgetrace/otlp';
import {
  type Attributes,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../apps/viewer/src/server.js';

const HOSTILE = '<img src=x onerror="document.title=\'pwned\'">';
let viewer: Viewer;
let browser: Browser;

interface Built {
  traceId: string;
  spans: SpanData[];
}

/** One trace: an edge SERVER span over a generation CLIENT span, optionally a GPU server span under it. */
async function generationTrace(options: {
  model: string;
  attributes?: Attributes;
  end?: (generation: Span) => void;
  gpuStartsEarlyMs?: number;
  name?: string;
}): Promise<Built> {
  const edge = createMemoryExporter();
  const gpu = createMemoryExporter();
  const edgeTracer = createTracerProvider({
    serviceName: 'edge-api',
    exporter: edge,
    asyncLocalStorage: false,
  }).getTracer('t');
  const gpuTracer = createTracerProvider({
    serviceName: 'gpu-server',
    exporter: gpu,
    asyncLocalStorage: false,
  }).getTracer('t');
  const t0 = Date.now() - 1000;
  const root = edgeTracer.startSpan(options.name ?? 'POST /v1/chat/completions', {
    kind: SpanKind.SERVER,
    startTime: t0,
  });
  const generation = edgeTracer.startSpan(
    `chat ${options.model}`,
    {
      kind: SpanKind.CLIENT,
      startTime: t0 + 2,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': options.model,
        ...options.attributes,
      },
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  if (options.gpuStartsEarlyMs !== undefined) {
    const server = gpuTracer.startSpan(
      'POST /v1/chat/completions',
      { kind: SpanKind.SERVER, startTime: t0 + 2 - options.gpuStartsEarlyMs },
      trace.setSpan(ROOT_CONTEXT, generation),
    );
    const phase = (name: string, from: number, to: number) =>
      gpuTracer.startSpan(name, { startTime: t0 + from }, trace.setSpan(ROOT_CONTEXT, server)).end(t0 + to);
    phase('queue', 4, 10);
    phase('prefill', 10, 40);
    phase('decode', 40, 190);
    server.end(t0 + 192);
  }
  options.end?.(generation);
  generation.end(t0 + 200);
  root.end(t0 + 204);
  const spans = [...gpu.getFinishedSpans(), ...edge.getFinishedSpans()];
  await createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` }).export(spans);
  return { traceId: root.spanContext().traceId, spans };
}

const traces: Record<string, Built> = {};

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath)
    throw new Error(
      'Chromium is needed: install Debian chromium or set CHROMIUM_PATH (npm test does it as root)',
    );
  viewer = await startViewer({ port: 0, print: false });
  traces.streamed = await generationTrace({
    model: 'llama-3.1-8b',
    gpuStartsEarlyMs: 3,
    attributes: {
      'gen_ai.response.time_to_first_chunk': 0.04,
      'gen_ai.usage.input_tokens': 5,
      'gen_ai.usage.output_tokens': 12,
      [CHUNKS]: 12,
      [MEAN_CHUNK_GAP]: 0.0125,
      [MAX_CHUNK_GAP]: 0.03,
      [TOKENS_PER_SECOND]: 75,
      'user.note': HOSTILE,
    },
  });
  traces.failed = await generationTrace({
    model: 'qwen2.5-7b',
    end: (span) => {
      span.setAttribute('error.type', 'overloaded_error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the GPU is overloaded' });
    },
  });
  traces.cancelled = await generationTrace({
    model: 'llama-3.1-8b',
    attributes: { [RESPONSE_CANCELLED]: true, 'gen_ai.response.time_to_first_chunk': 0.05 },
  });
  traces.incomplete = await generationTrace({
    model: 'llama-3.1-8b',
    attributes: { [INCOMPLETE]: true, 'error.type': 'incomplete_stream' },
    end: (span) =>
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'the stream ended without its end marker' }),
  });
  traces.unobserved = await generationTrace({
    model: 'llama-3.1-8b',
    attributes: { [BODY_UNOBSERVED]: true },
  });
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
});

const idOf = (name: string): string => traces[name]?.traceId ?? '';
const spanIdOf = (name: string, spanName: string): string =>
  traces[name]?.spans.find((s) => s.name === spanName)?.spanContext().spanId ?? '';

async function openPage(hash = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${viewer.url}/${hash}`);
  return page;
}

describe('the viewer page in Chromium', () => {
  it('draws a generation with its first-chunk mark, chunk ticks, tokens and rate, and marks clock skew', async () => {
    const page = await openPage(`#/trace/${idOf('streamed')}`);
    const generation = page.locator(`.wf .row[data-span-id="${spanIdOf('streamed', 'chat llama-3.1-8b')}"]`);
    await expect.poll(() => generation.count()).toBe(1);
    // 40 ms of a 198 ms span: the mark sits at about 20 % of the bar.
    const mark = await generation.locator('.bar .ttfc').getAttribute('style');
    expect(Number(/left: ([\d.]+)%/.exec(mark ?? '')?.[1])).toBeCloseTo((40 / 198) * 100, 0);
    expect(await generation.locator('.bar .prefill').getAttribute('title')).toContain('40.0 ms');
    // 12.5 ms mean gap over 158 ms after the first chunk: about 13 ticks.
    expect(Number(await generation.locator('.bar .decode').getAttribute('data-ticks'))).toBe(13);
    expect(await generation.locator('.figs').textContent()).toContain(
      'ttfc 40.0 ms · in 5 out 12 tok · 75.0 tok/s',
    );
    expect(await generation.locator('[data-cadence]').getAttribute('title')).toBe(
      '12 chunks; gap between chunks: mean 12.5 ms, longest 30.0 ms',
    );
    const gpu = page.locator('.wf .row[data-skew]');
    expect(await gpu.count()).toBe(1);
    expect(await gpu.locator('.label').textContent()).toContain(
      'gpu-server · POST /v1/chat/completions⚠ skew 3.00 ms',
    );
    // Each service keeps its own colour.
    const colours = await page
      .locator('.wf .row')
      .evaluateAll((rows) =>
        rows.map((row) => [
          row.querySelector('.svc')?.textContent,
          (row as HTMLElement).style.getPropertyValue('--svc'),
        ]),
      );
    expect(new Set(colours.filter(([s]) => s === 'edge-api').map(([, c]) => c)).size).toBe(1);
    expect(colours.find(([s]) => s === 'edge-api')?.[1]).not.toBe(
      colours.find(([s]) => s === 'gpu-server')?.[1],
    );
    // The time axis has a scale.
    expect(await page.locator('.axis span').allTextContents()).toContain('0 ms');
    // Where the time went: network, then the GPU server's phases.
    expect(await page.locator('.breakdown .headline').textContent()).toBe(
      'Most of the time: decode on gpu-server — 150 ms of 204 ms (74 %)',
    );
    expect(await page.locator('.breakdown .segs').nth(1).textContent()).toBe(
      'network 5.00 ms · queue 6.00 ms · prefill 30.0 ms · decode 150 ms · other upstream 7.00 ms',
    );
    await page.close();
  }, 30_000);

  it('shows error, cancelled, incomplete and unobserved each differently, saying why', async () => {
    const page = await openPage();
    const expected: [string, string, string, string][] = [
      ['failed', 'error', '✕', 'error.type overloaded_error — the GPU is overloaded'],
      ['cancelled', 'cancelled', '⊘', 'cancelled the body'],
      ['incomplete', 'incomplete', '⋯', 'ended without its end marker'],
      ['unobserved', 'unobserved', '?', 'nobody read the body'],
    ];
    const looks = new Set<string>();
    for (const [name, kind, icon, why] of expected) {
      await page.goto(`${viewer.url}/#/trace/${idOf(name)}`);
      const spanName = name === 'failed' ? 'chat qwen2.5-7b' : 'chat llama-3.1-8b';
      const row = page.locator(`.wf .row[data-span-id="${spanIdOf(name, spanName)}"]`);
      await expect.poll(() => row.getAttribute('data-outcome')).toBe(kind);
      expect(await row.locator('.bar .end').textContent()).toBe(icon);
      expect(await row.locator('.tag').first().textContent()).toBe(kind);
      expect(await row.locator('.bar').getAttribute('title')).toContain(why);
      looks.add(
        await row.locator('.bar').evaluate((bar) => {
          const style = getComputedStyle(bar);
          return [style.backgroundImage, style.backgroundColor, style.outlineStyle].join('|');
        }),
      );
    }
    // The four looks differ from each other, not only by colour.
    expect([...looks]).toHaveLength(4);
    // The list says which trace failed and why.
    const failed = page.locator(`.trace[data-trace-id="${idOf('failed')}"]`);
    expect(await failed.locator('.why').textContent()).toBe(
      'edge-api · chat qwen2.5-7b: error.type overloaded_error — the GPU is overloaded',
    );
    await page.close();
  }, 30_000);

  it('shows span details grouped by namespace, with a raw toggle, and a hostile value as text', async () => {
    const spanId = spanIdOf('streamed', 'chat llama-3.1-8b');
    const page = await openPage(`#/trace/${idOf('streamed')}/span/${spanId}`);
    const details = page.locator('#details');
    await expect.poll(() => details.isVisible()).toBe(true);
    const headings = await details.locator('h3').allTextContents();
    expect(headings.slice(0, 4)).toEqual(['inference', 'gen_ai.*', 'edgetrace.*', 'user.*']);
    expect(headings).toContain('resource');
    const note = details.locator('table.attrs tr', { hasText: 'user.note' }).locator('td').last();
    expect(await note.textContent()).toBe(HOSTILE);
    expect(await details.locator('img').count()).toBe(0);
    expect(await page.title()).toBe('edgetrace viewer');
    expect(await details.locator('tr', { hasText: 'service.name' }).locator('td').last().textContent()).toBe(
      'edge-api',
    );
    const raw = details.locator('#raw');
    expect(await raw.isVisible()).toBe(false);
    await details.getByRole('button', { name: 'raw JSON' }).click();
    expect(await raw.isVisible()).toBe(true);
    expect(JSON.parse((await raw.textContent()) ?? '{}').attributes['gen_ai.usage.output_tokens']).toBe(12);
    // The deep link to the span survives a reload.
    await page.reload();
    await expect
      .poll(() => page.locator('#details h2').textContent())
      .toContain('edge-api · chat llama-3.1-8b');
    expect(await page.locator(`.wf .row[aria-selected="true"]`).getAttribute('data-span-id')).toBe(spanId);
    await page.close();
  }, 30_000);

  it('filters by status, model, service, duration and trace id, in a link that survives a reload', async () => {
    const page = await openPage();
    const listed = () =>
      page
        .locator('#traces .trace')
        .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.traceId));
    await expect.poll(async () => (await listed()).length).toBe(5);
    await page.locator('select[name="status"]').selectOption('error');
    await expect
      .poll(async () => (await listed()).sort())
      .toEqual([idOf('failed'), idOf('incomplete')].sort());
    expect(page.url()).toContain('status=error');
    await page.reload();
    await expect
      .poll(async () => (await listed()).sort())
      .toEqual([idOf('failed'), idOf('incomplete')].sort());
    expect(await page.locator('select[name="status"]').inputValue()).toBe('error');
    await page.locator('select[name="status"]').selectOption('cancelled');
    await expect.poll(listed).toEqual([idOf('cancelled')]);
    await page.locator('select[name="status"]').selectOption('');
    await page.locator('select[name="model"]').selectOption('qwen2.5-7b');
    await expect.poll(listed).toEqual([idOf('failed')]);
    await page.locator('select[name="model"]').selectOption('');
    await page.locator('select[name="service"]').selectOption('gpu-server');
    await expect.poll(listed).toEqual([idOf('streamed')]);
    await page.locator('select[name="service"]').selectOption('');
    await page.locator('input[name="minMs"]').fill('500');
    await expect.poll(listed).toEqual([]);
    await page.locator('input[name="minMs"]').fill('');
    await page.keyboard.press('Escape');
    await page.keyboard.press('/');
    await page.keyboard.type(idOf('unobserved').slice(4, 14));
    await expect.poll(listed).toEqual([idOf('unobserved')]);
    expect(await page.locator('#count').textContent()).toBe('1 of 5 traces match');
    await page.close();
  }, 30_000);

  it('updates the list from the server’s event stream, without polling', async () => {
    const page = await openPage();
    await expect.poll(() => page.locator('#live').textContent()).toBe('live');
    await expect.poll(() => page.locator('#traces .trace').count()).toBe(5);
    // The first event (hello) refreshes the list once; after that, nothing is asked until a trace comes.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const asked: string[] = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(asked.filter((path) => path === '/api/traces')).toEqual([]);
    const added = await generationTrace({ model: 'mistral-7b', name: 'POST /live' });
    const item = page.locator(`.trace[data-trace-id="${added.traceId}"]`);
    await expect.poll(() => item.count(), { timeout: 5000 }).toBe(1);
    expect(await item.locator('.root').textContent()).toBe('edge-api: POST /live');
    await page.close();
  }, 30_000);

  it('reaches a span’s details from the keyboard alone', async () => {
    const page = await openPage();
    await expect.poll(() => page.locator('#traces .trace').count()).toBeGreaterThan(1);
    await page.locator('#traces .trace').first().focus();
    await page.keyboard.press('ArrowDown');
    const second = await page.locator('#traces .trace').nth(1).getAttribute('data-trace-id');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/trace/${second}`);
    await expect.poll(() => page.locator('.wf .row').count()).toBeGreaterThan(1);
    await page.locator('.wf .row').first().focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const chosen = await page.locator('.wf .row').nth(1).getAttribute('data-span-id');
    await expect.poll(() => page.locator('#details').isVisible()).toBe(true);
    expect(page.url()).toContain(`/span/${chosen}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('#details').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-span-id'))).toBe(chosen);
    await page.close();
  }, 30_000);
});

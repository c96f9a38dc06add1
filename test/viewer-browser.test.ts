// The viewer's page in headless Chromium (Debian's, driven by playwright-core): it loads, lists
// the traces it received, opens one as a waterfall, shows a span's details, and is screenshotted.
import { mkdirSync } from 'node:fs';
import { createMemoryExporter, createTracerProvider } from '@edgetrace/core';
import { createOtlpExporter } from '@edgetrace/otlp';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type Viewer } from '../apps/viewer/src/server.js';

let viewer: Viewer;
let browser: Browser;

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath)
    throw new Error(
      'Chromium is needed: install Debian chromium or set CHROMIUM_PATH (npm test does it as root)',
    );
  viewer = await startViewer({ port: 0, print: false });
  const memory = createMemoryExporter();
  const provider = createTracerProvider({
    serviceName: 'edge-api',
    exporter: memory,
    asyncLocalStorage: false,
  });
  const tracer = provider.getTracer('browser-test');
  const server = tracer.startSpan('POST /v1/chat/completions', { kind: SpanKind.SERVER });
  const generation = tracer.startSpan(
    'chat llama-3.1-8b',
    { kind: SpanKind.CLIENT, attributes: { 'gen_ai.usage.output_tokens': 42 } },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  await new Promise((resolve) => setTimeout(resolve, 20));
  generation.end();
  server.end();
  await provider.forceFlush();
  await createOtlpExporter({ endpoint: `${viewer.url}/v1/traces` }).export(memory.getFinishedSpans());
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await viewer?.close();
});

describe('the viewer page in Chromium', () => {
  it('lists the trace, opens its waterfall and a span’s details', async () => {
    const page = await browser.newPage();
    await page.goto(viewer.url);
    const item = page.locator('.trace').first();
    await expect.poll(() => item.textContent()).toContain('edge-api: POST /v1/chat/completions');
    await item.click();
    const rows = page.locator('#trace .row');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).locator('.label').textContent()).toContain('edge-api · chat llama-3.1-8b');
    const bar = await rows.nth(1).locator('.bar').getAttribute('style');
    expect(bar).toMatch(/left: [\d.]+%; width: [\d.]+%/);
    await rows.nth(1).click();
    await expect
      .poll(() => page.locator('#details').textContent())
      .toContain('"gen_ai.usage.output_tokens": 42');
    const stats = await page.locator('#stats tbody tr').count();
    expect(stats).toBe(2);
    mkdirSync('test-results', { recursive: true });
    const shot = await page.screenshot({ path: 'test-results/viewer.png', fullPage: true });
    expect(shot.byteLength).toBeGreaterThan(1000);
  }, 30_000);
});

// The demo's own traces in the viewer's page, in headless Chromium: the demo Worker (workerd) and
// the mock GPU server export to the viewer; a streamed generation shows its first-chunk mark,
// chunk ticks and tokens, a 503 and a stream cut off mid-generation say which span failed and
// why, the service-level view sorts and clicks through to the slowest trace. The screenshots in
// apps/viewer/README.md are taken here.
import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useDemoStack } from './support/demo-stack.js';
import { responseTraceId } from './support/otlp-spans.js';

// Test artefacts go to test-results/ (git-ignored); UPDATE_SCREENSHOTS=1 writes the README's.
const DOCS = new URL(
  process.env.UPDATE_SCREENSHOTS === '1' ? '../apps/viewer/docs/' : '../test-results/viewer/',
  import.meta.url,
).pathname;
mkdirSync(DOCS, { recursive: true });
const stack = useDemoStack({ OTEL_SERVICE_NAME: 'demo-worker' });
let browser: Browser;
const ids: Record<string, string> = {};

async function chat(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<string> {
  const response = await stack.worker.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Tell me about the fox' }], ...body }),
  });
  try {
    await response.text();
  } catch {
    // the cut-off stream breaks here, as it does for the demo's client
  }
  return responseTraceId(response);
}

beforeAll(async () => {
  const executablePath = process.env.CHROMIUM_PATH;
  if (!executablePath)
    throw new Error(
      'Chromium is needed: install Debian chromium or set CHROMIUM_PATH (npm test does it as root)',
    );
  ids.streamed = await chat({
    model: 'llama-3.1-8b-instruct',
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: 12,
  });
  ids.whole = await chat({ model: 'qwen2.5-7b-instruct', max_tokens: 8 });
  ids.overloaded = await chat(
    { model: 'llama-3.1-8b-instruct', max_tokens: 8 },
    { 'x-mock-fault': 'status=503' },
  );
  ids.cut = await chat(
    { model: 'llama-3.1-8b-instruct', stream: true, max_tokens: 12 },
    { 'x-mock-fault': 'abort=4' },
  );
  const spans: Record<string, number> = { streamed: 6, whole: 6, overloaded: 3, cut: 6 };
  // Each trace is whole once all its spans (both services, exported after the streams end) are in.
  const until = Date.now() + 15_000;
  const whole = () =>
    Object.entries(spans).every(([name, count]) => stack.viewer.store.get(ids[name] ?? '')?.length === count);
  while (!whole() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!whole()) throw new Error('the demo’s traces did not all reach the viewer within 15 s');
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

async function openPage(hash: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 }, colorScheme });
  await page.goto(`${stack.viewer.url}/${hash}`);
  return page;
}

describe('the demo’s traces in the viewer page', () => {
  it('shows where a streamed generation’s time went, with its marks', async () => {
    const page = await openPage(`#/trace/${ids.streamed}`);
    const generation = page.locator('.wf .row', { hasText: 'chat llama-3.1-8b-instruct' });
    await expect.poll(() => generation.count()).toBe(1);
    expect(await generation.locator('.bar .ttfc').count()).toBe(1);
    expect(Number(await generation.locator('.bar .decode').getAttribute('data-ticks'))).toBeGreaterThan(5);
    expect(await generation.locator('.figs').textContent()).toMatch(
      /ttfc [\d.]+ ms · in \d+ out 12 tok · [\d.]+ tok\/s/,
    );
    expect(await generation.locator('[data-cadence]').getAttribute('title')).toMatch(
      /^\d+ chunks; gap between chunks/,
    );
    const phases = await page.locator('.breakdown .segs').nth(1).textContent();
    expect(phases).toMatch(/^network [\d.]+ ms · queue [\d.]+ ms · prefill [\d.]+ ms · decode [\d.]+ ms/);
    expect(await page.locator('.breakdown .headline').textContent()).toMatch(
      /^Most of the time: decode on mock-gpu/,
    );
    expect(await page.locator('.legend').textContent()).toBe('demo-workermock-gpu');
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: `${DOCS}waterfall.png` });
    const dark = await openPage(`#/trace/${ids.cut}`, 'dark');
    await expect.poll(() => dark.locator('#failure').count()).toBe(1);
    await dark.screenshot({ path: `${DOCS}waterfall-dark.png` });
    await dark.close();
    await page.close();
  }, 30_000);

  it('says which span failed and why, in the list and in the waterfall', async () => {
    const page = await openPage('#/?status=error');
    const listed = page.locator('#traces .trace');
    await expect.poll(() => listed.count()).toBe(2);
    const overloaded = page.locator(`.trace[data-trace-id="${ids.overloaded}"] .why`);
    expect(await overloaded.textContent()).toMatch(
      /^mock-gpu · POST \/v1\/chat\/completions: error\.type 503/,
    );
    const cut = page.locator(`.trace[data-trace-id="${ids.cut}"] .why`);
    expect(await cut.textContent()).toBe('mock-gpu · decode: aborted mid-stream (mock fault)');
    await page.locator(`.trace[data-trace-id="${ids.overloaded}"]`).click();
    const generation = page.locator('.wf .row', { hasText: 'chat llama-3.1-8b-instruct' });
    await expect.poll(() => generation.getAttribute('data-outcome')).toBe('error');
    expect(await generation.locator('.tag.error').getAttribute('title')).toBe(
      'error.type overloaded_error — mock fault: HTTP 503',
    );
    await page.close();
  }, 30_000);

  it('lists latency SLIs per service × model, sorts them, and opens the slowest trace', async () => {
    const page = await openPage('#/sli');
    const rows = page.locator('#sli tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(5);
    const llamaChat = page.locator(
      '#sli tbody tr[data-service="demo-worker"][data-model="llama-3.1-8b-instruct"]',
      {
        hasText: 'chat',
      },
    );
    const cells = await llamaChat.first().locator('td').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['demo-worker', 'llama-3.1-8b-instruct', 'chat', '3', '67 % (2)']);
    // The GPU server's spans take the model of the call above them.
    expect(
      await page.locator('#sli tbody tr[data-service="mock-gpu"][data-model="qwen2.5-7b-instruct"]').count(),
    ).toBeGreaterThan(0);
    await page.locator('#sli th[data-key="d95"] button').click();
    await expect
      .poll(() => page.locator('#sli th[data-key="d95"]').getAttribute('aria-sort'))
      .toBe('descending');
    const p95 = await rows.evaluateAll((trs) => trs.map((tr) => tr.children[6]?.textContent ?? ''));
    const numbers = p95.map(Number);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    await page.screenshot({ path: `${DOCS}sli.png` });
    await page.reload();
    await expect
      .poll(() => page.locator('#sli th[data-key="d95"]').getAttribute('aria-sort'))
      .toBe('descending');
    const slowest = rows.first().locator('a').first();
    const target = (await slowest.getAttribute('title'))?.replace('trace ', '') ?? '';
    await slowest.click();
    await expect.poll(() => page.locator('.wf .row').count()).toBeGreaterThan(0);
    expect(page.url()).toContain(`#/trace/${target}`);
    await page.close();
  }, 30_000);
});

// A traced Node server stopped by a real SIGTERM: the spans its batch processor still holds are
// exported before the process ends, and it still ends by the signal.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receivedSpans } from './support/otlp-spans.js';
import { type Receiver, startReceiver } from './support/receiver.js';

let receiver: Receiver;
let dir: string;
let script: string;

beforeAll(async () => {
  receiver = await startReceiver();
  dir = mkdtempSync(join(tmpdir(), 'edgetrace-shutdown-'));
  script = join(dir, 'server.mjs');
  await build({
    entryPoints: [new URL('./fixtures/server-shutdown.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'warning',
  });
}, 60_000);
afterAll(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the server, waits for "ready", sends SIGTERM, and resolves with how it ended. */
async function stopWithSigterm(args: string[]): Promise<{ code: number | null; signal: string | null }> {
  // The batch delay is a minute: without a flush on the signal, nothing would be sent in time.
  const child = spawn(process.execPath, [script, receiver.url, ...args], {
    env: { ...process.env, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
  const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  child.kill('SIGTERM');
  return ended;
}

describe('a traced server stopped by SIGTERM', () => {
  it('exports what its batch still held, then ends by the signal', async () => {
    await receiver.reset();
    const ended = await stopWithSigterm([]);
    expect(ended.signal).toBe('SIGTERM');
    const spans = await receivedSpans(receiver.url);
    expect(spans.map((s) => s.name)).toEqual(['GET /']);
  }, 30_000);

  it('loses them with flushOnExit: false (what the flush saves)', async () => {
    await receiver.reset();
    const ended = await stopWithSigterm(['--no-flush']);
    expect(ended.signal).toBe('SIGTERM');
    expect(await receivedSpans(receiver.url)).toEqual([]);
  }, 30_000);
});

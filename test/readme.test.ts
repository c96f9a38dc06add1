// README snippets are real files under packages/*/examples: this checks each README shows its
// example verbatim, and runs the example.
import { readFileSync } from 'node:fs';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';

const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
  vi.restoreAllMocks();
});

describe('README examples', () => {
  it('@edgetrace/core quick start is in the README and prints the span it made', async () => {
    const example = read('packages/core/examples/quick-start.ts');
    expect(read('packages/core/README.md')).toContain(example.trim());
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../packages/core/examples/quick-start.js');
    expect(log).toHaveBeenCalledWith(['charge']);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { useDiagCapture } from '../test-support/diag-capture.js';
import { createDropCounter } from './drop-counter.js';

let time = 0;
const now = () => time;

const warnings = useDiagCapture();

beforeEach(() => {
  time = 1_700_000_000_000;
});

describe('createDropCounter', () => {
  it('keeps totals per reason', () => {
    const drops = createDropCounter('spans', now);
    drops.drop('queue full');
    drops.drop('queue full', 4);
    drops.drop('export failed: 503', 2);
    expect({ ...drops.totals }).toEqual({ 'queue full': 5, 'export failed: 503': 2 });
  });

  it('ignores a count of zero or less', () => {
    const drops = createDropCounter('spans', now);
    drops.drop('nothing', 0);
    drops.drop('negative', -3);
    expect({ ...drops.totals }).toEqual({});
    expect(warnings).toEqual([]);
  });

  it('reports the first drop at once, then at most once per interval, summing what it held back', () => {
    const drops = createDropCounter('spans', now, 10_000);
    drops.drop('queue full');
    expect(warnings).toEqual(['edgetrace: dropped spans: 1 (queue full)']);
    time += 5_000;
    drops.drop('queue full', 2);
    drops.drop('export failed: timeout', 3);
    expect(warnings).toHaveLength(1);
    time += 5_000;
    drops.drop('queue full');
    expect(warnings[1]).toBe('edgetrace: dropped spans: 3 (queue full), 3 (export failed: timeout)');
  });

  it('repeats the same summary each interval: a steady loss is never reported only once', () => {
    const drops = createDropCounter('events', now, 1_000);
    for (let i = 0; i < 3; i++) {
      drops.drop('too many');
      time += 1_000;
    }
    expect(warnings).toEqual([
      'edgetrace: dropped events: 1 (too many)',
      'edgetrace: dropped events: 1 (too many)',
      'edgetrace: dropped events: 1 (too many)',
    ]);
  });

  it('bounds the log under a flood: ten thousand drops in an interval give one line', () => {
    const drops = createDropCounter('spans', now, 10_000);
    for (let i = 0; i < 10_000; i++) drops.drop('queue full');
    expect(warnings).toHaveLength(1);
    expect(drops.totals['queue full']).toBe(10_000);
  });
});

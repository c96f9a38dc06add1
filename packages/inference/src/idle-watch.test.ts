// The idle watch: one timer per quiet spell, firing once the upstream has been quiet for the timeout.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleWatch } from './idle-watch.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('IdleWatch', () => {
  it('calls onIdle with the timeout once the stream has been quiet that long', () => {
    const idle = vi.fn();
    const watch = new IdleWatch(1_000, idle);
    watch.activity();
    vi.advanceTimersByTime(999);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(idle).toHaveBeenCalledWith(1_000);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it('measures the quiet from the last activity, not the first', () => {
    const idle = vi.fn();
    const watch = new IdleWatch(1_000, idle);
    watch.activity();
    vi.advanceTimersByTime(600);
    watch.activity();
    vi.advanceTimersByTime(900);
    expect(idle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(100);
    expect(idle).toHaveBeenCalledTimes(1);
  });

  it('sets no timer per event: a steady stream keeps one timer alive', () => {
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    const watch = new IdleWatch(1_000, vi.fn());
    for (let i = 0; i < 100; i++) {
      watch.activity();
      vi.advanceTimersByTime(50);
    }
    // One timer, re-armed once for the rest of the timeout after each time it woke early.
    expect(setTimer.mock.calls.length).toBeLessThanOrEqual(6);
    watch.stop();
  });

  it('fires nothing after stop, and ignores activity after it', () => {
    const idle = vi.fn();
    const watch = new IdleWatch(1_000, idle);
    watch.activity();
    watch.stop();
    watch.activity();
    vi.advanceTimersByTime(10_000);
    expect(idle).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does nothing without a timeout', () => {
    const idle = vi.fn();
    const watch = new IdleWatch(undefined, idle);
    watch.activity();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1e9);
    expect(idle).not.toHaveBeenCalled();
  });

  it('watches a new quiet spell after activity resumes past an idle one', () => {
    const idle = vi.fn();
    const watch = new IdleWatch(1_000, idle);
    watch.activity();
    vi.advanceTimersByTime(1_000);
    watch.activity();
    vi.advanceTimersByTime(1_000);
    expect(idle).toHaveBeenCalledTimes(2);
  });
});

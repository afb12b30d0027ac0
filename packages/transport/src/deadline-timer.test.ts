import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineTimer } from './deadline-timer.js';

describe('DeadlineTimer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('arms once for the earliest deadline and fires when it passes', () => {
    let fired = 0;
    const timer = new DeadlineTimer(() => fired++);
    const now = performance.now();
    timer.track(now + 100);
    timer.track(now + 300);
    expect(timer.armedAt).toBe(now + 100);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(99);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    expect(timer.armedAt).toBe(Number.POSITIVE_INFINITY);
  });

  it('re-arms earlier for an earlier deadline and notes the order broke', () => {
    const timer = new DeadlineTimer(() => {});
    const now = performance.now();
    timer.track(now + 500);
    expect(timer.inOrder).toBe(true);
    timer.track(now + 50);
    expect(timer.armedAt).toBe(now + 50);
    expect(timer.inOrder).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    timer.restart();
    expect(timer.inOrder).toBe(true);
  });

  it('ignores deadlines that never come and disarms on clear', () => {
    let fired = 0;
    const timer = new DeadlineTimer(() => fired++);
    timer.track(Number.POSITIVE_INFINITY);
    expect(vi.getTimerCount()).toBe(0);
    timer.track(performance.now() + 10);
    timer.clear();
    vi.advanceTimersByTime(100);
    expect(fired).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an owner that re-arms from its handler fires again at the new deadline only', () => {
    const times: number[] = [];
    const timer: DeadlineTimer = new DeadlineTimer(() => {
      times.push(performance.now());
      if (times.length === 1) timer.arm(performance.now() + 200);
    });
    const start = performance.now();
    timer.track(start + 100);
    vi.advanceTimersByTime(1000);
    expect(times.map((time) => Math.round(time - start))).toEqual([100, 300]);
  });
});

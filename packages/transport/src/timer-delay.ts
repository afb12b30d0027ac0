/**
 * The longest delay a Node.js timer holds: 2^31 − 1 ms, about 24.8 days. `setTimeout` turns
 * a longer one into 1 ms, so a deadline meant as "weeks" would fire at once.
 */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * A delay `setTimeout` keeps: `milliseconds`, or `MAX_TIMER_DELAY` when longer. Every timer
 * of @mc that takes a user's duration goes through this, so a huge duration waits (about 24.8
 * days at most) instead of firing after 1 ms.
 */
export function timerDelay(milliseconds: number): number {
  return Math.min(milliseconds, MAX_TIMER_DELAY);
}

import { timerDelay } from './timer-delay.js';

/**
 * One timer for many deadlines: armed for the earliest one, so a connection with thousands of
 * requests in flight keeps a single timer instead of one per request. It also remembers
 * whether deadlines were tracked in order: while they are, only the oldest requests can be
 * due, and the owner need not scan its whole queue.
 *
 *   track(t3) track(t5) track(t9)   →  armed for t3, in order
 *   track(t2)                        →  re-armed for t2, out of order from now on
 *   (t2 passes) → onDue(); the owner settles what is due and arms the next deadline
 *
 * Never keeps the process alive (unref'd): the socket does that while requests are pending.
 */
export class DeadlineTimer {
  readonly #onDue: () => void;
  #timer: NodeJS.Timeout | undefined;
  #at = Number.POSITIVE_INFINITY;
  #inOrder = true;
  #last = Number.NEGATIVE_INFINITY;

  constructor(onDue: () => void) {
    this.#onDue = onDue;
  }

  /** When the timer fires next (Infinity: not armed). */
  get armedAt(): number {
    return this.#at;
  }

  /** Whether every deadline tracked since the last `restart()` came no earlier than the one before. */
  get inOrder(): boolean {
    return this.#inOrder;
  }

  /** Forgets the order seen so far: the owner's queues are empty again. */
  restart(): void {
    this.#inOrder = true;
    this.#last = Number.NEGATIVE_INFINITY;
  }

  /** Notes a new deadline (performance.now() time) and arms for it if it is the earliest. */
  track(deadline: number): void {
    if (deadline === Number.POSITIVE_INFINITY) {
      // No deadline is later than every deadline: one behind it comes out of order, so the
      // owner must scan past it rather than stop at the request that never times out.
      this.#last = deadline;
      return;
    }
    if (deadline < this.#last) this.#inOrder = false;
    else this.#last = deadline;
    if (deadline < this.#at) this.arm(deadline);
  }

  /** Arms for `at`, replacing what was armed; Infinity disarms. */
  arm(at: number): void {
    this.clear();
    if (at === Number.POSITIVE_INFINITY) return;
    this.#at = at;
    this.#timer = setTimeout(this.#fire, timerDelay(Math.max(1, Math.ceil(at - performance.now()))));
    this.#timer.unref();
  }

  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Number.POSITIVE_INFINITY;
    this.#onDue();
  };
}

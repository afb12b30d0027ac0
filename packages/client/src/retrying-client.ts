import {
  MemcacheConnectionError,
  MemcacheIllegalInputError,
  MemcacheTimeoutError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import { timerDelay } from '@mc/transport';
import type { Client } from './client.js';
import { isDeadNodeRefusal } from './dead-node-refusal.js';
import type { HashClient } from './hash-client.js';

/** An error class to match with `instanceof`. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

export interface RetryingClientOptions {
  /** Tries in all, the first included (default 2: one retry). */
  attempts?: number | undefined;
  /**
   * Milliseconds between tries (default 50). Each wait is drawn between half and one and a
   * half times this, so clients that failed together do not retry in lockstep.
   */
  retryDelay?: number | undefined;
  /**
   * Errors worth another try (default: MemcacheConnectionError, MemcacheUnexpectedCloseError,
   * MemcacheTimeoutError). Illegal input is never retried: it would fail the same way; nor is
   * the refusal of a node HashClient holds dead, which lasts until its deadTimeout.
   */
  retryFor?: readonly ErrorClass[] | undefined;
  /** Errors never retried, even when `retryFor` matches them. */
  doNotRetryFor?: readonly ErrorClass[] | undefined;
}

/** A RetryingClient has every method of the client it wraps, with the same types. */
export type RetryingClient<C extends object> = C;

export interface RetryingClientConstructor {
  /** Around any client: the wrapper has its type (`new RetryingClient(client)`). */
  new <C extends object>(client: C, options?: RetryingClientOptions): RetryingClient<C>;
  /** Names the value type as Client does: `new RetryingClient<User>(new Client<User>(...))`. */
  new <V>(client: Client<V>, options?: RetryingClientOptions): Client<V>;
  /** Names the value type as HashClient does: `new RetryingClient<User>(new HashClient<User>(...))`. */
  new <V>(client: HashClient<V>, options?: RetryingClientOptions): HashClient<V>;
}

const DEFAULT_RETRY_FOR: readonly ErrorClass[] = [
  MemcacheConnectionError,
  MemcacheUnexpectedCloseError,
  MemcacheTimeoutError,
];

/** Ending the client is never retried: a close that fails has nothing to try again. */
const PASS_THROUGH = new Set<PropertyKey>(['close', 'quit', 'shutdown', 'constructor']);
/** After these, a call waiting for its next try settles with its last error at once. */
const ENDS_CLIENT = new Set<PropertyKey>(['close', 'quit']);

type Method = (...args: unknown[]) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * An option listing error classes: an array of constructors, or absent. A function without a
 * prototype (an arrow function, a bound one) cannot be the right side of `instanceof`: it is
 * refused here rather than turning the caller's error into a TypeError at the first failure.
 */
function errorClasses(value: unknown, name: string): readonly ErrorClass[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isErrorClass)) {
    throw new MemcacheIllegalInputError(`${name} must be an array of error classes`);
  }
  return value as ErrorClass[];
}

function isErrorClass(item: unknown): boolean {
  if (typeof item !== 'function') return false;
  const prototype = (item as { prototype?: unknown }).prototype;
  return (typeof prototype === 'object' && prototype !== null) || Object.hasOwn(item, Symbol.hasInstance);
}

class RetryPolicy {
  readonly attempts: number;
  readonly #retryDelay: number;
  readonly #retryFor: readonly ErrorClass[];
  readonly #doNotRetryFor: readonly ErrorClass[];
  #ended = false;
  /** Wakes the calls waiting between tries (see end()). */
  readonly #waiting = new Set<() => void>();

  constructor(options: RetryingClientOptions) {
    if (options === null || typeof options !== 'object') {
      throw new MemcacheIllegalInputError(`RetryingClient options must be an object, got ${String(options)}`);
    }
    const attempts = options.attempts ?? 2;
    if (typeof attempts !== 'number' || typeof (options.retryDelay ?? 0) !== 'number') {
      throw new MemcacheIllegalInputError('attempts and retryDelay must be numbers');
    }
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new MemcacheIllegalInputError(`attempts must be an integer of at least 1, got ${attempts}`);
    }
    const retryDelay = options.retryDelay ?? 50;
    if (!Number.isFinite(retryDelay) || retryDelay < 0) {
      throw new MemcacheIllegalInputError(
        `retryDelay must be a finite number of milliseconds, got ${retryDelay}`,
      );
    }
    this.attempts = attempts;
    this.#retryDelay = retryDelay;
    this.#retryFor = errorClasses(options.retryFor, 'retryFor') ?? DEFAULT_RETRY_FOR;
    this.#doNotRetryFor = errorClasses(options.doNotRetryFor, 'doNotRetryFor') ?? [];
  }

  shouldRetry(error: unknown): boolean {
    if (error instanceof MemcacheIllegalInputError) return false;
    // A node HashClient holds dead refuses the same way until its deadTimeout runs out.
    if (isDeadNodeRefusal(error)) return false;
    if (this.#doNotRetryFor.some((errorClass) => error instanceof errorClass)) return false;
    return this.#retryFor.some((errorClass) => error instanceof errorClass);
  }

  delay(): number {
    return this.#retryDelay * (0.5 + Math.random());
  }

  /**
   * The client is being closed: no call tries again, and a call waiting for its next try
   * settles now with its last error instead of after the wait (and a try on a closed client).
   */
  end(): void {
    this.#ended = true;
    for (const wake of this.#waiting) wake();
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timerDelay(ms));
      this.#waiting.add(wake);
    });
  }

  /** Calls `method` until it resolves, fails with an error not to retry, or tries run out. */
  async retry(
    first: PromiseLike<unknown>,
    method: Method,
    target: object,
    args: unknown[],
  ): Promise<unknown> {
    let attempt = 1;
    let pending: PromiseLike<unknown> = first;
    for (;;) {
      let failure: unknown;
      try {
        return await pending;
      } catch (error) {
        if (attempt >= this.attempts || this.#ended || !this.shouldRetry(error)) throw error;
        failure = error;
      }
      attempt++;
      const delay = this.delay();
      if (delay > 0) await this.#wait(delay);
      if (this.#ended) throw failure;
      pending = Promise.resolve().then(() => method.apply(target, args));
    }
  }
}

/**
 * An argument a retry can pass again: a one-shot iterator (a generator, `map.keys()`, the
 * `entries()` of anything) is spent by the first try, so it is copied into an array first;
 * anything else (an array, a Map, an object, bytes) is passed as it is.
 */
function replayable(argument: unknown): unknown {
  if (argument === null || typeof argument !== 'object') return argument;
  const iterate = (argument as { [Symbol.iterator]?: unknown })[Symbol.iterator];
  if (typeof iterate !== 'function') return argument;
  return iterate.call(argument) === argument ? [...(argument as Iterable<unknown>)] : argument;
}

/**
 * Wraps any object with the Client methods and retries the calls that fail with a
 * transient error, by default a connection that could not be made, closed under a request,
 * or timed out. Every method that returns a promise is retried the same way; properties,
 * synchronous methods, `close()`, `quit()` and `shutdown()` pass straight through; once
 * `close()` or `quit()` is called, nothing is tried again.
 *
 *   call ─► try 1 ──fails, retryable──► wait retryDelay ±50% ─► try 2 ─► ... ─► try `attempts`
 *              └──ok / not retryable──► settle                        (its error rejects)
 *
 * Retrying a write that is not idempotent (incr, decr, append, prepend, a cas that may have
 * landed) can apply it twice when the first try reached the server and only the reply was
 * lost.
 */
class RetryingClientWrapper<C extends object> {
  constructor(client: C, options: RetryingClientOptions = {}) {
    if (client === null || typeof client !== 'object') {
      throw new MemcacheIllegalInputError(`RetryingClient wraps a client object, got ${String(client)}`);
    }
    const policy = new RetryPolicy(options);
    const wrapped = new Map<PropertyKey, { original: Method; retrying: Method }>();
    // The proxy stands in for the wrapper object, so `instanceof RetryingClient` holds.
    // biome-ignore lint/correctness/noConstructorReturn: the proxy is the instance, by design
    return new Proxy(this, {
      get: (_wrapper, property) => {
        const value: unknown = Reflect.get(client, property, client);
        if (typeof value !== 'function') return value;
        const original = value as Method;
        if (ENDS_CLIENT.has(property)) {
          return (...args: unknown[]) => {
            policy.end();
            return original.apply(client, args);
          };
        }
        if (PASS_THROUGH.has(property) || typeof property === 'symbol') return original.bind(client);
        const cached = wrapped.get(property);
        if (cached?.original === original) return cached.retrying;
        const retrying: Method = (...given) => {
          const args = policy.attempts > 1 ? given.map(replayable) : given;
          const result = original.apply(client, args);
          return isThenable(result) ? policy.retry(result, original, client, args) : result;
        };
        wrapped.set(property, { original, retrying });
        return retrying;
      },
      has: (_wrapper, property) => Reflect.has(client, property),
      set: (_wrapper, property, value) => Reflect.set(client, property, value, client),
    }) as unknown as RetryingClientWrapper<C>;
  }
}

/**
 * `new RetryingClient(client, { attempts?, retryDelay?, retryFor?, doNotRetryFor? })`: the
 * client with its calls retried; see RetryingClientOptions.
 */
export const RetryingClient = RetryingClientWrapper as unknown as RetryingClientConstructor;

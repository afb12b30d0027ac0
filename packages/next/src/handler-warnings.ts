// Bounds what the handler remembers about keys it already warned about.
const MAX_REMEMBERED_KEYS = 1000;
// At most one "memcached unavailable" warning per this many milliseconds.
const UNAVAILABLE_WARNING_INTERVAL = 30_000;

/** Where the handler's warnings go; `console` by default. */
export interface HandlerLogger {
  warn(message: string): void;
}

/**
 * Keeps the handler's warnings readable under load: one per key for values the server will not
 * hold (each such key would otherwise warn on every render), and one per interval while
 * memcached is unreachable (every request would otherwise warn).
 */
export class HandlerWarnings {
  readonly #logger: HandlerLogger;
  readonly #warnedKeys = new Set<string>();
  #lastUnavailable = Number.NEGATIVE_INFINITY;

  constructor(logger: HandlerLogger) {
    this.#logger = logger;
  }

  /** Warns about `key` unless it was warned about already. */
  once(key: string, message: string): void {
    if (this.#warnedKeys.has(key)) return;
    if (this.#warnedKeys.size >= MAX_REMEMBERED_KEYS) this.#warnedKeys.clear();
    this.#warnedKeys.add(key);
    this.#logger.warn(message);
  }

  /** Warns that memcached could not be used, at most once per interval. */
  unavailable(action: string, error: unknown): void {
    const now = Date.now();
    if (now - this.#lastUnavailable < UNAVAILABLE_WARNING_INTERVAL) return;
    this.#lastUnavailable = now;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.#logger.warn(
      `@mc/next: memcached unavailable (${action}), serving without the shared cache: ${reason}`,
    );
  }
}

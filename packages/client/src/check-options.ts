import { MemcacheIllegalInputError } from '@mc/protocol';

/**
 * Checks at the boundary, so that a wrong type (`noreply: 'false'`, `timeout: '500'`) is a
 * clear MemcacheIllegalInputError when the call or the constructor is made, not a silently
 * different behaviour. Each check is a `typeof` or two: cheap enough for every command.
 */

/** An options argument: absent, or a plain object. */
export function checkOptionsObject(options: unknown, owner: string): void {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new MemcacheIllegalInputError(`the options of ${owner} must be an object, got ${String(options)}`);
  }
}

/** A boolean option: absent, `true` or `false`, nothing that merely looks like one. */
export function checkBoolean(value: unknown, name: string): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new MemcacheIllegalInputError(`${name} must be a boolean, got ${typeof value} ${String(value)}`);
  }
}

/** A whole-number option within [minimum, maximum]. */
export function checkInteger(value: unknown, name: string, minimum: number, maximum: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum) {
    throw new MemcacheIllegalInputError(
      `${name} must be a whole number from ${minimum} to ${maximum}, got ${typeof value} ${String(value)}`,
    );
  }
}

/** A duration of the client's own, in milliseconds: a finite number ≥ 0. */
export function checkMilliseconds(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MemcacheIllegalInputError(
      `${name} must be a finite number of milliseconds ≥ 0, got ${typeof value} ${String(value)}`,
    );
  }
}

/**
 * The socket options the connection itself does not check (it checks the timeouts,
 * `connections`, `auth` and the rest when it is made).
 */
export function checkSocketOptions(options: { noDelay?: unknown; keepAlive?: unknown; tls?: unknown }): void {
  checkBoolean(options.noDelay, 'noDelay');
  checkBoolean(options.keepAlive, 'keepAlive');
  const tls = options.tls;
  if (tls !== undefined && typeof tls !== 'boolean' && (tls === null || typeof tls !== 'object')) {
    throw new MemcacheIllegalInputError(`tls must be true, false or TLS options, got ${String(tls)}`);
  }
}

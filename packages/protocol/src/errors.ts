/**
 * The error family of @mc. Every error carries a stable `code` so callers can branch without
 * string-matching messages, and `instanceof` works across two installed copies of the package
 * (a bundler or a nested node_modules can load @mc twice): identity is a `Symbol.for` marker
 * plus the code, not the class object.
 *
 *   MemcacheError
 *   ├── MemcacheClientError            server said CLIENT_ERROR
 *   │   ├── MemcacheUnknownCommandError  server said ERROR
 *   │   └── MemcacheIllegalInputError    bad input, caught before sending
 *   ├── MemcacheServerError            server said SERVER_ERROR
 *   │   └── MemcacheUnexpectedCloseError connection closed with the request outstanding
 *   ├── MemcacheTimeoutError           connect or command deadline passed
 *   ├── MemcacheConnectionError        connection could not be made
 *   ├── MemcacheProtocolError          the server sent something unparseable
 *   └── MemcacheDeserializeError       a value could not be decoded
 */

const MARKER = Symbol.for('@mc/error');
const CODES = Symbol.for('@mc/error.codes');

/** Any class: the `this` of the cross-copy `instanceof` check. */
export type AnyConstructor = abstract new (...args: never[]) => unknown;

interface Marked {
  [MARKER]?: true;
  [CODES]?: readonly string[];
}

function isMarked(value: unknown): value is Marked {
  return typeof value === 'object' && value !== null && (value as Marked)[MARKER] === true;
}

/** Options every `@mc` error accepts. */
export interface MemcacheErrorOptions {
  /** The underlying error, kept for debugging (`error.cause`). */
  cause?: unknown | undefined;
  /** The server reply line or fragment that led to the error, when there was one. */
  response?: string | undefined;
}

export class MemcacheError extends Error {
  /** A stable identifier: branch on this rather than on the message. */
  readonly code: string;
  /** The server's reply line, for errors that came from the server. */
  readonly response: string | undefined;
  declare readonly [MARKER]: true;
  declare readonly [CODES]: readonly string[];

  static readonly code: string = 'MC_ERROR';

  constructor(message: string, options: MemcacheErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const target = new.target as unknown as { code: string; name: string };
    this.code = target.code;
    this.name = target.name;
    this.response = options.response;
    // Every code up the chain, so `instanceof` can be answered from the marker alone.
    const codes: string[] = [];
    let current: unknown = new.target;
    while (typeof current === 'function' && 'code' in current) {
      codes.push((current as { code: string }).code);
      current = Object.getPrototypeOf(current);
    }
    Object.defineProperty(this, MARKER, { value: true });
    Object.defineProperty(this, CODES, { value: codes });
  }

  /** Cross-copy `instanceof`: matches on the marker and the code chain, not on class identity. */
  static override [Symbol.hasInstance](this: AnyConstructor & { code: string }, value: unknown): boolean {
    // A subclass without a code of its own (an application's `class AppError extends
    // MemcacheError {}`) would share its parent's: it gets the ordinary prototype check.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against.
    if (!Object.hasOwn(this, 'code')) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (!isMarked(value)) return false;
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against.
    return (value[CODES] ?? []).includes(this.code);
  }
}

export class MemcacheClientError extends MemcacheError {
  static override readonly code: string = 'MC_CLIENT_ERROR';
}

export class MemcacheUnknownCommandError extends MemcacheClientError {
  static override readonly code: string = 'MC_UNKNOWN_COMMAND';
}

export class MemcacheIllegalInputError extends MemcacheClientError {
  static override readonly code: string = 'MC_ILLEGAL_INPUT';
}

export class MemcacheServerError extends MemcacheError {
  static override readonly code: string = 'MC_SERVER_ERROR';
}

export class MemcacheUnexpectedCloseError extends MemcacheServerError {
  static override readonly code: string = 'MC_UNEXPECTED_CLOSE';
}

export class MemcacheTimeoutError extends MemcacheError {
  static override readonly code: string = 'MC_TIMEOUT';
}

export class MemcacheConnectionError extends MemcacheError {
  static override readonly code: string = 'MC_CONNECTION_ERROR';
}

export class MemcacheProtocolError extends MemcacheError {
  static override readonly code: string = 'MC_PROTOCOL_ERROR';
}

/** Options of MemcacheDeserializeError: the common ones, plus the key whose value failed. */
export interface MemcacheDeserializeErrorOptions extends MemcacheErrorOptions {
  key?: string | undefined;
}

export class MemcacheDeserializeError extends MemcacheError {
  static override readonly code: string = 'MC_DESERIALIZE_ERROR';
  /** The key whose value could not be decoded, when the error came from a read (as the caller named it). */
  readonly key: string | undefined;

  constructor(message: string, options: MemcacheDeserializeErrorOptions = {}) {
    super(message, options);
    this.key = options.key;
  }
}

/** True for any error of the `@mc` family, from any installed copy of the package. */
export function isMemcacheError(value: unknown): value is MemcacheError {
  return isMarked(value);
}

import {
  type EncodedRequest,
  type Frame,
  MemcacheClientError,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
  validateKey,
} from '@mc/protocol';

/** Credentials for ASCII authentication (`memcached -Y <file>`, MemCachier). */
export interface AuthOptions {
  username: string;
  password: string;
  /**
   * How the credentials travel, both as a `set` the server intercepts:
   * `'memcached'` (default, `memcached -Y`): `set <any> 0 0 <n>\r\n<username> <password>\r\n`;
   * `'memcachier'`: `set <username> 0 0 <password length>\r\n<password>\r\n`.
   */
  format?: 'memcached' | 'memcachier' | undefined;
}

const FORMATS = new Set(['memcached', 'memcachier']);

/**
 * The credentials as the `set` the server intercepts. `STORED` means authenticated;
 * `CLIENT_ERROR ...` means refused. Validates the credentials (MemcacheIllegalInputError).
 */
export function authRequest(auth: AuthOptions): EncodedRequest<void> {
  if (typeof auth?.username !== 'string' || typeof auth.password !== 'string' || auth.username === '') {
    throw new MemcacheIllegalInputError('auth needs a non-empty username and a password (strings)');
  }
  const format = auth.format ?? 'memcached';
  if (!FORMATS.has(format)) {
    throw new MemcacheIllegalInputError(
      `auth format must be 'memcached' or 'memcachier', not ${String(format)}`,
    );
  }
  // memcached splits the data at the first space; MemCachier takes the name as the key.
  if (/[\s]/.test(auth.username))
    throw new MemcacheIllegalInputError('auth username must not contain whitespace');
  let chunks: EncodedRequest<void>['chunks'];
  if (format === 'memcachier') {
    validateKey(auth.username);
    const password = Buffer.from(auth.password, 'utf8');
    chunks = [`set ${auth.username} 0 0 ${password.length}\r\n`, password, '\r\n'];
  } else {
    const data = Buffer.from(`${auth.username} ${auth.password}`, 'utf8');
    chunks = [`set auth 0 0 ${data.length}\r\n`, data, '\r\n'];
  }
  let failure: Error | undefined;
  return {
    chunks,
    command: 'auth',
    reader: {
      push(frame: Frame): boolean {
        if (frame.kind === 'error') failure = frame.error;
        else if (frame.kind !== 'status' || frame.status !== 'STORED') {
          failure = new MemcacheProtocolError(`unexpected ${frame.kind} reply to authentication`);
        }
        return true;
      },
      result(): void {
        if (failure) throw failure;
      },
    },
  };
}

/**
 * Asks, before any credential leaves, whether the server demands authentication: a server
 * that does answers every command but the auth `set` with `CLIENT_ERROR unauthenticated`
 * (memcached `-Y`, MemCachier). Resolves true for that, false for a plain `VERSION`.
 */
export function authProbe(): EncodedRequest<boolean> {
  let frame: Frame | undefined;
  return {
    chunks: ['version\r\n'],
    command: 'version',
    reader: {
      push(received: Frame): boolean {
        frame = received;
        return true;
      },
      result(): boolean {
        if (frame?.kind === 'version') return false;
        if (frame?.kind === 'error') {
          if (frame.error instanceof MemcacheClientError && /unauthenticated/.test(frame.error.message))
            return true;
          throw frame.error;
        }
        throw new MemcacheProtocolError(`unexpected ${frame?.kind ?? 'missing'} reply to version`);
      },
    },
  };
}

import {
  type EncodedRequest,
  type Frame,
  MemcacheIllegalInputError,
  MemcacheProtocolError,
} from '@mc/protocol';

/** Credentials for memcached's ASCII authentication (`memcached -Y <file>`). */
export interface AuthOptions {
  username: string;
  password: string;
}

/**
 * memcached's ASCII authentication is a `set` whose data is `<username> <password>`; the key
 * is ignored. `STORED` means authenticated; `CLIENT_ERROR ...` means refused. Until it
 * succeeds, every other command gets `CLIENT_ERROR unauthenticated`.
 */
export function authRequest(auth: AuthOptions): EncodedRequest<void> {
  if (typeof auth?.username !== 'string' || typeof auth.password !== 'string' || auth.username === '') {
    throw new MemcacheIllegalInputError('auth needs a non-empty username and a password (strings)');
  }
  // memcached splits the data at the first space; a space in the user name cannot match.
  if (/[\s]/.test(auth.username))
    throw new MemcacheIllegalInputError('auth username must not contain whitespace');
  const data = Buffer.from(`${auth.username} ${auth.password}`, 'utf8');
  let failure: Error | undefined;
  return {
    chunks: [`set auth 0 0 ${data.length}\r\n`, data, '\r\n'],
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

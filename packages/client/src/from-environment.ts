import { MemcacheIllegalInputError } from '@mc/protocol';
import { type AuthOptions, parseAddress } from '@mc/transport';

/** Which ASCII authentication the servers expect: memcached's own `-Y`, or MemCachier's. */
export type AuthFormat = 'memcached' | 'memcachier';

/** What the environment says: server names, and the options that go with them. */
export interface EnvironmentConfig {
  /** Server names (`host:port`, `[v6]:port` or a socket path), in the order given. */
  servers: string[];
  /** Spread into Client's or HashClient's options. */
  options: { auth?: AuthOptions & { format: AuthFormat } };
}

/** The environment as `process.env` holds it. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** memjs's fallback when no variable names a server. */
const DEFAULT_SERVERS = 'localhost:11211';
const SCHEME = /^memcached?:\/\//i;

/**
 * Reads servers and credentials from the environment the way memjs does, so an app deployed
 * with memjs (on Heroku's MemCachier, say) switches without touching its configuration:
 *
 * - servers: `MEMCACHIER_SERVERS`, else `MEMCACHE_SERVERS`, else `MEMCACHED_SERVERS`, else
 *   `localhost:11211`; a comma (or space) separated list of `[user:pass@]host[:port]`
 *   entries, credentials URL-decoded (`p%40ss` is `p@ss`), `memcache://` prefixes allowed;
 * - credentials: those written in the entries, else `MEMCACHIER_USERNAME`/`_PASSWORD`, else
 *   `MEMCACHE_USERNAME`/`_PASSWORD`;
 * - the auth format is `'memcachier'` when the servers or credentials come from a
 *   `MEMCACHIER_` variable, `'memcached'` (memcached's `-Y`) otherwise.
 *
 * ```ts
 * const { servers, options } = fromEnvironment();
 * const client = new HashClient(servers, { ...options, keyPrefix: 'app:' });
 * ```
 *
 * Bad entries throw MemcacheIllegalInputError at once, naming the variable.
 */
export function fromEnvironment(env: Environment = process.env): EnvironmentConfig {
  const [source, list] = firstSet(env, ['MEMCACHIER_SERVERS', 'MEMCACHE_SERVERS', 'MEMCACHED_SERVERS']) ?? [
    undefined,
    DEFAULT_SERVERS,
  ];
  const servers: string[] = [];
  let written: { username: string; password: string } | undefined;
  for (const entry of list.split(/[\s,]+/)) {
    if (entry === '') continue;
    const parsed = parseEntry(entry, source);
    servers.push(parsed.server);
    if (parsed.credentials === undefined) continue;
    if (
      written !== undefined &&
      (written.username !== parsed.credentials.username || written.password !== parsed.credentials.password)
    ) {
      throw new MemcacheIllegalInputError(
        `${source}: every server must carry the same credentials (one client authenticates all its servers alike)`,
      );
    }
    written = parsed.credentials;
  }
  if (servers.length === 0) throw new MemcacheIllegalInputError(`${source} lists no server`);

  const fromVariables = written === undefined ? variableCredentials(env) : undefined;
  const credentials = written ?? fromVariables?.credentials;
  if (credentials === undefined) return { servers, options: {} };
  const memcachier = source === 'MEMCACHIER_SERVERS' || fromVariables?.prefix === 'MEMCACHIER';
  return { servers, options: { auth: { ...credentials, format: memcachier ? 'memcachier' : 'memcached' } } };
}

function firstSet(env: Environment, names: string[]): [string, string] | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return [name, value];
  }
  return undefined;
}

function parseEntry(
  entry: string,
  source: string | undefined,
): { server: string; credentials?: { username: string; password: string } } {
  const bare = entry.replace(SCHEME, '').replace(/\/$/, '');
  const at = bare.lastIndexOf('@');
  const where = source ?? 'the default server';
  let server: string;
  try {
    server = parseAddress(at === -1 ? bare : bare.slice(at + 1)).name;
  } catch (error) {
    throw new MemcacheIllegalInputError(`${where}: ${(error as Error).message}`, { cause: error });
  }
  if (at === -1) return { server };
  const userInfo = bare.slice(0, at);
  const colon = userInfo.indexOf(':');
  const username = decode(colon === -1 ? userInfo : userInfo.slice(0, colon), where);
  const password = decode(colon === -1 ? '' : userInfo.slice(colon + 1), where);
  if (username === '')
    throw new MemcacheIllegalInputError(`${where}: an entry has credentials but no user name`);
  return { server, credentials: { username, password } };
}

function decode(text: string, where: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    throw new MemcacheIllegalInputError(`${where}: credentials are not valid URL encoding`, { cause: error });
  }
}

function variableCredentials(
  env: Environment,
): { prefix: string; credentials: { username: string; password: string } } | undefined {
  for (const prefix of ['MEMCACHIER', 'MEMCACHE']) {
    const username = env[`${prefix}_USERNAME`];
    const password = env[`${prefix}_PASSWORD`];
    if (!username && !password) continue;
    if (!username || password === undefined) {
      throw new MemcacheIllegalInputError(
        `${prefix}_USERNAME and ${prefix}_PASSWORD go together; only one of them is set`,
      );
    }
    return { prefix, credentials: { username, password } };
  }
  return undefined;
}

import net from 'node:net';
import { MemcacheIllegalInputError } from '@mc/protocol';

/**
 * Where a memcached server listens: `'host:port'`, `'host'` (port 11211), `'[::1]:11211'`,
 * `'[::1]'`, `'/path/to.sock'`, `'unix:/path/to.sock'`, `{ host, port }` or `{ path }`.
 */
export type ServerAddress = string | { host: string; port?: number } | { path: string };

/**
 * A parsed address. `name` identifies the server wherever servers are named (hashing,
 * errors, events): `host:port` for IPv4 and host names, `[v6]:port` for IPv6 literals, the
 * socket path for UNIX sockets; the default port is always written out.
 */
export type ResolvedAddress =
  | { kind: 'tcp'; host: string; port: number; name: string }
  | { kind: 'unix'; path: string; name: string };

/** memcached's registered port. */
export const DEFAULT_PORT = 11211;

/** Parses a server address once, up front, so a typo fails loudly instead of at connect time. */
export function parseAddress(address: ServerAddress): ResolvedAddress {
  if (typeof address === 'string') return parseString(address);
  if (typeof address === 'object' && address !== null) {
    if ('path' in address && typeof address.path === 'string') return unix(address.path, address);
    if ('host' in address && typeof address.host === 'string') {
      const bracketed = /^\[(.*)\]$/.exec(address.host);
      return tcp(bracketed ? bracketed[1]! : address.host, address.port ?? DEFAULT_PORT, address);
    }
  }
  throw illegal(address, 'expected a string, { host, port } or { path }');
}

function parseString(text: string): ResolvedAddress {
  if (text.startsWith('unix:')) return unix(text.slice('unix:'.length), text);
  if (text.startsWith('/')) return unix(text, text);
  if (text.startsWith('[')) {
    const match = /^\[([^\]]+)\](?::([^:]*))?$/.exec(text);
    if (!match || !net.isIPv6(match[1]!)) {
      throw illegal(text, 'an IPv6 address is written [address] or [address]:port');
    }
    return tcp(match[1]!, match[2] === undefined ? DEFAULT_PORT : parsePort(match[2], text), text);
  }
  // A bare IPv6 literal (`::1`) has several colons and no port.
  if (net.isIPv6(text)) return tcp(text, DEFAULT_PORT, text);
  const colon = text.lastIndexOf(':');
  if (colon === -1) return tcp(text, DEFAULT_PORT, text);
  return tcp(text.slice(0, colon), parsePort(text.slice(colon + 1), text), text);
}

function parsePort(text: string, original: unknown): number {
  if (!/^[0-9]{1,5}$/.test(text)) throw illegal(original, `bad port '${text}'`);
  return Number(text);
}

function tcp(host: string, port: number, original: unknown): ResolvedAddress {
  if (host === '' || /[\s/[\]]/.test(host)) throw illegal(original, `bad host '${host}'`);
  if (host.includes(':') && !net.isIPv6(host)) throw illegal(original, `bad host '${host}'`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw illegal(original, `port must be an integer from 1 to 65535, got ${String(port)}`);
  }
  const name = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  return { kind: 'tcp', host, port, name };
}

function unix(path: string, original: unknown): ResolvedAddress {
  if (path === '' || path.includes('\0')) throw illegal(original, 'empty or invalid socket path');
  return { kind: 'unix', path, name: path };
}

function illegal(address: unknown, reason: string): MemcacheIllegalInputError {
  let shown: string;
  try {
    shown = typeof address === 'string' ? `'${address}'` : JSON.stringify(address);
  } catch {
    shown = String(address);
  }
  return new MemcacheIllegalInputError(`bad server address ${shown}: ${reason}`);
}

import { isIPv6 } from 'node:net';
import { DEFAULT_PORT } from '@mc/transport';

/**
 * A node name (`host:port`, `[v6]:port` or a socket path, as HashClient names its servers)
 * taken apart, so each hasher can spell it as the client it matches does: pymemcache,
 * libmemcached and twemproxy all write an IPv6 host without brackets.
 */
export function splitNodeName(name: string): { host: string; port: number } | { path: string } {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(name);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) };
  // A host name or an IPv4 address never holds '/' or ':'; a socket path is anything with a '/'.
  const plain = /^([^/:[\]]+):(\d{1,5})$/.exec(name);
  if (plain) return { host: plain[1]!, port: Number(plain[2]) };
  // A bare host or IPv6 address (a hasher given names of its own) is on the default port.
  if (!name.includes('/') && (isIPv6(name) || !name.includes(':'))) return { host: name, port: DEFAULT_PORT };
  return { path: name };
}

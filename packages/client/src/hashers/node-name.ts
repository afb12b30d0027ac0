import { parseAddress } from '@mc/transport';

/**
 * A node name (`host:port`, `[v6]:port` or a socket path, as HashClient names its servers)
 * read back by the transport's own address parser, so each hasher can spell it as the client
 * it matches does: pymemcache, libmemcached and twemproxy all write an IPv6 host without
 * brackets. A name the parser refuses (a hasher given names of its own) is taken as it is.
 */
export function splitNodeName(name: string): { host: string; port: number } | { path: string } {
  try {
    const address = parseAddress(name);
    return address.kind === 'unix' ? { path: address.path } : { host: address.host, port: address.port };
  } catch {
    return { path: name };
  }
}

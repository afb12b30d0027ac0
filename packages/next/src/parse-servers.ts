/** The addresses in a comma-separated list such as `MEMCACHED_SERVERS`, blanks dropped. */
export function parseServers(list: string): string[] {
  return list
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
}

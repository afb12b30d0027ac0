/** The cells of a server's line in a `top` screen or frame: HIT%, OPS/s, EVICT/s, EVICTED, CONN, MEMORY…, ITEMS, READ/s, WRITE/s. */
export function cells(screen: string, server: string): string[] | undefined {
  const line = screen.split('\n').find((text) => text.startsWith(`${server} `));
  return line?.slice(server.length).trim().split(/\s+/);
}

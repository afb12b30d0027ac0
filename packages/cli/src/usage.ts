/** The text of `memcli --help`. */
export const usage = `memcli: a small command line for memcached

Usage:
  memcli get <key>                      print the value (exit 1 on a miss)
  memcli set <key> <value> [--ttl N]    store a value; "-" reads it from stdin as bytes,
                                        up to the server's item size (item_size_max)
  memcli delete <key>                   delete a key (exit 1 if it was not there)
  memcli stats [group]                  print the server's stats (group: settings, items, slabs)
  memcli flush [delay]                  invalidate every item, now or after <delay> seconds
  memcli version                        print the server's version
  memcli bench [--count N] [--size B]   measure set and get operations per second
  memcli top [--interval MS]            live view of every server: hit rate, ops/s, evictions,
                                        connections, memory (q or Ctrl-C quits)

Options:
  -s, --server <host:port>   a server; repeat it to spread keys over several (HashClient).
                             Default: $MEMCACHED_SERVERS (comma-separated) or 127.0.0.1:11211
  -p, --prefix <prefix>      a key prefix for every key
  -t, --timeout <ms>         connect and command deadline in milliseconds (default 5000)
      --ttl <seconds>        with set: expire after this many seconds (default: never)
      --interval <ms>        with top: milliseconds between refreshes (default 1000)
      --refreshes <n>        with top: exit after n refreshes (default: until q or Ctrl-C)
  -j, --json                 values and output as JSON
      --raw                  values as the bytes stored, whatever their flags (a value
                             another client wrote); set stores the bytes with flags 0
      --tls                  connect with TLS (memcached -Z); implied by every --tls-* option
      --tls-ca <file>        PEM file of the CA that signed the server's certificate
      --tls-cert <file>      client certificate (PEM), with --tls-key, for servers that ask
      --tls-key <file>       the client certificate's private key (PEM)
      --tls-servername <n>   check the certificate against this name instead of the host
      --tls-insecure         do not check the server's certificate (test servers only)
  -h, --help                 show this help

Exit codes:
  0 ok, 1 miss / not found / not stored, 2 usage error, 3 connection or timeout error,
  4 server error, 5 output could not be written
`;

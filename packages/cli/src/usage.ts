/** The text of `mc --help`. */
export const usage = `mc: a small command line for memcached

Usage:
  mc get <key>                       print the value (exit 1 on a miss)
  mc set <key> <value> [--ttl N]     store a value; "-" reads it from stdin as bytes
  mc delete <key>                    delete a key (exit 1 if it was not there)
  mc stats [group]                   print the server's stats (group: settings, items, slabs)
  mc flush [delay]                   invalidate every item, now or after <delay> seconds
  mc version                         print the server's version
  mc bench [--count N] [--size B]    measure set and get operations per second

Options:
  -s, --server <host:port>   a server; repeat it to spread keys over several (HashClient).
                             Default: $MEMCACHED_SERVERS (comma-separated) or 127.0.0.1:11211
  -p, --prefix <prefix>      a key prefix for every key
  -t, --timeout <ms>         connect and command deadline in milliseconds (default 5000)
      --ttl <seconds>        with set: expire after this many seconds (default: never)
  -j, --json                 values and output as JSON
  -h, --help                 show this help

Exit codes:
  0 ok, 1 miss / not found / not stored, 2 usage error, 3 connection or timeout error,
  4 server error
`;

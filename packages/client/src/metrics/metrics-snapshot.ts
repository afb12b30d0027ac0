/**
 * What `client.metrics()` returns: plain numbers and strings only, so it can go straight to
 * `JSON.stringify`, a log line or a metrics exporter. Counters count from the moment
 * collection started (`since`); gauges (`pending`, `open`, `dead`) are read at the snapshot.
 */
export interface MetricsSnapshot {
  /** When collection started, in milliseconds since the epoch (`metrics: true` or the first `metrics()` call). */
  since: number;
  /** Per server, by its name (`host:port`, `[v6]:port` or the socket path). */
  nodes: Record<string, NodeMetricsSnapshot>;
  /** Writes reported as failed (see `onWriteFailure`), over all servers. */
  writeFailures: number;
}

/** One server's counters. */
export interface NodeMetricsSnapshot {
  /** Per command as sent on the wire: `get`, `gets`, `set`, `mg`, `ms`, `delete`... */
  commands: Record<string, CommandMetricsSnapshot>;
  connections: {
    /** Sockets that connected (reconnects included). */
    opened: number;
    /** Sockets that closed after connecting. */
    closed: number;
    /** Connection attempts that failed (refused, timed out, TLS or auth failure). */
    failed: number;
    /** Sockets connected now. */
    open: number;
  };
  /** Requests made and not yet answered, queued or in flight, over the server's sockets. */
  pending: number;
  /**
   * Bytes that crossed the server's sockets, as the kernel took and gave them: every request
   * line and reply whole (a merged get line once, quiet flags, `mn`), unlike the per-command
   * `bytesOut` (each request as encoded) and `valueBytesIn` (values only).
   */
  bytes: { written: number; read: number };
  /** Times HashClient marked this server dead. */
  markedDead: number;
  /** Times a dead server came back (a probe succeeded). */
  markedAlive: number;
  /** Whether HashClient holds the server dead now. */
  dead: boolean;
}

/** One command's counters on one server. */
export interface CommandMetricsSnapshot {
  /** Requests sent (a `getMany` line is one operation carrying many keys). */
  operations: number;
  /** Keys the requests carried. */
  keys: number;
  /** For retrievals (`get`, `gets`, `gat`, `gats`, `mg`): keys found. */
  hits: number;
  /** For retrievals: keys asked for and not found. */
  misses: number;
  /** Failed requests by the error's `code` (e.g. `MC_TIMEOUT`), else its name. */
  errors: Record<string, number>;
  /** Bytes of the requests as encoded (header characters plus value bytes). */
  bytesOut: number;
  /** Bytes of the values that came back (retrievals only; headers are not counted). */
  valueBytesIn: number;
  latency: LatencyHistogram;
}

/**
 * Time from sending a request to its answer, in milliseconds, as a cumulative-free histogram:
 * `counts[i]` requests took at most `bounds[i]` ms (and more than `bounds[i - 1]`); the last
 * count, one more than there are bounds, holds the slower ones.
 */
export interface LatencyHistogram {
  unit: 'ms';
  bounds: readonly number[];
  counts: number[];
  /** Sum of all durations, ms. */
  sum: number;
  count: number;
}

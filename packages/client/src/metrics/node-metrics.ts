import type { Connection } from '@mc/transport';
import { latencyBucket, LATENCY_BOUNDS_MS } from './latency-bounds.js';
import type { CommandMetricsSnapshot, NodeMetricsSnapshot } from './metrics-snapshot.js';

/** One finished request, as an observer (OpenTelemetry) sees it. */
export interface OperationRecord {
  server: string;
  command: string;
  /** Milliseconds from send to answer. */
  duration: number;
  /** The failure, when the request failed. */
  error: unknown;
}

/** Counters of one command on one server; plain fields, so recording is a few increments. */
class CommandCounters {
  operations = 0;
  keys = 0;
  hits = 0;
  misses = 0;
  bytesOut = 0;
  valueBytesIn = 0;
  latencySum = 0;
  readonly latencyCounts: number[] = new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);
  readonly errors = new Map<string, number>();

  snapshot(): CommandMetricsSnapshot {
    return {
      operations: this.operations,
      keys: this.keys,
      hits: this.hits,
      misses: this.misses,
      errors: Object.fromEntries(this.errors),
      bytesOut: this.bytesOut,
      valueBytesIn: this.valueBytesIn,
      latency: {
        unit: 'ms',
        bounds: LATENCY_BOUNDS_MS,
        counts: [...this.latencyCounts],
        sum: this.latencySum,
        count: this.operations,
      },
    };
  }
}

/** The commands whose replies say, per key, found or not. */
const RETRIEVALS = new Set(['get', 'gets', 'gat', 'gats', 'mg']);

/**
 * One server's counters: per command, its connections' events, and HashClient's verdicts.
 * Connections are watched through their own `connect`/`close`/`error` events, attached when
 * collection starts, so a client that never asks for metrics never has listeners added.
 */
export class NodeMetrics {
  readonly name: string;
  readonly #commands = new Map<string, CommandCounters>();
  /** Each watched connection, with its byte counts when watching started. */
  readonly #watched = new Map<Connection, { written: number; read: number }>();
  opened = 0;
  closed = 0;
  failed = 0;
  markedDead = 0;
  markedAlive = 0;
  dead = false;
  /** Told of each finished request (OpenTelemetry's histogram), when someone listens. */
  observer: ((record: OperationRecord) => void) | undefined;

  constructor(name: string) {
    this.name = name;
  }

  /** Starts counting one connection's opens, closes and failures; idempotent. */
  watch(connection: Connection): void {
    if (this.#watched.has(connection)) return;
    this.#watched.set(connection, { written: connection.bytesWritten, read: connection.bytesRead });
    connection.on('connect', () => this.opened++);
    connection.on('close', () => this.closed++);
    connection.on('connectFailed', () => this.failed++);
  }

  /** Records a finished request: `result` is what the reader produced, or `error` set. */
  record(
    command: string,
    keyCount: number,
    bytesOut: number,
    duration: number,
    result: unknown,
    error: unknown,
  ): void {
    let counters = this.#commands.get(command);
    if (counters === undefined) {
      counters = new CommandCounters();
      this.#commands.set(command, counters);
    }
    counters.operations++;
    counters.keys += keyCount;
    counters.bytesOut += bytesOut;
    counters.latencySum += duration;
    counters.latencyCounts[latencyBucket(duration)]!++;
    if (error !== undefined) {
      const code = errorCode(error);
      counters.errors.set(code, (counters.errors.get(code) ?? 0) + 1);
    } else if (RETRIEVALS.has(command)) {
      const { found, bytes } = countFound(result);
      counters.hits += found;
      counters.misses += Math.max(0, keyCount - found);
      counters.valueBytesIn += bytes;
    }
    this.observer?.({ server: this.name, command, duration, error });
  }

  /** HashClient marked the server dead (`alive` false) or back. */
  stateChanged(alive: boolean): void {
    if (alive) this.markedAlive++;
    else this.markedDead++;
    this.dead = !alive;
  }

  /** Requests pending over the watched connections now. */
  pending(): number {
    let pending = 0;
    for (const connection of this.#watched.keys()) pending += connection.pending;
    return pending;
  }

  /** Connections in the `ready` state now. */
  openConnections(): number {
    let open = 0;
    for (const connection of this.#watched.keys()) if (connection.state === 'ready') open++;
    return open;
  }

  /** Open connections with nothing pending (`idle`) and with requests pending (`used`). */
  connectionStates(): { idle: number; used: number } {
    let idle = 0;
    let used = 0;
    for (const connection of this.#watched.keys()) {
      if (connection.state !== 'ready') continue;
      if (connection.pending > 0) used++;
      else idle++;
    }
    return { idle, used };
  }

  /** What crossed the server's sockets since counting started, requests and replies whole. */
  bytes(): { written: number; read: number } {
    let written = 0;
    let read = 0;
    for (const [connection, start] of this.#watched) {
      written += connection.bytesWritten - start.written;
      read += connection.bytesRead - start.read;
    }
    return { written, read };
  }

  /** Each command's live counters, for exporters that poll without a full snapshot. */
  commandCounters(): IterableIterator<
    [string, { readonly keys: number; readonly hits: number; readonly misses: number }]
  > {
    return this.#commands.entries();
  }

  snapshot(): NodeMetricsSnapshot {
    const commands: Record<string, CommandMetricsSnapshot> = {};
    for (const [command, counters] of this.#commands) commands[command] = counters.snapshot();
    return {
      commands,
      connections: {
        opened: this.opened,
        closed: this.closed,
        failed: this.failed,
        open: this.openConnections(),
      },
      pending: this.pending(),
      bytes: this.bytes(),
      markedDead: this.markedDead,
      markedAlive: this.markedAlive,
      dead: this.dead,
    };
  }
}

/** The error's stable `code` (every MemcacheError has one), else its name. */
export function errorCode(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const { code, name } = error as { code?: unknown; name?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'Error';
}

/**
 * Hits in a retrieval's result: a list of hits (get family), the frames of a multi-key read
 * (RetrievedFrames), or one meta reply (`mg`).
 */
function countFound(result: unknown): { found: number; bytes: number } {
  const frames = (result as { frames?: unknown } | null)?.frames;
  if (Array.isArray(frames)) {
    let bytes = 0;
    for (const frame of frames as Array<{ data: Uint8Array }>) bytes += frame.data.byteLength;
    return { found: frames.length, bytes };
  }
  if (Array.isArray(result)) {
    let bytes = 0;
    for (const hit of result as Array<{ value?: Uint8Array }>) bytes += hit.value?.byteLength ?? 0;
    return { found: result.length, bytes };
  }
  if (result !== null && typeof result === 'object') {
    const reply = result as { code?: string; value?: Uint8Array };
    if (reply.code === 'EN') return { found: 0, bytes: 0 };
    return { found: 1, bytes: reply.value?.byteLength ?? 0 };
  }
  return { found: 0, bytes: 0 };
}

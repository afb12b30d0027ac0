import net from 'node:net';

/** What the proxy does to the bytes it forwards; every probability is per forwarded chunk. */
export interface FaultPlan {
  /** Holds each chunk up to this many milliseconds (order is kept). */
  maxDelayMs?: number;
  /** Cuts a chunk at random points and writes the pieces in separate event-loop turns. */
  splitProbability?: number;
  /** Destroys both sides of the connection instead of forwarding the chunk. */
  resetProbability?: number;
  /** Stops forwarding in both directions for `stallMs` (meant to outlast the client's deadline). */
  stallProbability?: number;
  stallMs?: number;
}

/** What the proxy did so far. */
export interface FaultCounts {
  connections: number;
  chunks: number;
  delays: number;
  splits: number;
  resets: number;
  stalls: number;
}

export interface FaultProxy {
  host: string;
  port: number;
  address: string;
  /** The faults in force; replace them at any time (`{}` forwards honestly). */
  plan: FaultPlan;
  readonly counts: FaultCounts;
  /** Faults injected so far: delays, splits, resets and stalls together. */
  readonly faults: number;
  /** Restarts the random choices from `seed`, so a failing run's faults can be replayed. */
  reseed(seed: number): void;
  close(): Promise<void>;
}

/** A small seeded generator (mulberry32), so a proxy run can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An in-process TCP proxy in front of a real server that injects the network's faults on
 * demand: delays, chunks split at random points, connection resets and stalls. Each
 * direction forwards its chunks one at a time, in order, so only the faults reorder time.
 */
export async function startFaultProxy(
  target: { host: string; port: number },
  options: { plan?: FaultPlan; seed?: number } = {},
): Promise<FaultProxy> {
  let generator = random(options.seed ?? 1);
  const next = () => generator();
  const counts: FaultCounts = { connections: 0, chunks: 0, delays: 0, splits: 0, resets: 0, stalls: 0 };
  const open = new Set<net.Socket>();
  const proxy = {
    plan: options.plan ?? {},
  };

  const server = net.createServer((client) => {
    counts.connections++;
    const upstream = net.connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client);
    open.add(upstream);
    let ended = false;
    let stalledUntil = 0;
    const reset = () => {
      if (ended) return;
      ended = true;
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', reset);
    upstream.on('error', reset);
    client.on('close', reset);
    upstream.on('close', reset);

    const pipe = (from: net.Socket, to: net.Socket) => {
      const queue: Buffer[] = [];
      let pumping = false;
      const pump = async () => {
        pumping = true;
        while (queue.length > 0 && !ended) {
          const chunk = queue.shift()!;
          const plan = proxy.plan;
          counts.chunks++;
          if ((plan.resetProbability ?? 0) > next()) {
            counts.resets++;
            reset();
            break;
          }
          if ((plan.stallProbability ?? 0) > next()) {
            counts.stalls++;
            stalledUntil = Date.now() + (plan.stallMs ?? 1000);
          }
          if (stalledUntil > Date.now()) await wait(stalledUntil - Date.now());
          if ((plan.maxDelayMs ?? 0) > 0 && next() < 0.5) {
            counts.delays++;
            await wait(Math.floor(next() * plan.maxDelayMs!));
          }
          if (ended) break;
          if (chunk.length > 1 && (plan.splitProbability ?? 0) > next()) {
            counts.splits++;
            let rest = chunk;
            while (rest.length > 1 && !ended) {
              const cut = 1 + Math.floor(next() * (rest.length - 1));
              to.write(rest.subarray(0, cut));
              rest = rest.subarray(cut);
              await new Promise((resolve) => setImmediate(resolve));
              if (next() < 0.3) break;
            }
            if (!ended && rest.length > 0) to.write(rest);
          } else {
            to.write(chunk);
          }
        }
        pumping = false;
      };
      from.on('data', (chunk: Buffer) => {
        queue.push(chunk);
        if (!pumping) void pump();
      });
    };
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    get plan() {
      return proxy.plan;
    },
    set plan(plan: FaultPlan) {
      proxy.plan = plan;
    },
    counts,
    get faults() {
      return counts.delays + counts.splits + counts.resets + counts.stalls;
    },
    reseed(seed) {
      generator = random(seed);
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

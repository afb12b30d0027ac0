import { createHash } from 'node:crypto';
import { MemcacheIllegalInputError } from '@mc/protocol';
import type { Hasher } from './hasher.js';
import { splitNodeName } from './node-name.js';

/** Points on the ring per server at equal weights: 40 md5 digests, 4 points each. */
const POINTS_PER_SERVER = 160;
const POINTS_PER_HASH = 4;
const DEFAULT_PORT = 11211;

function md5(data: string | Uint8Array): Buffer {
  return createHash('md5').update(data).digest();
}

/**
 * The name a server's points are derived from, as libmemcached spells it: "host:port", the
 * port left out when it is the default 11211 ("host"), an IPv6 host without brackets, and a
 * socket as "path:0" (libmemcached counts a socket's port as 0; twemproxy writes "path:"
 * and so places socket servers differently).
 */
function pointName(name: string): string {
  const parts = splitNodeName(name);
  if ('path' in parts) return `${parts.path}:0`;
  return parts.port === DEFAULT_PORT ? parts.host : `${parts.host}:${parts.port}`;
}

/**
 * How many points a server gets, computed in 32-bit floats as twemproxy's `ketama_update`
 * does (its `floorf((float)(pct * 160 / 4 * (float)n + 0.0000000001)) * 4`), so that
 * uneven weights round the same way.
 */
function pointsFor(weight: number, totalWeight: number, servers: number): number {
  const share = Math.fround(weight / totalWeight);
  const perHash = Math.fround(Math.fround(Math.fround(share * POINTS_PER_SERVER) / 4) * servers);
  return Math.floor(Math.fround(perHash + 0.0000000001)) * 4;
}

/**
 * Ketama consistent hashing with md5, placing keys as twemproxy (`hash: md5`,
 * `distribution: ketama`) and libmemcached's weighted ketama do for the same servers and
 * weights. The key is hashed as sent, prefix included, as a proxy sees it.
 *
 * Each server contributes points: md5("<name>-<i>") for i = 0, 1, ... gives four 32-bit
 * little-endian points per digest, 160 points at equal weights. A key belongs to the first
 * point at or after md5(key)'s first four bytes (little-endian), wrapping at the top.
 *
 *   0 ──●a────●b──●a───────●c────●b──── 2³² ─┐
 *            ▲ md5(key) → next point: b       │ (past the last point: wrap to the first)
 *   ◄─────────────────────────────────────────┘
 *
 * Names follow libmemcached: a node named `host:11211` hashes as `host`.
 */
export class KetamaHasher implements Hasher {
  #weights = new Map<string, number>();
  #points = new Uint32Array(0);
  #owners: string[] = [];

  constructor(nodes: Iterable<string | { name: string; weight?: number }> = []) {
    for (const node of nodes) {
      if (typeof node === 'string') this.#weights.set(node, 1);
      else this.#weights.set(node.name, KetamaHasher.#checkWeight(node.name, node.weight ?? 1));
    }
    this.#rebuild();
  }

  getNode(key: string | Uint8Array): string | undefined {
    const points = this.#points;
    if (points.length === 0) return undefined;
    const hash = md5(key).readUInt32LE(0);
    let low = 0;
    let high = points.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (points[middle]! < hash) low = middle + 1;
      else high = middle;
    }
    return this.#owners[low === points.length ? 0 : low];
  }

  /** Adds a node or changes its weight (a positive integer, default 1), as in `host:port:weight`. */
  addNode(name: string, weight = 1): void {
    this.#weights.set(name, KetamaHasher.#checkWeight(name, weight));
    this.#rebuild();
  }

  removeNode(name: string): void {
    if (this.#weights.delete(name)) this.#rebuild();
  }

  nodes(): string[] {
    return [...this.#weights.keys()];
  }

  static #checkWeight(name: string, weight: number): number {
    if (!Number.isInteger(weight) || weight < 1) {
      throw new MemcacheIllegalInputError(`the weight of ${name} must be a positive integer, got ${weight}`);
    }
    return weight;
  }

  #rebuild(): void {
    let totalWeight = 0;
    for (const weight of this.#weights.values()) totalWeight += weight;
    const servers = this.#weights.size;
    const values: number[] = [];
    const owners: string[] = [];
    for (const [name, weight] of this.#weights) {
      const base = pointName(name);
      const digests = pointsFor(weight, totalWeight, servers) / POINTS_PER_HASH;
      for (let index = 0; index < digests; index++) {
        const digest = md5(`${base}-${index}`);
        for (let alignment = 0; alignment < POINTS_PER_HASH; alignment++) {
          values.push(digest.readUInt32LE(alignment * 4));
          owners.push(name);
        }
      }
    }
    const order = values.map((_, index) => index).sort((left, right) => values[left]! - values[right]!);
    this.#points = Uint32Array.from(order, (index) => values[index]!);
    this.#owners = order.map((index) => owners[index]!);
  }
}

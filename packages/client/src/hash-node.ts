import {
  commands,
  type EncodedRequest,
  type Key,
  type ValueFrameLike,
  MemcacheIllegalInputError,
  MemcacheUnexpectedCloseError,
} from '@mc/protocol';
import { type CloseOptions, timerDelay } from '@mc/transport';
import type { ConnectionGroup } from './connection-group.js';
import { deadNodeRefusal } from './dead-node-refusal.js';
import { isNodeFailure } from './node-failure.js';
import type { FinishRead, ServerNode } from './server-node.js';

/** How HashClient decides that a node is dead, and for how long. */
export interface FailurePolicy {
  /** Failures within `retryTimeout` that mark a node dead (default 2). */
  retryAttempts: number;
  /** The window, in ms, in which those failures must fall (default 1000). */
  retryTimeout: number;
  /** How long, in ms, a dead node is left alone before one request probes it (default 60000). */
  deadTimeout: number;
  /**
   * Probe in the background (`failover`): a dead node's keys have moved to other nodes, so no
   * request of theirs would ever probe it; a `version` every `deadTimeout` does instead.
   */
  probeInBackground: boolean;
  /** Told when a node dies or comes back, so HashClient can move keys under `failover`. */
  onStateChange(node: HashNode, alive: boolean): void;
}

/**
 * Sockets lost this close together are one event of the node, such as a restart dropping every
 * socket to it: their close events reach the process in one burst.
 */
const SAME_EVENT_WINDOW = 100;

/**
 * A server as HashClient sees it: its sockets plus a health record.
 *
 *   alive ──(retryAttempts failures within retryTimeout)──▶ dead
 *     ▲                                                      │ deadTimeout passes
 *     └───── probe answered (even with an error) ◀── probing ◀┘
 *                                          │ probe fails (connection, timeout, close)
 *                                          └──────────────▶ dead (for another deadTimeout)
 *
 * While dead, requests are refused at once (deadNodeRefusal: reads take it as a miss, writes
 * reject with it), without touching the network, so a dead node costs its callers nothing but
 * the miss. The probe is the first
 * request after `deadTimeout`, or, with `probeInBackground` (failover, where the node's keys
 * are elsewhere), a `version` the node sends itself; the node counts as alive again only
 * once a probe succeeds.
 */
export class HashNode implements ServerNode {
  readonly name: string;
  readonly group: ConnectionGroup;
  readonly #policy: FailurePolicy;
  #failures: number[] = [];
  /** The socket losses already counted: one rejects every request in flight with one error. */
  readonly #counted = new WeakSet<object>();
  /** When the last socket lost was counted (performance.now()). */
  #lastLost = Number.NEGATIVE_INFINITY;
  #deadUntil = 0;
  #probing = false;
  #probeTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(group: ConnectionGroup, policy: FailurePolicy) {
    this.group = group;
    this.name = group.name;
    this.#policy = policy;
  }

  /** True while the node is marked dead and not yet due for a probe. */
  get dead(): boolean {
    return this.#deadUntil !== 0;
  }

  send<T>(request: EncodedRequest<T>, keyCount = 0, routeKey?: Key): Promise<T> {
    return this.#guard(() => this.group.send(request, keyCount, routeKey));
  }

  everySocket<T>(build: () => EncodedRequest<T>, keyCount = 0): Promise<T> {
    return this.#guard(() => this.group.everySocket(build, keyCount));
  }

  socketOf(wireKey: Key): number {
    return this.group.socketOf(wireKey);
  }

  retrieve<R, C>(command: 'get' | 'gets', wireKey: Key, finish: FinishRead<R, C>, context: C): Promise<R> {
    // finish runs outside the guard: a value that does not decode is no failure of the node.
    return this.#guard(() => this.group.retrieve(command, wireKey, firstHit, undefined)).then((hit) =>
      finish(hit, context),
    );
  }

  /** Refuses at once while dead, lets one probe through when due, and counts failures. */
  async #guard<T>(run: () => Promise<T>): Promise<T> {
    // Closed: the sockets refuse with "is closed", which says nothing of the server's health.
    if (this.#closed) return run();
    let probe = false;
    if (this.#deadUntil !== 0) {
      if (this.#probing || this.#policy.probeInBackground || Date.now() < this.#deadUntil) {
        throw deadNodeRefusal(this.name, this.#deadUntil);
      }
      probe = true;
      this.#probing = true;
    }
    try {
      const result = await run();
      if (probe) this.#revive();
      return result;
    } catch (error) {
      if (probe) {
        this.#probing = false;
        // Only a failure of the node itself keeps it dead; an answer, even an error such as
        // CLIENT_ERROR, proves it up; illegal input never left, so the next request probes.
        if (isNodeFailure(error)) this.#deadUntil = Date.now() + this.#policy.deadTimeout;
        else if (!(error instanceof MemcacheIllegalInputError)) this.#revive();
      } else if (isNodeFailure(error)) {
        this.#recordFailure(error as object);
      }
      throw error;
    }
  }

  /**
   * Requests are pipelined, so one lost socket fails every request in flight at once, all with
   * the same error, and a restart drops every socket to the server within moments: that is one
   * failure of the node, or a restart under load would mark a healthy node dead for
   * `deadTimeout`. Everything else counts per request, as a sequential caller meets it: a
   * deadline passed (the server did not answer in time, whatever was in flight) and a
   * connection refused or timed out are what a frozen or dead server answers.
   */
  #recordFailure(error: object): void {
    if (error instanceof MemcacheUnexpectedCloseError) {
      if (this.#counted.has(error)) return;
      this.#counted.add(error);
      const now = performance.now();
      if (now - this.#lastLost < SAME_EVENT_WINDOW) return;
      this.#lastLost = now;
    }
    const now = Date.now();
    const windowStart = now - this.#policy.retryTimeout;
    this.#failures = this.#failures.filter((time) => time >= windowStart);
    this.#failures.push(now);
    if (this.#failures.length >= this.#policy.retryAttempts && this.#deadUntil === 0) {
      this.#deadUntil = now + this.#policy.deadTimeout;
      this.#failures = [];
      this.#policy.onStateChange(this, false);
      this.#scheduleProbe();
    }
  }

  #scheduleProbe(): void {
    if (!this.#policy.probeInBackground || this.#closed) return;
    // unref'd: a dead node being watched must not keep the process alive.
    this.#probeTimer = setTimeout(() => void this.#probe(), timerDelay(this.#policy.deadTimeout));
    this.#probeTimer.unref();
  }

  async #probe(): Promise<void> {
    this.#probeTimer = undefined;
    if (this.#closed || this.#deadUntil === 0) return;
    this.#probing = true;
    try {
      await this.group.send(commands.version.request());
    } catch {
      this.#probing = false;
      this.#deadUntil = Date.now() + this.#policy.deadTimeout;
      this.#scheduleProbe();
      return;
    }
    if (!this.#closed) this.#revive();
  }

  #revive(): void {
    this.#probing = false;
    this.#deadUntil = 0;
    this.#failures = [];
    this.#policy.onStateChange(this, true);
  }

  quit(): Promise<void> {
    this.#stopProbing();
    return this.group.quit();
  }

  close(options?: CloseOptions): Promise<void> {
    this.#stopProbing();
    return this.group.close(options);
  }

  #stopProbing(): void {
    this.#closed = true;
    clearTimeout(this.#probeTimer);
    this.#probeTimer = undefined;
  }
}

const firstHit = (hit: ValueFrameLike | undefined): ValueFrameLike | undefined => hit;

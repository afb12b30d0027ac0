import { commands, MemcacheTimeoutError } from '@mc/protocol';
import { startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Connection } from './connection.js';

/** Resolves with how a promise settled, or 'pending' if it did not within `ms`. */
function settledWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([
    promise.then(
      (value) => ({ value }),
      (error: unknown) => error,
    ),
    new Promise((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

describe('a per-call deadline behind a request without one', () => {
  // "A later request whose own (shorter) deadline passes first rejects alone: it is
  // abandoned, and its reply is read and dropped when it comes."
  it('rejects with MemcacheTimeoutError when it is in flight behind a request sent with no deadline', async () => {
    const silent = await startFakeServer(); // accepts, never answers
    const connection = new Connection(silent.address, { timeout: 0 });
    try {
      await connection.connect();
      const patient = connection.send(commands.version.request());
      patient.catch(() => {});
      const hasty = connection.send(commands.version.request(), { timeout: 100 });
      const outcome = await settledWithin(hasty, 5000);
      expect(outcome).toBeInstanceOf(MemcacheTimeoutError);
    } finally {
      connection.destroy();
      await silent.close();
    }
  });

  it('rejects with MemcacheTimeoutError behind a request whose own timeout is 0 (none)', async () => {
    const silent = await startFakeServer();
    const connection = new Connection(silent.address, { timeout: 100 });
    try {
      await connection.connect();
      const patient = connection.send(commands.version.request(), { timeout: 0 });
      patient.catch(() => {});
      const bounded = connection.send(commands.version.request());
      const outcome = await settledWithin(bounded, 5000);
      expect(outcome).toBeInstanceOf(MemcacheTimeoutError);
    } finally {
      connection.destroy();
      await silent.close();
    }
  });

  it('rejects with MemcacheTimeoutError while it waits, unwritten, behind a request with no deadline', async () => {
    // With auth, requests wait behind the handshake; this server never answers the probe.
    const silent = await startFakeServer();
    const connection = new Connection(silent.address, {
      timeout: 0,
      connectTimeout: 10_000,
      auth: { username: 'user', password: 'secret' },
    });
    try {
      const patient = connection.send(commands.version.request());
      patient.catch(() => {});
      const hasty = connection.send(commands.version.request(), { timeout: 100 });
      const outcome = await settledWithin(hasty, 5000);
      expect(outcome).toBeInstanceOf(MemcacheTimeoutError);
    } finally {
      connection.destroy();
      await silent.close();
    }
  });
});

import fs from 'node:fs';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type MemcachedServer, startMemcached } from './memcached.js';

/** The scheduler state of each of a process's threads, from /proc (Linux only). */
function threadStates(pid: number): string[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  });
}

const servers: MemcachedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

describe.runIf(process.platform === 'linux')('pause()', () => {
  it('returns only once every thread of memcached is stopped', async () => {
    // kill(SIGSTOP) only queues the signal; until a thread takes it, the others still answer.
    const server = await startMemcached();
    servers.push(server);
    for (let round = 0; round < 20; round++) {
      server.pause();
      expect(threadStates(server.pid).every((state) => state === 'T' || state === 't')).toBe(true);
      server.resume();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  it('leaves a request sent right after it unanswered', async () => {
    const server = await startMemcached();
    servers.push(server);
    const socket = net.connect(server.port, server.host);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let replies = 0;
    socket.on('data', (data: Buffer) => {
      replies += data.toString('latin1').split('\r\n').length - 1;
    });
    const until = async (count: number) => {
      while (replies < count) await new Promise((resolve) => setTimeout(resolve, 1));
    };
    socket.write('set c 0 0 1\r\n0\r\n');
    await until(1);
    for (let round = 1; round <= 20; round++) {
      server.pause();
      socket.write('incr c 1\r\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(replies).toBe(round);
      server.resume();
      await until(round + 1);
    }
    socket.destroy();
  });
});

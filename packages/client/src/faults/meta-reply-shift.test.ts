import { onLines, startFakeServer } from '@mc/test-utils';
import { describe, expect, it } from 'vitest';
import { Client, MemcacheError } from '../index.js';
import { closeAfterEach } from '../test-support/fault-harness.js';

// A meta reply that no request asked for (the server sent one twice, or a stray `EN`) used
// to shift every reply behind it onto the request after: a loud `mg` (vivify and recache are
// always loud, and so is a lone one) carried no opaque, so the next caller took the extra
// reply as its own, another key's value included. Every loud meta request now carries an
// opaque whose echo the reader checks, so such a reply resets the connection instead.

const track = closeAfterEach();

type Fault = (line: string, reply: string) => string;

/**
 * An in-process memcached that answers mg, ms, md and ma as 1.6.18 does (echoing `O` and
 * `k`), every key holding `value-of-<key>`, with `fault` free to change a reply.
 */
async function metaServer(fault: Fault) {
  return track(
    await startFakeServer((socket) => {
      let data: { line: string; tokens: string[] } | undefined;
      onLines(socket, (line) => {
        if (data !== undefined) {
          const { line: head, tokens } = data;
          data = undefined;
          socket.write(fault(head, `HD${echo(tokens)}\r\n`));
          return;
        }
        const tokens = line.split(' ');
        const [verb, key] = tokens;
        if (verb === 'ms') {
          data = { line, tokens: tokens.slice(3) };
          return;
        }
        if (verb === 'mn') return void socket.write('MN\r\n');
        const flags = tokens.slice(2);
        let reply: string;
        if (verb === 'mg') {
          const value = `value-of-${key}`;
          const returned = flags.some((flag) => flag === 'f') ? ' f16' : '';
          reply = flags.includes('v')
            ? `VA ${value.length}${returned}${echo(flags)}\r\n${value}\r\n`
            : `HD${returned}${echo(flags)}\r\n`;
        } else if (verb === 'md') reply = `HD${echo(flags)}\r\n`;
        else if (verb === 'ma') reply = `VA 1${echo(flags)}\r\n7\r\n`;
        else reply = 'ERROR\r\n';
        socket.write(fault(line, reply));
      });
    }),
  );
}

/** The flags memcached echoes: the opaque and, when asked, the key. */
function echo(flags: readonly string[]): string {
  return flags
    .filter((flag) => flag.startsWith('O'))
    .map((flag) => ` ${flag}`)
    .join('');
}

/** A fault that sends the first reply to a request on key `key` twice. */
function doubled(key: string): Fault {
  let done = false;
  return (line, reply) => {
    if (done || line.split(' ')[1] !== key) return reply;
    done = true;
    return reply + reply;
  };
}

/** Every outcome, settled: a value, or the error's class. */
async function outcomes(calls: Array<Promise<unknown>>): Promise<unknown[]> {
  return Promise.all(
    calls.map((call) =>
      call.then(
        (value) => value,
        (error: unknown) => (error instanceof MemcacheError ? error.name : `untyped: ${String(error)}`),
      ),
    ),
  );
}

describe('a meta reply nobody asked for never reaches the next caller', () => {
  it('a doubled mg reply: the next metaGet (vivify, so loud) is not given the other key’s value', async () => {
    const fake = await metaServer(doubled('a'));
    const client = track(new Client(fake.address, { timeout: 5_000 }));
    const [a, b] = await outcomes([
      client.metaGet('a', { value: true, vivify: 30 }),
      client.metaGet('b', { value: true, vivify: 30 }),
    ]);
    expect(a).toMatchObject({ value: 'value-of-a' });
    expect(b).not.toMatchObject({ value: 'value-of-a' });
    // b was handed a's second reply: its opaque is not b's, so b fails and the socket is dropped.
    expect(b).toBe('MemcacheProtocolError');
    // The connection started over: the same client reads b correctly now.
    expect(await client.metaGet('b', { value: true, vivify: 30 })).toMatchObject({ value: 'value-of-b' });
  });

  it('a stray EN before a reply: neither caller takes another’s reply', async () => {
    let stray = true;
    const fake = await metaServer((line, reply) => {
      if (!stray || line.split(' ')[1] !== 'a') return reply;
      stray = false;
      return `EN\r\n${reply}`;
    });
    const client = track(new Client(fake.address, { timeout: 5_000 }));
    const [a, b] = await outcomes([
      client.metaGet('a', { value: true, vivify: 30 }),
      client.metaGet('b', { value: true, vivify: 30 }),
    ]);
    expect(a).not.toBeUndefined();
    expect(b).not.toMatchObject({ value: 'value-of-a' });
    // a was handed the stray EN (no opaque); b, in flight behind it, fails with the dropped socket.
    expect([a, b]).toEqual(['MemcacheProtocolError', 'MemcacheUnexpectedCloseError']);
  });

  it('getOrSet behind a doubled reply resolves its own value or its loader’s, never the other key’s', async () => {
    const fake = await metaServer(doubled('a'));
    const client = track(new Client(fake.address, { timeout: 5_000 }));
    const [a, b] = await outcomes([
      client.getOrSet('a', async () => 'loaded-a', { ttl: 60 }),
      client.getOrSet('b', async () => 'loaded-b', { ttl: 60 }),
    ]);
    expect(a).toBe('value-of-a');
    expect(['value-of-b', 'loaded-b']).toContain(b);
  });

  it('a doubled md reply is not taken as the next delete’s answer', async () => {
    const fake = await metaServer(doubled('a'));
    const client = track(new Client(fake.address, { timeout: 5_000 }));
    const [, b] = await outcomes([client.metaDelete('a'), client.metaDelete('b')]);
    expect(b).toBe('MemcacheProtocolError');
  });

  it('a doubled ma reply is not taken as the next counter’s value', async () => {
    const fake = await metaServer(doubled('a'));
    const client = track(new Client(fake.address, { timeout: 5_000 }));
    const [, b] = await outcomes([client.metaArithmetic('a'), client.metaArithmetic('b')]);
    expect(b).toBe('MemcacheProtocolError');
  });

  it('a doubled ms reply is not taken as the next add’s answer', async () => {
    const fake = await metaServer(doubled('a'));
    const client = track(new Client(fake.address, { timeout: 5_000 }));
    const [, b] = await outcomes([
      client.metaSet('a', 'x', { mode: 'add' }),
      client.metaSet('b', 'y', { mode: 'add' }),
    ]);
    expect(b).toBe('MemcacheProtocolError');
  });
});

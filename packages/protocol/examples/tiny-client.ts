import net from 'node:net';
import { type CommandDefinition, commands, type ReplyReader, ResponseParser } from '@mc/protocol';

type Waiting = { reader: ReplyReader<unknown>; resolve(value: unknown): void; reject(error: unknown): void };

/** A minimal pipelined client: one socket, replies handed to requests in the order sent. */
function connect(port: number, host = '127.0.0.1') {
  const socket = net.connect(port, host);
  const parser = new ResponseParser();
  const waiting: Waiting[] = [];
  const finish = () => {
    const { reader, resolve, reject } = waiting.shift()!;
    try {
      resolve(reader.result());
    } catch (error) {
      reject(error); // the server's typed error, e.g. MemcacheServerError
    }
  };
  socket.on('data', (chunk) =>
    parser.feed(chunk, (frame) => {
      // (Quiet meta requests, flag q, need a run reader: see QuietRunReader. This one sends none.)
      if (waiting[0]?.reader.push(frame)) finish();
    }),
  );
  socket.on('close', () => {
    for (const { reject } of waiting.splice(0)) reject(new Error('connection closed'));
  });
  return {
    send<Args extends readonly unknown[], Result>(command: CommandDefinition<Args, Result>, ...args: Args) {
      const { chunks, reader } = command.request(...args); // bad input throws MemcacheIllegalInputError
      for (const chunk of chunks) socket.write(chunk);
      return new Promise<Result>((resolve, reject) => {
        if (reader === undefined)
          resolve(undefined as Result); // noreply: nothing will come back
        else waiting.push({ reader, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    close: () => socket.end(),
  };
}

const client = connect(Number(process.env.MEMCACHED_PORT ?? 11211));
await client.send(commands.set, 'greeting', new TextEncoder().encode('hello'), 0, 60, false);
const [hit] = await client.send(commands.get, ['greeting']);
console.log(new TextDecoder().decode(hit?.value)); // hello
console.log(await client.send(commands.incr, 'missing-counter', 1n, false)); // undefined
console.log((await client.send(commands.metaGet, 'greeting', { value: true, ttl: true })).flags.get('t')); // 60
client.close();

// Run by measure-memory.mjs as `node --expose-gc memory-child.mjs <client id> <host> <port>`:
// one client's memory per idle connection and per request in flight, measured in a process of
// its own so that nothing else's garbage is counted. Prints one line of JSON.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import * as definitions from './clients/index.mjs';

const IDLE_CLIENTS = 200;
// Opened and closed before measuring, so compiled code and lazy module state are not counted.
const WARM_CLIENTS = 10;
const IN_FLIGHT = 2000;

async function settle() {
  for (let pass = 0; pass < 4; pass++) {
    globalThis.gc();
    await sleep(20);
  }
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external, rss: usage.rss };
}

const per = (after, before, count) => ({
  heap: (after.heap - before.heap) / count,
  external: (after.external - before.external) / count,
  rss: (after.rss - before.rss) / count,
});

async function idlePerConnection(definition, server) {
  const warm = [];
  for (let index = 0; index < WARM_CLIENTS; index++) warm.push(await definition.open(server));
  await Promise.all(warm.map((client) => client.get('bench:memory:absent')));
  await Promise.all(warm.map((client) => Promise.resolve(client.close()).catch(() => {})));
  const before = await settle();
  const clients = [];
  for (let index = 0; index < IDLE_CLIENTS; index++) clients.push(await definition.open(server));
  // One miss each, so every client has its connection open (they connect lazily).
  await Promise.all(clients.map((client) => client.get('bench:memory:absent')));
  const after = await settle();
  await Promise.all(clients.map((client) => Promise.resolve(client.close()).catch(() => {})));
  return per(after, before, IDLE_CLIENTS);
}

/** A server that accepts and reads but never answers: requests stay in flight as long as we like. */
function silentServer() {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        host: '127.0.0.1',
        port: server.address().port,
        stop: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    );
  });
}

async function perRequestInFlight(definition) {
  const silent = await silentServer();
  const client = await definition.open(silent);
  const pending = [client.get('bench:memory:0').catch(() => {})];
  await sleep(50);
  const before = await settle();
  for (let index = 1; index <= IN_FLIGHT; index++)
    pending.push(client.get(`bench:memory:${index}`).catch(() => {}));
  const after = await settle();
  silent.stop();
  await Promise.resolve(client.close()).catch(() => {});
  return per(after, before, IN_FLIGHT);
}

const [clientId, host, port] = process.argv.slice(2);
const definition = Object.values(definitions).find((candidate) => candidate.id === clientId);
if (!definition) throw new Error(`unknown client ${clientId}`);
const server = { host, port: Number(port) };
const result = { idle: await idlePerConnection(definition, server) };
try {
  result.inFlight = await perRequestInFlight(definition);
} catch (error) {
  result.inFlightError = error instanceof Error ? error.message : String(error);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
// Some peers keep timers alive after close.
process.exit(0);

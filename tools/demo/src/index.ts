import { Client } from '@mc/client';
import { startMemcached } from '@mc/test-utils';

// npm run demo: uses MEMCACHED_SERVERS (comma-separated) when set, else a throwaway memcached
// on a free port that is stopped at the end.
const configured = process.env.MEMCACHED_SERVERS?.split(',')
  .map((server) => server.trim())
  .filter(Boolean);
const throwaway = configured?.length ? undefined : await startMemcached();
const servers = configured?.length ? configured : [throwaway!.address];

const step = (title: string) => console.log(`\n\x1b[1m${title}\x1b[0m`);
const show = (label: string, value: unknown) =>
  console.log(`  ${label.padEnd(34)} → ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`);

console.log(`@mc demo against memcached at ${servers.join(', ')}${throwaway ? ' (throwaway)' : ''}`);
const client = new Client(servers[0]!, { keyPrefix: 'demo:' });
try {
  step('Basics');
  show('version()', await client.version());
  show("set('greeting', 'hello, memcached')", await client.set('greeting', 'hello, memcached', { ttl: 60 }));
  show("get('greeting')", await client.get('greeting'));
  show("get('nobody-home')", await client.get('nobody-home'));
  show(
    "set('profile', { name, tags })",
    await client.set('profile', { name: 'Ada', tags: ['math', 'engines'] }),
  );
  show("get('profile')", await client.get('profile'));

  step('Check-and-set (optimistic concurrency)');
  const current = await client.gets('greeting');
  show("gets('greeting')", { value: current?.value, cas: `${current?.cas}n` });
  show('cas(..., current.cas)', await client.cas('greeting', 'hello again', current!.cas));
  show('cas(..., the same stale cas)', await client.cas('greeting', 'lost update', current!.cas));
  show("get('greeting')", await client.get('greeting'));

  step('Counters (bigint, wrap at 2^64 like the server)');
  show("set('visits', '41')", await client.set('visits', '41'));
  show("incr('visits')", await client.incr('visits'));
  show("incr('visits', 100n)", await client.incr('visits', 100n));
  show("decr('visits', 1000)", await client.decr('visits', 1000));
  show("incr('no-such-counter')", await client.incr('no-such-counter'));

  step('Many keys in one round trip');
  show('setMany({ a, b, c })', await client.setMany({ a: 'alpha', b: 'beta', c: 'gamma' }));
  show("getMany(['a', 'b', 'c', 'zzz'])", Object.fromEntries(await client.getMany(['a', 'b', 'c', 'zzz'])));
  show("deleteMany(['a', 'b', 'zzz'])", await client.deleteMany(['a', 'b', 'zzz']));

  step('Pipelining: 10,000 concurrent commands on one socket');
  const started = performance.now();
  await Promise.all(Array.from({ length: 5_000 }, (_, index) => client.set(`bulk:${index}`, index)));
  const values = await Promise.all(Array.from({ length: 5_000 }, (_, index) => client.get(`bulk:${index}`)));
  const correct = values.every((value, index) => value === index);
  const elapsed = performance.now() - started;
  show('5,000 sets + 5,000 gets, all correct', correct);
  console.log(
    `  ${'took'.padEnd(34)} → ${elapsed.toFixed(0)} ms (${Math.round(10_000 / (elapsed / 1000)).toLocaleString()} ops/s)`,
  );

  step('Stampede protection: 100 concurrent getOrSet on a missing key');
  let loaderRuns = 0;
  const loadReport = async () => {
    loaderRuns++;
    await new Promise((resolve) => setTimeout(resolve, 200)); // a slow database query
    return { total: 1234, computedAt: new Date().toISOString() };
  };
  const stampedeStart = performance.now();
  const reports = await Promise.all(
    Array.from({ length: 100 }, () => client.getOrSet('report:today', loadReport, { ttl: 60, lockTtl: 5 })),
  );
  show('callers served', reports.length);
  show('loader runs', loaderRuns);
  show(
    'every caller got the same value',
    reports.every((report) => JSON.stringify(report) === JSON.stringify(reports[0])),
  );
  console.log(`  ${'took'.padEnd(34)} → ${(performance.now() - stampedeStart).toFixed(0)} ms`);
  await client.metaDelete('report:today', { invalidate: true });
  const afterInvalidate = await Promise.all(
    Array.from({ length: 100 }, () => client.getOrSet('report:today', loadReport, { ttl: 60 })),
  );
  const stamp = (report: unknown) => (report as { computedAt: string }).computedAt;
  const servedStale = afterInvalidate.filter((report) => stamp(report) === stamp(reports[0]));
  show('after metaDelete({ invalidate })', `${servedStale.length} callers got the stale copy`);
  show('loader runs (one refresh)', loaderRuns);

  step('Bad input is refused before anything is sent');
  try {
    await client.get('two words');
  } catch (error) {
    show("get('two words')", `${(error as Error).name}: ${(error as Error).message}`);
  }
  const stats = await client.stats();
  step('Server stats');
  show('curr_items', stats.curr_items);
  show('get_hits / get_misses', `${stats.get_hits} / ${stats.get_misses}`);
} finally {
  await client.close();
  await throwaway?.stop();
}
console.log('\nDone.');

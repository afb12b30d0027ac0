import { startMemcached, type MemcachedServer } from '@mc/test-utils';
import { afterAll, beforeAll, it } from 'vitest';
import { Client } from './client.js';
import { MemoryClient } from './testing/memory-client.js';

let server: MemcachedServer;
beforeAll(async () => { server = await startMemcached(); });
afterAll(async () => { await server?.stop(); });

function norm(v: unknown): unknown {
  if (typeof v === 'bigint') return `big:${v}`;
  if (v instanceof Map) return { map: [...v].map(([k, x]) => [k, norm(x)]) };
  if (v instanceof Uint8Array) return `bytes:${Buffer.from(v).toString('hex')}`;
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = k === 'cas' ? 'CAS' : norm(x);
    return o;
  }
  return v;
}
type C = Client;
const scenarios: Record<string, (c: C, k: string) => unknown[]> = {
  negTtl: (c, k) => [c.set(k, 'a', { ttl: -1 }), c.get(k), c.add(k, 'b'), c.get(k)],
  touchNeg: (c, k) => [c.set(k, 'a'), c.touch(k, -1), c.get(k), c.touch(k, 5)],
  gatNeg: (c, k) => [c.set(k, 'a'), c.gat(k, -1), c.get(k)],
  incr: (c, k) => [c.set(k, '18446744073709551615'), c.incr(k, 2n), c.get(k), c.decr(k, 5n), c.get(k), c.incr(k+'x'), c.set(k, 'abc'), c.incr(k, 1).catch(e=>e), c.set(k, '12abc'), c.incr(k).catch(e=>e), c.set(k, ' 12'), c.incr(k).catch(e=>e), c.set(k, '10'), c.decr(k, 100), c.get(k), c.set(k, '-1'), c.incr(k).catch(e=>e), c.set(k, ''), c.incr(k).catch(e=>e)],
  incrWrapLen: (c, k) => [c.set(k, '99'), c.incr(k, 1), c.get(k), c.set(k, 100), c.decr(k, 1), c.get(k), c.gets(k)],
  casOps: async (c, k) => { const r: unknown[] = [c.cas(k, 'x', 1n)]; await c.set(k, 'a'); const g = await c.gets(k); r.push(c.cas(k, 'b', g!.cas + 1n), c.cas(k, 'b', g!.cas), c.get(k)); return r; },
  appendMissing: (c, k) => [c.append(k, 'x'), c.prepend(k, 'y'), c.get(k), c.set(k, 'm'), c.append(k, 'z'), c.prepend(k, 'a'), c.get(k)],
  many: (c, k) => [c.set(k+'1', 1), c.set(k+'2', 'two'), c.getMany([k+'1', k+'2', k+'1', k+'3']), c.getsMany([k+'2', k+'2']), c.deleteMany([k+'1', k+'1', k+'9'])],
  mgMiss: (c, k) => [c.metaGet(k, { value: true, key: true, opaque: 'x1' } as never), c.metaGet(k, { ttl: true })],
  mgAll: (c, k) => [c.set(k, 'v', { ttl: 100 }), c.metaGet(k, { value: true, cas: true, flags: true, ttl: true, size: true, hit: true, lastAccess: true, key: true }), c.metaGet(k, { hit: true, noBump: true }), c.metaGet(k, { hit: true })],
  mgHitNoBump: (c, k) => [c.set(k, 'v'), c.metaGet(k, { hit: true, noBump: true }), c.metaGet(k, { hit: true }), c.metaGet(k, { hit: true })],
  mgTtlNever: (c, k) => [c.set(k, 'v'), c.metaGet(k, { ttl: true }), c.metaGet(k, { ttl: true, touch: 50 }), c.metaGet(k, { ttl: true })],
  vivify: (c, k) => [c.metaGet(k, { value: true, vivify: 30, ttl: true }), c.metaGet(k, { value: true, vivify: 30 }), c.metaGet(k, { value: true, ttl: true }), c.get(k).catch(e=>e)],
  vivifyTtlOnly: (c, k) => [c.metaGet(k, { vivify: 30, ttl: true }), c.metaGet(k, { vivify: 30, ttl: true, cas: true })],
  recache: (c, k) => [c.set(k, 'v', { ttl: 10 }), c.metaGet(k, { value: true, recache: 30 }), c.metaGet(k, { value: true, recache: 30 }), c.metaGet(k, { value: true, recache: 5 })],
  recacheNever: (c, k) => [c.set(k, 'v'), c.metaGet(k, { value: true, recache: 30 })],
  invalidate: (c, k) => [c.set(k, 'v'), c.metaDelete(k, { invalidate: true }), c.metaGet(k, { value: true }), c.metaGet(k, { value: true }), c.metaSet(k, 'n'), c.metaGet(k, { value: true }), c.get(k)],
  invalidateTtl: (c, k) => [c.set(k, 'v'), c.metaDelete(k, { invalidate: true, ttl: 30 }), c.metaGet(k, { ttl: true })],
  invalidateMissing: (c, k) => [c.metaDelete(k, { invalidate: true }), c.metaDelete(k)],
  msModes: (c, k) => [c.metaSet(k, 'a', { mode: 'append' }), c.metaSet(k, 'a', { mode: 'replace' }), c.metaSet(k, 'a', { mode: 'add', returnCas: true }), c.metaSet(k, 'b', { mode: 'add' }), c.metaSet(k, 'c', { mode: 'append' }), c.metaSet(k, 'd', { mode: 'prepend' }), c.get(k)],
  msCas: async (c, k) => { const r: unknown[] = [c.metaSet(k, 'a', { cas: 5n })]; const s = await c.metaSet(k, 'a', { returnCas: true }); r.push(c.metaSet(k, 'b', { cas: s.cas! + 9n }), c.metaSet(k, 'b', { cas: s.cas! - 1n, invalidate: true }), c.metaGet(k, { value: true }), c.metaSet(k, 'c', { cas: 99999999n, invalidate: true })); return r; },
  msInvalidateNoCas: (c, k) => [c.set(k, 'a'), c.metaSet(k, 'b', { invalidate: true }), c.metaGet(k, { value: true })],
  mdCas: async (c, k) => { await c.set(k, 'a'); const g = await c.gets(k); return [c.metaDelete(k, { cas: g!.cas + 1n }), c.metaDelete(k, { cas: g!.cas }), c.get(k)]; },
  ma: (c, k) => [c.metaArithmetic(k, {}), c.metaArithmetic(k, { vivify: 30, initial: 5n }), c.metaArithmetic(k, { vivify: 30, initial: 5n }), c.metaArithmetic(k, { mode: 'decr', delta: 100n }), c.metaArithmetic(k, { ttl: 40 }), c.get(k), c.set(k, 'x'), c.metaArithmetic(k, {}).catch(e=>e)],
  maVivDecr: (c, k) => [c.metaArithmetic(k, { mode: 'decr', vivify: 30, initial: 5n }), c.metaArithmetic(k, { mode: 'decr', vivify: 30, initial: 5n })],
  maCas: async (c, k) => { await c.set(k, '5'); const g = await c.gets(k); return [c.metaArithmetic(k, { cas: g!.cas + 1n }), c.metaArithmetic(k, { cas: g!.cas })]; },
  base64: (c, k) => [c.metaSet(k, 'a', { base64: true }), c.metaGet(k, { value: true, key: true, base64: true }), c.get(k), c.metaGet(Buffer.from([0, 1, 2, 255]), { base64: true }), c.metaSet(Buffer.from([0, 1, 2, 255]), 'z', { base64: true }), c.metaGet(Buffer.from([0, 1, 2, 255]), { value: true, key: true, base64: true }), c.metaDelete(Buffer.from([0,1,2,255]), { base64: true }), c.metaArithmetic(Buffer.from([0,1,9]), { base64: true, vivify: 5 })],
  byteKeys: (c, k) => [c.set(Buffer.from(k + 'é'), 'b'), c.get(k + 'é'), c.getMany([k + 'é', Buffer.from(k + 'é')] as never)],
  ttl30d: (c, k) => [c.set(k, 'a', { ttl: 30 * 86400 }), c.metaGet(k, { ttl: true }), c.set(k, 'a', { ttl: 30 * 86400 + 1 }), c.metaGet(k, { ttl: true }), c.touch(k, 30 * 86400 + 5), c.metaGet(k, { ttl: true })],
  bigValue: (c, k) => [c.set(k, 'x'), c.set(k, Buffer.alloc(1024 * 1024 - 60 - k.length)).catch(e=>e), c.get(k), c.set(k, Buffer.alloc(1024 * 1024 + 10)).catch(e=>e), c.get(k)],
  flags: (c, k) => [c.set(k, Buffer.from('x'), { flags: 0xffffffff } as never).catch(e=>e), c.metaGet(k, { flags: true }), c.set(k, 'x', { flags: 1 << 20 } as never).catch(e => e)],
  addBump: (c, k) => [c.set(k, 'a'), c.add(k, 'b'), c.metaGet(k, { hit: true })],
  touchMissing: (c, k) => [c.touch(k, 10), c.gat(k, 10), c.gats(k, 10)],
  setMany: (c, k) => [c.setMany({ [k+'a']: 1, [k+'b']: 2 }), c.getMany([k+'a', k+'b'])],
  deleteMissing: (c, k) => [c.delete(k), c.set(k, 1), c.delete(k), c.delete(k)],
  staleWin: (c, k) => [c.set(k, 'v', { ttl: 100 }), c.metaDelete(k, { invalidate: true }), c.metaGet(k, { value: true, recache: 200 }), c.metaGet(k, { value: true, recache: 200 }), c.metaSet(k, 'x', { mode: 'append' }), c.metaGet(k, { value: true }), c.gat(k, 50), c.metaGet(k, { value: true })],
  staleIncr: (c, k) => [c.set(k, '5'), c.metaDelete(k, { invalidate: true }), c.incr(k), c.metaGet(k, { value: true }), c.touch(k, 10), c.metaGet(k, {})],
  vivifyThenSet: (c, k) => [c.metaGet(k, { vivify: 30 }), c.metaGet(k, { vivify: 30 }), c.add(k, 'a'), c.set(k, 'b'), c.metaGet(k, { value: true, vivify: 30 })],
  recacheAfterWin: (c, k) => [c.set(k, 'v', { ttl: 10 }), c.metaGet(k, { recache: 30 }), c.metaGet(k, { recache: 30 }), c.metaGet(k, { }), c.set(k, 'v', { ttl: 10 }), c.metaGet(k, { recache: 30 })],
  misc: (c, k) => [c.verbosity(1), c.cacheMemlimit(64), c.stats('settings').then((s) => s.item_size_max), c.stats('bogus').catch(e=>e), c.stats('reset')],
  noreply: (c, k) => [c.set(k, 'a', { noreply: true }), c.add(k, 'a', { noreply: true }), c.delete(k, { noreply: true }), c.get(k)],
};

it('differential', async () => {
  const mem = new MemoryClient();
  const real = new Client(server.address);
  const diffs: string[] = [];
  let n = 0;
  for (const [name, fn] of Object.entries(scenarios)) {
    const results: unknown[][] = [];
    for (const c of [real, mem as unknown as Client]) {
      const k = `d${n}${name}`;
      const out: unknown[] = [];
      const list = await fn(c, k);
      for (const p of list) {
        try { const v = await p; out.push(v instanceof Error ? `ERR ${v.name}: ${v.message}` : norm(v)); }
        catch (e) { out.push(`THROW ${(e as Error).name}: ${(e as Error).message}`); }
      }
      results.push(out);
    }
    n++;
    const a = JSON.stringify(results[0]); const b = JSON.stringify(results[1]);
    if (a !== b) diffs.push(`${name}\n  real: ${a}\n  mem:  ${b}`);
  }
  const [sr, sm] = [await real.stats(), await mem.stats()];
  console.log('stats missing in mem:', Object.keys(sr).filter((x) => !(x in sm)).join(' '));
  console.log('stats types:', Object.keys(sm).filter((x) => typeof sm[x] !== typeof sr[x]).join(' '));
  const [ssr, ssm] = [await real.stats('settings'), await mem.stats('settings')];
  console.log('settings missing in mem:', Object.keys(ssr).filter((x) => !(x in ssm)).length);
  for (const g of ['items', 'slabs', 'sizes', 'conns', 'detail dump', 'extstore']) { try { await real.stats(g); } catch (e) { console.log('real', g, (e as Error).message); } try { await mem.stats(g); } catch (e) { console.log('mem', g, (e as Error).message); } }
  console.log(diffs.join('\n') || 'no diffs');
  await real.close(); await mem.close();
}, 60000);

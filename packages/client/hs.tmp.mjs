import { Client } from './dist/index.js';
import { startFakeServer, onLines } from '@mc/test-utils';
async function probe(name, reply, call, { second = true } = {}) {
  let n = 0;
  const server = await startFakeServer((s) => onLines(s, (line) => {
    n++;
    if (line.startsWith('version')) { s.write('VERSION 1.6.18\r\n'); return; }
    if (n === 1 || !second) { const r = reply(line, s); if (r !== undefined) s.write(r); }
    else if (line.startsWith('get') || line.startsWith('gets')) s.write('VALUE k 0 2\r\nok\r\nEND\r\n');
    else if (line.startsWith('mg')) s.write('VA 2\r\nok\r\n');
    else if (line.startsWith('set')) {} else if (line === 'ok') s.write('STORED\r\n');
    else s.write('END\r\n');
  }));
  const c = new Client(server.address, { timeout: 500 });
  const t = Date.now();
  let r;
  try { r = await call(c); r = 'OK ' + JSON.stringify(r, (k,v)=> typeof v==='bigint'? v+'n': v instanceof Uint8Array? Buffer.from(v).toString('latin1') : v instanceof Map? [...v]: v); } catch (e) { r = `ERR ${e.name} ${e.message.slice(0,100)}`; }
  let r2; try { r2 = await c.get('k'); r2 = JSON.stringify(r2); } catch (e) { r2 = `ERR ${e.name} ${e.message.slice(0,60)}`; }
  console.log(name.padEnd(22), (Date.now()-t+'ms').padEnd(7), r, '| next:', r2);
  await c.close({force:true}); await server.close();
}
const g = c => c.get('k');
await probe('shorter', () => 'VALUE k 0 3\r\nabcde\r\nEND\r\n', g);
await probe('longer', () => 'VALUE k 0 8\r\nabc\r\nEND\r\n', g);
await probe('negative', () => 'VALUE k 0 -1\r\nEND\r\n', g);
await probe('2^53', () => 'VALUE k 0 9007199254740992\r\n', g);
await probe('plus len', () => 'VALUE k 0 +3\r\nabc\r\nEND\r\n', g);
await probe('hex len', () => 'VALUE k 0 0x3\r\nabc\r\nEND\r\n', g);
await probe('1e0 len', () => 'VALUE k 0 3e0\r\nabc\r\nEND\r\n', g);
await probe('lead space', () => 'VALUE k 0  3\r\nabc\r\nEND\r\n', g);
await probe('neg flags', () => 'VALUE k -16 3\r\nabc\r\nEND\r\n', g);
await probe('flags 2^32+16', () => 'VALUE k 4294967312 3\r\nabc\r\nEND\r\n', g);
await probe('flags 1e1', () => 'VALUE k 1.6e1 3\r\nabc\r\nEND\r\n', g);
await probe('extra tok', () => 'VALUE k 0 3 99 zz\r\nabc\r\nEND\r\n', g);
await probe('wrong key', () => 'VALUE other 0 3\r\nabc\r\nEND\r\n', g);
await probe('no END close', (l,s) => { s.end('VALUE k 0 3\r\nabc\r\n'); }, g);
await probe('mid close', (l,s) => { s.end('VALUE k 0 10\r\nabc'); }, g);
await probe('garbage', (l,s) => { const i = setInterval(()=>{ if (s.destroyed) clearInterval(i); else s.write(Buffer.alloc(65536, 0x41)); }, 1); }, g);
await probe('never ends', (l,s) => { s.write('VALUE k 0 3\r\nabc\r\n'); }, g);
await probe('STORED for get', () => 'STORED\r\n', g);
await probe('ERROR for get', () => 'ERROR\r\n', g);
await probe('gets no cas', () => 'VALUE k 0 3\r\nabc\r\nEND\r\n', c=>c.gets('k'));
await probe('gets bad cas', () => 'VALUE k 0 3 -1\r\nabc\r\nEND\r\n', c=>c.gets('k'));
await probe('gets cas 2^64', () => 'VALUE k 0 3 18446744073709551616\r\nabc\r\nEND\r\n', c=>c.gets('k'));
await probe('incr abc', () => 'abc\r\n', c=>c.incr('k',1));
await probe('incr -5', () => '-5\r\n', c=>c.incr('k',1));
await probe('incr 2^64', () => '18446744073709551616\r\n', c=>c.incr('k',1));
await probe('incr empty', () => '\r\n', c=>c.incr('k',1));
await probe('incr padded', () => '5   \r\n', c=>c.incr('k',1));
await probe('touch DELETED', () => 'DELETED\r\n', c=>c.touch('k',1));
await probe('delete STORED', () => 'STORED\r\n', c=>c.delete('k'));
await probe('set NOT_FOUND', (l) => l==='abc' ? 'NOT_FOUND\r\n' : undefined, c=>c.set('k','abc'), {second:false});
await probe('set EXISTS', (l) => l==='abc' ? 'EXISTS\r\n' : undefined, c=>c.set('k','abc'), {second:false});
await probe('cas NOT_STORED', (l) => l==='abc' ? 'NOT_STORED\r\n' : undefined, c=>c.cas('k','abc', 1n), {second:false});
await probe('version empty', () => 'VERSION\r\n', c=>c.version());
await probe('stat no value', () => 'STAT foo\r\nEND\r\n', c=>c.stats());
await probe('stat proto', () => 'STAT __proto__ 5\r\nSTAT constructor x\r\nEND\r\n', c=>c.stats().then(s=>[Object.getPrototypeOf(s)===Object.prototype, s.__proto__, Object.keys(s)]));
await probe('stat big', () => 'STAT x 18446744073709551615\r\nSTAT y 1.5\r\nSTAT z 0x10\r\nSTAT w 1e400\r\nEND\r\n', c=>c.stats());

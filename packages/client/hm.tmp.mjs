import { Client } from './dist/index.js';
import { startFakeServer, onLines } from '@mc/test-utils';
async function probe(name, reply, call) {
  let n = 0;
  const server = await startFakeServer((s) => onLines(s, (line) => {
    if (line.startsWith('version')) { s.write('VERSION 1.6.18\r\n'); return; }
    n++;
    if (n === 1) { const r = reply(line, s); if (r !== undefined) s.write(r); }
    else if (line.startsWith('mg')) s.write(`VA 2 ${line.includes(' k') ? '' : ''}\r\nok\r\n`.replace(' \r','\r'));
    else if (line.startsWith('mn')) s.write('MN\r\n');
    else s.write('HD\r\n');
  }));
  const c = new Client(server.address, { timeout: 500 });
  const t = Date.now();
  let r;
  try { r = await call(c); r = 'OK ' + JSON.stringify(r, (k,v)=> typeof v==='bigint'? v+'n': v instanceof Uint8Array? Buffer.from(v).toString('latin1') : v instanceof Map? [...v]: v); } catch (e) { r = `ERR ${e.name} ${e.message.slice(0,110)}`; }
  let r2; try { r2 = await c.metaGet('k', {value:true}); r2 = JSON.stringify(r2, (k,v)=> v instanceof Uint8Array? Buffer.from(v).toString('latin1') : v); } catch (e) { r2 = `ERR ${e.name} ${e.message.slice(0,60)}`; }
  console.log(name.padEnd(22), (Date.now()-t+'ms').padEnd(7), r, '| next:', r2);
  await c.close({force:true}); await server.close();
}
const mg = c => c.metaGet('k', { value: true, cas: true, flags: true, ttl: true });
await probe('mg unknown flags', () => 'VA 2 c5 f0 t-1 Q9 zz ?x\r\nok\r\n', mg);
await probe('mg HD for value', () => 'HD c5\r\n', mg);
await probe('mg NF', () => 'NF\r\n', mg);
await probe('mg NS', () => 'NS\r\n', mg);
await probe('mg EX', () => 'EX\r\n', mg);
await probe('mg MN', () => 'MN\r\n', mg);
await probe('mg VA neg', () => 'VA -1\r\n', mg);
await probe('mg VA huge', () => 'VA 9007199254740993\r\n', mg);
await probe('mg VA short', () => 'VA 1\r\nok\r\n', mg);
await probe('mg VA no len', () => 'VA\r\n', mg);
await probe('mg bad cas', () => 'VA 2 cabc\r\nok\r\n', mg);
await probe('mg bad ttl', () => 'VA 2 tX\r\nok\r\n', mg);
await probe('mg flags huge', () => 'VA 2 f99999999999\r\nok\r\n', mg);
await probe('mg W X Z', () => 'VA 2 W X Z\r\nok\r\n', c=>c.metaGet('k',{value:true}));
await probe('mg opaque wrong', () => 'VA 2 Oxyz\r\nok\r\n', c=>c.metaGet('k',{value:true, opaque:'abc'}));
await probe('mg key wrong', () => 'VA 2 kother\r\nok\r\n', c=>c.metaGet('k',{value:true, key:true}));
await probe('ms EN', () => 'EN\r\n', c=>c.metaSet('k','v',{}));
await probe('ms NF', (l) => l.startsWith('ms') ? undefined : 'NF\r\n', c=>c.metaSet('k','v',{}));
await probe('md NS', () => 'NS\r\n', c=>c.metaDelete('k',{}));
await probe('md VA', () => 'VA 2\r\nok\r\n', c=>c.metaDelete('k',{}));
await probe('ma NS', () => 'NS\r\n', c=>c.metaArithmetic('k',{}));
await probe('ma VA bad', () => 'VA 3\r\nabc\r\n', c=>c.metaArithmetic('k',{}));
await probe('ma VA 2^64', () => 'VA 20\r\n18446744073709551616\r\n', c=>c.metaArithmetic('k',{}));
await probe('ma HD no value', () => 'HD\r\n', c=>c.metaArithmetic('k',{}));
await probe('mn HD', () => 'HD\r\n', c=>c.metaNoop());
await probe('mn garbage', () => 'ZZ\r\n', c=>c.metaNoop());
await probe('CLIENT_ERROR mg', () => 'CLIENT_ERROR bad\r\n', mg);
await probe('SERVER_ERROR mg', () => 'SERVER_ERROR oom\r\n', mg);
await probe('mg 2 replies', () => 'EN\r\nEN\r\n', mg);
await probe('getMany 2 extra', () => 'EN\r\nEN\r\nMN\r\n', c=>c.getMany(['a']));

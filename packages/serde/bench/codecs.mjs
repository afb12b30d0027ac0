// Encode and decode throughput of every codec, for a typical 1 KB object and a 100 KB one.
// Run after a build: `pnpm run bench` (it reads dist/). Throughput counts the value's JSON size,
// so every codec is measured against the same amount of data.
import {
  compressedSerde,
  defaultSerde,
  jsonSerde,
  msgpackSerde,
  pickleSerde,
  structuredSerde,
} from '../dist/index.js';

const MEASURE_MS = Number(process.env.BENCH_MS ?? 300);

function user(id) {
  return {
    id,
    name: `User number ${id}`,
    email: `user${id}@example.com`,
    active: id % 3 !== 0,
    score: id * 1.25,
    tags: ['alpha', 'beta', 'gamma'].slice(0, (id % 3) + 1),
    address: { street: `${id} Main Street`, city: 'Springfield', zip: String(10000 + id) },
  };
}

function payload(targetBytes) {
  const users = [];
  while (JSON.stringify(users).length < targetBytes) users.push(user(users.length));
  return { kind: 'users', generatedAt: 1_700_000_000, users };
}

const payloads = [
  ['1 KB', payload(1024)],
  ['100 KB', payload(100 * 1024)],
];

const codecs = [
  ['defaultSerde (JSON)', defaultSerde],
  ['jsonSerde', jsonSerde],
  ['msgpackSerde', msgpackSerde],
  ['structuredSerde (v8)', structuredSerde],
  ['pickleSerde', pickleSerde],
  ['compressedSerde zlib', compressedSerde()],
  ['compressedSerde gzip', compressedSerde(undefined, { algorithm: 'gzip' })],
  ['compressedSerde brotli', compressedSerde(undefined, { algorithm: 'brotli' })],
  ['compressed msgpack zlib', compressedSerde(msgpackSerde)],
];

/** Runs `work` repeatedly for MEASURE_MS (after a warm-up) and returns operations per second. */
function opsPerSecond(work) {
  for (let index = 0; index < 50; index++) work();
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(MEASURE_MS) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let index = 0; index < 10; index++) work();
    count += 10;
    elapsed = process.hrtime.bigint() - start;
  }
  return (count * 1e9) / Number(elapsed);
}

const rows = [];
for (const [codecName, serde] of codecs) {
  const row = [codecName];
  for (const [, value] of payloads) {
    const logicalBytes = Buffer.byteLength(JSON.stringify(value));
    const { value: stored, flags } = serde.serialize('key', value);
    const encode = opsPerSecond(() => serde.serialize('key', value));
    const decode = opsPerSecond(() => serde.deserialize('key', stored, flags));
    const megabytes = logicalBytes / 1e6;
    row.push(String(stored.length), (encode * megabytes).toFixed(0), (decode * megabytes).toFixed(0));
  }
  rows.push(row);
}

const header = ['codec'];
for (const [name] of payloads) header.push(`${name} stored B`, `${name} enc MB/s`, `${name} dec MB/s`);
const table = [header, ...rows];
const widths = header.map((_, column) => Math.max(...table.map((row) => row[column].length)));
const line = (row) =>
  row
    .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
    .join(' | ');
console.log(`Node ${process.version}, ${MEASURE_MS} ms per measurement; MB/s of the value's JSON size`);
console.log(line(header));
console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
for (const row of rows) console.log(line(row));

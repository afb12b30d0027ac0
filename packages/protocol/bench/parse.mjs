#!/usr/bin/env node
// Parser throughput: a 100-key multi-get reply, fed as the socket would deliver it (64 KB
// reads), through ResponseParser and the get reader. Prints MB/s of reply bytes; never a
// pass/fail. Run after `pnpm run build`:  node bench/parse.mjs
import { ResponseParser } from '../dist/index.js';
// The reader `commands.get.request(keys)` attaches, made directly so that encoding the request
// line (not what this measures) stays out of the loop.
import { RetrievalReader } from '../dist/readers/retrieval-reader.js';

const KEYS = 100;
const READ_SIZE = 64 * 1024;
const KEY_NAMES = Array.from({ length: KEYS }, (_, index) => `key:${index}`);

function multiGetReply(valueSize) {
  const parts = [];
  for (let index = 0; index < KEYS; index++) {
    parts.push(Buffer.from(`VALUE ${KEY_NAMES[index]} 0 ${valueSize}\r\n`));
    parts.push(Buffer.alloc(valueSize, 97 + (index % 26)));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('END\r\n'));
  const reply = Buffer.concat(parts);
  const reads = [];
  for (let offset = 0; offset < reply.length; offset += READ_SIZE)
    reads.push(reply.subarray(offset, offset + READ_SIZE));
  return { reply, reads };
}

function run(valueSize, seconds) {
  const { reply, reads } = multiGetReply(valueSize);
  const parser = new ResponseParser();
  let reader;
  let replies = 0;
  let checksum = 0;
  const onFrame = (frame) => {
    if (reader.push(frame)) {
      checksum += reader.result().length;
      replies++;
    }
  };
  const once = () => {
    reader = new RetrievalReader('get', KEY_NAMES);
    for (const read of reads) parser.feed(read, onFrame);
  };
  // Warm up, then measure for a fixed time.
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) once();
  replies = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let rounds = 0;
  while (performance.now() < deadline) {
    for (let batch = 0; batch < 50; batch++) once();
    rounds += 50;
  }
  const elapsed = (performance.now() - start) / 1000;
  if (checksum === 0 || replies !== rounds) throw new Error('the reader did not complete every reply');
  const megabytes = (reply.length * rounds) / 1e6;
  return {
    valueSize,
    replyBytes: reply.length,
    megabytesPerSecond: megabytes / elapsed,
    repliesPerSecond: rounds / elapsed,
  };
}

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
console.log(
  `ResponseParser + get reader, ${KEYS}-key multi-get, ${READ_SIZE / 1024} KB reads, Node ${process.version}`,
);
for (const valueSize of [100, 1024, 100 * 1024]) {
  const result = run(valueSize, seconds);
  console.log(
    `${String(valueSize).padStart(6)}-byte values: ${result.megabytesPerSecond.toFixed(0).padStart(6)} MB/s` +
      `  (${result.repliesPerSecond.toFixed(0)} replies/s of ${result.replyBytes} bytes)`,
  );
}

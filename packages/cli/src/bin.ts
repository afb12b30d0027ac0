#!/usr/bin/env node
import { exitCodes } from './exit-codes.js';
import { main } from './main.js';

// Output that cannot be written (the reader went away: `memcli get k | head -c 10`, a `top`
// piped into `head`; a full disk) stops memcli at once, quietly, with a code of its own:
// never a stack trace, nor 1, which means a miss.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', () => process.exit(exitCodes.output));
}

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});

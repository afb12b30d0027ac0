// One cold invocation in a process of its own, as a function runtime would run it: load the
// handler, invoke it once, print the result, and do nothing else. No close(): if the process
// exits by itself, the client's idle socket did not keep the event loop alive.
import { handler } from './handler.js';

const result = await handler({ name: process.argv[2] ?? 'child' });
console.log(JSON.stringify(result));

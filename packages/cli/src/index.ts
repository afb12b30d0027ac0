export { type BenchPhase, bench } from './bench.js';
export { type CliClient, openClient } from './open-client.js';
export { type ExitCode, exitCodes } from './exit-codes.js';
export { type CliIo, main } from './main.js';
export { type CommandLine, parseCommandLine, type TlsChoice } from './parse-command-line.js';
export { tlsOptions } from './tls-options.js';
export { UsageError } from './usage-error.js';

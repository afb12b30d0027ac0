import process from 'node:process';

/**
 * Which JavaScript runtime runs this code and its version, told apart by the globals Bun and
 * Deno define (both also define `process.versions.node`, so that alone would say "node").
 * @returns {{ name: 'node' | 'bun' | 'deno', version: string }}
 */
export function currentRuntime() {
  /** @type {{ Bun?: { version: string }, Deno?: { version: { deno: string } } }} */
  const globals = /** @type {never} */ (globalThis);
  if (globals.Bun) return { name: 'bun', version: globals.Bun.version };
  if (globals.Deno) return { name: 'deno', version: globals.Deno.version.deno };
  return { name: 'node', version: process.versions.node };
}

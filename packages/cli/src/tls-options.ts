import fs from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { TlsChoice } from './parse-command-line.js';
import { UsageError } from './usage-error.js';

function readPem(file: string, option: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(
      `${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
}

/**
 * Node's TLS options for the `--tls*` flags: the CA that signed the server's certificate
 * (without it Node's own CA list decides), a client certificate for servers that demand one,
 * the name to check the certificate against when it is not the address's host, and
 * `--tls-insecure` for a test server whose certificate cannot be checked.
 */
export function tlsOptions(choice: TlsChoice): ConnectionOptions {
  const options: ConnectionOptions = {};
  if (choice.ca !== undefined) options.ca = readPem(choice.ca, '--tls-ca');
  if (choice.cert !== undefined) options.cert = readPem(choice.cert, '--tls-cert');
  if (choice.key !== undefined) options.key = readPem(choice.key, '--tls-key');
  if (choice.servername !== undefined) options.servername = choice.servername;
  if (choice.insecure) options.rejectUnauthorized = false;
  return options;
}

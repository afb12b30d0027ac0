import type { ConnectionOptions } from 'node:tls';
import { Client, HashClient } from '@mc/client';

/** The client `memcli` talks through: one server is a Client, several a HashClient (rendezvous). */
export type CliClient = Client | HashClient;

/** Opens nothing yet (clients connect on their first command), so a bad address fails there. */
export function openClient(
  servers: string[],
  options: { prefix?: string | undefined; timeout: number; tls?: ConnectionOptions | undefined },
): CliClient {
  const clientOptions = {
    timeout: options.timeout,
    connectTimeout: options.timeout,
    ...(options.prefix === undefined ? {} : { keyPrefix: options.prefix }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const unique = [...new Set(servers)];
  if (unique.length === 1) return new Client(unique[0]!, clientOptions);
  return new HashClient(unique, clientOptions);
}

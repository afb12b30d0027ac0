import type { ConnectionOptions } from 'node:tls';
import { type CacheValue, Client, HashClient, type Serde } from '@mc/client';

/**
 * `--raw`: values are the bytes memcached holds, whatever their flags, so a value another
 * client wrote (PHP, Java, Dalli, a pickle of a class) can still be fetched; writes store the
 * bytes given, with flags 0.
 */
const rawSerde: Serde<Uint8Array | string> = {
  serialize: (_key, value) => ({ value: typeof value === 'string' ? Buffer.from(value) : value, flags: 0 }),
  deserialize: (_key, value) => value,
};

/** The client `memcli` talks through: one server is a Client, several a HashClient (rendezvous). */
export type CliClient = Client | HashClient;

/** Opens nothing yet (clients connect on their first command), so a bad address fails there. */
export function openClient(
  servers: string[],
  options: {
    prefix?: string | undefined;
    timeout: number;
    tls?: ConnectionOptions | undefined;
    raw?: boolean | undefined;
  },
): CliClient {
  const clientOptions = {
    ...(options.raw === true ? { serde: rawSerde as unknown as Serde<CacheValue> } : {}),
    timeout: options.timeout,
    connectTimeout: options.timeout,
    ...(options.prefix === undefined ? {} : { keyPrefix: options.prefix }),
    ...(options.tls === undefined ? {} : { tls: options.tls }),
  };
  const unique = [...new Set(servers)];
  if (unique.length === 1) return new Client(unique[0]!, clientOptions);
  return new HashClient(unique, clientOptions);
}

import type { ConnectionOptions, ServerAddress } from '@mc/transport';
import type { Serde } from '@mc/serde';
import type { CommandOptions, DefaultValue } from './base-client.js';
import { checkOptionsObject, checkSocketOptions } from './check-options.js';
import { ConnectionGroup } from './connection-group.js';
import { SingleServerClient } from './single-server-client.js';

/** Everything `new Client(address, options)` accepts; every option is optional. */
export interface ClientOptions<V = DefaultValue> extends CommandOptions<V>, ConnectionOptions {
  /** Sockets to this server, each pipelined (default 1). */
  connections?: number | undefined;
}

/**
 * A client for one memcached server. Commands are pipelined on one socket (or `connections`
 * sockets), connecting lazily on the first command.
 *
 * ```ts
 * const client = new Client('127.0.0.1:11211', { keyPrefix: 'app:' });
 * await client.set('greeting', 'hello', { ttl: 60 });
 * await client.get('greeting'); // 'hello'
 * ```
 */
export class Client<V = DefaultValue> extends SingleServerClient<V> {
  constructor(address: ServerAddress, options?: ClientOptions<V>);
  constructor(address: ServerAddress, options: ClientOptions<V> & { serde: Serde<V> });
  constructor(address: ServerAddress, options: ClientOptions<V> = {}) {
    checkOptionsObject(options, 'Client');
    checkSocketOptions(options);
    // maxValueBytes is the client's and the connection's: it bounds what is sent and what a
    // reply may carry, so it stays in the connection options too.
    const {
      serde: _serde,
      keyPrefix: _prefix,
      ignoreErrors: _ignore,
      defaultNoreply: _noreply,
      metrics: _metrics,
      onWriteFailure: _onWriteFailure,
      ...transport
    } = options;
    super(options, new ConnectionGroup(address, transport));
  }
}

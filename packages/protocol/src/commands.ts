import {
  cacheMemlimit,
  flushAll,
  quit,
  shutdown,
  stats,
  verbosity,
  version,
} from './commands/admin-commands.js';
import { decr, deleteCommand, incr, touch } from './commands/key-commands.js';
import {
  metaArithmetic,
  metaDebug,
  metaDelete,
  metaGet,
  metaNoop,
  metaSet,
} from './commands/meta-commands.js';
import { gat, gats, get, gets } from './commands/retrieval-commands.js';
import { add, append, cas, prepend, replace, set } from './commands/storage-commands.js';

/** Every command definition, by the name a client method would have. */
export const commands = {
  get,
  gets,
  gat,
  gats,
  set,
  add,
  replace,
  append,
  prepend,
  cas,
  delete: deleteCommand,
  incr,
  decr,
  touch,
  stats,
  flushAll,
  version,
  verbosity,
  cacheMemlimit,
  shutdown,
  quit,
  metaGet,
  metaSet,
  metaDelete,
  metaArithmetic,
  metaNoop,
  metaDebug,
} as const;

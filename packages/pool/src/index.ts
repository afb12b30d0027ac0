export { type FifoNode, FifoQueue } from './fifo-queue.js';
export { Pool } from './pool.js';
export { type PoolEntry, PoolBase } from './pool-base.js';
export type {
  AcquireOptions,
  PoolCloseOptions,
  PoolFactory,
  PoolLease,
  PoolOptions,
  PoolStats,
} from './types.js';

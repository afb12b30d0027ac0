export { MemoryClient, type MemoryClientOptions } from './memory-client.js';
export type { MemoryItem, MemoryStoreOptions } from './memory-store.js';
export { MemoryStore } from './memory-store.js';

import { describeClientConformance } from '../conformance/describe-client-conformance.js';
import { MemoryClient } from './memory-client.js';
import { MemoryStore } from './memory-store.js';

const store = new MemoryStore();

describeClientConformance('MemoryClient', (options) => new MemoryClient({ ...options, store }));

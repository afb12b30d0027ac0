export type { Hasher } from './hasher.js';
export { KetamaHasher } from './ketama-hasher.js';
export { murmur3_32 } from './murmur3.js';
export { RendezvousHasher } from './rendezvous-hasher.js';

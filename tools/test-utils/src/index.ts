export { type Certificates, makeCertificates } from './certificates.js';
export {
  type ConfigEndpoint,
  type ConfigEndpointNode,
  type ConfigEndpointOptions,
  type ConfigEndpointReply,
  clusterConfigPayload,
  configNode,
  startConfigEndpoint,
} from './config-endpoint.js';
export { closedPort, type FakeServer, metaEcho, onLines, startFakeServer } from './fake-server.js';
export { type FaultCounts, type FaultPlan, type FaultProxy, startFaultProxy } from './fault-proxy.js';
export { findProgram, requireProgram } from './find-program.js';
export { freePort, waitForListening } from './free-port.js';
export { type JsonServer, startJsonServer } from './json-server.js';
export { type MemcachedOptions, type MemcachedServer, startCluster, startMemcached } from './memcached.js';
export { type NextApp, type NextInstance, nextApp } from './next-app.js';
export { type NutcrackerProxy, startNutcracker } from './nutcracker.js';
export { runScript, type ScriptRun } from './run-script.js';
export { makeTempDir } from './temp-dir.js';
export { type ResizableBuffer, resizableBuffer } from './resizable-buffer.js';
export { waitFor } from './wait-for.js';

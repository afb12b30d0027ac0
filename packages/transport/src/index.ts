export { type ConnectionTraceMessage, connectionChannels } from './connection-channels.js';
export type { AuthOptions } from './auth-request.js';
export {
  type CloseOptions,
  Connection,
  checkCloseOptions,
  type ConnectionEvents,
  type ConnectionOptions,
  type ConnectionState,
  type SendOptions,
} from './connection.js';
export { openSocket, type SocketOptions } from './open-socket.js';
export { SocketReader } from './socket-reader.js';
export { MAX_TIMER_DELAY, timerDelay } from './timer-delay.js';
export { DEFAULT_PORT, parseAddress, type ResolvedAddress, type ServerAddress } from './parse-address.js';

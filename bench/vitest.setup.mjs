// Before the bench's tests: the Python driver's test needs pymemcache under /usr/bin/python3,
// which a fresh Debian machine lacks; install it the way the bench does (apt-get as root).
import { pymemcacheClient } from './src/clients/python.mjs';
import { ensurePythonClients } from './src/ensure-python-clients.mjs';

export default function setup() {
  ensurePythonClients([pymemcacheClient]);
}

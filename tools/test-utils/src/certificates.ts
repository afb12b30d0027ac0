import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { requireProgram } from './find-program.js';
import { makeTempDir } from './temp-dir.js';

/** PEM files made at test time: a CA, a server certificate it signed, a client one, and a stranger. */
export interface Certificates {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A self-signed certificate no test CA vouches for, to prove untrusted servers are refused. */
  untrustedCert: string;
  untrustedKey: string;
  /** The same files' contents, ready for tls.ConnectionOptions. */
  pem: { ca: string; cert: string; key: string; clientCert: string; clientKey: string };
}

let cached: Certificates | undefined;

/** Generates (once per process) certificates with openssl, valid for 127.0.0.1, ::1 and localhost. */
export function makeCertificates(): Certificates {
  if (cached) return cached;
  const openssl = requireProgram('openssl');
  const dir = makeTempDir('mc-tls-');
  const file = (name: string) => path.join(dir, name);
  const run = (...args: string[]) => execFileSync(openssl, args, { stdio: 'pipe' });
  const config = file('san.cnf');
  fs.writeFileSync(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[ext]',
      'subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost',
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth, clientAuth',
      '[ca]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      '',
    ].join('\n'),
  );
  const key = (name: string) =>
    run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name));
  key('ca.key');
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    file('ca.key'),
    '-subj',
    '/CN=mc test CA',
    '-days',
    '2',
    '-out',
    file('ca.pem'),
    '-config',
    config,
    '-extensions',
    'ca',
  );
  for (const name of ['server', 'client']) {
    key(`${name}.key`);
    run(
      'req',
      '-new',
      '-key',
      file(`${name}.key`),
      '-subj',
      `/CN=${name === 'server' ? 'localhost' : 'mc test client'}`,
      '-out',
      file(`${name}.csr`),
      '-config',
      config,
    );
    run(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      file(`${name}.pem`),
      '-extfile',
      config,
      '-extensions',
      'ext',
    );
  }
  key('untrusted.key');
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    file('untrusted.key'),
    '-subj',
    '/CN=localhost',
    '-days',
    '2',
    '-out',
    file('untrusted.pem'),
    '-config',
    config,
    '-extensions',
    'ext',
  );
  const read = (name: string) => fs.readFileSync(file(name), 'utf8');
  cached = {
    dir,
    caCert: file('ca.pem'),
    caKey: file('ca.key'),
    serverCert: file('server.pem'),
    serverKey: file('server.key'),
    clientCert: file('client.pem'),
    clientKey: file('client.key'),
    untrustedCert: file('untrusted.pem'),
    untrustedKey: file('untrusted.key'),
    pem: {
      ca: read('ca.pem'),
      cert: read('server.pem'),
      key: read('server.key'),
      clientCert: read('client.pem'),
      clientKey: read('client.key'),
    },
  };
  return cached;
}

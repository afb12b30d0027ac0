import { MemcacheConnectionError, MemcacheTimeoutError, MemcacheUnexpectedCloseError } from '@mc/client';

const CERTIFICATE_TROUBLE = /certificate|self[- ]signed|unable to verify|altnames|hostname\/ip/i;

/**
 * What to try next when a connection failed, in terms of memcli's own options: a TLS server
 * reached without `--tls` resets the connection, and a certificate Node cannot check needs
 * its CA or its name. Undefined when there is nothing better to say than the error itself.
 */
export function connectionHint(error: unknown, tls: boolean): string | undefined {
  const broken =
    error instanceof MemcacheConnectionError ||
    error instanceof MemcacheUnexpectedCloseError ||
    error instanceof MemcacheTimeoutError;
  if (!broken) return undefined;
  const message = error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : '';
  if (tls && CERTIFICATE_TROUBLE.test(message)) {
    return (
      "--tls-ca <file> names the CA that signed the server's certificate, --tls-servername <name> " +
      'the name it was issued for; --tls-insecure skips the check (test servers only)'
    );
  }
  // A TLS server answers a plain "version" or "get" with a reset, not with a reply.
  if (!tls && /ECONNRESET/.test(message)) return 'if the server speaks TLS, add --tls';
  return undefined;
}

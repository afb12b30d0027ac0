import net from 'node:net';
import { MemcacheProtocolError } from '@mc/protocol';
import type { ClusterConfig, DiscoveredNode } from './cluster-config.js';

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9.])?$/;
const DIGITS = /^[0-9]{1,15}$/;

/**
 * Reads the payload of a cluster configuration, as ElastiCache and Memorystore write it:
 *
 *   12\n                                              ← version (CRLF tolerated)
 *   a.cache.amazonaws.com|10.0.0.1|11211 b...|10.0.0.2|11211\n   ← nodes, space separated
 *
 * Pure and strict about what matters (a number for the version, a valid host or IP and port
 * for every node, at least one node), so garbage is refused with a MemcacheProtocolError
 * rather than turned into a node list that would move every key.
 */
export function parseClusterConfig(payload: string): ClusterConfig {
  const lines = payload
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '');
  const versionLine = lines[0]?.trim() ?? '';
  if (!DIGITS.test(versionLine)) {
    throw new MemcacheProtocolError(`cluster config: expected a version number, got ${show(versionLine)}`);
  }
  const nodes: DiscoveredNode[] = [];
  const seen = new Set<string>();
  for (const entry of lines.slice(1).join(' ').split(/\s+/)) {
    if (entry === '') continue;
    const node = parseNode(entry);
    const identity = `${node.host}|${node.ip}|${node.port}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    nodes.push(node);
  }
  if (nodes.length === 0) throw new MemcacheProtocolError('cluster config lists no node');
  return { version: Number(versionLine), nodes };
}

function parseNode(entry: string): DiscoveredNode {
  const parts = entry.split('|');
  if (parts.length !== 3) {
    throw new MemcacheProtocolError(`cluster config: expected host|ip|port, got ${show(entry)}`);
  }
  const [host, ip, portText] = parts as [string, string, string];
  const port = Number(portText);
  if (!/^[0-9]{1,5}$/.test(portText) || port < 1 || port > 65535) {
    throw new MemcacheProtocolError(`cluster config: bad port in ${show(entry)}`);
  }
  if (ip !== '' && net.isIP(ip) === 0) {
    throw new MemcacheProtocolError(`cluster config: bad IP address in ${show(entry)}`);
  }
  if (host !== '' && (!HOST_NAME.test(host) || host.length > 253)) {
    throw new MemcacheProtocolError(`cluster config: bad host name in ${show(entry)}`);
  }
  if (host === '' && ip === '') {
    throw new MemcacheProtocolError(`cluster config: a node without host or IP: ${show(entry)}`);
  }
  return { host, ip, port };
}

function show(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

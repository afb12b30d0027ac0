import { execFileSync } from 'node:child_process';
import { MemcacheIllegalInputError } from '@mc/protocol';
import { describe, expect, it } from 'vitest';
import { RendezvousHasher } from './rendezvous-hasher.js';

/**
 * pymemcache's placement, computed by python3: RendezvousHash.get_node scores
 * murmur3_32(f"{node}-{key}") with the pure-Python murmur3 (which reads a str character by
 * character, `ord(c) & 0xFF`), the highest score wins, a tie goes to max(str(node), str(winner)).
 * The node names are HashClient's: "[v6]:port" becomes "v6:port". Written here from that
 * description, as test code.
 */
const PYTHON_REFERENCE = `
import json, sys

def murmur3_32(data, seed=0):
    mask = 0xFFFFFFFF
    length = len(data)
    h = seed
    whole = length - length % 4
    for i in range(0, whole, 4):
        k = 0
        for j in range(4):
            k |= (ord(data[i + j]) & 0xFF) << (8 * j)
        k = (k * 0xCC9E2D51) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * 0x1B873593) & mask
        h ^= k
        h = ((h << 13) | (h >> 19)) & mask
        h = (h * 5 + 0xE6546B64) & mask
    if length % 4:
        k = 0
        for j in range(length % 4):
            k |= (ord(data[whole + j]) & 0xFF) << (8 * j)
        k = (k * 0xCC9E2D51) & mask
        k = ((k << 15) | (k >> 17)) & mask
        k = (k * 0x1B873593) & mask
        h ^= k
    h ^= length
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h

def pymemcache_name(node):
    # HashClient reads "[v6]:port" as host "v6" and names the node "v6:port".
    if node.startswith("["):
        host, port = node[1:].split("]:")
        return "%s:%s" % (host, port)
    return node

def get_node(nodes, key):
    names = {pymemcache_name(node): node for node in nodes}
    high_score = -1
    winner = None
    for node in names:
        score = murmur3_32("%s-%s" % (node, key))
        if score > high_score:
            high_score, winner = score, node
        elif score == high_score:
            high_score, winner = score, max(str(node), str(winner))
    return names[winner]

request = json.load(sys.stdin)
print(json.dumps([[get_node(nodes, key) for key in request["keys"]] for nodes in request["nodeSets"]]))
`;

function pythonPlacement(nodeSets: string[][], keys: string[]): string[][] {
  const output = execFileSync('python3', ['-c', PYTHON_REFERENCE], {
    input: JSON.stringify({ nodeSets, keys }),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return JSON.parse(output) as string[][];
}

function sampleKeys(count: number): string[] {
  const keys: string[] = [];
  let state = 12345;
  const random = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789:_-./';
  for (let index = 0; index < count; index++) {
    if (index % 10 === 0) {
      keys.push(`user:${index}`);
    } else if (index % 10 === 1) {
      // Non-ASCII: pymemcache hashes each character's low byte.
      keys.push(`ключ-${index}-ü-€-😀`);
    } else {
      let key = '';
      const length = 1 + (random() % 60);
      for (let position = 0; position < length; position++) key += alphabet[random() % alphabet.length];
      keys.push(key);
    }
  }
  return keys;
}

describe('RendezvousHasher', () => {
  const keys = sampleKeys(1_000);
  const nodeSets = [
    ['127.0.0.1:11211', '127.0.0.1:11212', '[::1]:11211'],
    ['10.0.0.1:11211', '10.0.0.2:11211', '/var/run/memcached/memcached.sock', '[2001:db8::7]:11300'],
    [
      'cache-a.internal:11211',
      'cache-b.internal:11211',
      'cache-c.internal:11211',
      '[::1]:40000',
      '/tmp/mc.sock',
    ],
  ];

  it('places 1,000 keys on the same node as pymemcache does, as python3 computes it', () => {
    const expected = pythonPlacement(nodeSets, keys);
    nodeSets.forEach((nodes, setIndex) => {
      const hasher = new RendezvousHasher(nodes);
      const actual = keys.map((key) => hasher.getNode(key));
      expect(actual).toEqual(expected[setIndex]);
    });
  });

  it('a tie goes to the name that sorts later, whatever the order of the nodes', () => {
    // These two names score the same for key 'tie' (found by search): 3781600134.
    const nodes = ['10.0.418.135:11211', '10.0.610.50:11211'];
    expect(pythonPlacement([nodes, [...nodes].reverse()], ['tie'])).toEqual([
      ['10.0.610.50:11211'],
      ['10.0.610.50:11211'],
    ]);
    expect(new RendezvousHasher(nodes).getNode('tie')).toBe('10.0.610.50:11211');
    expect(new RendezvousHasher([...nodes].reverse()).getNode('tie')).toBe('10.0.610.50:11211');
  });

  it('reads a byte key one character per byte', () => {
    const hasher = new RendezvousHasher(nodeSets[1]);
    for (const key of keys.slice(0, 100)) {
      if (/^[\x20-\x7e]*$/.test(key))
        expect(hasher.getNode(new TextEncoder().encode(key))).toBe(hasher.getNode(key));
    }
  });

  it('spreads keys evenly', () => {
    const nodes = ['a:11211', 'b:11211', 'c:11211', 'd:11211'];
    const hasher = new RendezvousHasher(nodes);
    const counts = new Map<string, number>();
    for (let index = 0; index < 20_000; index++) {
      const node = hasher.getNode(`key-${index}`)!;
      counts.set(node, (counts.get(node) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(nodes);
    for (const count of counts.values()) expect(Math.abs(count - 5_000)).toBeLessThan(500);
  });

  it('removing a node moves only the keys it owned', () => {
    const hasher = new RendezvousHasher(['a:1', 'b:1', 'c:1', 'd:1']);
    const before = keys.map((key) => hasher.getNode(key));
    hasher.removeNode('c:1');
    expect(hasher.nodes()).toEqual(['a:1', 'b:1', 'd:1']);
    const after = keys.map((key) => hasher.getNode(key));
    let moved = 0;
    keys.forEach((_, index) => {
      if (before[index] === 'c:1') {
        moved++;
        expect(after[index]).not.toBe('c:1');
      } else {
        expect(after[index]).toBe(before[index]);
      }
    });
    expect(moved).toBeGreaterThan(150);
    // Adding it back restores the original placement.
    hasher.addNode('c:1');
    expect(keys.map((key) => hasher.getNode(key))).toEqual(before);
  });

  it('handles no nodes, one node, duplicates and unknown removals', () => {
    const hasher = new RendezvousHasher();
    expect(hasher.getNode('key')).toBeUndefined();
    hasher.addNode('only:11211');
    hasher.addNode('only:11211');
    expect(hasher.nodes()).toEqual(['only:11211']);
    expect(hasher.getNode('key')).toBe('only:11211');
    hasher.removeNode('absent:1');
    hasher.removeNode('only:11211');
    expect(hasher.getNode('key')).toBeUndefined();
  });

  it('grows its scratch space for long keys and long names', () => {
    const long = 'n'.repeat(600);
    const hasher = new RendezvousHasher([`${long}:1`, `${long}:2`]);
    const key = 'k'.repeat(2_000);
    expect(pythonPlacement([[`${long}:1`, `${long}:2`]], [key])).toEqual([[hasher.getNode(key)]]);
  });

  it('refuses weights, which pymemcache does not have', () => {
    const hasher = new RendezvousHasher();
    expect(() => hasher.addNode('a:1', 2)).toThrow(MemcacheIllegalInputError);
    hasher.addNode('a:1', 1);
    expect(hasher.nodes()).toEqual(['a:1']);
  });
});

import { describe, expect, it } from 'vitest';
import { parseOptions } from './parse-options.mjs';

const known = { workloads: ['get', 'set'], clients: ['mc', 'memjs'] };

describe('parseOptions', () => {
  it('defaults to every workload and client, three rounds', () => {
    expect(parseOptions([], known)).toMatchObject({ rounds: 3, durationMs: 800, workloads: ['get', 'set'] });
  });

  it('makes --quick one short round unless told otherwise', () => {
    expect(parseOptions(['--quick'], known)).toMatchObject({ rounds: 1, durationMs: 300 });
    expect(parseOptions(['--quick', '--rounds=2'], known)).toMatchObject({ rounds: 2, durationMs: 300 });
  });

  it('selects workloads and clients', () => {
    const options = parseOptions(['--', '--only=set', '--clients=memjs,mc'], known);
    expect(options.workloads).toEqual(['set']);
    expect(options.clients).toEqual(['memjs', 'mc']);
  });

  it('takes a value after a space as well as after =', () => {
    const options = parseOptions(['--only', 'get', '--rounds', '5', '--readme'], known);
    expect(options).toMatchObject({ workloads: ['get'], rounds: 5, readme: true });
  });

  it('refuses unknown names and flags', () => {
    expect(() => parseOptions(['--only=gte'], known)).toThrow(/unknown workload: gte/);
    expect(() => parseOptions(['--clients=redis'], known)).toThrow(/unknown client: redis/);
    expect(() => parseOptions(['--fast'], known)).toThrow(/unknown option --fast/);
    expect(() => parseOptions(['--rounds=0'], known)).toThrow(/positive whole number/);
    expect(() => parseOptions(['--json'], known)).toThrow(/file name/);
  });
});

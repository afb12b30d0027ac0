import { describe, expect, it } from 'vitest';
import { parsePythonOutput } from './parse-python-output.mjs';

const line = (fields) =>
  JSON.stringify({
    opsPerSecond: 5000.5,
    p50: 90.1,
    p99: 900.2,
    cpuPerOp: 70,
    serverCpuPerOp: 60,
    operations: 2500,
    seconds: 0.5,
    problems: 0,
    problem: null,
    ...fields,
  });

describe('parsePythonOutput', () => {
  it('reads the last line of figures, nulls as NaN', () => {
    const result = parsePythonOutput(`warming up\n${line({ serverCpuPerOp: null })}\n\n`);
    expect(result).toMatchObject({ opsPerSecond: 5000.5, p50: 90.1, operations: 2500, problems: 0 });
    expect(result.serverCpuPerOp).toBeNaN();
    expect(result.problem).toBeUndefined();
  });

  it('keeps the first problem the driver saw', () => {
    const result = parsePythonOutput(line({ problems: 3, problem: 'get bench:x:1 missed' }));
    expect(result).toMatchObject({ problems: 3, problem: 'get bench:x:1 missed' });
  });

  it('refuses output that is not one object of figures', () => {
    expect(() => parsePythonOutput('')).toThrow(/printed nothing/);
    expect(() => parsePythonOutput('Traceback (most recent call last):')).toThrow(/no JSON: Traceback/);
    expect(() => parsePythonOutput('[1, 2]')).toThrow(/not an object/);
    expect(() => parsePythonOutput(line({ p50: '90' }))).toThrow(/p50 is "90"/);
    expect(() => parsePythonOutput(line({ operations: null }))).toThrow(/how many operations/);
  });
});

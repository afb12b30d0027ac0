const NUMBERS = [
  'opsPerSecond',
  'p50',
  'p99',
  'cpuPerOp',
  'serverCpuPerOp',
  'operations',
  'seconds',
  'problems',
];

/**
 * Reads the figures python-driver.py printed: the last line of its stdout is one JSON object.
 * Missing figures (null, e.g. no /proc for the server's CPU) become NaN, which the tables print
 * as a dash; anything that is not such an object is an error naming what came instead, so a
 * Python traceback or a stray print can never pass for a result.
 *
 * @param {string} stdout
 * @returns {{ opsPerSecond: number, p50: number, p99: number, cpuPerOp: number, serverCpuPerOp: number,
 *   operations: number, seconds: number, problems: number, problem: string | undefined }}
 */
export function parsePythonOutput(stdout) {
  const lines = stdout.split('\n').filter((line) => line.trim() !== '');
  const last = lines.at(-1);
  if (last === undefined) throw new Error('the Python driver printed nothing');
  let data;
  try {
    data = JSON.parse(last);
  } catch {
    throw new Error(`the Python driver printed no JSON: ${last.slice(0, 200)}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new Error(`the Python driver printed ${last.slice(0, 200)}, not an object of figures`);
  const result = { problem: typeof data.problem === 'string' ? data.problem : undefined };
  for (const name of NUMBERS) {
    const value = data[name];
    if (value !== null && value !== undefined && typeof value !== 'number')
      throw new Error(`the Python driver's ${name} is ${JSON.stringify(value)}, not a number`);
    result[name] = typeof value === 'number' ? value : Number.NaN;
  }
  if (!Number.isFinite(result.operations) || !Number.isFinite(result.problems))
    throw new Error('the Python driver did not say how many operations it ran');
  return result;
}

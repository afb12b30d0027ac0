import { type FaultProxy, type MemcachedServer, startCluster, startFaultProxy } from '@mc/test-utils';
import { Connection } from '@mc/transport';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, HashClient } from '../index.js';
import {
  type Batch,
  checkRecovery,
  clientDriver,
  connectionDriver,
  type Driver,
  FAULT_PLANS,
  type FaultPlanName,
  type ProgramReport,
  program,
  runProgram,
} from '../test-support/model-harness.js';

// Programs per target: small in `npm test`, many in `npm run soak` (MODEL_RUNS=…).
const RUNS = Number(process.env.MODEL_RUNS ?? 12);
/** The most calls in one batch: deeper pipelines with MODEL_BATCH=… */
const MAX_CALLS = Number(process.env.MODEL_BATCH ?? 12);
const SEED = process.env.MODEL_SEED === undefined ? 20261201 : Number(process.env.MODEL_SEED);
/**
 * Each call's deadline: shorter than a stall (FAULT_PLANS), so stalls end in
 * MemcacheTimeoutError, and long enough that a loaded machine never trips it without one.
 */
const TIMEOUT_MS = 1000;
/** Every batch must settle within this, faults or not. */
const SETTLE_MS = 8000;

/** Plans whose faults may make calls fail; delays and splits must never. */
const FAILING: ReadonlySet<FaultPlanName> = new Set(['resets', 'stalls', 'all']);

let servers: MemcachedServer[];
let proxies: FaultProxy[];
let programNumber = 0;
const totals = { programs: 0, operations: 0, errors: 0, faults: 0, byPlan: {} as Record<string, number> };

beforeAll(async () => {
  servers = await startCluster(3);
  proxies = await Promise.all(
    servers.map((server, index) => startFaultProxy(server, { seed: SEED + index })),
  );
});

afterAll(async () => {
  const faults = proxies.reduce((sum, proxy) => sum + proxy.faults, 0);
  const resets = proxies.reduce((sum, proxy) => sum + proxy.counts.resets, 0);
  const stalls = proxies.reduce((sum, proxy) => sum + proxy.counts.stalls, 0);
  const splits = proxies.reduce((sum, proxy) => sum + proxy.counts.splits, 0);
  const delays = proxies.reduce((sum, proxy) => sum + proxy.counts.delays, 0);
  console.log(
    `model suite: ${totals.programs} programs, ${totals.operations} operations, ${totals.errors} failed calls, ` +
      `${faults} faults (${delays} delays, ${splits} splits, ${resets} resets, ${stalls} stalls), plans ${JSON.stringify(totals.byPlan)}`,
  );
  await Promise.all(proxies.map((proxy) => proxy.close()));
  await Promise.all(servers.map((server) => server.stop()));
});

interface Target {
  driver: Driver;
  close(): Promise<void>;
}

type MakeTarget = () => Target;

const targets: Record<string, MakeTarget> = {
  'Client, 1 connection': () => {
    const client = new Client(proxies[0]!.address, { timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS });
    return { driver: clientDriver('Client(1)', client), close: () => client.close() };
  },
  'Client, 3 connections': () => {
    const client = new Client(proxies[0]!.address, {
      timeout: TIMEOUT_MS,
      connectTimeout: TIMEOUT_MS,
      connections: 3,
    });
    return { driver: clientDriver('Client(3)', client), close: () => client.close() };
  },
  'HashClient, 2 nodes': () => {
    const client = new HashClient([proxies[1]!.address, proxies[2]!.address], {
      timeout: TIMEOUT_MS,
      connectTimeout: TIMEOUT_MS,
      deadTimeout: 100,
      // The driver reads node health from the metrics (see clientDriver).
      metrics: true,
    });
    return { driver: clientDriver('HashClient(2)', client), close: () => client.close() };
  },
  'HashClient, 3 nodes': () => {
    const client = new HashClient(
      proxies.map((proxy) => proxy.address),
      { timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, deadTimeout: 100, connections: 2, metrics: true },
    );
    return { driver: clientDriver('HashClient(3)', client), close: () => client.close() };
  },
  'raw Connection': () => {
    const connection = new Connection(proxies[0]!.address, {
      timeout: TIMEOUT_MS,
      connectTimeout: TIMEOUT_MS,
    });
    return { driver: connectionDriver(connection), close: () => connection.close({ force: true }) };
  },
};

/** Runs one program under one plan on a fresh target; resolves the problems found. */
async function runOne(
  make: MakeTarget,
  batches: Batch[],
  plan: FaultPlanName,
  faultSeed: number,
): Promise<string[]> {
  const prefix = `p${programNumber++}-`;
  const target = make();
  const report: ProgramReport = { operations: 0, errors: 0, problems: [] };
  proxies.forEach((proxy, index) => {
    proxy.reseed(faultSeed + index);
    proxy.plan = FAULT_PLANS[plan];
  });
  const before = proxies.reduce((sum, proxy) => sum + proxy.faults, 0);
  const breaking = () => proxies.reduce((sum, proxy) => sum + proxy.counts.resets + proxy.counts.stalls, 0);
  const breakingBefore = breaking();
  try {
    await runProgram(target.driver, batches, {
      prefix,
      faulty: FAILING.has(plan),
      settleMs: SETTLE_MS,
      report,
    });
    for (const proxy of proxies) proxy.plan = FAULT_PLANS.none;
    // Errors only when a fault that can cause them (a reset or a stall) was injected.
    if (report.errors > 0 && breaking() === breakingBefore) {
      report.problems.push(`${report.errors} calls failed, but no reset or stall was injected`);
    }
    await checkRecovery(
      target.driver,
      [`${prefix}r0`, `${prefix}r1`, `${prefix}r2`],
      SETTLE_MS,
      report.problems,
    );
  } finally {
    for (const proxy of proxies) proxy.plan = FAULT_PLANS.none;
    await target.close();
  }
  totals.programs++;
  totals.operations += report.operations;
  totals.errors += report.errors;
  totals.byPlan[plan] = (totals.byPlan[plan] ?? 0) + 1;
  totals.faults += proxies.reduce((sum, proxy) => sum + proxy.faults, 0) - before;
  return report.problems;
}

const planName = fc.constantFrom(...(Object.keys(FAULT_PLANS) as FaultPlanName[]));

describe('model-based programs against memcached behind a fault proxy', () => {
  for (const [name, make] of Object.entries(targets)) {
    it(
      name,
      async () => {
        await fc.assert(
          fc.asyncProperty(program(MAX_CALLS), planName, fc.nat(), async (batches, plan, faultSeed) => {
            const problems = await runOne(make, batches, plan, faultSeed);
            expect(problems, `plan ${plan}`).toEqual([]);
          }),
          // Shrinking reruns the program many times; MODEL_NO_SHRINK=1 reports the first failure.
          { numRuns: RUNS, seed: SEED, endOnFailure: process.env.MODEL_NO_SHRINK !== undefined },
        );
      },
      RUNS * 20_000,
    );
  }
});

// The checker itself: a driver that misroutes one reply or loses one write must be caught.
describe('the model catches what it is for', () => {
  const programOf: Batch[] = [
    [
      { kind: 'set', key: 0, noreply: false },
      { kind: 'set', key: 1, noreply: false },
    ],
    [
      { kind: 'get', key: 0 },
      { kind: 'metaGet', key: 1, base64: false, quiet: false },
    ],
  ];

  async function problemsWith(tamper: (driver: Driver) => Driver): Promise<string[]> {
    const client = new Client(servers[0]!.address, { timeout: TIMEOUT_MS });
    try {
      const report: ProgramReport = { operations: 0, errors: 0, problems: [] };
      const prefix = `self${programNumber++}-`;
      await runProgram(tamper(clientDriver('Client', client)), programOf, {
        prefix,
        faulty: false,
        settleMs: SETTLE_MS,
        report,
      });
      return report.problems;
    } finally {
      await client.close();
    }
  }

  it('passes an honest client', async () => {
    expect(await problemsWith((driver) => driver)).toEqual([]);
  });

  it("catches a reply handed to another key's request", async () => {
    const problems = await problemsWith((driver) => ({
      name: driver.name,
      run: (call) =>
        driver.run(call.operation.kind === 'get' ? { ...call, key: call.key!.replace(/t0$/, 't1') } : call),
    }));
    expect(problems.join('\n')).toMatch(/get .*t0: .*got .*t1#/);
  });

  it('catches a write that never happened', async () => {
    const problems = await problemsWith((driver) => ({
      name: driver.name,
      run: (call) =>
        call.operation.kind === 'set' && call.key!.endsWith('t1')
          ? Promise.resolve({ kind: 'boolean', value: true })
          : driver.run(call),
    }));
    expect(problems.join('\n')).toMatch(/metaGet .*t1: .*got undefined/);
  });
});

// Programs from failures the suite found, kept as fixed cases (they failed before the fix).
describe('fixed programs', () => {
  // Seed 20261201, "Client, 3 connections", run 4, plan "splits": a base64 metaSet, then
  // plain reads of the key in the same batch (see model-regressions.test.ts). Ten programs,
  // because each one's key lands on its own socket.
  it('a base64 metaSet, then plain reads in the same batch (Client, 3 connections)', async () => {
    const batches: Batch[] = [
      [
        { kind: 'metaSet', key: 3, base64: true, quiet: false },
        { kind: 'metaGet', key: 3, base64: false, quiet: false },
        { kind: 'get', key: 3 },
        { kind: 'append', key: 3 },
        { kind: 'metaDelete', key: 3, base64: true, quiet: false },
        { kind: 'gets', key: 3 },
      ],
    ];
    for (let run = 0; run < 10; run++) {
      expect(await runOne(targets['Client, 3 connections']!, batches, 'none', run)).toEqual([]);
    }
  });
});

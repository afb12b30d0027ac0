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
const SEED = process.env.MODEL_SEED === undefined ? 20261201 : Number(process.env.MODEL_SEED);
/** Each call's deadline: shorter than a stall, so stalls end in MemcacheTimeoutError. */
const TIMEOUT_MS = 300;
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
    });
    return { driver: clientDriver('HashClient(2)', client), close: () => client.close() };
  },
  'HashClient, 3 nodes': () => {
    const client = new HashClient(
      proxies.map((proxy) => proxy.address),
      { timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS, deadTimeout: 100, connections: 2 },
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
async function runOne(make: MakeTarget, batches: Batch[], plan: FaultPlanName): Promise<string[]> {
  const prefix = `p${programNumber++}-`;
  const target = make();
  const report: ProgramReport = { operations: 0, errors: 0, problems: [] };
  for (const proxy of proxies) proxy.plan = FAULT_PLANS[plan];
  const before = proxies.reduce((sum, proxy) => sum + proxy.faults, 0);
  try {
    await runProgram(target.driver, batches, {
      prefix,
      faulty: FAILING.has(plan),
      settleMs: SETTLE_MS,
      report,
    });
    for (const proxy of proxies) proxy.plan = FAULT_PLANS.none;
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
          fc.asyncProperty(program, planName, async (batches, plan) => {
            const problems = await runOne(make, batches, plan);
            expect(problems, `plan ${plan}`).toEqual([]);
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: process.env.MODEL_SHRINK === undefined },
        );
      },
      RUNS * 20_000,
    );
  }
});

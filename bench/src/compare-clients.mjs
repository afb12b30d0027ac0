import { bestPeer } from './best-peer.mjs';
import { median } from './median.mjs';
import { ratioOf } from './ratio-of.mjs';

const ok = (figure) => figure !== undefined && !figure.failed && !(figure.problems > 0);

/** The median over rounds of `ratio(mine, theirs)`, pairing each round of one client with the same round of the other. */
function perRound(mineRounds = [], theirRounds = [], ratio) {
  const ratios = [];
  for (let round = 0; round < Math.min(mineRounds.length, theirRounds.length); round++) {
    if (ok(mineRounds[round]) && ok(theirRounds[round]))
      ratios.push(ratio(mineRounds[round], theirRounds[round]));
  }
  return median(ratios);
}

const throughput = (mine, theirs) => ratioOf(mine.opsPerSecond, theirs.opsPerSecond);
// Time per call: the other's ops/s over ours (1.26 means we take 26% longer per call).
const timePerCall = (mine, theirs) => ratioOf(theirs.opsPerSecond, mine.opsPerSecond);

/**
 * Puts one client (normally @mc) against the floor, the fastest seed (Python) client and the
 * fastest Node peer, per workload, from the chosen rounds and as the median of round-by-round
 * ratios (each round runs every client once, so a round's ratio shares that round's noise).
 * Variant workloads (`compare`) are read against the workload they vary, for the same client.
 *
 * @param {string} clientId
 * @param {Array<{ id: string, name: string, role: string }>} entries
 * @param {Array<{ id: string, title: string, compare?: string }>} workloads
 * @param {Map<string, Map<string, object>>} chosen  workload id → client id → chosen round
 * @param {Map<string, Map<string, object[]>>} rounds  workload id → client id → every round
 */
export function compareClients(clientId, entries, workloads, chosen, rounds) {
  const rows = [];
  const variants = [];
  for (const workload of workloads) {
    const figures = chosen.get(workload.id);
    const mine = figures?.get(clientId);
    if (!ok(mine)) continue;
    const roundsOf = (id) => rounds.get(workload.id)?.get(id);
    if (workload.compare) {
      // Measured by turns with a plain partner (`<id>@base`) when there is one; else read
      // against the workload it varies.
      const partner = `${clientId}@base`;
      const paired = figures.has(partner);
      const base = paired ? figures.get(partner) : chosen.get(workload.compare)?.get(clientId);
      if (!ok(base)) continue;
      const baseRounds = paired ? roundsOf(partner) : rounds.get(workload.compare)?.get(clientId);
      variants.push({
        workload,
        compare: paired ? `${workload.compare} (by turns)` : workload.compare,
        mine,
        base,
        ratio: throughput(mine, base),
        medianRatio: perRound(roundsOf(clientId), baseRounds, throughput),
        cpuDelta: mine.cpuPerOp - base.cpuPerOp,
      });
      continue;
    }
    const against = (other, ratio) =>
      other && {
        name: other.entry.name,
        figure: other.figure,
        ratio: ratio(mine, other.figure),
        medianRatio: perRound(roundsOf(clientId), roundsOf(other.entry.id), ratio),
      };
    const floorEntry = entries.find((entry) => entry.role === 'floor');
    const floorFigure = floorEntry && figures.get(floorEntry.id);
    const seed = bestPeer(entries, figures, 'opsPerSecond', 'seed');
    const peer = bestPeer(entries, figures, 'opsPerSecond', 'peer');
    // Everyone's throughput over the best peer's, round by round (for the chart).
    const overPeer = (id) => peer && perRound(roundsOf(id), roundsOf(peer.entry.id), throughput);
    rows.push({
      workload,
      mine,
      floor: ok(floorFigure) ? against({ entry: floorEntry, figure: floorFigure }, timePerCall) : undefined,
      seed: against(seed, throughput),
      peer: against(peer, throughput),
      overPeer: peer && {
        mine: overPeer(clientId),
        floor: ok(floorFigure) ? overPeer(floorEntry.id) : Number.NaN,
        seed: seed ? overPeer(seed.entry.id) : Number.NaN,
      },
    });
  }
  return { rows, variants };
}

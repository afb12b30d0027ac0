const USAGE = `usage: npm run bench -- [--quick] [--only=get,set] [--clients=mc,memjs] [--rounds=3]
       [--duration=1000] [--warmup=250] [--json=results.json] [--readme]

  --quick       short runs (300 ms), one round: checks that everything works
  --only        workloads: seq-get, seq-multi-get, get, set, multi-get, large-get, large-set,
                mix, get-4conn, hash-seq-multi-get, hash-multi-get, seq-get-traced,
                get-traced, seq-get-metrics, get-metrics, memory (idle connection and
                request in flight)
  --clients     mc, raw, floor, memjs, memcached, memcache-client, memcache, pymemcache,
                pylibmc, python-memcached
  --rounds      rounds, client order reversed every other round (default 3)
  --duration    measured milliseconds per client and workload (default 800)
  --warmup      unmeasured milliseconds before each measurement (default 200)
  --separate    run the Node clients one after the other, not by turns
  --no-warmup-round  skip the uncounted first round (short runs of every client and workload)
  --json        also write the figures to this file
  --readme      put the tables into bench/README.md and the chart into bench/results.svg
Values may follow the flag after = or a space: --only=seq-get or --only seq-get.`;

/**
 * Reads the command line. Unknown flags are an error rather than ignored, so a typo cannot
 * silently produce a full three-minute run.
 */
export function parseOptions(argv, known = { workloads: [], clients: [] }) {
  const options = {
    rounds: 3,
    durationMs: 800,
    warmupMs: 200,
    workloads: known.workloads,
    clients: known.clients,
    json: undefined,
    readme: false,
    separate: false,
    warmupRound: true,
    help: false,
  };
  const list = (value, allowed, what) => {
    const items = value.split(',').filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (unknown.length > 0)
      throw new Error(`unknown ${what}: ${unknown.join(', ')} (known: ${allowed.join(', ')})`);
    return items;
  };
  const count = (value, flag) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${flag} wants a positive whole number`);
    return number;
  };
  let quick = false;
  const explicit = new Set();
  const takesValue = new Set(['--only', '--clients', '--rounds', '--duration', '--warmup', '--json']);
  for (let position = 0; position < argv.length; position++) {
    const argument = argv[position];
    if (argument === '--') continue;
    let [flag, value] = argument.split(/=(.*)/s);
    if (value === undefined && takesValue.has(flag) && position + 1 < argv.length) value = argv[++position];
    value ??= '';
    explicit.add(flag);
    switch (flag) {
      case '--quick':
        quick = true;
        break;
      case '--only':
        options.workloads = list(value, known.workloads, 'workload');
        break;
      case '--clients':
        options.clients = list(value, known.clients, 'client');
        break;
      case '--rounds':
        options.rounds = count(value, flag);
        break;
      case '--duration':
        options.durationMs = count(value, flag);
        break;
      case '--warmup':
        options.warmupMs = count(value, flag);
        break;
      case '--json':
        if (!value) throw new Error('--json wants a file name');
        options.json = value;
        break;
      case '--readme':
        options.readme = true;
        break;
      case '--separate':
        options.separate = true;
        break;
      case '--no-warmup-round':
        options.warmupRound = false;
        break;
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown option ${argument}\n${USAGE}`);
    }
  }
  if (quick) {
    if (!explicit.has('--rounds')) options.rounds = 1;
    if (!explicit.has('--duration')) options.durationMs = 300;
    if (!explicit.has('--warmup')) options.warmupMs = 100;
  }
  return options;
}

export { USAGE };

"""Drives one of the seed's Python memcached clients through one sequential workload.

Run by the bench (python-runner.mjs) with /usr/bin/python3, one call at a time, against the
memcached the bench started. It writes its own keys with its own client first (unmeasured),
warms up, measures, and prints one line of JSON with the same figures the Node side reports:
opsPerSecond, p50/p99 (microseconds), cpuPerOp and serverCpuPerOp (microseconds), operations,
seconds, problems, problem. With --probe it prints the client's version and whether a value
holding every byte survives a set and a get.
"""

import argparse
import json
import os
import sys
import time

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
SMALL_KEYS = 1000
BATCH_SIZE = 100
SMALL_VALUE_BYTES = 100
STRIDE = 7919
PROBLEM_LIMIT = 1000
TICK_MICROSECONDS = 1_000_000 / os.sysconf("SC_CLK_TCK")


def make_value(index, size):
    """The same value key-space.mjs writes for this index: a client reading another key fails."""
    shift = index % len(ALPHABET)
    pattern = ALPHABET[shift:] + ALPHABET[:shift]
    text = f"#{index}#" + pattern * (size // len(pattern) + 1)
    return text[:size].encode("ascii")


def open_client(name, host, port):
    """Each client as its users construct it, with its defaults (text protocol everywhere)."""
    if name == "pymemcache":
        from pymemcache.client.base import Client

        return Client((host, port)), __import__("pymemcache").__version__
    if name == "pylibmc":
        import pylibmc

        return pylibmc.Client([f"{host}:{port}"]), pylibmc.__version__
    if name == "python-memcached":
        import memcache

        return memcache.Client([f"{host}:{port}"]), memcache.__version__
    raise SystemExit(f"unknown client {name}")


def get_many(client, name, keys):
    if name == "pymemcache":
        return client.get_many(keys)
    return client.get_multi(keys)


def as_bytes(value):
    return value.encode("utf-8") if isinstance(value, str) else value


def server_cpu_micros(pid):
    """memcached's CPU so far (user + system), from /proc, as process-cpu.mjs reads it."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split(" ")
    return (int(fields[11]) + int(fields[12])) * TICK_MICROSECONDS


def percentile(sorted_samples, fraction):
    if not sorted_samples:
        return None
    index = min(len(sorted_samples) - 1, int(fraction * len(sorted_samples)))
    return sorted_samples[index]


def probe(client):
    value = bytes(index % 256 for index in range(512))
    try:
        if not client.set("bench:python:binary", value):
            return "refused (set answered false)"
        back = client.get("bench:python:binary")
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        return f"error: {error}"
    if back is None:
        return "lost (get missed after set)"
    return "ok" if as_bytes(back) == value else f"corrupted ({type(back).__name__} of {len(back)} back)"


def run(client, name, workload, prefix, warmup_ms, duration_ms, server_pid, preload=True):
    keys = [f"{prefix}:{index}" for index in range(SMALL_KEYS)]
    values = [make_value(index, SMALL_VALUE_BYTES) for index in range(SMALL_KEYS)]
    for key, value in zip(keys, values):
        if preload and not client.set(key, value):
            raise SystemExit(f"preload: set {key} was not stored")
    batches = [keys[start : start + BATCH_SIZE] for start in range(0, SMALL_KEYS, BATCH_SIZE)]

    if workload == "seq-get":

        def operation(counter):
            index = (counter * STRIDE) % SMALL_KEYS
            value = client.get(keys[index])
            if value is None:
                return f"get {keys[index]} missed"
            if as_bytes(value) != values[index]:
                return f"get {keys[index]} returned a different value"
            return None

    elif workload == "seq-multi-get":

        def operation(counter):
            batch = counter % len(batches)
            found = get_many(client, name, batches[batch])
            for offset, key in enumerate(batches[batch]):
                value = found.get(key)
                if value is None or as_bytes(value) != values[batch * BATCH_SIZE + offset]:
                    return f"get_many: {key} missed or differed"
            return None

    else:
        raise SystemExit(f"unknown workload {workload}")

    counter = 0
    warmup_end = time.perf_counter() + warmup_ms / 1000
    while time.perf_counter() < warmup_end:
        operation(counter)
        counter += 1

    samples = []
    problems = 0
    problem = None
    clock = time.perf_counter
    cpu_start = time.process_time()
    server_start = server_cpu_micros(server_pid)
    started = clock()
    deadline = started + duration_ms / 1000
    finished = started
    while finished < deadline and problems < PROBLEM_LIMIT:
        before = clock()
        try:
            outcome = operation(counter)
        except Exception as error:  # noqa: BLE001 - a client error fails the run, as in Node
            outcome = f"error: {error}"
        finished = clock()
        counter += 1
        samples.append(finished - before)
        if outcome is not None:
            problems += 1
            problem = problem or outcome
    seconds = finished - started
    cpu = time.process_time() - cpu_start
    server_end = server_cpu_micros(server_pid)
    operations = len(samples)
    samples.sort()
    return {
        "opsPerSecond": operations / seconds if seconds > 0 else 0,
        "p50": percentile(samples, 0.5) * 1e6 if samples else None,
        "p99": percentile(samples, 0.99) * 1e6 if samples else None,
        "cpuPerOp": cpu * 1e6 / operations if operations else None,
        "serverCpuPerOp": (server_end - server_start) / operations
        if operations and server_start is not None and server_end is not None
        else None,
        "operations": operations,
        "seconds": seconds,
        "problems": problems,
        "problem": problem,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--client", required=True)
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--probe", action="store_true")
    parser.add_argument("--workload", default="seq-get")
    parser.add_argument("--prefix", default="bench:python")
    parser.add_argument("--warmup-ms", type=int, default=200)
    parser.add_argument("--duration-ms", type=int, default=800)
    parser.add_argument("--server-pid", type=int, default=0)
    # For the bench's own test: read keys someone else wrote, which must fail the run.
    parser.add_argument("--skip-preload", action="store_true")
    arguments = parser.parse_args()
    client, version = open_client(arguments.client, arguments.host, arguments.port)
    if arguments.probe:
        result = {"version": version, "binary": probe(client)}
    else:
        result = run(
            client,
            arguments.client,
            arguments.workload,
            arguments.prefix,
            arguments.warmup_ms,
            arguments.duration_ms,
            arguments.server_pid,
            not arguments.skip_preload,
        )
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""The Python half of the example: reads what TypeScript wrote and writes back.

It speaks memcached's text protocol over a plain socket with the standard library only, and
stores values the way pymemcache's default serde does, so with pymemcache installed
`pymemcache.Client(...).get(key)` reads and writes the very same items:

    flags 0 bytes, 1 pickle, 2 int, 16 str (UTF-8)
"""

import pickle
import socket
import sys

FLAG_BYTES, FLAG_PICKLE, FLAG_INTEGER, FLAG_TEXT = 0, 1, 2, 16


class Memcache:
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.sock = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
        self.buffer = b""

    def _line(self):
        while b"\r\n" not in self.buffer:
            self.buffer += self.sock.recv(65536)
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    def _exactly(self, size):
        while len(self.buffer) < size:
            self.buffer += self.sock.recv(65536)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def get(self, key):
        self.sock.sendall(b"get " + key.encode() + b"\r\n")
        header = self._line()
        if header == b"END":
            return None
        _, _, flags, size = header.split()[:4]
        data = self._exactly(int(size) + 2)[:-2]
        assert self._line() == b"END"
        return decode(data, int(flags))

    def set(self, key, value, ttl=0):
        data, flags = encode(value)
        self.sock.sendall(b"set %s %d %d %d\r\n%s\r\n" % (key.encode(), flags, ttl, len(data), data))
        return self._line() == b"STORED"

    def incr(self, key, delta=1):
        self.sock.sendall(b"incr %s %d\r\n" % (key.encode(), delta))
        reply = self._line()
        return None if reply == b"NOT_FOUND" else int(reply)


def encode(value):
    if isinstance(value, bytes):
        return value, FLAG_BYTES
    if isinstance(value, str):
        return value.encode(), FLAG_TEXT
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).encode(), FLAG_INTEGER
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL), FLAG_PICKLE


def decode(data, flags):
    if flags == FLAG_TEXT:
        return data.decode()
    if flags == FLAG_INTEGER:
        return int(data)
    if flags == FLAG_PICKLE:
        return pickle.loads(data)  # trusted here: our own cache; never unpickle untrusted data
    return data


def main():
    cache = Memcache(sys.argv[1])
    for key in ("greeting", "visits", "profile", "raw"):
        print(f"python read {key!r}: {cache.get(key)!r}")
    print(f"python incr 'visits': {cache.incr('visits')}")
    profile = cache.get("profile")
    cache.set("from-python", {"seen": sorted(profile["languages"]), "ok": True, "ratio": 0.25, "ids": (1, 2, 3)})
    cache.set("python-text", "written by Python ✓")
    cache.set("python-big", 2**70)


if __name__ == "__main__":
    main()

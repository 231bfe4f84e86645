#!/usr/bin/python3
"""The benchmark's queries as Sphinx statements, and a SphinxQL client.

Usage: sphinxql.py statements QUERY_FILE > statements.sql
       sphinxql.py probe PORT STATEMENTS QUERY_FILE > hits.tsv
       sphinxql.py latency PORT STATEMENTS ROUNDS > latencies.ms

statements: one SELECT per query of QUERY_FILE ('#' and blank lines
skipped; a query Sphinx cannot run, such as one of exclusions only, gives
an empty line), the query translated from the search-box syntax searchd
reads (words, "phrase", -word, a OR b, word*) into Sphinx's, with WEIGHT()
and SNIPPET() of both fields, the top 10.
probe: every statement once with SHOW META: query, total found, Sphinx's
own time in ms, TAB-separated.
latency: the statements in turn, ROUNDS times (0: until SIGTERM), over one
connection; one client-side wall time in ms a line (mysqlslap gives no
percentiles). The client speaks just enough of the MySQL protocol for
Sphinx, which takes any user without a password.
"""
import re
import signal
import socket
import struct
import sys
import time

WORD = re.compile(r"\w+")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def to_sphinx(q):
    """Search-box syntax to Sphinx's extended syntax; '' if nothing to ask."""
    groups, pending_or = [], False
    for m in TOKEN.finditer(q):
        neg, phrase, word = m.group(1) == "-", m.group(2), m.group(3)
        prefix = False
        if word is not None:
            if word == "OR" and groups:
                pending_or = True
                continue
            if word.startswith("-") and len(word) > 1:
                neg, word = True, word[1:]
            prefix = word.endswith("*")
            parts = WORD.findall(word.lower())
        else:
            parts = WORD.findall(phrase.lower())
        if not parts:
            continue
        # punctuation inside a word (covid-19) makes a phrase of its parts
        t = parts[0] if len(parts) == 1 else '"%s"' % " ".join(parts)
        t = ("-" if neg else "") + t + ("*" if prefix and len(parts) == 1 else "")
        if pending_or and not neg and not groups[-1][0].startswith("-"):
            groups[-1].append(t)
        else:
            groups.append([t])
        pending_or = False
    if all(g[0].startswith("-") for g in groups):
        return ""
    return " ".join(g[0] if len(g) == 1 else "(%s)" % " | ".join(g) for g in groups)


def statement(q):
    m = to_sphinx(q)
    if not m:
        return ""
    m = m.replace("\\", "\\\\").replace("'", "\\'")
    return ("SELECT id, report_date, WEIGHT() AS w,"
            " SNIPPET(assignment, '%s', 'query_mode=1', 'limit=0') AS title,"
            " SNIPPET(status, '%s', 'query_mode=1', 'limit=200', 'around=8') AS snip"
            " FROM rows WHERE MATCH('%s') ORDER BY w DESC, id ASC LIMIT 10"
            " OPTION ranker=proximity_bm25, field_weights=(assignment=5, status=2)"
            % (m, m, m))


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), 30)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.packet()                                # greeting
        caps = 0x0200 | 0x8000 | 0x0001              # PROTOCOL_41, SECURE_CONNECTION, LONG_PASSWORD
        self.send(struct.pack("<IIB23x", caps, 1 << 24, 33) + b"bench\0\0", 1)
        self.check(self.packet())

    def recv(self, n):
        while len(self.buf) < n:
            chunk = self.s.recv(1 << 16)
            if not chunk:
                raise ConnectionError("Sphinx closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def packet(self):
        h = self.recv(4)
        return self.recv(h[0] | h[1] << 8 | h[2] << 16)

    def send(self, payload, seq=0):
        self.s.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload)

    @staticmethod
    def check(p):
        if p[:1] == b"\xff":
            raise RuntimeError(p[9:].decode("utf-8", "replace"))

    def query(self, sql):
        """Run sql; its rows as lists of str."""
        self.send(b"\x03" + sql.encode("utf-8"))
        p = self.packet()
        self.check(p)
        if p[:1] == b"\x00":
            return []
        while self.packet()[:1] != b"\xfe":          # column definitions
            pass
        rows = []
        while True:
            p = self.packet()
            if p[:1] == b"\xfe" and len(p) < 9:
                return rows
            self.check(p)
            rows.append(self.row(p))

    @staticmethod
    def row(p):
        out, i = [], 0
        while i < len(p):
            n = p[i]
            i += 1
            if n == 0xfb:
                out.append(None)
                continue
            if n >= 0xfc:
                k = {0xfc: 2, 0xfd: 3, 0xfe: 8}[n]
                n = int.from_bytes(p[i:i + k], "little")
                i += k
            out.append(p[i:i + n].decode("utf-8", "replace"))
            i += n
        return out


def main(argv):
    if len(argv) < 2 or argv[0] not in ("statements", "probe", "latency"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv[0] == "statements":
        qs = [l.strip() for l in open(argv[1], encoding="utf-8")
              if l.strip() and not l.lstrip().startswith("#")]
        print("\n".join(statement(q) for q in qs))
        return 0
    c = Client(int(argv[1]))
    stmts = [l.rstrip("\n") for l in open(argv[2], encoding="utf-8")]
    failed = 0
    if argv[0] == "probe":
        qs = [l.strip() for l in open(argv[3], encoding="utf-8")
              if l.strip() and not l.lstrip().startswith("#")]
        for q, sql in zip(qs, stmts):
            if not sql:
                print("%s\tskipped\t" % q)
                continue
            try:
                c.query(sql)
                meta = dict(r[:2] for r in c.query("SHOW META"))
                print("%s\t%s\t%.1f" % (q, meta.get("total_found", ""),
                                        float(meta.get("time", 0)) * 1000))
            except RuntimeError as e:
                failed += 1
                print("%s\terror\t" % q)
                print("sphinxql: %s: %s" % (q, e), file=sys.stderr)
        return 1 if failed else 0
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    rounds, done = int(argv[3]), 0
    stmts = [s for s in stmts if s]
    while not stop and (rounds == 0 or done < rounds):
        done += 1
        for sql in stmts:
            if stop:
                break
            t0 = time.perf_counter()
            c.query(sql)
            sys.stdout.write("%.4f\n" % ((time.perf_counter() - t0) * 1000))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

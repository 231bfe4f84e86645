"""Hostile input: HTTP against searchd (generated requests over raw
sockets), and input directories against the indexer.

Random bytes in the path and query, percent-encoding edge cases, odd and
huge headers, other methods with bodies, pipelining, HTTP versions, random
/search and /suggest queries, and slowloris-style partial requests. The
rule checked (searchd/README.md): no 5xx but 503, no crash, no sanitizer
report, and the server still answers afterwards. Every case the generated
run ever broke is in REGRESSIONS, sent on every run.

HOSTILE_N (default 300) requests are generated from HOSTILE_SEED (default
a fixed one, so a failure repeats); the long smoke run is e.g.
HOSTILE_N=5000 HOSTILE_SEED=$RANDOM. Standard library only.
"""
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, BUILD, SEARCHD, INDEXER, REPORTS

N = int(os.environ.get('HOSTILE_N', '300'))
SEED = int(os.environ.get('HOSTILE_SEED', '20261123'))
SANITIZER_WORDS = searchd_proc.SANITIZER_WORDS

# Cases the generated run found (minimal forms); see tests/README.md.
REGRESSIONS = [
    # /suggest for a short word nothing completes: cache_put(NULL, 0) into
    # memcpy, a UBSan abort (fixed in searchd/cache.c)
    b'GET /suggest?q=zzq HTTP/1.1\r\nHost: a\r\n\r\n',
]

WORDS = ['nära', 'vård', 'mammografi', 'barn- och ungdomspsykiatri', 'OR',
         'AND', 'NOT', 'NEAR', '-', '*', '"', '-"', 'covid-19', 'å', 'Ö',
         'regionstyrelsen', 'uppdrag*', 'a*', '–', '•', '€', 'é', '\u0301',
         '\U0001F600', '\u202e', '\ufeff', '\ufffd', '(', ')', ':', '^',
         '{assignment}', 'och', 'att', 'x' * 300]
PARAMS = ['q', 'limit', 'offset', 'from', 'to', 'source', 'callback', '']
PATHS = ['/search', '/suggest', '/health', '/metrics', '/', '/index.html',
         '/static/app.js', '/static/', '/static/../Makefile',
         '/static/%2e%2e/%2e%2e/etc/passwd', '//search', '/search/',
         '/SEARCH', '/nope', '*', 'http://a/search']
METHODS = [b'GET'] * 6 + [b'HEAD', b'OPTIONS', b'POST', b'PUT', b'DELETE',
                          b'TRACE', b'CONNECT', b'PATCH', b'get', b'G\x00T',
                          b'X' * 40]
VERSIONS = [b'HTTP/1.1'] * 8 + [b'HTTP/1.0', b'HTTP/0.9', b'HTTP/2.0',
                                b'HTTP/1.1x', b'HTTP/9999999999.1', b'']


def rand_bytes(r, n):
    return bytes(r.randrange(256) for _ in range(n))


BAD_PCT = ['%', '%4', '%G1', '%%', '%00', '%0', '%zz', '%u00e5']
ODD_PCT = ['%C3', '%C3%28', '%E0%80%80', '%C0%80', '%ED%A0%80',
           '%F4%90%80%80', '%FF%FE', '%2525', '%25', '%2B', '+', '%20', '%22',
           '%3D', '%26', '%3B', '%C3%A5', '%c3%a5', '%EF%BB%BF',
           '%F0%9F%98%80', '%0D%0A', '%7F', '%80', '%01', '%09', '%5C']


def pct_edge(r):
    """A percent-encoding edge case: well-formed but odd, or malformed."""
    return r.choice(BAD_PCT if r.random() < 0.15 else ODD_PCT)


def rand_query(r):
    """What someone might put in q: words, operators, odd characters."""
    parts = []
    for _ in range(r.randrange(1, 12)):
        k = r.random()
        if k < 0.55:
            parts.append(urllib.parse.quote(r.choice(WORDS), safe=''))
        elif k < 0.75:
            parts.append(r.choice(ODD_PCT))
        elif k < 0.9:
            parts.append(urllib.parse.quote(
                ''.join(chr(r.choice([r.randrange(32, 127),
                                      r.randrange(0xa0, 0x2fff),
                                      r.randrange(0x10000, 0x10ffff)]))
                        for _ in range(r.randrange(1, 8))), safe=''))
        elif k < 0.99:
            parts.append(''.join('%%%02X' % b
                                 for b in rand_bytes(r, r.randrange(1, 6))))
        else:
            parts.append(r.choice(BAD_PCT))
    sep = r.choice(['+', '%20', '+%22', '+-', '+OR+', ''])
    q = sep.join(parts)
    if r.random() < 0.03:
        q = q * r.randrange(50, 400)        # past --max-query sometimes
    return q


def rand_target(r):
    """A request target: a real endpoint with random parameters, or junk."""
    k = r.random()
    if k < 0.6:
        path = r.choice(['/search', '/suggest'])
        pairs = ['q=' + rand_query(r)]
        for _ in range(r.randrange(0, 4)):
            name = r.choice(PARAMS)
            val = r.choice(['10', '0', '100', '2021-05-05', '2018-01-01',
                            'RS', 'plan', '', '3'] * 3 + [
                            '-1', '101', '1e3', '0x10', '99999999999999999999',
                            '2021-02-30', '9999-99-99', pct_edge(r),
                            rand_query(r)])
            pairs.append(name + '=' + val)
        r.shuffle(pairs)
        return (path + '?' + r.choice(['&', ';', '&&']).join(pairs)).encode()
    if k < 0.8:
        return (r.choice(PATHS) + r.choice(['', '?', '?' + pct_edge(r),
                                            pct_edge(r)])).encode()
    junk = rand_bytes(r, r.randrange(1, 60))
    return r.choice([b'/', b'/search?q=', b'']) + junk.replace(b' ', b'')


def rand_headers(r):
    """Header lines: usual ones, odd ones, sometimes huge or many."""
    hs = [b'Host: a']
    for _ in range(r.randrange(0, 4)):
        hs.append(r.choice([
            b'Connection: close', b'Connection: keep-alive',
            b'Accept: */*', b'Origin: http://x', b'Origin: \xff\xfe',
            b'Content-Length: -1', b'Content-Length: 99999999999999999999',
            b'Content-Length: 5', b'Content-Length: 0\r\nContent-Length: 7',
            b'Transfer-Encoding: chunked', b'Transfer-Encoding: gzip, chunked',
            b'X: ' + b'a' * r.choice([10, 1000, 17000, 70000]),
            b'No colon here', b': empty name', b' folded continuation',
            b'X-\x00: nul', b'X: \x01\x02\x7f', b'Expect: 100-continue',
            b'If-Modified-Since: yesterday', b'Range: bytes=-1',
            b'Accept-Encoding: ' + b'gzip,' * 2000]))
    if r.random() < 0.03:
        hs += [b'X-A: b'] * r.randrange(500, 3000)
    return hs


def rand_request(r):
    """One request as bytes, and the number of replies it may get. Half
    are well-formed GETs (so that the query reaches the search), half have
    every part random."""
    if r.random() < 0.5:
        return (b'GET ' + rand_target(r) + b' HTTP/1.1\r\nHost: a\r\n'
                b'Connection: close\r\n\r\n'), 1
    method = r.choice(METHODS)
    version = r.choice(VERSIONS)
    line = method + b' ' + rand_target(r) + (b' ' + version if version else b'')
    hs = rand_headers(r)
    eol = r.choice([b'\r\n'] * 9 + [b'\n'])
    body = b''
    if method in (b'POST', b'PUT', b'PATCH') or r.random() < 0.05:
        body = rand_bytes(r, r.choice([0, 10, 5000]))
        if r.random() < 0.7:
            hs.append(b'Content-Length: %d' % len(body))
    req = line + eol + eol.join(hs) + eol + eol + body
    if r.random() < 0.05:
        req = req[:r.randrange(len(req))]   # cut off anywhere
    if r.random() < 0.08:                   # pipelined
        n = r.randrange(2, 6)
        return req * n, n
    return req, 1


STATUS_RE = re.compile(rb'HTTP/1\.[0-9] ([0-9]{3}) ')


def statuses(buf):
    """The status codes of the HTTP/1.x replies in buf, pipelined ones too
    (no generated request holds that pattern, so no body echoing one does)."""
    return [int(m.group(1)) for m in STATUS_RE.finditer(buf)]


exchange = searchd_proc.exchange


class HostileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='hostile-e2e-')
        db = os.path.join(cls.tmp, 't.db')
        subprocess.run([INDEXER, '--db', db, '--quiet', REPORTS], check=True)
        try:
            cls.srv = searchd_proc.Searchd(
                SEARCHD, db, ['--threads', '2', '--quiet', '--timeout', '2'],
                cls.tmp)
        except RuntimeError:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise
        cls.proc = cls.srv.proc
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def log(self):
        return self.srv.log()

    def assert_alive(self, what):
        self.assertIsNone(self.proc.poll(), 'searchd died after %s: %s'
                          % (what, self.log()[-3000:]))
        st = statuses(exchange(self.port, b'GET /health HTTP/1.1\r\n'
                               b'Host: a\r\nConnection: close\r\n\r\n'))
        self.assertEqual(st[:1], [200], 'no /health after ' + what)
        log = self.log()
        for w in SANITIZER_WORDS:
            self.assertNotIn(w, log, 'after ' + what)

    def check_reply(self, data, buf, what):
        for st in statuses(buf):
            self.assertFalse(st >= 500 and st != 503,
                             '%s: status %d for %r' % (what, st, data[:300]))

    def test_1_regressions(self):
        for i, data in enumerate(REGRESSIONS):
            self.check_reply(data, exchange(self.port, data), 'regression %d' % i)
        self.assert_alive('the regressions')

    def test_2_generated(self):
        r = random.Random(SEED)
        reqs = [(rand_request(r)[0], r.random() < 0.97) for _ in range(N)]
        errors = []
        seen = {}

        def run(chunk):
            for data, half_close in chunk:
                try:
                    # a kept-alive connection stays open: read briefly
                    buf = exchange(self.port, data, half_close=half_close,
                                   timeout=5 if half_close else 0.5)
                    for st in statuses(buf) or [0]:
                        seen[st] = seen.get(st, 0) + 1
                    self.check_reply(data, buf, 'seed %d' % SEED)
                except AssertionError as e:
                    errors.append(str(e))
                except OSError as e:        # refused: the server is gone
                    errors.append('%r after %r' % (e, data[:300]))
                    return
        threads = [threading.Thread(target=run, args=(reqs[i::4],))
                   for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if N > 1000:
            print('replies by status (0: none):', sorted(seen.items()))
        self.assertEqual(errors[:5], [], self.log()[-3000:])
        self.assert_alive('%d generated requests (seed %d)' % (N, SEED))

    def test_3_pipelined(self):
        """Pipelined requests in one write each get their reply, in order."""
        r = random.Random(SEED)
        reqs = [r.choice([b'GET /health', b'GET /search?q=v%C3%A5rd',
                          b'GET /suggest?q=mam', b'GET /search?q=%',
                          b'GET /nope', b'HEAD /']) + b' HTTP/1.1\r\nHost: a\r\n\r\n'
                for _ in range(40)]
        data = b''.join(reqs) + (b'GET /health HTTP/1.1\r\nHost: a\r\n'
                                 b'Connection: close\r\n\r\n')
        st = statuses(exchange(self.port, data, half_close=False, timeout=10))
        self.assertEqual(len(st), len(reqs) + 1, st)
        self.assertTrue(all(s < 500 for s in st), st)
        self.assert_alive('pipelined requests')

    def test_4_slowloris(self):
        """Partial requests held open do not stop others being served."""
        socks = []
        try:
            for i in range(20):
                s = socket.create_connection(('127.0.0.1', self.port), timeout=5)
                s.sendall(b'GET /search?q=v%C3%A5rd HTTP/1.1\r\nHost: a\r\nX-'[:10 + i])
                socks.append(s)
            for _ in range(3):
                for s in socks:
                    try:
                        s.sendall(b'a')
                    except OSError:
                        pass
                self.assert_alive('slow partial requests')
                time.sleep(0.3)
        finally:
            for s in socks:
                s.close()
        self.assert_alive('slowloris')


class FdExhaustionTest(unittest.TestCase):
    """More idle connections than searchd has file descriptors: accept()
    fails with EMFILE. searchd must pause accepting (a few warnings a
    second), not spin on accept() logging each failure, and must serve
    again once the connections are gone."""

    def test_emfile(self):
        tmp = tempfile.mkdtemp(prefix='hostile-e2e-')
        conns = []
        srv = None
        try:
            db = os.path.join(tmp, 't.db')
            subprocess.run([INDEXER, '--db', db, '--quiet', REPORTS],
                           check=True)
            srv = searchd_proc.Searchd(SEARCHD, db, ['--threads', '2',
                                                     '--quiet'], tmp,
                                       prefix=['prlimit', '--nofile=96:96'])
            for _ in range(150):
                conns.append(socket.create_connection(('127.0.0.1',
                                                       srv.port)))
            time.sleep(1.0)
            for c in conns:
                c.close()
            conns = []
            deadline = time.monotonic() + 10
            while True:
                st = statuses(exchange(srv.port, b'GET /health HTTP/1.1\r\n'
                                       b'Host: a\r\n'
                                       b'Connection: close\r\n\r\n'))
                if st[:1] == [200] or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            self.assertEqual(st[:1], [200], 'no /health after EMFILE')
            log = srv.log()
            lines = [l for l in log.splitlines() if 'accept' in l]
            self.assertTrue(lines, 'no EMFILE warning: ' + log[-2000:])
            # Spinning logs thousands of lines a second; pausing logs about
            # ten per second and worker.
            self.assertLess(len(lines), 200, log[-2000:])
            self.assertIsNone(searchd_proc.sanitizer_report(log), log)
        finally:
            for c in conns:
                c.close()
            if srv is not None:
                srv.stop()
            shutil.rmtree(tmp, ignore_errors=True)


class HostileInputTest(unittest.TestCase):
    """Hostile input directories for the indexer."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='hostile-e2e-')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_symlink_loop(self):
        # "loop.txt" -> "." walked as a directory would recurse until the
        # stack overflows; indexer/files.c does not follow it
        d = os.path.join(self.tmp, 'r')
        os.mkdir(d)
        shutil.copy(os.path.join(REPORTS, '2018-12-05.txt'), d)
        os.symlink('.', os.path.join(d, 'loop.txt'))
        os.symlink('../r', os.path.join(d, 'up.txt'))
        db = os.path.join(self.tmp, 't.db')
        p = subprocess.run([INDEXER, '--db', db, d], capture_output=True,
                           timeout=60)
        err = p.stderr.decode('utf-8', 'replace')
        self.assertEqual(p.returncode, 1, err)
        self.assertIn('loop.txt: skipped: a symlink to a directory', err)
        self.assertIn('1 reports indexed', p.stdout.decode())
        for w in SANITIZER_WORDS:
            self.assertNotIn(w, err)


if __name__ == '__main__':
    unittest.main()

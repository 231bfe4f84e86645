#!/usr/bin/env python3
"""searchd's connection layer under slow and greedy clients, end to end:
the deadlines a trickle of bytes cannot stretch (--idle-timeout,
--header-timeout, --body-timeout), the per-client cap
(--max-conns-per-client) that keeps one host from taking every
connection, and SIGHUP storms merged into one reopen.

Slow clients connect from 127.0.0.2 (all of 127/8 is this host), the
normal client from 127.0.0.1, so the cap can tell them apart.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_conns.py"""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, BUILD, SEARCHD, INDEXER, REPORTS

SLOW_HOST = '127.0.0.2'
N_SLOW = int(os.environ.get('CONNS_SLOW', '300'))
Q = '/search?' + urllib.parse.urlencode({'q': 'nära vård'})


def slow_socket(port, first=b'GET /search?q=v'):
    """A connection from SLOW_HOST that has sent the start of a request;
    None if the connect itself failed."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((SLOW_HOST, 0))
        s.settimeout(5)
        s.connect(('127.0.0.1', port))
        s.sendall(first)
        s.setblocking(False)
    except OSError:
        s.close()
        return None
    return s


def drip(socks):
    """One more byte on each socket; returns the sockets still open (a
    closed one shows as EOF, a reset or a refused send)."""
    alive = []
    for s in socks:
        try:
            data = s.recv(4096)
            if data == b'' or data.startswith(b'HTTP/'):
                s.close()
                continue
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        try:
            s.send(b'a')
            alive.append(s)
        except OSError:
            s.close()
    return alive


def closed_after(s, limit):
    """Seconds until the server closes s (dripping a byte every 0.2 s
    meanwhile), or None if still open after limit seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        if not drip([s]):
            return time.monotonic() - t0
        time.sleep(0.2)
    return None


def wait_closed(s, limit):
    """Seconds until the server closes s (sending nothing), or None."""
    s.settimeout(limit)
    t0 = time.monotonic()
    try:
        while True:
            if s.recv(4096) == b'':
                break
    except socket.timeout:
        return None
    except OSError:
        pass
    return time.monotonic() - t0


class ConnsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='conns-e2e-')
        cls.db = os.path.join(cls.tmp, 't.db')
        subprocess.run([INDEXER, '--db', cls.db, '--quiet', REPORTS],
                       check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, *flags):
        s = searchd_proc.Searchd(SEARCHD, self.db,
                                 ['--threads', '2', '--quiet'] + list(flags),
                                 self.tmp)
        self.addCleanup(self.stopped, s)
        return s

    def stopped(self, s):
        log = s.stop()
        self.assertIsNone(searchd_proc.sanitizer_report(log), log[-3000:])
        self.assertEqual(s.proc.returncode, 0, log[-3000:])

    def assert_served(self, s, n=5):
        for _ in range(n):
            st, hd, body = s.get(Q, timeout=10)
            self.assertEqual(st, 200, body)

    def test_slow_clients_capped_per_address(self):
        # More dripping connections from one host than --max-conns: the
        # per-client cap turns most away at once, so a normal client
        # (another address) is still served all along.
        s = self.start('--max-conns', str(N_SLOW * 2 // 3),
                       '--max-conns-per-client', '20',
                       '--header-timeout', '60', '--idle-timeout', '60')
        socks = [x for x in (slow_socket(s.port) for _ in range(N_SLOW)) if x]
        self.assertGreater(len(socks), N_SLOW * 9 // 10)
        try:
            for _ in range(6):
                time.sleep(0.3)
                socks = drip(socks)
                self.assert_served(s, 2)
            # The cap's 20 are held open (dripping), the rest were closed.
            self.assertLessEqual(len(socks), 20)
            self.assertGreaterEqual(len(socks), 15)
        finally:
            for x in socks:
                x.close()
        # Their close gives the address its share back.
        deadline = time.monotonic() + 10
        while True:
            back = [x for x in (slow_socket(s.port, b'') for _ in range(20))
                    if x]
            time.sleep(0.3)
            back = drip(back)
            n = len(back)
            for x in back:
                x.close()
            if n == 20 or time.monotonic() > deadline:
                break
        self.assertEqual(n, 20)
        self.assert_served(s, 2)

    def test_header_deadline_not_stretched_by_trickle(self):
        s = self.start('--header-timeout', '2', '--idle-timeout', '2')
        slow = slow_socket(s.port)
        t = closed_after(slow, 8)
        slow.close()
        self.assertIsNotNone(t, 'a trickle kept the connection past 8 s')
        self.assertGreater(t, 1.5)
        self.assertLess(t, 5)
        self.assert_served(s, 1)

    def test_many_dripping_closed_at_deadline(self):
        # All admitted (no per-client cap): none holds a worker, a normal
        # client is served meanwhile, and all are closed at the deadline.
        s = self.start('--header-timeout', '3', '--max-conns-per-client', '0',
                       '--max-conns', str(N_SLOW + 50))
        socks = [x for x in (slow_socket(s.port) for _ in range(N_SLOW)) if x]
        self.assertGreater(len(socks), N_SLOW * 9 // 10)
        t0 = time.monotonic()
        socks = drip(socks)
        self.assertGreater(len(socks), N_SLOW * 9 // 10)   # held open
        while socks and time.monotonic() - t0 < 8:
            time.sleep(0.2)
            socks = drip(socks)
            self.assert_served(s, 1)
        n = len(socks)
        for x in socks:
            x.close()
        self.assertEqual(n, 0, 'connections still open after 8 s')
        self.assertLess(time.monotonic() - t0, 6)

    def test_idle_timeout(self):
        s = self.start('--idle-timeout', '1', '--header-timeout', '10')
        # A connection that sends nothing is closed after the idle time.
        quiet = socket.create_connection(('127.0.0.1', s.port))
        t = wait_closed(quiet, 6)
        quiet.close()
        self.assertIsNotNone(t)
        self.assertGreater(t, 0.7)
        self.assertLess(t, 4)
        # A kept-alive connection is served while it keeps asking in
        # time, and closed once it idles longer.
        c = http.client.HTTPConnection('127.0.0.1', s.port, timeout=10)
        for _ in range(3):
            c.request('GET', '/health')
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            time.sleep(0.5)
        t = wait_closed(c.sock, 6)
        c.close()
        self.assertIsNotNone(t)
        self.assertLess(t, 4)

    def test_body_deadline(self):
        s = self.start('--body-timeout', '1', '--header-timeout', '10',
                       '--max-body', '1000')
        x = slow_socket(s.port, b'POST /search HTTP/1.1\r\nHost: a\r\n'
                        b'Content-Length: 900\r\n\r\n')
        t = closed_after(x, 8)
        x.close()
        self.assertIsNotNone(t, 'a dripping body kept the connection')
        self.assertLess(t, 4)

    def test_pipelined_and_keepalive_still_served(self):
        # The deadlines restart for each request of a connection.
        s = self.start('--header-timeout', '2', '--idle-timeout', '2')
        req = b'GET /health HTTP/1.1\r\nHost: a\r\n\r\n'
        data = searchd_proc.exchange(s.port, req * 5, half_close=False,
                                     timeout=4)
        self.assertEqual(data.count(b'HTTP/1.1 200'), 5, data[:300])
        c = http.client.HTTPConnection('127.0.0.1', s.port, timeout=10)
        for _ in range(4):      # 4 x 1.2 s: past one header deadline
            c.request('GET', Q)
            r = c.getresponse()
            r.read()
            self.assertEqual(r.status, 200)
            time.sleep(1.2)
        c.close()

    def test_replies_whole_past_a_full_socket(self):
        # A reply is written as soon as it is made when the socket takes
        # it; once the socket's buffer is full (a client with a small
        # window that reads late, 150 pipelined 37 kB files: more than
        # the kernel buffers), the rest is written as the socket drains.
        # Every reply whole and in order, and the connection serves its
        # next request.
        s = self.start()
        status, _, body = s.get('/static/app.js')
        self.assertEqual(status, 200)
        self.assertGreater(len(body), 30000)
        n = 150
        req = (b'GET /static/app.js HTTP/1.1\r\nHost: a\r\n\r\n' * n
               + b'GET /health HTTP/1.1\r\nHost: a\r\n\r\n')
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.settimeout(20)
        c.connect(('127.0.0.1', s.port))
        c.sendall(req)
        time.sleep(0.5)
        buf = bytearray()
        while buf.count(b'HTTP/1.1 200') < n + 1 or not buf.endswith(b'}'):
            chunk = c.recv(65536)
            if not chunk:
                break
            buf += chunk
        c.sendall(b'GET /health HTTP/1.1\r\nHost: a\r\n\r\n')
        again = c.recv(65536)
        c.close()
        parts = bytes(buf).split(b'HTTP/1.1 200 OK\r\n')[1:]
        self.assertEqual(len(parts), n + 1)
        for p in parts[:n]:
            self.assertTrue(p.endswith(b'\r\n\r\n' + body), p[-200:])
        self.assertIn(b'"status"', parts[n])
        self.assertTrue(again.startswith(b'HTTP/1.1 200'), again[:100])
        self.assertIsNone(s.proc.poll())

    def test_sighup_storm_merged(self):
        s = self.start('--search-threads', '2', '--cache-size', '0')
        loaded = 'synonyms: '
        before = s.log().count(loaded)
        self.assertEqual(before, 1)     # said once at start-up
        results = []
        stop = threading.Event()

        def searches():
            while not stop.is_set():
                results.append(s.get(Q, timeout=20)[0])
        th = threading.Thread(target=searches)
        th.start()
        try:
            time.sleep(0.2)
            # Spread over a second: signals sent back to back may merge
            # in the kernel (one pending SIGHUP at a time) before searchd
            # ever sees them.
            for _ in range(200):
                s.proc.send_signal(signal.SIGHUP)
                time.sleep(0.005)
            time.sleep(2.5)
        finally:
            stop.set()
            th.join()
        log = s.log()
        # At most one reload a second: the storm's first 100 ms, then the
        # rest of it (4 reopens each: two workers, two search threads).
        reloads = log.count('workers reopen the database')
        self.assertGreaterEqual(reloads, 1, log[-2000:])
        self.assertLessEqual(reloads, 3, log[-2000:])
        reopens = log.count(loaded) - before
        self.assertLessEqual(reopens, 12, log[-3000:])
        self.assertGreater(len(results), 0)
        self.assertEqual(set(results), {200})


if __name__ == '__main__':
    unittest.main(verbosity=1)

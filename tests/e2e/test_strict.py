#!/usr/bin/env python3
"""searchd's strictness about what it is sent and what it answers, end to
end over raw sockets: requests a proxy in front could read differently
(two Content-Lengths, Transfer-Encoding beside Content-Length, a NUL in the
headers, HTTP/1.1 without Host) get 400 and a closed connection; every
response says nosniff and how long it may be cached; /metrics prints each
series once and counts 204 as 204; from/to must be real dates.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_strict.py"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, BUILD, SEARCHD, INDEXER, REPORTS



def replies(data):
    """(status, headers dict with lower-case names, body) of each reply in
    data, in order (bodies by Content-Length, or chunked)."""
    out = []
    while data.startswith(b'HTTP/1.'):
        head, _, rest = data.partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        hd = {}
        for line in lines[1:]:
            k, _, v = line.partition(b':')
            hd[k.strip().lower().decode()] = v.strip().decode()
        body = b''
        if hd.get('transfer-encoding') == 'chunked':
            while rest:
                size, _, rest = rest.partition(b'\r\n')
                n = int(size, 16)
                body, rest = body + rest[:n], rest[n + 2:]
                if n == 0:
                    break
        else:
            n = int(hd.get('content-length', '0'))
            body, rest = rest[:n], rest[n:]
        out.append((int(lines[0].split(b' ')[1]), hd, body))
        data = rest
    return out


class StrictTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='strict-e2e-')
        cls.db = os.path.join(cls.tmp, 't.db')
        subprocess.run([INDEXER, '--db', cls.db, '--quiet', REPORTS],
                       check=True)
        cls.srv = searchd_proc.Searchd(SEARCHD, cls.db,
                                       ['--threads', '2', '--quiet'], cls.tmp)

    @classmethod
    def tearDownClass(cls):
        log = cls.srv.stop()
        rc = cls.srv.proc.returncode
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if searchd_proc.sanitizer_report(log) or rc != 0:
            raise AssertionError('searchd exit %s: %s' % (rc, log[-3000:]))

    def send(self, data):
        """Raw bytes on a new connection (not half-closed, so a server
        that keeps it open shows as a timeout): the replies and whether
        the server closed the connection within 3 s."""
        buf = searchd_proc.exchange(self.srv.port, data, half_close=False,
                                    timeout=3)
        return replies(buf)

    def assert_refused(self, data, why):
        r = self.send(data + b'GET /health HTTP/1.1\r\nHost: a\r\n\r\n')
        self.assertTrue(r, why)
        st, hd, body = r[0]
        self.assertEqual(st, 400, (why, r))
        if hd.get('content-type', '').startswith('application/json'):
            self.assertIn('error', json.loads(body))   # else libevent's own
        self.assertEqual(hd.get('connection'), 'close', why)
        # Nothing after it on that connection is served.
        self.assertEqual(len(r), 1, (why, r))

    def test_smuggling_framing_refused(self):
        h = b'GET /health HTTP/1.1\r\nHost: a\r\n'
        self.assert_refused(h + b'Content-Length: 0\r\n'
                            b'Content-Length: 5\r\n\r\n', 'two lengths')
        self.assert_refused(h + b'Content-Length: 0\r\n'
                            b'Content-Length: 0\r\n\r\n', 'same twice')
        self.assert_refused(h + b'Content-Length: +0\r\n\r\n', 'signed')
        self.assert_refused(h + b'Transfer-Encoding: chunked\r\n'
                            b'Content-Length: 3\r\n\r\n0\r\n\r\n', 'TE + CL')
        self.assert_refused(h + b'Transfer-Encoding: gzip, chunked\r\n'
                            b'Content-Length: 0\r\n\r\n', 'TE list')
        self.assert_refused(b'GET /health HTTP/1.1\r\nHost: a\r\n'
                            b'Host: b\r\n\r\n', 'two hosts')

    def test_host_required_on_http11(self):
        self.assert_refused(b'GET /health HTTP/1.1\r\n\r\n', 'no Host')
        r = self.send(b'GET /health HTTP/1.0\r\n\r\n')
        self.assertEqual([x[0] for x in r], [200])
        r = self.send(b'GET /health HTTP/1.1\r\nHost: a\r\n'
                      b'Connection: close\r\n\r\n')
        self.assertEqual([x[0] for x in r], [200])

    def test_nul_in_headers_refused(self):
        for data in (b'GET /health HTTP/1.1\r\nHost: a\r\nX-A: b\x00c\r\n\r\n',
                     b'GET /health HTTP/1.1\r\nHost: a\x00.evil\r\n\r\n',
                     b'GET /health HTTP/1.1\r\nHost: a\r\n\x00X: y\r\n\r\n',
                     b'GET /health HTTP/1.1\x00x\r\nHost: a\r\n\r\n'):
            self.assert_refused(data, repr(data))
        # A NUL in one request does not taint the next connection.
        r = self.send(b'GET /health HTTP/1.1\r\nHost: a\r\n'
                      b'Connection: close\r\n\r\n')
        self.assertEqual([x[0] for x in r], [200])

    def test_every_response_nosniff_and_cache_control(self):
        q = urllib.parse.urlencode({'q': 'nära vård'})
        cases = [('GET', '/search?' + q, 200, 'no-store'),
                 ('GET', '/health', 200, 'no-store'),
                 ('GET', '/metrics', 200, 'no-store'),
                 ('GET', '/suggest?q=mammo', 200, 'no-store'),
                 ('GET', '/search', 400, 'no-store'),
                 ('GET', '/nope', 404, 'no-store'),
                 ('POST', '/search?' + q, 405, 'no-store'),
                 ('OPTIONS', '/search', 204, 'no-store'),
                 ('GET', '/', 200, 'max-age=300'),
                 ('GET', '/static/app.js', 200, 'max-age=300')]
        for method, path, want, cc in cases:
            r = self.send(('%s %s HTTP/1.1\r\nHost: a\r\nContent-Length: 0'
                           '\r\nConnection: close\r\n\r\n'
                           % (method, path)).encode())
            self.assertEqual(len(r), 1, path)
            st, hd, _ = r[0]
            self.assertEqual(st, want, path)
            self.assertEqual(hd.get('x-content-type-options'), 'nosniff', path)
            self.assertEqual(hd.get('cache-control'), cc, path)
        etag = self.send(b'GET / HTTP/1.1\r\nHost: a\r\nConnection: close'
                         b'\r\n\r\n')[0][1]['etag']
        st, hd, _ = self.send(('GET / HTTP/1.1\r\nHost: a\r\nIf-None-Match: %s'
                               '\r\nConnection: close\r\n\r\n'
                               % etag).encode())[0]
        self.assertEqual(st, 304)
        self.assertEqual(hd.get('x-content-type-options'), 'nosniff')

    def test_metrics_series_unique_204_counted(self):
        for path in ('/', '/index.html', '/static/app.js', '/health'):
            self.assertEqual(self.srv.get(path)[0], 200, path)
        self.assertEqual(self.srv.get('/search', method='OPTIONS')[0], 204)
        st, _, body = self.srv.get('/metrics')
        self.assertEqual(st, 200)
        series = re.findall(r'^(searchd_requests_total\{[^}]*\}) \d+$',
                            body.decode(), re.M)
        self.assertTrue(series, body)
        self.assertEqual(len(series), len(set(series)), body.decode())
        self.assertIn('searchd_requests_total{endpoint="search",'
                      'status="204"}', series)
        self.assertIn('searchd_requests_total{endpoint="static",'
                      'status="200"}', series)
        self.assertNotIn('status="other"', body.decode())

    def test_dates_must_be_real(self):
        def status(**p):
            return self.srv.get('/search?' + urllib.parse.urlencode(
                dict(q='vård', **p)))[0]
        for bad in ('2021-13-45', '0000-00-00', '2021-02-29', '2021-04-31',
                    '2021-00-10', '2021-01-00', '2021-1-01'):
            self.assertEqual(status(**{'from': bad}), 400, bad)
            self.assertEqual(status(to=bad), 400, bad)
        for good in ('2020-02-29', '2000-02-29', '2021-12-31', '0001-01-01'):
            self.assertEqual(status(**{'from': good}), 200, good)
            self.assertEqual(status(to=good), 200, good)
        self.assertEqual(status(to='1900-02-29'), 400)


if __name__ == '__main__':
    unittest.main(verbosity=1)

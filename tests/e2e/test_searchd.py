#!/usr/bin/env python3
"""searchd end to end: the real server on an ephemeral port over an index of
the sample reports (tests/fixtures/reports), made by the real indexer.

Checks hits, highlights, facets, filters, pagination, relaxed mode, every
error code, limits, signals (SIGHUP, SIGTERM), refusal to start on a bad
index, and a table of hostile requests sent over raw sockets."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, BUILD, SEARCHD, INDEXER, REPORTS



def make_index(tmp, name='t.db', src=REPORTS):
    db = os.path.join(tmp, name)
    subprocess.run([INDEXER, '--db', db, '--quiet', src], check=True)
    return db


class Server(searchd_proc.Searchd):
    """A running searchd (two workers) in tmp; stop() always kills it."""

    def __init__(self, tmp, db, *flags):
        super().__init__(SEARCHD, db, ['--threads', '2'] + list(flags), tmp)

    def get(self, path, method='GET', headers=None):
        return super().get(path, method, headers, timeout=20)

    def search(self, expect=200, **params):
        st, hd, body = self.get('/search?' + urllib.parse.urlencode(params))
        assert st == expect, (st, body)
        assert hd.get('Content-Type', '').startswith('application/json')
        return json.loads(body)

    def raw(self, data, timeout=10):
        """Send bytes, return the status code of the reply (0 if none)."""
        buf = searchd_proc.exchange(self.port, data, timeout=timeout)
        if not buf.startswith(b'HTTP/1.'):
            return 0
        return int(buf.split(b' ', 2)[1])


def assert_clean(test, log):
    """No sanitizer report in a server's stderr."""
    for bad in ('Sanitizer', 'runtime error', 'LeakSanitizer'):
        test.assertNotIn(bad, log)


# A search that keeps a search thread busy for a while, headers unfinished.
BROAD_REQ = (b'GET /search?q=v%C3%A5rd+OR+uppdrag+OR+arbetet HTTP/1.1\r\n'
             b'Host: a\r\n')


def plain(html):
    return html.replace('<mark>', '').replace('</mark>', '')


class SearchdTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='searchd-e2e-')
        cls.db = make_index(cls.tmp)
        cls.srv = Server(cls.tmp, cls.db, '--cors-origin', 'http://portal.example')

    @classmethod
    def tearDownClass(cls):
        log = cls.srv.stop()
        rc = cls.srv.proc.returncode
        shutil.rmtree(cls.tmp, ignore_errors=True)
        for bad in ('Sanitizer', 'runtime error'):
            if bad in log:
                raise AssertionError('searchd stderr: ' + log[-3000:])
        if rc != 0:
            raise AssertionError('searchd exit %s: %s' % (rc, log[-3000:]))

    def test_health(self):
        st, hd, body = self.srv.get('/health')
        self.assertEqual(st, 200)
        h = json.loads(body)
        self.assertEqual(h['status'], 'ok')
        self.assertEqual(h['reports'], 2)
        self.assertEqual(h['rows'], 29)
        self.assertTrue(h['analysis_version'].startswith('swedish-'))

    def test_hits_and_highlights(self):
        r = self.srv.search(q='nära vård')
        self.assertFalse(r['relaxed'])
        self.assertEqual(r['query'], 'nära vård')
        self.assertGreater(r['total'], 0)
        self.assertGreater(len(r['hits']), 0)
        for h in r['hits']:
            for k in ('report_date', 'row', 'report_title', 'assignment',
                      'source', 'status', 'score', 'highlights'):
                self.assertIn(k, h)
            self.assertEqual(plain(h['highlights']['assignment']),
                             h['assignment'].replace('&', '&amp;')
                             .replace('<', '&lt;').replace('>', '&gt;')
                             .replace('"', '&quot;').replace("'", '&#39;'))
            self.assertNotIn('<', plain(h['highlights']['status']))
        top = r['hits'][0]
        self.assertIn('<mark>', top['highlights']['assignment'])
        self.assertIn('nära', top['assignment'].lower())
        scores = [h['score'] for h in r['hits']]
        self.assertEqual(scores, sorted(scores, reverse=True))

    def test_proximity(self):
        # Rows saying "nära vård" rank above rows where the two words stand
        # apart ("nära och samordnad vård"), best score first.
        r = self.srv.search(q='nära vård', limit=10)
        texts = [h['assignment'].lower() for h in r['hits']]
        near = [i for i, t in enumerate(texts) if 'nära vård' in t]
        apart = [i for i, t in enumerate(texts)
                 if 'nära vård' not in t and re.search(r'nära\W+\w+.* vård', t)]
        self.assertTrue(near and apart, texts)
        self.assertLess(max(near), min(apart), texts)
        scores = [h['score'] for h in r['hits']]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertGreater(scores[max(near)], scores[min(apart)])

    def test_facets_total(self):
        r = self.srv.search(q='vård', limit=100)
        self.assertEqual(sum(r['facets']['year'].values()), r['total'])
        self.assertEqual(len(r['hits']), min(100, r['total']))
        self.assertEqual(set(r['facets']['year']),
                         {h['report_date'][:4] for h in r['hits']})

    def test_filters(self):
        r = self.srv.search(q='vård', **{'from': '2021-01-01'})
        self.assertGreater(r['total'], 0)
        self.assertTrue(all(h['report_date'] >= '2021-01-01' for h in r['hits']))
        self.assertEqual(list(r['facets']['year']), ['2021'])
        r = self.srv.search(q='vård', to='2018-12-31')
        self.assertGreater(r['total'], 0)
        self.assertTrue(all(h['report_date'] <= '2018-12-31' for h in r['hits']))
        src = self.srv.search(q='vård')['hits'][0]['source']
        r = self.srv.search(q='vård', source=src)
        self.assertGreater(r['total'], 0)
        self.assertTrue(all(src.lower() in h['source'].lower() for h in r['hits']))
        r = self.srv.search(q='vård', source='no such source at all')
        self.assertEqual(r['total'], 0)

    def test_pagination(self):
        all4 = self.srv.search(q='vård', limit=4)['hits']
        p1 = self.srv.search(q='vård', limit=2)['hits']
        p2 = self.srv.search(q='vård', limit=2, offset=2)['hits']
        key = lambda h: (h['report_date'], h['row'])
        self.assertEqual([key(h) for h in p1 + p2], [key(h) for h in all4])
        r = self.srv.search(q='vård', offset=1000)
        self.assertEqual(r['hits'], [])
        self.assertGreater(r['total'], 0)
        self.assertEqual(self.srv.search(q='vård', limit=0)['hits'], [])

    def test_relaxed(self):
        r = self.srv.search(q='mammografi zzzyxq')
        self.assertTrue(r['relaxed'])
        self.assertGreater(r['total'], 0)
        self.assertIn('mammografi', r['hits'][0]['assignment'].lower())
        # More matching words first.
        r = self.srv.search(q='nära vård zzzyxq')
        self.assertTrue(r['relaxed'])
        s = [h['score'] for h in r['hits']]
        self.assertEqual(s, sorted(s, reverse=True))
        self.assertGreaterEqual(s[0], 2.0)
        r = self.srv.search(q='zzzyxq qqqzzy')
        self.assertTrue(r['relaxed'])
        self.assertEqual(r['total'], 0)

    def rows_with(self, word):
        """(date, row) of every sample row whose text holds word (any
        case), read from the report files."""
        out = set()
        for name in sorted(os.listdir(REPORTS)):
            date = name[:10]
            with open(os.path.join(REPORTS, name), encoding='utf-8') as f:
                rows = [l for l in f.read().split('\n') if l.count('\t') == 2]
            for i, line in enumerate(rows, 1):
                if word in line.lower():
                    out.add((date, i))
        return out

    def test_nested_compounds(self):
        # kompetensförsörjning is found inside kompetensförsörjningsbehovet
        # and Kompetensförsörjningsrådets: every row that holds it.
        want = self.rows_with('kompetensförsörjning')
        self.assertTrue(want)
        # rows, not assignments (the indexer links the corpus' reports)
        r = self.srv.search(q='kompetensförsörjning', limit=100,
                            collapse='none')
        self.assertNotIn('corrected', r)
        self.assertEqual({(h['report_date'], h['row']) for h in r['hits']},
                         want)
        self.assertEqual(r['total'], len(want))
        marked = json.dumps(r['hits'][0]['highlights'], ensure_ascii=False)
        self.assertIn('<mark>kompetensförsörjningsbehovet</mark>', marked)

    def test_corrections_inside_compounds(self):
        # mammografi stands only inside mammografivagnar and
        # mammografiverksamheten, läkemedel only inside läkemedelsgenomgång.
        for typed, to, inside in (('mamografi', 'mammografi',
                                   'mammografivagnar'),
                                  ('lakemedel', 'läkemedel',
                                   'läkemedelsgenomgång')):
            r = self.srv.search(q=typed, limit=100)
            self.assertEqual(r['corrected'], {'from': typed, 'to': to})
            self.assertNotIn('suggested', r)
            got = {(h['report_date'], h['row']) for h in r['hits']}
            self.assertLessEqual(self.rows_with(inside), got, typed)

    def test_known_words_suggested_not_searched(self):
        # lag and våra are Swedish words absent from the samples: nothing
        # is found, and the near word is offered, not searched.
        for typed in ('lag', 'våra'):
            r = self.srv.search(q=typed)
            self.assertEqual(r['total'], 0, typed)
            self.assertEqual(r['hits'], [])
            self.assertNotIn('corrected', r)
            self.assertEqual(r['suggested']['from'], typed)
            self.assertNotEqual(r['suggested']['to'], typed)
        self.assertEqual(self.srv.search(q='lag')['suggested']['to'], 'låg')
        self.assertGreater(self.srv.search(q='låg')['total'], 0)

    def test_operators(self):
        phrase = self.srv.search(q='"nära vård"', limit=100)
        self.assertGreater(phrase['total'], 0)
        for h in phrase['hits']:
            text = ' '.join([h['assignment'], h['status'], h['source']]).lower()
            self.assertIn('nära vård', text)
        minus = self.srv.search(q='vård -omsorg', limit=100)
        for h in minus['hits']:
            text = ' '.join([h['assignment'], h['status'], h['source']]).lower()
            self.assertNotRegex(text, r'\bomsorg\b')
        both = self.srv.search(q='mammografi OR kulturplan', limit=100)
        a = self.srv.search(q='mammografi', limit=100)['total']
        b = self.srv.search(q='kulturplan', limit=100)['total']
        self.assertGreaterEqual(both['total'], max(a, b))
        self.assertGreater(self.srv.search(q='mammo*')['total'], 0)
        self.assertEqual(self.srv.search(q='mammo')['total'] == 0, True)
        # Stop words do not narrow a query: "vård och omsorg" = "vård omsorg".
        self.assertEqual(self.srv.search(q='vård och omsorg')['total'],
                         self.srv.search(q='vård omsorg')['total'])
        self.assertGreater(self.srv.search(q='och')['total'], 0)

    def test_symbols_are_not_words(self):
        # Typed or pasted symbols hold no word for the tokenizer: they
        # must not turn into phrases that match nothing and force relaxed
        # mode ("nära – vård" is "nära vård").
        want = self.srv.search(q='nära vård', limit=100)
        self.assertGreater(want['total'], 0)
        for q in ['nära – vård', 'nära vård €', '• nära vård', 'nära § vård',
                  'nära vård -–']:
            r = self.srv.search(q=q, limit=100)
            self.assertFalse(r['relaxed'], q)
            self.assertEqual(r['total'], want['total'], q)

    def test_literal_text(self):
        # Query syntax a user may type by accident is text: each query
        # answers as the plain query of its words does, never as FTS5
        # syntax (a column filter, NEAR, AND).
        def key(q):
            r = self.srv.search(q=q, limit=100)
            return r['total'], [(h['report_date'], h['row']) for h in r['hits']]
        same = [('covid-19', '"covid 19"'), ('e-hälsa', '"e hälsa"'),
                ('RS:', 'RS'), ('(RS)', 'RS'), ('vård)', 'vård'),
                ('^vård', 'vård'), ('assignment:vård', '"assignment vård"'),
                ('{assignment}:vård', '"assignment vård"'),
                ('NEAR', 'near'), ('AND', 'and'), ('OR', 'or'),
                ('NOT', 'not'), ('a"b', '"a b"')]
        for q, plain in same:
            self.assertEqual(key(q), key(plain), q)
        self.assertGreater(key('vård')[0], 0)
        for q in ['covid-19', 'e-hälsa']:
            r = self.srv.search(q=q)
            self.assertGreater(r['total'], 0, q)
            for h in r['hits']:
                marked = h['highlights']['assignment'] + h['highlights']['status']
                self.assertIn('<mark>', marked, q)
        for q in ['"', '""', '-', '*', 'x' * 5000]:
            r = self.srv.search(q=q)
            self.assertEqual((r['total'], r['hits']), (0, []), q)
        # past the cost limit on terms: 400 naming it (query.h)
        r = self.srv.search(expect=400, q=' '.join(['vård'] * 1000))
        self.assertIn('32 terms', r['error'])

    def test_cors(self):
        st, hd, _ = self.srv.get('/search?q=v', headers={'Origin': 'http://portal.example'})
        self.assertEqual(hd.get('Access-Control-Allow-Origin'), 'http://portal.example')
        st, hd, _ = self.srv.get('/search?q=v', headers={'Origin': 'http://evil.example'})
        self.assertNotIn('Access-Control-Allow-Origin', hd)

    def test_errors(self):
        cases = [
            ('/search', 400), ('/search?q=', 400), ('/search?q=x&limit=101', 400),
            ('/search?q=x&limit=-1', 400), ('/search?q=x&limit=abc', 400),
            ('/search?q=x&offset=-5', 400), ('/search?q=x&offset=99999999999', 400),
            ('/search?q=x&from=2021', 400), ('/search?q=x&to=yesterday', 400),
            ('/search?q=%zz', 400), ('/search?q=a%00b', 400),
            ('/nope', 404), ('/search/', 404), ('/metricsx', 404),
            ('/search?q=' + 'x' * 9000, 414),
        ]
        for path, want in cases:
            st, hd, body = self.srv.get(path)
            self.assertEqual(st, want, path[:80])
            self.assertIn('error', json.loads(body))
        st, hd, body = self.srv.get('/search?q=x', method='POST')
        self.assertEqual(st, 405)
        self.assertIn('error', json.loads(body))
        st, _, _ = self.srv.get('/health', method='DELETE')
        self.assertEqual(st, 405)
        self.assertEqual(self.srv.raw(b'GET /search?q=x HTTP/1.1\r\nHost: a\r\nX-Big: '
                                      + b'a' * 40000 + b'\r\n\r\n'), 413)
        self.assertEqual(self.srv.raw(b'GET /search?q=' + b'a' * 20000
                                      + b' HTTP/1.1\r\nHost: a\r\n\r\n'), 414)

    def test_metrics(self):
        self.srv.search(q='vård')
        st, hd, body = self.srv.get('/metrics')
        self.assertEqual(st, 200)
        self.assertTrue(hd['Content-Type'].startswith('text/plain'))
        text = body.decode()
        self.assertIn('searchd_requests_total{endpoint="search",status="200"}', text)
        self.assertIn('searchd_request_duration_seconds_bucket{le="+Inf"}', text)
        self.assertRegex(text, r'searchd_index_size_bytes [1-9]')

    def test_access_log(self):
        self.srv.get('/health?from=log-test')
        time.sleep(0.1)
        self.assertRegex(self.srv.log(), r'"method":"GET",'
                         r'"path":"/health\?from=log-test","status":200,')

    def test_hostile(self):
        big = b'a' * 70000
        reqs = [
            b'GET /search?q=%E0%A4%A HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%G0 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=% HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%%%% HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=a%00b HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=a\x00b HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /sea\x00rch?q=a HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search%00?q=a HTTP/1.1\r\nHost: a\r\n\r\n',
            b'\x00\x00\x00\x00\r\n\r\n',
            b'GET /search?q=%FF%FE%FD HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%C3%28 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%ED%A0%80 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%C0%AF HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%22 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%22%22%22 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%22abc HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=abc%22+%22 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=OR+AND+NOT+NEAR HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=-+-+* HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=*** HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=(((( HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=NEAR(a+b) HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=%7Bassignment%7D:x HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=^x HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&limit=-1 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&limit=99999999999999999999999 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&offset=-99999999999999 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&offset=18446744073709551616 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&limit=1e2 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&limit=0x10 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&from=9999-99-99 HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&from=%27;DROP HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&source=%25%25%5F HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x&q=y&q=z HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?&&&=&=&q HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=' + b'%22' * 3000 + b' HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=' + b'a+' * 2500 + b' HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=' + b'-a+' * 1500 + b' HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=' + b'a*+' * 1500 + b' HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=' + b'a+OR+' * 1000 + b' HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=' + big + b' HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /search?q=x HTTP/1.1\r\nHost: a\r\nX: ' + big + b'\r\n\r\n',
            b'GET /search?q=x HTTP/1.1\r\n' + b'X-A: b\r\n' * 3000 + b'\r\n',
            b'POST /search?q=x HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n' + b'a' * 100000,
            b'POST /search HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
            b'GET /search?q=x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n',
            b'GET /search?q=x HTTP/9.9\r\n\r\n',
            b'GET /search?q=x\r\n\r\n',
            b'GET\r\n\r\n',
            b'FOO /search?q=x HTTP/1.1\r\n\r\n',
            b'PATCH /search?q=x HTTP/1.1\r\nHost: a\r\n\r\n',
            b'OPTIONS /search HTTP/1.1\r\nHost: a\r\nOrigin: http://x\r\n\r\n',
            b'CONNECT a:80 HTTP/1.1\r\n\r\n',
            b'TRACE / HTTP/1.1\r\n\r\n',
            b'GET http://evil/search?q=x HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET //search?q=x HTTP/1.1\r\n\r\n',
            b'GET /../../etc/passwd HTTP/1.1\r\n\r\n',
            b'GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\n\r\n',
            b'GET * HTTP/1.1\r\n\r\n',
            b'GET /search?q=x HTTP/1.1\r\nHost: a\r\n',          # no end of headers
            b'GET /search?q=x HTTP/1.1\n\n',
            b'GET /search?q=x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
            b'GET /search?q=x HTTP/1.1\r\n: nohdr\r\n\r\n',
            b'GET /search?q=x HTTP/1.1\r\n \r\n\r\n',
            b'GET /search?q=x HTTP/1.1\r\nOrigin: ' + b'\xff' * 100 + b'\r\n\r\n',
            b'\r\n\r\n\r\n',
            b'GARBAGE' * 100,
            b'GET /search?q=x HTTP/1.1\r\nHost: a\r\n\r\nGET /search?q=y HTTP/1.1\r\nHost: a\r\n\r\n',
            b'GET /health HTTP/1.0\r\n\r\n',
        ]
        self.assertGreaterEqual(len(reqs), 50)
        for i, data in enumerate(reqs):
            st = self.srv.raw(data)
            self.assertLess(st, 500, 'request %d: %r' % (i, data[:80]))
            self.assertEqual(self.srv.get('/health')[0], 200, 'after %d' % i)
        self.assertIsNone(self.srv.proc.poll())


class ServerTest(unittest.TestCase):
    """Tests with their own server or index."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='searchd-e2e-')
        self.servers = []

    def tearDown(self):
        logs = [s.stop() for s in self.servers]
        shutil.rmtree(self.tmp, ignore_errors=True)
        for log in logs:
            assert_clean(self, log)

    def start(self, db, *flags):
        s = Server(self.tmp, db, *flags)
        self.servers.append(s)
        return s

    def test_refuses_bad_index(self):
        missing = os.path.join(self.tmp, 'missing.db')
        text = os.path.join(self.tmp, 'text.db')
        with open(text, 'w') as f:
            f.write('not a database at all\n' * 100)
        empty = os.path.join(self.tmp, 'empty.db')
        sqlite3.connect(empty).execute('CREATE TABLE t(x)').connection.commit()
        wrongver = make_index(self.tmp, 'wrong.db')
        c = sqlite3.connect(wrongver)
        c.execute("UPDATE meta SET value='swedish-0/old' WHERE key='analysis_version'")
        c.commit()
        c.close()
        for db, words in [(missing, 'missing.db'), (text, 'not a database'),
                          (empty, 'not an index'), (wrongver, 're-index')]:
            p = subprocess.run([SEARCHD, '--db', db, '--listen', '127.0.0.1:0'],
                               capture_output=True, timeout=20)
            self.assertNotEqual(p.returncode, 0, db)
            self.assertIn(words, p.stderr.decode(), db)
        p = subprocess.run([SEARCHD, '--help'], capture_output=True, timeout=20)
        self.assertEqual(p.returncode, 0)
        self.assertIn(b'--db', p.stdout)
        # --version: the indexer's lines (test_indexer.py checks them) with
        # this program's name, and libevent's
        p = subprocess.run([SEARCHD, '--version'], capture_output=True,
                           text=True, timeout=20)
        q = subprocess.run([INDEXER, '--version'], capture_output=True,
                           text=True, timeout=20)
        self.assertEqual((p.returncode, p.stderr, q.returncode), (0, '', 0))
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0], q.stdout.splitlines()[0].replace(
            'indexer', 'searchd'))
        self.assertEqual(lines[1:-1], q.stdout.splitlines()[1:])
        self.assertRegex(lines[-1], r'^libevent \d+\.\d+\.\d+')
        p = subprocess.run([SEARCHD, '--db'], capture_output=True, timeout=20)
        self.assertEqual(p.returncode, 2)
        p = subprocess.run([SEARCHD, '--db', 'x', '--threads', 'lots'],
                           capture_output=True, timeout=20)
        self.assertEqual(p.returncode, 2)

    def test_time_limit_503(self):
        db = make_index(self.tmp)
        s = self.start(db, '--query-ms', '0')
        st, _, body = s.get('/search?q=v%C3%A5rd')
        self.assertEqual(st, 503)
        self.assertIn('error', json.loads(body))
        self.assertEqual(s.get('/health')[0], 200)

    def test_new_reports_sighup_sigterm(self):
        src = os.path.join(self.tmp, 'reports')
        os.mkdir(src)
        shutil.copy(os.path.join(REPORTS, '2021-05-05.txt'), src)
        db = make_index(self.tmp, src=src)
        s = self.start(db)
        self.assertEqual(s.search(q='kulturplan')['total'], 0)
        # A report indexed while searchd runs is seen without restart (WAL),
        # and the result cache does not hide it.
        shutil.copy(os.path.join(REPORTS, '2018-12-05.txt'), src)
        subprocess.run([INDEXER, '--db', db, '--quiet', src], check=True)
        self.assertGreater(s.search(q='kulturplan')['total'], 0)
        s.proc.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        for _ in range(4):     # every worker reopens at its next request
            self.assertGreater(s.search(q='kulturplan')['total'], 0)
        self.assertIn('SIGHUP', s.log())
        self.assertIsNone(s.proc.poll())
        s.proc.send_signal(signal.SIGTERM)
        self.assertEqual(s.proc.wait(timeout=20), 0)

    def test_slowloris(self):
        db = make_index(self.tmp)
        s = self.start(db, '--timeout', '1', '--threads', '1')
        slow = socket.create_connection(('127.0.0.1', s.port), timeout=10)
        slow.sendall(b'GET /search?q=')
        # A slow client does not hold the (only) worker ...
        self.assertEqual(s.get('/health')[0], 200)
        # ... and is dropped when its timeout passes.
        slow.settimeout(10)
        t0 = time.monotonic()
        try:
            data = slow.recv(1024)
        except ConnectionResetError:
            data = b''
        self.assertLess(time.monotonic() - t0, 9.5)
        self.assertFalse(data.startswith(b'HTTP/1.1 2'))
        slow.close()

    def test_max_conns(self):
        db = make_index(self.tmp)
        s = self.start(db, '--max-conns', '3')
        held = []
        try:
            # Three keep-alive connections, each answered once: all counted.
            for _ in range(3):
                c = http.client.HTTPConnection('127.0.0.1', s.port, timeout=20)
                c.request('GET', '/health')
                r = c.getresponse()
                self.assertEqual(r.status, 200)
                r.read()
                held.append(c)
            # A fourth is turned away at once: a 503 and closed (or just
            # closed), never left waiting, and never given a search.
            for _ in range(3):
                st = s.raw(b'GET /health HTTP/1.1\r\nHost: x\r\n\r\n')
                self.assertIn(st, (0, 503))
            x = socket.create_connection(('127.0.0.1', s.port), timeout=20)
            data = searchd_proc.read_to_close(x, timeout=20)
            self.assertTrue(data.startswith(b'HTTP/1.1 503'), data)
            self.assertIn(b'"error"', data)
            # The held connections are still served.
            for c in held:
                c.request('GET', '/search?q=v%C3%A5rd')
                r = c.getresponse()
                self.assertEqual(r.status, 200)
                r.read()
        finally:
            for c in held:
                c.close()
        # Once they close, new connections are served again (the close is
        # seen on the server's next loop turn: poll for it).
        deadline = time.monotonic() + 20
        while True:
            st = s.raw(b'GET /health HTTP/1.1\r\nHost: x\r\n'
                       b'Connection: close\r\n\r\n')
            if st == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(st, 200)
        self.assertIsNone(s.proc.poll())

    def test_port_in_use(self):
        # One listening socket per worker shares the port (SO_REUSEPORT);
        # a second searchd on the same address still fails to start.
        db = make_index(self.tmp)
        s = self.start(db)
        p = subprocess.run([SEARCHD, '--db', db, '--listen',
                            '127.0.0.1:%d' % s.port], capture_output=True,
                           timeout=20)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b'in use', p.stderr)
        self.assertEqual(s.get('/health')[0], 200)

    def test_cache_key_spacing(self):
        # The cache is keyed by the request as typed, spaces collapsed; an
        # upper-case OR (an operator) is not the word "or".
        db = make_index(self.tmp)
        s = self.start(db)
        a = s.search(q='nära vård')
        b = s.search(q='  nära \t  vård ')
        self.assertEqual(a['hits'], b['hits'])
        self.assertEqual(a['total'], b['total'])
        self.assertEqual(b['query'], '  nära \t  vård ')
        c = s.search(q='mammografi OR kulturplan')
        d = s.search(q='mammografi or kulturplan')
        self.assertFalse(c['relaxed'])      # either word
        self.assertTrue(d['relaxed'])       # both words (or is a stop word)
        self.assertEqual(c['hits'], s.search(q='mammografi  OR kulturplan')['hits'])

    def test_cache_key_not_forgeable(self):
        # No parameter value may spell another request's cache key: a
        # source of one control byte once shared the key of "no source"
        # and cached its empty answer for everyone.
        db = make_index(self.tmp)
        s = self.start(db, '--threads', '1')
        want = s.search(q='vård', limit=5)['total']   # another key
        self.assertGreater(want, 0)
        self.assertEqual(s.search(q='vård', source='\x1f')['total'], 0)
        self.assertEqual(s.search(q='vård')['total'], want)
        for src in ['', '-', '+0:', '|']:
            s.search(q='nära vård', source=src)
            self.assertEqual(s.search(q='nära vård')['total'],
                             s.search(q='nära vård', limit=5)['total'],
                             repr(src))

    def test_connect_close_storm(self):
        # Clients that connect and hang up at once (health checks, port
        # scanners) must not leave a stale registration behind for the
        # next connection that gets the same fd number.
        db = make_index(self.tmp)
        s = self.start(db, '--threads', '1', '--timeout', '30')
        for i in range(200):
            c = socket.create_connection(('127.0.0.1', s.port))
            c.close()
            if i % 10 == 0:
                c = http.client.HTTPConnection('127.0.0.1', s.port, timeout=5)
                c.request('GET', '/health')
                self.assertEqual(c.getresponse().status, 200)
                c.close()

    def test_row_lookups_agree(self):
        # Chosen rows are read by rowid range or by one rowid=? lookup each
        # (--lookup-us picks by cost): both must give the same page. A tiny
        # window makes the older-assignment pass and its candidates run too.
        db = make_index(self.tmp, 'lookup.db')
        servers = [self.start(db, '--cache-size', '0', '--window', '5',
                              '--lookup-us', us)
                   for us in ('0', '20', '1000000')]
        for q in ('vård', 'nära vård', 'uppdrag', 'vård -psykiatri',
                  '"nära vård"', 'självmord', 'hälso- och sjukvård',
                  'region OR kommun', 'samverkan med kommunerna'):
            for params in ({}, {'limit': 3, 'offset': 2},
                           {'from': '2019-01-01'}):
                pages = [s.search(q=q, **params) for s in servers]
                for page in pages[1:]:
                    self.assertEqual(page['hits'], pages[0]['hits'], q)
                    self.assertEqual(page['total'], pages[0]['total'], q)

    def window_reports(self):
        """The sample reports plus two copies of the 2018 one: one dated
        2024 and indexed last, one dated 2023 but indexed first (file names
        sort so), so that the rows below a window hold dates on both sides
        of a from/to filter. Returns the directory."""
        src = os.path.join(self.tmp, 'window-reports')
        if os.path.isdir(src):
            return src
        os.mkdir(src)
        for name in os.listdir(REPORTS):
            shutil.copy(os.path.join(REPORTS, name), src)
        with open(os.path.join(REPORTS, '2018-12-05.txt'),
                  encoding='utf-8') as f:
            text = f.read()
        self.assertIn('2018-12-05', text.split('\n', 3)[2])
        for name, date in (('0-late.txt', '2023-03-01'),
                           ('zz-new.txt', '2024-02-01')):
            with open(os.path.join(src, name), 'w', encoding='utf-8') as f:
                f.write(text.replace('2018-12-05', date, 1))
        return src

    def test_early_exact_same_pages(self):
        # Exact scores taken in the first pass (--early) give the pages the
        # rerank alone gives (--early 0): same rows, scores, totals. Pages
        # within and past the --early limit run one after another on one
        # search thread, so a page past it would show scores the page
        # before left behind, if it took them.
        db = make_index(self.tmp, 'early.db', self.window_reports())
        flags = ('--cache-size', '0', '--threads', '1', '--search-threads',
                 '1', '--window', '5', '--rerank', '10')
        on = self.start(db, '--early', '12', *flags)
        off = self.start(db, '--early', '0', *flags)
        # Queries in turn within each page size: a score left behind would
        # belong to another query.
        for params in ({'limit': 3}, {'limit': 10},
                       {'limit': 10, 'offset': 5}, {'limit': 1},
                       {'limit': 10, 'from': '2019-01-01'},
                       {'limit': 5, 'source': 'RS'}):
            for q in ('vård', 'och', 'arbetet', 'nära vård', 'vår*',
                      'vård -psykiatri', 'nära vård zzzq', '"nära vård"',
                      'arbetet OR vård', 'vård'):
                want = off.search(q=q, **params)
                got = on.search(q=q, **params)
                for k in ('total', 'facets', 'relaxed'):
                    self.assertEqual(got[k], want[k], (q, params, k))
                self.assertEqual(
                    [(h['report_date'], h['row'], h['score'])
                     for h in got['hits']],
                    [(h['report_date'], h['row'], h['score'])
                     for h in want['hits']], (q, params))

    def test_window_counts_exact(self):
        # With a window, the matches older than it are counted apart: by
        # walking the phrases' doclists into bitmaps (searchd/rowset.h) or
        # by statement; with no source filter, a popcount per run of rows
        # of one date. total and facets must equal those of ranking every
        # match (--window 0). Each query runs twice on one worker: the
        # second time its phrases' counts are known, which lets
        # multi-phrase queries walk too.
        db = make_index(self.tmp, 'window.db', self.window_reports())
        # The window is at least --rerank rows: 10 of the 67.
        small = self.start(db, '--cache-size', '0', '--window', '3',
                           '--rerank', '10', '--threads', '1')
        whole = self.start(db, '--cache-size', '0', '--window', '0')
        for q in ('vård', 'arbetet', 'vår*', 'och', 'och i', '"och" -vård',
                  'arbetet OR vård', 'och arbetet', 'och -arbetet -vård',
                  'nära vård', 'vård -psykiatri', '"nära vård"',
                  'hälso- och sjukvård', 'självmord'):
            for params in ({}, {'from': '2019-01-01'}, {'to': '2022-12-31'},
                           {'from': '2018-12-05', 'to': '2021-05-05'},
                           {'source': 'RS'}):
                want = whole.search(q=q, **params)
                for _ in range(2):
                    got = small.search(q=q, **params)
                    self.assertEqual(got['total'], want['total'], (q, params))
                    self.assertEqual(got['facets'], want['facets'], q)

    def test_extreme_rowids(self):
        # Rowids far apart (the indexer never makes them, the sqlite3 shell
        # can): the cost arithmetic of reading chosen rows must not overflow
        # (UBSan in the sanitizer build), and the rows are found.
        db = make_index(self.tmp, 'extreme.db')
        big = 9223372036854775000
        sql = ('.load %s\n' % os.path.join(BUILD, 'swedish') +
               'INSERT INTO assignments(id, report_id, row, assignment,'
               ' source, status) VALUES(%d, 1, 900, \'extremrad ett\','
               ' \'\', \'\'), (%d, 1, 901, \'extremrad två\', \'\','
               ' \'\'), (%d, 1, 902, \'extremrad tre\', \'\', \'\');\n'
               % (big, -big, 5000))
        env = dict(os.environ)
        if 'asan' in BUILD:    # an ASan-built extension needs its runtimes
            env['LD_PRELOAD'] = ' '.join(subprocess.run(
                ['gcc', '-print-file-name=' + lib], capture_output=True,
                text=True, check=True).stdout.strip()
                for lib in ('libasan.so', 'libubsan.so'))
            env['ASAN_OPTIONS'] = 'detect_leaks=0'
        subprocess.run(['sqlite3', db], input=sql.encode(), check=True,
                       env=env)
        s = self.start(db, '--cache-size', '0', '--rerank', '10',
                       '--window', '1')
        for q in ('extremrad', 'extremrad OR vård', 'extremrad -två'):
            r = s.search(q=q, limit=1)
            self.assertGreater(r['total'], 0, q)
        self.assertEqual(s.search(q='extremrad')['total'], 3)

    def test_idf_follows_new_reports(self):
        # searchd keeps each phrase's document count between queries (for
        # idf); a report indexed while it runs must change them, so its
        # scores equal those of a searchd started after the change.
        src = os.path.join(self.tmp, 'idf-reports')
        os.mkdir(src)
        shutil.copy(os.path.join(REPORTS, '2021-05-05.txt'), src)
        db = make_index(self.tmp, 'idf.db', src=src)
        s = self.start(db, '--cache-size', '0', '--threads', '1')
        before = s.search(q='vård')
        shutil.copy(os.path.join(REPORTS, '2018-12-05.txt'), src)
        subprocess.run([INDEXER, '--db', db, '--quiet', src], check=True)
        after = s.search(q='vård')
        fresh = self.start(db, '--cache-size', '0').search(q='vård')
        self.assertGreater(after['total'], before['total'])
        self.assertEqual([(h['report_date'], h['row'], h['score'])
                          for h in after['hits']],
                         [(h['report_date'], h['row'], h['score'])
                          for h in fresh['hits']])

    def test_quiet_and_cache_off(self):
        db = make_index(self.tmp)
        s = self.start(db, '--quiet', '--cache-size', '0')
        a = s.search(q='vård')
        b = s.search(q='vård')
        self.assertEqual(a['hits'], b['hits'])
        self.assertNotIn('GET /search', s.log())

    def test_workers_follow_cpu_affinity(self):
        """By default one worker per CPU the process may run on (taskset,
        a container's CPU set), not per CPU the machine has."""
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) < 2:
            self.skipTest('one CPU: an affinity of one says nothing')
        db = make_index(self.tmp)
        for mask in (cpus[:1], cpus):
            s = searchd_proc.Searchd(
                SEARCHD, db, ['--quiet'], self.tmp,
                prefix=['taskset', '-c', ','.join(map(str, mask))])
            self.servers.append(s)
            st, _, body = s.get('/metrics')
            self.assertEqual(st, 200)
            self.assertIn('\nsearchd_workers %d\n' % len(mask),
                          body.decode())

    def test_row_attributes_shared(self):
        """Search threads at one index generation hold one copy of the row
        attributes; after a new report, the threads that saw it share the
        new copy (the old one freed with its last holder)."""
        src = os.path.join(self.tmp, 'reports')
        os.mkdir(src)
        shutil.copy(os.path.join(REPORTS, '2021-05-05.txt'), src)
        db = make_index(self.tmp, src=src)
        s = self.start(db, '--search-threads', '3', '--cache-size', '0')

        def copies():
            st, _, body = s.get('/metrics')
            self.assertEqual(st, 200)
            m = re.search(r'\nsearchd_row_attribute_copies (\d+)\n',
                          body.decode())
            self.assertIsNotNone(m)
            return int(m.group(1))
        self.assertEqual(copies(), 1)
        for _ in range(6):
            s.search(q='vård')
        self.assertEqual(copies(), 1)
        shutil.copy(os.path.join(REPORTS, '2018-12-05.txt'), src)
        subprocess.run([INDEXER, '--db', db, '--quiet', src], check=True)
        for _ in range(12):
            self.assertGreater(s.search(q='kulturplan')['total'], 0)
        self.assertIn(copies(), (1, 2))

    def test_pool_agrees(self):
        # Searches run by the shared search threads (the default) and by
        # the workers themselves (--search-threads 0) give the same pages,
        # with the cache off and on (a deferred search is cached when it
        # comes back, and the second ask is a hit).
        db = make_index(self.tmp, 'pool.db')
        servers = [self.start(db, *f) for f in
                   (('--search-threads', '0', '--cache-size', '0'),
                    ('--search-threads', '3', '--cache-size', '0'),
                    ('--search-threads', '1'))]
        for q in ('vård', 'nära vård', 'uppdrag -psykiatri', '"nära vård"',
                  'region OR kommun', 'mammografi*', 'xyzzy', 'och'):
            for params in ({}, {'limit': 2, 'offset': 1},
                           {'from': '2019-01-01'}):
                pages = [s.search(q=q, **params) for s in servers]
                pages.append(servers[2].search(q=q, **params))
                for page in pages:
                    page.pop('took_ms')
                for page in pages[1:]:
                    self.assertEqual(page, pages[0], (q, params))

    def test_pool_client_gone(self):
        # Clients that hang up while their search waits in the shared queue
        # (or runs): the reply is dropped, nothing else is touched. One
        # search thread and many broad searches keep the queue long.
        db = make_index(self.tmp)
        s = self.start(db, '--search-threads', '1', '--cache-size', '0',
                       '--window', '0')
        req = BROAD_REQ + b'\r\n'
        for _ in range(3):
            socks = [socket.create_connection(('127.0.0.1', s.port))
                     for _ in range(40)]
            for c in socks:
                c.sendall(req)
            for c in socks[::2]:
                c.close()
            for c in socks[1::2]:         # half of them hang up hard
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             b'\x01\x00\x00\x00\x00\x00\x00\x00')
                c.close()
            self.assertEqual(s.get('/health')[0], 200)
        # Pipelined searches on one connection come back in order.
        reply = searchd_proc.exchange(
            s.port, b'GET /search?q=mammografi HTTP/1.1\r\nHost: a\r\n\r\n'
            b'GET /search?q=suicidprevention HTTP/1.1\r\nHost: a\r\n'
            b'Connection: close\r\n\r\n', half_close=False, timeout=20)
        self.assertLess(reply.find(b'"query":"mammografi"'),
                        reply.find(b'"query":"suicidprevention"'))
        self.assertGreater(reply.find(b'"query":"mammografi"'), 0)
        self.assertEqual(s.search(q='vård')['query'], 'vård')
        self.assertIsNone(s.proc.poll())

    def test_pool_queue_limit(self):
        # A search that waited in the queue longer than --query-ms is not
        # started: 503 "server busy", not a search for a client that has
        # most likely given up.
        db = make_index(self.tmp)
        s = self.start(db, '--search-threads', '1', '--cache-size', '0',
                       '--window', '0', '--query-ms', '1')
        socks = [socket.create_connection(('127.0.0.1', s.port))
                 for _ in range(100)]
        for c in socks:
            c.sendall(BROAD_REQ + b'Connection: close\r\n\r\n')
        replies = [searchd_proc.read_to_close(c) for c in socks]
        for buf in replies:
            self.assertTrue(buf.startswith(b'HTTP/1.1 200')
                            or buf.startswith(b'HTTP/1.1 503'), buf[:80])
        self.assertTrue(any(b'server busy' in b for b in replies))
        # And it serves on: a search of the small index answers, in 1 ms
        # if the machine lets it, else 503 past the limit, never anything
        # else; /health answers.
        st, _, body = s.get('/search?q=mammografi')
        self.assertIn(st, (200, 503), body)
        self.assertIn(b'mammografi' if st == 200 else b'error', body)
        self.assertEqual(s.get('/health')[0], 200)

    def test_pool_sigterm_in_flight(self):
        # SIGTERM while searches are queued and running: each one in flight
        # gets its reply, then searchd exits 0 (and, under the sanitizers,
        # leak-free).
        db = make_index(self.tmp)
        s = self.start(db, '--search-threads', '1', '--cache-size', '0',
                       '--window', '0')
        req = BROAD_REQ + b'Connection: close\r\n\r\n'
        socks = [socket.create_connection(('127.0.0.1', s.port))
                 for _ in range(30)]
        for c in socks:
            c.sendall(req)
        time.sleep(0.05)
        s.proc.send_signal(signal.SIGTERM)
        for c in socks:
            buf = searchd_proc.read_to_close(c)
            self.assertTrue(buf.startswith(b'HTTP/1.1 200')
                            or buf.startswith(b'HTTP/1.1 503'), buf[:80])
        self.assertEqual(s.proc.wait(timeout=30), 0)


def rows_with(folder, word):
    """(date, row) of every row of the reports in folder whose text holds
    word (any case): rows are the lines with three TAB-separated fields."""
    out = set()
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding='utf-8') as f:
            rows = [l for l in f.read().split('\n') if l.count('\t') == 2]
        for i, line in enumerate(rows, 1):
            if word in line.lower():
                out.add((name[:10], i))
    return out


class GeneratedCorpusTest(unittest.TestCase):
    """Compounds and corrections over a small corpus from tools/gen-corpus,
    whose compounds are not the samples' (Kompetensförsörjningsrådet,
    Kompetensförsörjningsplanen; mammografi only in
    mammografiverksamheten)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='searchd-gen-')
        cls.reports = os.path.join(cls.tmp, 'reports')
        subprocess.run([sys.executable, os.path.join(TOP, 'tools',
                        'gen-corpus'), '--out', cls.reports, '--reports',
                        '40', '--seed', '3', '--quiet'], check=True)
        cls.srv = Server(cls.tmp, make_index(cls.tmp, src=cls.reports))

    @classmethod
    def tearDownClass(cls):
        log = cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        for bad in ('Sanitizer', 'runtime error'):
            if bad in log:
                raise AssertionError('searchd stderr: ' + log[-3000:])

    def test_nested_compound_finds_every_row(self):
        want = rows_with(self.reports, 'kompetensförsörjning')
        nested = (rows_with(self.reports, 'kompetensförsörjningsråd')
                  | rows_with(self.reports, 'kompetensförsörjningsplan'))
        self.assertTrue(nested)
        # rows, not assignments (the indexer links the corpus' reports)
        r = self.srv.search(q='kompetensförsörjning', limit=100,
                            collapse='none')
        self.assertNotIn('corrected', r)
        self.assertEqual(r['total'], len(want))

    def test_corrections_to_parts(self):
        r = self.srv.search(q='mamografi', limit=100, collapse='none')
        self.assertEqual(r['corrected'], {'from': 'mamografi',
                                          'to': 'mammografi'})
        self.assertEqual(r['total'],
                         len(rows_with(self.reports, 'mammografi')))
        r = self.srv.search(q='lakemedel', limit=100, collapse='none')
        self.assertEqual(r['corrected'], {'from': 'lakemedel',
                                          'to': 'läkemedel'})
        self.assertGreaterEqual(r['total'], len(rows_with(
            self.reports, 'läkemedelsgenomgång')))


if __name__ == '__main__':
    unittest.main(verbosity=1)

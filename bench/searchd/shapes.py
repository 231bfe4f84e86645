#!/usr/bin/python3
"""One query at a time, searchd and Sphinx taking turns: per-query latency.

Usage: shapes.py SEARCHD_PORT SPHINX_PORT QUERY_FILE ROUNDS OUT_TSV PREFIX

Every query of QUERY_FILE (the bench list, bench/searchd/queries.txt: a
comment line heads each group of queries of one shape) goes ROUNDS times to each
server over one keep-alive connection each: searchd's GET
/search?collapse=none&q=Q (a hit per row, as Sphinx answers) and Sphinx's
statement of bench/peers/sphinxql.py (top 10 with WEIGHT() and SNIPPET()).
After one unmeasured round (files into the page cache, searchd's row
attributes loaded), within a round each query goes to both servers back to
back, in turns (searchd first in odd rounds, Sphinx first in even ones),
so the machine's drift weighs on both alike. Latency is client-side wall
time, ms.

OUT_TSV: per query its shape, the two medians, their ratio (searchd /
Sphinx; the median of the per-round ratios, and their min and max), and
both engines' totals (a fast empty answer is no win).

Prints `metric value unit` lines, named PREFIX.*: per shape the median of
its queries' ratios and its worst query's; over all queries the median
ratio, the worst, and how many are slower than Sphinx by more than 1.5x.
A query Sphinx finds nothing for while searchd finds rows is left out of
the ratios (counted as not_comparable): a different answer, not a speed.
"""
import http.client
import json
import os
import re
import statistics
import sys
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..', 'peers'))
import sphinxql  # noqa: E402

LIMIT = 1.5


def read_queries(path):
    """(shape, query) pairs, each query once. A shape is named by the first
    line of a comment block (up to its colon); a block starts after a
    query, a blank line or an empty '#' line."""
    out, shape, seen, fresh = [], 'other', set(), True
    for line in open(path, encoding='utf-8'):
        s = line.strip()
        if s.startswith('#'):
            text = s.lstrip('#').strip()
            if text and fresh:
                shape = text.split(':')[0].strip()
            fresh = not text
            continue
        fresh = True
        if s and s not in seen:
            seen.add(s)
            out.append((shape, s))
    return out


class Searchd:
    def __init__(self, port):
        self.c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)

    def ask(self, q):
        t0 = time.perf_counter()
        self.c.request('GET', '/search?collapse=none&q=' +
                       urllib.parse.quote(q, safe=''))
        r = self.c.getresponse()
        body = r.read()
        ms = (time.perf_counter() - t0) * 1000
        if r.status != 200:
            raise RuntimeError('searchd %d for %r' % (r.status, q))
        return ms, json.loads(body).get('total', 0)


class Sphinx:
    def __init__(self, port):
        self.c = sphinxql.Client(port)

    def ask(self, sql):
        if not sql:
            return None, None
        t0 = time.perf_counter()
        self.c.query(sql)
        ms = (time.perf_counter() - t0) * 1000
        meta = dict(r[:2] for r in self.c.query('SHOW META'))
        return ms, int(meta.get('total_found', 0) or 0)


def measure(sd, sx, queries, rounds):
    """Per query: lists of searchd ms, Sphinx ms, and their totals."""
    res = [{'sd': [], 'sx': [], 'tsd': 0, 'tsx': None} for _ in queries]
    sqls = [sphinxql.statement(q) for _, q in queries]
    # An unmeasured round first: searchd loads its row attributes at its
    # first search, and both read their files into the page cache.
    for i, (_, q) in enumerate(queries):
        sd.ask(q)
        sx.ask(sqls[i])
    for r in range(rounds):
        for i, (_, q) in enumerate(queries):
            order = (0, 1) if r % 2 == 0 else (1, 0)
            for who in order:
                if who == 0:
                    ms, total = sd.ask(q)
                    res[i]['sd'].append(ms)
                    res[i]['tsd'] = total
                else:
                    ms, total = sx.ask(sqls[i])
                    if ms is not None:
                        res[i]['sx'].append(ms)
                        res[i]['tsx'] = total
    return res


def metric(name, value, unit):
    print('%s %s %s' % (name, value, unit))


def report(queries, res, out_tsv, prefix):
    by_shape, ratios, skipped = {}, [], []
    with open(out_tsv, 'w', encoding='utf-8') as f:
        f.write('shape\tquery\tsearchd_ms\tsphinx_ms\tratio\tratio_min\t'
                'ratio_max\tsearchd_total\tsphinx_total\n')
        for (shape, q), r in zip(queries, res):
            sd = statistics.median(r['sd'])
            if not r['sx']:
                f.write('%s\t%s\t%.3f\t\t\t\t\t%d\t\n' % (shape, q, sd, r['tsd']))
                continue
            per = [a / b for a, b in zip(r['sd'], r['sx']) if b > 0]
            ratio = statistics.median(per)
            # Sphinx finding nothing where searchd finds rows (a word only
            # inside compounds, or only in the source, which Sphinx keeps
            # as an attribute) is a different answer, not a faster one.
            if r['tsx'] or not r['tsd']:
                ratios.append((ratio, q))
                by_shape.setdefault(shape, []).append(ratio)
            else:
                skipped.append(q)
            f.write('%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\t%d\n' % (
                shape, q, sd, statistics.median(r['sx']), ratio, min(per),
                max(per), r['tsd'], r['tsx']))
    for shape, rs in by_shape.items():
        key = re.sub(r'\W+', '_', shape.split('(')[0]).strip('_')[:32]
        metric('%s.shape.%s.ratio_median' % (prefix, key),
               '%.3f' % statistics.median(rs), 'x')
        metric('%s.shape.%s.ratio_worst' % (prefix, key), '%.3f' % max(rs), 'x')
    if ratios:
        worst = max(ratios)
        metric(prefix + '.ratio_median',
               '%.3f' % statistics.median(r for r, _ in ratios), 'x')
        metric(prefix + '.ratio_worst', '%.3f' % worst[0], 'x')
        print('# worst: %s' % worst[1], file=sys.stderr)
        metric(prefix + '.over_limit',
               sum(1 for r, _ in ratios if r > LIMIT), 'queries')
        metric(prefix + '.queries', len(ratios), 'queries')
    metric(prefix + '.not_comparable', len(skipped), 'queries')
    if skipped:
        print('# Sphinx found none of: %s' % ', '.join(skipped), file=sys.stderr)


def main(argv):
    if len(argv) != 6:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    sd_port, sx_port, qfile, rounds, out_tsv, prefix = argv
    queries = read_queries(qfile)
    res = measure(Searchd(int(sd_port)), Sphinx(int(sx_port)), queries,
                  int(rounds))
    report(queries, res, out_tsv, prefix)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

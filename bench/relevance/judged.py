#!/usr/bin/env python3
"""Graded relevance over a generated corpus: nDCG@10 of searchd's ranking.

Usage:
  judged.py --build build/NAME [--per-query]    # generate, index, start searchd, score, stop
  judged.py --url http://127.0.0.1:PORT [--per-query]   # a searchd over that same corpus

judged.tsv lines: query<TAB>report_date#row<TAB>grade, grade 2 (the row's
assignment is about what was asked) or 1 (related); rows not listed are 0.
The corpus is tools/gen-corpus with the arguments in CORPUS_ARGS (the
same bytes on every machine). The grades were written by reading the rows
(README.md), never from an engine's output.

Prints per query (with --per-query) nDCG@10, the top hit's grade and the
first five rows, then `metric value unit` lines: judged.ndcg10,
judged.success1 (share of queries whose top hit is graded 2), judged.recall10,
judged.status_only10 (hits in the first 10 whose row is graded 0 although it
matched: the status-only mentions). Exit 0, or 2 on a set-up error.
Python 3 standard library only.
"""
import argparse
import collections
import math
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import probe  # noqa: E402  (start_searchd, ask: one way to run searchd)

CORPUS_ARGS = ['--reports', '300', '--seed', 'relevance']


def load_judged(path):
    """-> {query: {row: grade}} in file order."""
    j = collections.OrderedDict()
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            p = line.rstrip('\n').split('\t')
            if len(p) != 3 or p[2] not in ('1', '2'):
                raise ValueError(f'{path}:{n}: expected query<TAB>row<TAB>1|2')
            j.setdefault(p[0], {})[p[1]] = int(p[2])
    return j


def ndcg10(ranked, rel):
    dcg = sum((2 ** rel.get(d, 0) - 1) / math.log2(i + 2)
              for i, d in enumerate(ranked[:10]))
    ideal = sorted(rel.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def score(url, judged, per_query):
    nd, s1, rec, junk = [], [], [], 0
    for q, rel in judged.items():
        try:
            hits = probe.ask(url, q, 10).get('hits', [])
        except Exception as e:          # a broken query scores zero
            print(f'judged.py: {q!r}: {e}', file=sys.stderr)
            hits = []
        ranked = [f"{h['report_date']}#{h['row']}" for h in hits]
        n = ndcg10(ranked, rel)
        top = rel.get(ranked[0], 0) if ranked else 0
        nd.append(n)
        s1.append(1.0 if top == 2 else 0.0)
        want = min(10, len(rel))
        rec.append(sum(1 for d in ranked[:10] if d in rel) / want)
        junk += sum(1 for d in ranked[:10] if d not in rel)
        if per_query:
            print(f"{n:.3f}\t{top}\t{q}\t{' '.join(ranked[:5])}")
    k = len(nd)
    print(f'judged.queries {k} queries')
    print(f'judged.ndcg10 {sum(nd) / k:.3f} ndcg')
    print(f'judged.success1 {sum(s1) / k:.3f} share')
    print(f'judged.recall10 {sum(rec) / k:.3f} share')
    print(f'judged.status_only10 {junk} hits')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--url', help='a running searchd over the generated corpus')
    g.add_argument('--build', help='a build dir with indexer and searchd (started here)')
    ap.add_argument('--judgments', default=os.path.join(HERE, 'judged.tsv'))
    ap.add_argument('--per-query', action='store_true')
    a = ap.parse_args()
    try:
        judged = load_judged(a.judgments)
    except (OSError, ValueError) as e:
        print(f'judged.py: {e}', file=sys.stderr)
        return 2
    if a.url:
        score(a.url.rstrip('/'), judged, a.per_query)
        return 0
    tmp = tempfile.mkdtemp(prefix='judged-')
    proc = None
    try:
        reports = os.path.join(tmp, 'reports')
        subprocess.run([sys.executable, os.path.join(TOP, 'tools', 'gen-corpus'),
                        '--out', reports, '--quiet'] + CORPUS_ARGS, check=True)
        proc, url = probe.start_searchd(a.build, reports, tmp)
        score(url, judged, a.per_query)
        return 0
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        print(f'judged.py: {e}', file=sys.stderr)
        return 2
    finally:
        probe.stop_searchd(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())

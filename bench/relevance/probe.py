#!/usr/bin/env python3
"""Matching and ranking probe: ask searchd each query of probe.tsv, check the rows.

Usage:
  probe.py --url http://127.0.0.1:PORT [--queries FILE] [--verbose]
  probe.py --build build/NAME [--reports DIR]     # index DIR, start searchd, probe, stop

probe.tsv lines: query<TAB>checks<TAB>category<TAB>why; checks are
find=A,B (all in the first 10 hits), top=A|B (first hit is one of them),
not=A,B (none in the first 50 hits); rows are report_date#row. The
expectations come from the report text, not from any engine's output.

Prints one line per failing query (every query with --verbose), then
`metric value unit` lines; exit 0 if every query passed, 1 if some failed,
2 on a usage or set-up error. Python 3 standard library only.
"""
import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def load_probe(path):
    """-> list of (query, checks dict, category, why)."""
    out = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            p = line.rstrip('\n').split('\t')
            if len(p) < 2:
                raise ValueError(f'{path}:{n}: expected query<TAB>checks')
            checks = {'find': [], 'top': [], 'not': []}
            for c in p[1].split():
                k, _, v = c.partition('=')
                if k not in checks or not v:
                    raise ValueError(f'{path}:{n}: bad check {c!r}')
                checks[k] = v.split('|' if k == 'top' else ',')
            out.append((p[0], checks, p[2] if len(p) > 2 else '',
                        p[3] if len(p) > 3 else ''))
    return out


def ask(url, q, limit=50):
    full = f"{url}/search?{urllib.parse.urlencode({'q': q, 'limit': limit})}"
    with urllib.request.urlopen(full, timeout=10) as r:
        return json.load(r)


def judge(body, checks):
    """-> list of failure strings (empty: passed)."""
    ranked = [f"{h['report_date']}#{h['row']}" for h in body.get('hits', [])]
    fails = []
    missing = [d for d in checks['find'] if d not in ranked[:10]]
    if missing:
        where = [f"{d}@{ranked.index(d) + 1}" if d in ranked else f'{d}@-'
                 for d in missing]
        fails.append('missing ' + ' '.join(where))
    if checks['top'] and (not ranked or ranked[0] not in checks['top']):
        fails.append(f"top {ranked[0] if ranked else '-'} not {'|'.join(checks['top'])}")
    junk = [d for d in checks['not'] if d in ranked]
    if junk:
        fails.append('junk ' + ' '.join(f'{d}@{ranked.index(d) + 1}' for d in junk))
    return fails, ranked


def run_probe(url, probe, verbose):
    per_cat = collections.defaultdict(lambda: [0, 0])
    nfail = 0
    for q, checks, cat, why in probe:
        try:
            body = ask(url, q)
            fails, ranked = judge(body, checks)
        except Exception as e:          # a broken query counts as a failure
            body, fails, ranked = {}, [f'error {e}'], []
        per_cat[cat][0] += 1
        note = ''
        if body.get('corrected'):
            note += f" corrected={body['corrected'].get('to')}"
        if body.get('relaxed'):
            note += ' relaxed'
        if fails:
            nfail += 1
            per_cat[cat][1] += 1
        if fails or verbose:
            status = 'FAIL' if fails else 'ok'
            print(f"{status}\t{q}\t{'; '.join(fails) or '-'}\t"
                  f"total={body.get('total', '-')}{note}\ttop5={','.join(ranked[:5])}\t{why}")
    print(f'probe.queries {len(probe)} queries')
    print(f'probe.passed {len(probe) - nfail} queries')
    for cat in sorted(per_cat):
        n, f = per_cat[cat]
        print(f'probe.passed.{cat or "other"} {n - f}/{n} queries')
    return nfail


def stop_searchd(proc):
    """Stop a searchd from start_searchd() (None: nothing to stop)."""
    if proc:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_searchd(build, reports, tmp):
    """Index reports with build's indexer and start its searchd; -> (proc, url)."""
    db = os.path.join(tmp, 'probe.db')
    r = subprocess.run([os.path.join(build, 'indexer'), '--db', db, '--quiet', reports],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError(f'indexer failed ({r.returncode}): {r.stderr.strip()}')
    port_file = os.path.join(tmp, 'port')
    log = open(os.path.join(tmp, 'searchd.log'), 'w')
    proc = subprocess.Popen([os.path.join(build, 'searchd'), '--db', db, '--listen',
                             '127.0.0.1:0', '--port-file', port_file, '--quiet',
                             '--threads', '1', '--cache-size', '0'],
                            stdout=log, stderr=log)
    log.close()
    for _ in range(100):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, f'http://127.0.0.1:{open(port_file).read().strip()}'
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise RuntimeError(f'searchd did not start (log: {tmp}/searchd.log)')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument('--url', help='a running searchd, e.g. http://127.0.0.1:8080')
    g.add_argument('--build', help='a build dir with indexer and searchd (started here)')
    ap.add_argument('--reports', default=os.path.join(TOP, 'tests', 'fixtures', 'reports'))
    ap.add_argument('--queries', default=os.path.join(HERE, 'probe.tsv'))
    ap.add_argument('--verbose', action='store_true', help='print passing queries too')
    a = ap.parse_args()
    try:
        probe = load_probe(a.queries)
    except (OSError, ValueError) as e:
        print(f'probe.py: {e}', file=sys.stderr)
        return 2
    if a.url:
        return 1 if run_probe(a.url.rstrip('/'), probe, a.verbose) else 0
    tmp = tempfile.mkdtemp(prefix='probe-')
    proc = None
    try:
        proc, url = start_searchd(a.build, a.reports, tmp)
        return 1 if run_probe(url, probe, a.verbose) else 0
    except (OSError, RuntimeError) as e:
        print(f'probe.py: {e}', file=sys.stderr)
        return 2
    finally:
        stop_searchd(proc)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())

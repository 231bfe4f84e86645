#!/usr/bin/env python3
"""make soak: searchd under a mixed load while the indexer adds reports and
is killed with SIGKILL in the middle of its runs.

  SOAK_SECONDS=600 BUILD=build python3 tests/soak/soak.py

For SOAK_SECONDS (600): wrk at SOAK_CONNS (64) connections sends valid
requests only (tests/soak/mixed.lua over bench/searchd/queries.txt:
searches, pages, date and source filters, suggestions); meanwhile every
SOAK_ADD_EVERY (3) seconds a new report is written (a sample report of
tests/fixtures/reports with a new date and a shuffled subset of its rows)
and indexed, and two runs of the indexer in three are killed with SIGKILL
at a random moment of the run, then `indexer --check` must pass and a full
run finishes the add. searchd's RSS and open descriptors are sampled from
/proc every 2 s.

Fails (exit 1) on: any non-2xx answer or socket error reported by wrk, a
--check that fails, an indexer run that fails, a report count that is not
the number written, searchd's RSS or descriptors growing from the second
quarter of the run to the last (beyond 10% + 4 MiB, and 8 descriptors), a
sanitizer report or a searchd that does not exit 0 on SIGTERM. Prints the
figures. Python standard library, Debian's wrk."""
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, 'tests', 'e2e'))
import searchd_proc  # noqa: E402

BUILD = os.path.join(TOP, os.environ.get('BUILD', 'build'))
SECONDS = int(os.environ.get('SOAK_SECONDS', '600'))
CONNS = int(os.environ.get('SOAK_CONNS', '64'))
ADD_EVERY = float(os.environ.get('SOAK_ADD_EVERY', '3'))
SEED = int(os.environ.get('SOAK_SEED', '17'))
INITIAL = 100                   # generated reports before the load starts
SAMPLES = os.path.join(TOP, 'tests', 'fixtures', 'reports')
QUERIES = os.path.join(TOP, 'bench', 'searchd', 'queries.txt')
TITLE = 'Återrapportering av regionstyrelsens uppdrag till regiondirektören'


class Corpus:
    """New report files: a sample report with a new date (one day after
    the last) and a random subset of its rows in random order."""

    def __init__(self, out, rnd):
        self.out, self.rnd, self.n = out, rnd, 0
        self.rows = []
        for name in sorted(os.listdir(SAMPLES)):
            with open(os.path.join(SAMPLES, name), encoding='utf-8') as f:
                self.rows.append([l for l in f.read().splitlines()
                                  if l.count('\t') >= 2])
        self.day = time.mktime((2030, 1, 1, 12, 0, 0, 0, 0, -1))

    def add(self):
        date = time.strftime('%Y-%m-%d', time.localtime(self.day))
        self.day += 86400
        rows = self.rnd.choice(self.rows)
        pick = self.rnd.sample(rows, self.rnd.randint(min(5, len(rows)),
                                                      len(rows)))
        path = os.path.join(self.out, date + '.txt')
        with open(path + '.tmp', 'w', encoding='utf-8') as f:
            f.write('\n\n%s %s\n\n%s\n' % (TITLE, date, '\n'.join(pick)))
        os.rename(path + '.tmp', path)
        self.n += 1
        return path


class Sampler(threading.Thread):
    """searchd's VmRSS (kB) and open descriptors every 2 s."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stop, self.samples = pid, threading.Event(), []

    def run(self):
        while not self.stop.wait(2):
            try:
                with open('/proc/%d/status' % self.pid) as f:
                    rss = int(re.search(r'^VmRSS:\s+(\d+)', f.read(),
                                        re.M).group(1))
                fds = len(os.listdir('/proc/%d/fd' % self.pid))
            except (OSError, AttributeError):
                continue
            self.samples.append((time.monotonic(), rss, fds))


def indexer(db, src, *extra):
    return [os.path.join(BUILD, 'indexer'), '--db', db, '--quiet'] + \
        list(extra) + ([src] if src else [])


def check(db):
    p = subprocess.run(indexer(db, None, '--check'), capture_output=True,
                       text=True, timeout=600)
    return p.returncode, p.stderr.strip()


class Adder(threading.Thread):
    """Adds a report every ADD_EVERY seconds; kills two runs in three."""

    def __init__(self, db, src, corpus, rnd, t_end):
        super().__init__(daemon=True)
        self.db, self.src, self.corpus, self.rnd = db, src, corpus, rnd
        self.t_end = t_end
        self.kills = self.kills_missed = self.adds = 0
        self.run_s = 0.2
        self.errors = []

    def one(self, kill):
        self.corpus.add()
        t0 = time.monotonic()
        p = subprocess.Popen(indexer(self.db, self.src),
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        if kill:
            time.sleep(self.rnd.uniform(0.05, 0.7) * self.run_s)
            if p.poll() is None:
                p.kill()
                self.kills += 1
            else:
                self.kills_missed += 1
        err = p.communicate(timeout=600)[1].decode('utf-8', 'replace')
        if not kill or p.returncode >= 0:
            if p.returncode != 0:
                self.errors.append('indexer exit %d: %s'
                                   % (p.returncode, err[-500:]))
            self.run_s = 0.7 * self.run_s + 0.3 * (time.monotonic() - t0)
        if kill:
            rc, err = check(self.db)
            if rc != 0:
                self.errors.append('--check after kill -9: exit %d: %s'
                                   % (rc, err[-500:]))
            rc = subprocess.run(indexer(self.db, self.src),
                                capture_output=True, timeout=600).returncode
            if rc != 0:
                self.errors.append('indexer after kill -9: exit %d' % rc)
        self.adds += 1

    def run(self):
        while time.monotonic() < self.t_end and not self.errors:
            t0 = time.monotonic()
            self.one(self.adds % 3 != 0)
            time.sleep(max(0.0, ADD_EVERY - (time.monotonic() - t0)))


def wrk(port, seconds):
    p = subprocess.run(['wrk', '-t2', '-c%d' % CONNS, '-d%ds' % seconds,
                        '--timeout', '10s', '--latency', '-s',
                        os.path.join(HERE, 'mixed.lua'),
                        'http://127.0.0.1:%d' % port, '--', QUERIES],
                       capture_output=True, text=True, timeout=seconds + 120)
    return p.returncode, p.stdout + p.stderr


def flat(samples, i, slack, factor):
    """Does column i of the last quarter stay within the second quarter's
    maximum times factor plus slack? (value of each, ok)"""
    n = len(samples)
    q2 = [s[i] for s in samples[n // 4:n // 2]]
    q4 = [s[i] for s in samples[3 * n // 4:]]
    if not q2 or not q4:
        return (None, None), True
    return (max(q2), max(q4)), max(q4) <= max(q2) * factor + slack


def main():
    if shutil.which('wrk') is None:
        print('soak: wrk is missing (apt-get install wrk)', file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix='soak-')
    rnd = random.Random(SEED)
    src = os.path.join(tmp, 'reports')
    shutil.copytree(SAMPLES, src)
    db = os.path.join(tmp, 'index.db')
    corpus = Corpus(src, rnd)
    for _ in range(INITIAL):
        corpus.add()
    subprocess.run(indexer(db, src), check=True, timeout=600)
    srv = searchd_proc.Searchd(os.path.join(BUILD, 'searchd'), db,
                               ['--threads', '2', '--quiet'], tmp)
    sampler = Sampler(srv.proc.pid)
    sampler.start()
    t0 = time.monotonic()
    adder = Adder(db, src, corpus, rnd, t0 + SECONDS)
    adder.start()
    rc, out = wrk(srv.port, SECONDS)
    adder.join()
    sampler.stop.set()
    sampler.join()
    failures = list(adder.errors)
    health = srv.get('/health')
    log = srv.stop()
    if srv.proc.returncode != 0:
        failures.append('searchd exit %s' % srv.proc.returncode)
    if searchd_proc.sanitizer_report(log):
        failures.append('sanitizer report: ' + log[-2000:])
    if rc != 0 or 'Requests/sec' not in out:
        failures.append('wrk failed: ' + out[-1000:])
    bad = re.findall(r'(Non-2xx or 3xx responses|Socket errors):\s*(.*)', out)
    for what, n in bad:
        failures.append('wrk: %s: %s' % (what, n.strip()))
    failures += ['wrk: ' + l for l in out.splitlines() if l.startswith('bad ')]
    crc, cerr = check(db)
    if crc != 0:
        failures.append('final --check: exit %d: %s' % (crc, cerr))
    con = sqlite3.connect(db)
    nrep = con.execute('SELECT count(*) FROM reports').fetchone()[0]
    con.close()
    want = 2 + corpus.n
    if nrep != want:
        failures.append('%d reports indexed, %d written' % (nrep, want))
    if health[0] != 200:
        failures.append('/health after the soak: %d' % health[0])
    s = sampler.samples
    (rss2, rss4), rss_ok = flat(s, 1, 4096, 1.10)
    (fd2, fd4), fd_ok = flat(s, 2, 8, 1.0)
    if not rss_ok:
        failures.append('RSS grew: %s -> %s kB' % (rss2, rss4))
    if not fd_ok:
        failures.append('descriptors grew: %s -> %s' % (fd2, fd4))
    m = re.search(r'(\d+) requests in ([\d.]+\w+)', out)
    lat = dict(re.findall(r'^\s+(50|99)%\s+(\S+)', out, re.M))
    lmax = re.search(r'^\s+Latency\s+\S+\s+\S+\s+(\S+)', out, re.M)
    qps = re.search(r'Requests/sec:\s+(\S+)', out)
    print('soak: %d s, %d connections, %s requests (%s/s), p50 %s, p99 %s, '
          'max %s' % (SECONDS, CONNS, m.group(1) if m else '?',
                      qps.group(1) if qps else '?', lat.get('50', '?'),
                      lat.get('99', '?'), lmax.group(1) if lmax else '?'))
    print('soak: non-2xx and socket errors: %s'
          % ('; '.join('%s: %s' % b for b in bad) if bad else 'none'))
    print('soak: %d reports added (%d in all), kill -9 of the indexer '
          'mid-run: %d (%d more landed after its exit), --check ok after '
          'each: %s' % (adder.adds, nrep, adder.kills, adder.kills_missed,
                        'yes' if not adder.errors else 'NO'))
    if s:
        print('soak: searchd RSS kB first/2nd-quarter max/last-quarter '
              'max/last: %d/%s/%s/%d; descriptors %d/%s/%s/%d (%d samples)'
              % (s[0][1], rss2, rss4, s[-1][1], s[0][2], fd2, fd4,
                 s[-1][2], len(s)))
    for f in failures:
        print('soak: FAIL ' + f)
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print('soak: files kept in ' + tmp)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

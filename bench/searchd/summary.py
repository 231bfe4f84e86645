#!/usr/bin/python3
"""Median the benchmark runs and print the figures, the table and the targets.

Usage: summary.py [--large] RUN_DIR...

--large: the runs of the large corpus (cold c16 only): the cold QPS target
is 1.0x Sphinx's there, and targets not measured are left out.

Each RUN_DIR holds metrics.txt, the `metric value unit` lines of one run of
bench_searchd.sh (sphinx.*, nginx.*, searchd.cold.*, searchd.collapse.*,
searchd.warm.*, searchd.series.*). The
targets are searchd's throughput and latency against its peers (cold against
Sphinx's searchd, warm against nginx serving a static answer) and its peak
private memory (RssAnon after the loads: the peak RSS, VmHWM, also counts
the index pages searchd maps, once per connection); each ratio is computed within a run (so the load other processes put
on the machine affects both sides alike) and then medianed.
Prints the medians as `metric value unit` lines, then a table (median, and
min-max when there are several runs) and one line per target.
"""
import statistics, sys

# (ratio metric, numerator, denominator, target text, test)
RATIOS = [
    ('ratio.cold_qps_vs_sphinx.c16', 'searchd.cold.c16.qps', 'sphinx.c16.qps',
     'cold QPS / Sphinx QPS, c16', '>=', 1.5),
    ('ratio.warm_qps_vs_nginx.c16', 'searchd.warm.c16.qps', 'nginx.c16.qps',
     'warm QPS / nginx QPS, c16', '>=', 0.5),
    ('ratio.warm_qps_vs_nginx.c64', 'searchd.warm.c64.qps', 'nginx.c64.qps',
     'warm QPS / nginx QPS, c64', '>=', 0.5),
    ('ratio.cold_p99_vs_sphinx.c16', 'searchd.cold.c16.p99', 'sphinx.c16.p99',
     'cold p99 / Sphinx p99, c16', '<=', 1.0),
    ('ratio.collapse_qps_vs_none.c16', 'searchd.collapse.c16.qps',
     'searchd.cold.c16.qps', 'collapsed QPS / rows QPS, c16', '>=', 0.8),
    ('ratio.collapse_qps_vs_sphinx.c16', 'searchd.collapse.c16.qps',
     'sphinx.c16.qps', 'collapsed QPS / Sphinx QPS, c16', '>=', 1.0),
    ('ratio.series_collapse_qps_vs_none.c16',
     'searchd.series.collapse.c16.qps', 'searchd.series.cold.c16.qps',
     'series: collapsed / rows QPS, c16', '>=', 0.8),
    ('ratio.warm_p99_vs_sphinx.c16', 'searchd.warm.c16.p99', 'sphinx.c16.p99',
     'warm p99 / Sphinx p99, c16', '<=', 1.0),
]
ROWS = [  # label, metric prefix, RSS metric
    ('Sphinx searchd', 'sphinx.c1', 'sphinx.rss'),
    ('Sphinx searchd', 'sphinx.c16', 'sphinx.rss'),
    ('nginx static', 'nginx.c16', None),
    ('nginx static', 'nginx.c64', None),
    ('searchd cold', 'searchd.cold.c16', 'searchd.cold.hwm'),
    ('searchd cold', 'searchd.cold.c64', 'searchd.cold.hwm'),
    ('searchd collapse', 'searchd.collapse.c16', 'searchd.cold.hwm'),
    ('series cold', 'searchd.series.cold.c16', 'searchd.series.hwm'),
    ('series collapsed', 'searchd.series.collapse.c16', 'searchd.series.hwm'),
    ('searchd warm', 'searchd.warm.c16', 'searchd.warm.hwm'),
    ('searchd warm', 'searchd.warm.c64', 'searchd.warm.hwm'),
]


def load(path):
    m = {}
    for line in open(path, encoding='utf-8'):
        p = line.split()
        if len(p) >= 3:
            try:
                m[p[0]] = (float(p[1]), p[2])
            except ValueError:
                pass
    return m


def add_ratios(m):
    for name, num, den, *_ in RATIOS:
        if num in m and den in m and m[den][0] > 0:
            m[name] = (m[num][0] / m[den][0], 'ratio')
    for key, name in (('hwm', 'peak_rss'), ('anon', 'private')):
        v = [m[k][0] for k in ('searchd.cold.' + key, 'searchd.warm.' + key)
             if k in m]
        if v:
            m['searchd.' + name] = (max(v), 'MiB')


def fmt(v):
    return f'{v:,.0f}' if abs(v) >= 100 else f'{v:.2f}' if abs(v) >= 1 else f'{v:.3f}'


def cell(runs, key):
    vals = [r[key][0] for r in runs if key in r]
    if not vals:
        return '-'
    s = fmt(statistics.median(vals))
    return s + (f' ({fmt(min(vals))}-{fmt(max(vals))})' if len(vals) > 1 else '')


def main():
    args = sys.argv[1:]
    large = bool(args) and args[0] == '--large'
    if large:
        # the large corpus: cold c16 only, against Sphinx's QPS and p99
        args = args[1:]
        for i, r in enumerate(RATIOS):
            if r[0] == 'ratio.cold_qps_vs_sphinx.c16':
                RATIOS[i] = r[:5] + (1.0,)
    runs = [load(d + '/metrics.txt') for d in args]
    for r in runs:
        add_ratios(r)
    keys = sorted({k for r in runs for k in r}, key=lambda k: (k.split('.')[0], k))
    for k in keys:
        vals = [r[k][0] for r in runs if k in r]
        unit = next(r[k][1] for r in runs if k in r)
        v = statistics.median(vals)
        if unit in ('ratio', 'ms'):
            print(f'{k} {v:.3f} {unit}')
        else:
            print(f'{k} {v:.0f} {unit}' if v == int(v) else f'{k} {v:.1f} {unit}')
    print(f'\n== searchd vs peers: median of {len(runs)} run(s), (min-max) over runs;'
          ' latency client side, ms')
    w = 24 if len(runs) > 1 else 12
    print(f'{"system":<16}{"conns":>6}{"QPS":>{w}}{"p50":>{w}}{"p99":>{w}}{"RSS MiB":>{w}}')
    for label, pre, rss in ROWS:
        if not any(pre + '.qps' in r for r in runs):
            continue
        print(f'{label:<16}{pre.rsplit(".", 1)[1]:>6}' + ''.join(
            f'{cell(runs, k):>{w}}' for k in (pre + '.qps', pre + '.p50', pre + '.p99'))
            + f'{cell(runs, rss) if rss else "-":>{w}}')
    print('\n== targets: searchd against Sphinx (cold) and nginx (warm), peak RSS')
    tests = [(n, t, op, lim) for n, _, _, t, op, lim in RATIOS]
    if not large:   # the 64 MiB target is the 5,000-report corpus's
        tests.append(('searchd.private', 'searchd private memory, MiB', '<', 64.0))
    for name, text, op, lim in tests:
        vals = [r[name][0] for r in runs if name in r]
        if not vals and large:
            continue
        if not vals:
            print(f'  {text:<34} -  (not measured)')
            continue
        v = statistics.median(vals)
        ok = {'>=': v >= lim, '<=': v <= lim, '<': v < lim}[op]
        print(f'  {text:<34}{cell(runs, name):>24}   target {op} {lim:g}   {"ok" if ok else "MISSED"}')
    if large and any('searchd.private' in r for r in runs):
        print(f'  {"searchd private memory, MiB":<34}{cell(runs, "searchd.private"):>24}')
    if any('searchd.peak_rss' in r for r in runs):
        print(f'  {"searchd peak RSS (VmHWM), MiB":<34}{cell(runs, "searchd.peak_rss"):>24}'
              '   (with the mapped index pages)')
    return 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/python3
"""Ask searchd every benchmark query once; check the answers; keep one body.

Usage: probe.py PORT QUERY_FILE OUT_TSV BODY_FILE

Sends GET /search?q=Q for each query of QUERY_FILE ('#' and blank lines
skipped) to 127.0.0.1:PORT over one keep-alive connection and writes
OUT_TSV: query, HTTP status, body bytes, total, relaxed, took_ms. The body
of median size among the 200 answers goes to BODY_FILE: the static file
nginx serves as the HTTP ceiling, so both servers send the same bytes.
Prints `metric value unit` lines (counts, response sizes, the server's own
took_ms over the queries, one at a time); exit status 1 when no query got a 200.
"""
import http.client, json, statistics, sys, urllib.parse


def ask(conn, q):
    conn.request('GET', '/search?q=' + urllib.parse.quote(q, safe=''))
    r = conn.getresponse()
    return r.status, r.read()


def main():
    if len(sys.argv) != 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    port, qfile, out_tsv, body_file = sys.argv[1:]
    queries = [l.strip() for l in open(qfile, encoding='utf-8')
               if l.strip() and not l.lstrip().startswith('#')]
    conn = http.client.HTTPConnection('127.0.0.1', int(port), timeout=60)
    rows, ok = [], []
    for q in queries:
        status, body = ask(conn, q)
        total, relaxed, took = '', '', ''
        if status == 200:
            try:
                j = json.loads(body)
                total, relaxed, took = j.get('total', ''), j.get('relaxed', ''), j.get('took_ms', '')
                ok.append(body)
            except ValueError:
                status = 'bad-json'
        rows.append((q, status, len(body), total, relaxed, took))
    with open(out_tsv, 'w', encoding='utf-8') as f:
        f.write('query\tstatus\tbytes\ttotal\trelaxed\ttook_ms\n')
        for r in rows:
            f.write('\t'.join(str(x) for x in r) + '\n')
    print(f'searchd.probe.queries {len(rows)} queries')
    print(f'searchd.probe.errors {len(rows) - len(ok)} queries')
    took = sorted(float(r[5]) for r in rows if isinstance(r[5], (int, float)))
    if took:
        pick = lambda f: took[min(len(took) - 1, int(f * len(took)))]
        print(f'searchd.probe.took_ms.median {pick(0.5):.3f} ms')
        print(f'searchd.probe.took_ms.p90 {pick(0.9):.3f} ms')
        print(f'searchd.probe.took_ms.max {took[-1]:.3f} ms')
        print(f'searchd.probe.took_ms.mean {statistics.mean(took):.3f} ms')
    if not ok:
        return 1
    ok.sort(key=len)
    body = ok[len(ok) // 2]
    open(body_file, 'wb').write(body)
    print(f'searchd.response.median_bytes {len(body)} bytes')
    print(f'searchd.response.mean_bytes {statistics.mean(len(b) for b in ok):.0f} bytes')
    return 0


if __name__ == '__main__':
    sys.exit(main())

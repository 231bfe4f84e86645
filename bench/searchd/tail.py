#!/usr/bin/python3
"""Make the long tail of the warm run's query list from the corpus itself.

Usage: tail.py ROWS_TSV N [SEED] > tail.txt

ROWS_TSV holds the index's rows (rows_tsv in bench/peers/lib.sh: id, date,
assignment, source, status). Prints N distinct queries, one per line, in a seeded random order
(the same file and seed give the same list): two thirds single words of the
assignment texts that occur in 5 to 5,000 rows, one third two adjacent
words of an assignment. Appended after the hand-written list (BENCH_TAIL=N),
they are the rarely asked queries a result cache mostly misses.
"""
import collections, random, re, sys

WORD = re.compile(r'[^\W\d_]{4,}')


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    n, rng = int(sys.argv[2]), random.Random(sys.argv[3] if len(sys.argv) == 4 else '1')
    df, pairs = collections.Counter(), set()
    for line in open(sys.argv[1], encoding='utf-8'):
        f = line.rstrip('\n').split('\t')
        if len(f) < 3:
            continue
        words = WORD.findall(f[2].lower())
        df.update(set(words))
        pairs.update(zip(words, words[1:]))
    singles = sorted(w for w, c in df.items() if 5 <= c <= 5000)
    pairs = sorted(a + ' ' + b for a, b in pairs)
    want1 = min(len(singles), n * 2 // 3)
    out = rng.sample(singles, want1) + rng.sample(pairs, min(len(pairs), n - want1))
    rng.shuffle(out)
    print('\n'.join(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())

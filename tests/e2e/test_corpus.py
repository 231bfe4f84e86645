"""End-to-end tests of tools/gen-corpus: the file format of the samples,
determinism, the truth file against the reports, series that recur and
drift, and corpora that build/indexer indexes without a warning.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_corpus.py
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_indexer import INDEXER, TITLE, connect, match  # noqa: E402
from searchd_proc import TOP  # noqa: E402

GEN = os.path.join(TOP, "tools", "gen-corpus")
STATES = {"not_started", "ongoing", "partly_done", "done", "dropped"}


def gen(out, *args, env=None, cwd=None):
    subprocess.run([sys.executable, GEN, "--out", out, "--quiet"] + list(args),
                   check=True, timeout=600, env=env, cwd=cwd)


def files(top):
    """Report paths relative to top, sorted."""
    out = []
    for d, _, names in os.walk(top):
        out += [os.path.relpath(os.path.join(d, n), top) for n in names]
    return sorted(out)


def read_truth(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    assert lines[0] == "file\trow\tassignment\tstatus", lines[0]
    assert lines[-1] == ""
    return [tuple(l.split("\t")) for l in lines[1:-1]]


def data_rows(path):
    """The data rows of a report, checked against the format on the way:
    two empty lines, the title with the file's date, an empty line, groups
    of TAB-separated rows, plain groups before <p> groups, no final
    newline."""
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    name = os.path.basename(path)
    head = "\n\n%s %s\n\n" % (TITLE, name[:10])
    assert text.startswith(head), (path, text[:120])
    assert not text.endswith("\n") and "\r" not in text, path
    assert "\n\n\n" not in text, path
    rows, seen_p = [], False
    for group in text[len(head):].split("\n\n"):
        lines = group.split("\n")
        wrapped = {l.startswith("<p>") for l in lines}
        assert len(wrapped) == 1, (path, "a group mixes plain and <p> rows")
        assert not (seen_p and not wrapped.pop()), (path, "plain after <p>")
        seen_p = lines[0].startswith("<p>")
        for l in lines:
            assert l.count("\t") == 2, (path, l[:80])
            assert "<p></p>" not in l, (path, l[:80])
            rows.append(l.split("\t"))
    return rows


class CorpusTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="corpus-e2e-")
        cls.ind = os.path.join(cls.tmp, "ind")
        cls.ser = os.path.join(cls.tmp, "ser")
        gen(cls.ind, "--reports", "120", "--truth", cls.ind + ".tsv")
        gen(cls.ser, "--series", "--regions", "2", "--truth", cls.ser + ".tsv")
        cls.ind_truth = read_truth(cls.ind + ".tsv")
        cls.ser_truth = read_truth(cls.ser + ".tsv")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def rows_of(self, top):
        return {f: data_rows(os.path.join(top, f)) for f in files(top)}

    def test_format_and_truth_rows(self):
        for top, truth in ((self.ind, self.ind_truth),
                           (self.ser, self.ser_truth)):
            rows = self.rows_of(top)
            want = [(f, str(i)) for f in sorted(rows)
                    for i in range(1, len(rows[f]) + 1)]
            self.assertEqual([t[:2] for t in truth], want)
            self.assertEqual({t[3] for t in truth}, STATES)

    def test_independent_reports(self):
        names = files(self.ind)
        self.assertEqual(len(names), 120)
        self.assertTrue(all(re.fullmatch(r"\d{4}-\d\d-\d\d\.txt", n)
                            for n in names))
        self.assertNotIn("2018-12-05.txt", names)
        self.assertNotIn("2021-05-05.txt", names)
        ids = [t[2] for t in self.ind_truth]
        self.assertEqual(len(ids), len(set(ids)))
        n = sum(len(r) for r in self.rows_of(self.ind).values())
        self.assertTrue(10 * 120 <= n <= 40 * 120, n)

    def test_quirks(self):
        text = "\n".join("\t".join(r) for rows in
                         list(self.rows_of(self.ind).values()) +
                         list(self.rows_of(self.ser).values()) for r in rows)
        for quirk in ('<ol style="list-style-type: none"> 1. ', "</p> <p>",
                      "&nbsp;", "&amp;", "&quot;", "<br />", "\t\t",
                      "Dnr ", " (RS)", "RS plan ", "Stabsplan ", ", § "):
            self.assertIn(quirk, text)
        self.assertNotIn("</ol>", text)
        self.assertRegex(text, "[\u0600-\u06ff\u0400-\u04ff]")

    def test_deterministic(self):
        again = os.path.join(self.tmp, "again")
        env = dict(os.environ, PYTHONHASHSEED="999", LC_ALL="C")
        gen(again, "--series", "--regions", "2", "--truth", again + ".tsv",
            env=env, cwd="/")
        self.assertEqual(files(again), files(self.ser))
        for f in files(again) + [None]:
            a = os.path.join(again, f) if f else again + ".tsv"
            b = os.path.join(self.ser, f) if f else self.ser + ".tsv"
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read(), f)
        other = os.path.join(self.tmp, "other")
        gen(other, "--reports", "120", "--seed", "2")
        self.assertNotEqual(files(other), files(self.ind))

    def test_series_recur_and_drift(self):
        self.assertEqual(sorted(os.listdir(self.ser)), ["region-01", "region-02"])
        rows = self.rows_of(self.ser)
        listed = collections.Counter((t[0], t[2]) for t in self.ser_truth)
        self.assertEqual(max(listed.values()), 1)     # once a report
        per_id = collections.defaultdict(list)
        for f, row, aid, state in self.ser_truth:
            per_id[aid].append((f, rows[f][int(row) - 1], state))
        self.assertTrue(all(aid.startswith(l[0][0][:9].replace("region-", "R"))
                            for aid, l in per_id.items()))
        # reports of a region are consecutive meetings: most rows recur
        long = [l for l in per_id.values() if len(l) >= 5]
        self.assertGreater(len(long), len(per_id) // 4)
        drift = collections.Counter()
        for l in per_id.values():
            texts = {r[0] for _, r, _ in l}
            plain = {re.sub(r"</?p>| \(RS\)|\.? Dnr \d+-\d+", "", t)
                     for t in texts}
            drift["(RS)"] += len({" (RS)" in t for t in texts}) > 1
            drift["<p>"] += len({t.startswith("<p>") for t in texts}) > 1
            drift["Dnr"] += len({"Dnr " in t for t in texts}) > 1
            drift["Fortsätta"] += any("Fortsätta" in t for t in plain) and \
                any(not t.startswith("Fortsätta") for t in plain)
            srcs = [re.sub("</?p>", "", r[1]) for _, r, _ in l]
            drift["plan year"] += "RS plan 2021-2023" in srcs and \
                "RS plan 2022-2024" in srcs
        for k in ("(RS)", "<p>", "Dnr", "Fortsätta", "plan year"):
            self.assertGreater(drift[k], 0, k)
        # a status only moves forward; dropped is the last word
        order = ("not_started", "ongoing", "partly_done", "done")
        for l in per_id.values():
            states = [s for _, _, s in l]
            ranks = [order.index(s) for s in states if s in order]
            self.assertEqual(ranks, sorted(ranks), states)
            if "dropped" in states:
                self.assertEqual(states.index("dropped"), len(states) - 1)

    def test_traps_follow_the_truth(self):
        by_text = collections.defaultdict(set)
        lists = collections.defaultdict(list)
        for top, truth in ((self.ind, self.ind_truth),
                           (self.ser, self.ser_truth)):
            rows = self.rows_of(top)
            for f, row, aid, state in truth:
                st = rows[f][int(row) - 1][2]
                for trap in ("ska vara klart", "ännu inte", "förklara",
                             "klarlägga"):
                    if trap in st:
                        by_text[trap].add(state)
                if st.startswith("<ol"):
                    lists[state].append(st)
        for trap in ("ska vara klart", "förklara", "klarlägga"):
            self.assertEqual(by_text[trap] - {"ongoing", "partly_done"},
                             set(), trap)
        self.assertIn("ongoing", by_text["ännu inte"])
        self.assertIn("not_started", by_text["ännu inte"])
        # numbered list items in mixed states make a partly done row
        done = re.compile(r"\d\. (Genomfört|Klart|Beslut fattades)")
        open_ = re.compile(r"\d\. (Pågår|Arbetet pågår|Dialog pågår|Ej påbörjat"
                           r"|Inte påbörjat|Arbetet har ännu inte)")
        self.assertTrue(lists["partly_done"])
        for st in lists["partly_done"]:
            self.assertRegex(st, done)
            self.assertRegex(st, open_)
        for st in lists["done"]:
            self.assertNotRegex(st, open_)

    def test_indexes_cleanly(self):
        db = os.path.join(self.tmp, "index.db")
        p = subprocess.run([INDEXER, "--db", db, self.ind, self.ser],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("warning", p.stderr)
        con = connect(db)
        try:
            nrows = con.execute("SELECT count(*) FROM assignments").fetchone()[0]
        finally:
            con.close()
        self.assertEqual(nrows, len(self.ind_truth) + len(self.ser_truth))
        for word in ("suicidprevention", "läkemedelsgenomgång",
                     "kompetensförsörjning", '"nära vård"'):
            self.assertGreater(len(match(db, word)), 5, word)


if __name__ == "__main__":
    unittest.main(verbosity=1)

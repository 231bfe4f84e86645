"""End-to-end test of the indexer's token replay (indexer/replay.c): the
swedish analysis done on the reader thread and replayed into FTS5 gives
the same index as FTS5 tokenizing on the writer thread.

Indexes the sample reports plus a few hundred generated ones with the
replay on and with it off (INDEXER_REPLAY=0), and compares every term
instance of the FTS index (fts5vocab 'instance': term, row, column,
offset) and every row's token counts; then replaces a changed report
(the delete path tokenizes the old row) and compares again.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_replay.py
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_indexer import GEN, INDEXER, SAMPLES, shell  # noqa: E402

N_GENERATED = 300


def index(db, paths, replay):
    """Run the indexer with the replay on or off; returns (rc, stdout,
    stderr)."""
    env = dict(os.environ)
    env["INDEXER_REPLAY"] = "stats" if replay else "0"
    p = subprocess.run([INDEXER, "--db", db] + paths, capture_output=True,
                       text=True, timeout=600, env=env)
    return p.returncode, p.stdout, p.stderr


def replay_counts(stderr):
    """(fields replayed, fields tokenized) from the stats line."""
    m = re.search(r"replay on: (\d+) fields replayed, (\d+) tokenized",
                  stderr)
    if m is None:
        raise AssertionError("no replay stats in: " + stderr)
    return int(m.group(1)), int(m.group(2))


class ReplayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="replay-e2e-")
        cls.dir = os.path.join(cls.tmp, "reports")
        shutil.copytree(SAMPLES, os.path.join(cls.dir, "samples"))
        subprocess.run([GEN, "--out", os.path.join(cls.dir, "gen"),
                        "--reports", str(N_GENERATED), "--seed", "replay",
                        "--quiet"], check=True, timeout=300)
        # one hand-made report with what the generator may not make:
        # entities, capitals, other scripts, hyphenated compounds, repeats
        with open(os.path.join(cls.dir, "odd.txt"), "w",
                  encoding="utf-8") as f:
            f.write("\nÅterrapportering av regionstyrelsens uppdrag till"
                    " regiondirektören 2024-05-06\n\n"
                    "BARN- OCH UNGDOMSPSYKIATRI &amp; Närsjukvård\tRS 170503,"
                    " § 107\t<p>Mammografiverksamheten &ouml;ver Привет"
                    " мир; uppdraget uppdraget</p>\n"
                    "Suicidprevention\t\tÖVERGRIPANDE ÅTGÄRDER &#246;"
                    " Ωmega-ΣΤΟΧΟΣ\n")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.on = os.path.join(self.tmp, "on-%s.db" % self._testMethodName)
        self.off = os.path.join(self.tmp, "off-%s.db" % self._testMethodName)

    def assert_same_index(self):
        """Every term instance and every row's token counts are equal."""
        sql = ("ATTACH '%s' AS b;"
               "CREATE VIRTUAL TABLE temp.va USING fts5vocab(main,"
               " assignments_fts, instance);"
               "CREATE VIRTUAL TABLE temp.vb USING fts5vocab(b,"
               " assignments_fts, instance);"
               "SELECT count(*) FROM va;"
               "SELECT count(*) FROM vb;"
               "SELECT count(*) FROM (SELECT * FROM va EXCEPT"
               " SELECT * FROM vb);"
               "SELECT count(*) FROM (SELECT * FROM vb EXCEPT"
               " SELECT * FROM va);"
               "SELECT count(*) FROM (SELECT * FROM main.assignments_fts_docsize"
               " EXCEPT SELECT * FROM b.assignments_fts_docsize);"
               "SELECT count(*) FROM (SELECT * FROM b.assignments_fts_docsize"
               " EXCEPT SELECT * FROM main.assignments_fts_docsize);"
               % self.off.replace("'", "''"))
        out = [int(x) for x in shell(self.on, sql).split()]
        self.assertGreater(out[0], 100000)
        self.assertEqual(out, [out[0], out[0], 0, 0, 0, 0])

    def assert_check(self, db):
        p = subprocess.run([INDEXER, "--db", db, "--check"],
                           capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("check ok", p.stdout)

    def test_same_index_on_and_off(self):
        rc_on, out_on, err_on = index(self.on, [self.dir], True)
        rc_off, out_off, err_off = index(self.off, [self.dir], False)
        self.assertEqual((rc_on, rc_off), (0, 0), err_on + err_off)
        rows = int(re.search(r"\((\d+) rows\)", out_on).group(1))
        self.assertGreater(rows, N_GENERATED * 10)
        # every field of every row replayed: none tokenized on the writer
        self.assertEqual(replay_counts(err_on), (3 * rows, 0))
        self.assertNotIn("replay on", err_off)
        self.assert_same_index()
        self.assert_check(self.on)

    def test_replace_changed_report(self):
        work = os.path.join(self.tmp, "changed")
        shutil.copytree(self.dir, work)
        self.assertEqual(index(self.on, [work], True)[0], 0)
        self.assertEqual(index(self.off, [work], False)[0], 0)
        # change two reports: a row's words, and a row removed
        gen = os.path.join(work, "gen")
        names = sorted(os.listdir(gen))
        for name, edit in ((names[3], "word"), (names[7], "row")):
            path = os.path.join(gen, name)
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            data = [i for i, l in enumerate(lines) if l.count("\t") >= 2]
            if edit == "word":
                lines[data[0]] = "Mammografiverksamheten ändrad " + \
                    lines[data[0]]
            else:
                del lines[data[1]]
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
        rc, out, err = index(self.on, [work], True)
        self.assertEqual(rc, 0, err)
        self.assertIn("2 reports indexed", out)
        replayed, tokenized = replay_counts(err)
        self.assertGreater(replayed, 0)
        self.assertGreater(tokenized, 0)      # the old rows' deletes
        self.assertEqual(index(self.off, [work], False)[0], 0)
        self.assert_same_index()
        self.assert_check(self.on)
        # a re-run over the same files changes nothing
        rc, out, err = index(self.on, [work], True)
        self.assertEqual(rc, 0)
        self.assertIn("nothing to do", out)


if __name__ == "__main__":
    unittest.main()

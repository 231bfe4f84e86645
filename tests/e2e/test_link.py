"""End-to-end tests of assignment linking in build/indexer: series are
folders, ids do not depend on the order or number of runs, replace and
prune leave the links of a fresh index, an unchanged re-run writes
nothing, and the threads of a small hand-made series are right.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_link.py
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_proc import TOP, INDEXER, REPORTS, TITLE  # noqa: E402

GEN = os.path.join(TOP, "tools", "gen-corpus")


def run(*args):
    p = subprocess.run([INDEXER] + list(args), capture_output=True,
                       text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def rows(db):
    """{(path, row): (assignment_id, status_class)} of every row."""
    con = sqlite3.connect(db)
    try:
        return {(p, r): (a, c) for p, r, a, c in con.execute(
            "SELECT r.path, a.row, a.assignment_id, a.status_class"
            " FROM assignments a JOIN reports r ON r.id = a.report_id")}
    finally:
        con.close()


def threads(db):
    """Every thread, its latest occurrence as (path, row) (rowids differ
    between indexes)."""
    con = sqlite3.connect(db)
    try:
        return sorted(con.execute(
            "SELECT t.id, t.series, t.first_seen, t.last_seen, t.occurrences,"
            " t.open, t.status_class, r.path, a.row FROM assignment_threads t"
            " JOIN assignments a ON a.id = t.latest"
            " JOIN reports r ON r.id = a.report_id"))
    finally:
        con.close()


def report(date, lines):
    """A report file's text: the title, then TAB-separated rows."""
    return "\n\n%s %s\n\n%s" % (TITLE, date, "\n".join(
        "\t".join(f) for f in lines))


class LinkTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="link-e2e-")
        self.db = os.path.join(self.tmp, "index.db")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def index(self, db, *args, want=0):
        rc, out, err = run("--db", db, "--quiet", *args)
        self.assertEqual(rc, want, err)
        return out

    def series(self, name, start=2021, end=2022, regions=None):
        """A generated series (tools/gen-corpus --series) in tmp/name."""
        out = os.path.join(self.tmp, name)
        cmd = [GEN, "--out", out, "--series", "--start-year", str(start),
               "--end-year", str(end), "--seed", "link", "--quiet"]
        if regions:
            cmd += ["--regions", str(regions)]
        subprocess.run(cmd, check=True, timeout=300)
        return out

    def assert_check(self, db):
        rc, out, err = run("--db", db, "--check")
        self.assertEqual(rc, 0, err)
        self.assertIn("links", out)

    def test_two_folders_never_linked(self):
        src = os.path.join(REPORTS, "2021-05-05.txt")
        for d, extra in (("a", ""), ("b", "\nEn rad till\tRS 210101\tPågår.")):
            os.makedirs(os.path.join(self.tmp, d))
            with open(src, encoding="utf-8") as f:
                text = f.read() + extra
            with open(os.path.join(self.tmp, d, "2021-05-05.txt"), "w",
                      encoding="utf-8") as f:
                f.write(text)
        self.index(self.db, os.path.join(self.tmp, "a"),
                   os.path.join(self.tmp, "b"))
        have = rows(self.db)
        ids = {}
        for (path, _), (aid, _) in have.items():
            ids.setdefault(os.path.basename(os.path.dirname(path)),
                           set()).add(aid)
        self.assertEqual(len(ids["a"]), 10)
        self.assertEqual(len(ids["b"]), 11)
        self.assertEqual(ids["a"] & ids["b"], set())
        con = sqlite3.connect(self.db)
        tags = [t for t, in con.execute("SELECT tag FROM series")]
        con.close()
        self.assertEqual(len(set(tags)), 2)
        self.assert_check(self.db)

    def test_samples_no_link(self):
        self.index(self.db, REPORTS)
        have = rows(self.db)
        self.assertEqual(len(have), 29)
        self.assertEqual(len({a for a, _ in have.values()}), 29)
        self.assertTrue(all(a for a, _ in have.values()))
        self.assertEqual(max(t[4] for t in threads(self.db)), 1)

    def test_order_independence(self):
        d = self.series("s")
        files = sorted(os.listdir(d))
        self.index(self.db, d)
        one_run = rows(self.db), threads(self.db)
        db2 = os.path.join(self.tmp, "reverse.db")
        for name in reversed(files):     # file by file, newest first
            self.index(db2, os.path.join(d, name))
        self.assertEqual((rows(db2), threads(db2)), one_run)
        # not vacuous: assignments do run across reports
        self.assertGreater(max(t[4] for t in one_run[1]), 5)
        self.assert_check(db2)

    def test_replace_and_prune(self):
        d = self.series("s")
        files = sorted(os.listdir(d))
        self.index(self.db, d)
        # a report in the middle changes (a row less, statuses rewritten)
        # and another one goes
        mid = os.path.join(d, files[len(files) // 2])
        with open(mid, encoding="utf-8") as f:
            lines = f.read().split("\n")
        data = [i for i, l in enumerate(lines) if l.count("\t") == 2]
        del lines[data[0]]
        lines = [l.rsplit("\t", 1)[0] + "\tUppdraget är slutfört."
                 if l.count("\t") == 2 and i % 3 == 0 else l
                 for i, l in enumerate(lines)]
        with open(mid, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        os.remove(os.path.join(d, files[len(files) // 2 - 3]))
        self.index(self.db, "--prune", d)
        fresh = os.path.join(self.tmp, "fresh.db")
        self.index(fresh, d)
        self.assertEqual(rows(self.db), rows(fresh))
        self.assertEqual(threads(self.db), threads(fresh))
        self.assert_check(self.db)

    def test_rerun_writes_nothing(self):
        d = self.series("s", 2022, 2022)
        self.index(self.db, "--no-link", d)
        con = sqlite3.connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM assignments WHERE"
                                     " assignment_id IS NULL").fetchone()[0],
                         con.execute("SELECT count(*) FROM assignments")
                         .fetchone()[0])
        self.assertEqual(con.execute("SELECT linked FROM series")
                         .fetchall(), [(0,)])
        con.close()
        # a run with nothing changed links what is left unlinked
        rc, out, err = run("--db", self.db, d)
        self.assertEqual(rc, 0, err)
        self.assertIn("1 series linked", out)
        self.assertNotIn("nothing to do", out)
        before = rows(self.db), threads(self.db)
        self.assertTrue(all(a for a, _ in before[0].values()))
        st = os.stat(self.db)
        time.sleep(0.05)
        rc, out, err = run("--db", self.db, d)
        self.assertEqual(rc, 0, err)
        self.assertIn("nothing to do", out)
        st2 = os.stat(self.db)
        self.assertEqual((st.st_mtime_ns, st.st_size),
                         (st2.st_mtime_ns, st2.st_size))
        self.assertEqual((rows(self.db), threads(self.db)), before)

    def test_hand_made_series(self):
        d = os.path.join(self.tmp, "region")
        os.makedirs(d)
        plan = "RS plan 2021-2023"
        a1 = "Ta fram en regional handlingsplan för suicidprevention (RS)"
        a2 = ("Fortsätta arbetet med att ta fram en regional handlingsplan"
              " för suicidprevention")
        b = "Utreda införandet av digitala vårdmöten i primärvården"
        inhyrd = "Minska kostnaderna för inhyrd personal"
        oms = "Minska personalomsättningen"
        amb = "Genomföra en översyn av ambulansverksamheten"
        reports = {
            "2021-02-10": [
                (a1, plan, "Arbetet pågår."),
                (b, "RS 201209", "Utredningen har inte påbörjats."),
                (inhyrd, "RS 210112", "Arbetet pågår.")],
            "2021-03-17": [
                (a2, plan, "Handlingsplanen är under framtagande och"
                 " beräknas vara klar i juni."),
                ("<p>" + b + "</p>", "<p>RS 201209</p>",
                 "<p>Utredningen pågår.</p>"),
                (inhyrd, "RS 210112", "Åtgärder har vidtagits och arbetet"
                 " fortsätter.")],
            "2021-04-21": [
                (a2, plan, "Handlingsplanen har beslutats av"
                 " regionstyrelsen. Uppdraget är slutfört."),
                (oms, "RS 210112", "Arbetet har påbörjats."),
                (amb, "RS 210316", "Översynen pågår.")],
        }
        for date, lines in reports.items():
            with open(os.path.join(d, date + ".txt"), "w",
                      encoding="utf-8") as f:
                f.write(report(date, lines))
        self.index(self.db, d)
        con = sqlite3.connect(self.db)
        got = {}
        for text, first, last, n, is_open, cls in con.execute(
                "SELECT a.assignment, t.first_seen, t.last_seen,"
                " t.occurrences, t.open, t.status_class FROM"
                " assignment_threads t JOIN assignments a ON a.id = t.latest"):
            got[text] = (first, last, n, is_open, cls)
        con.close()
        self.assertEqual(got, {
            a2: ("2021-02-10", "2021-04-21", 3, 1, "done"),
            b: ("2021-02-10", "2021-03-17", 2, 0, "ongoing"),
            inhyrd: ("2021-02-10", "2021-03-17", 2, 0, "ongoing"),
            oms: ("2021-04-21", "2021-04-21", 1, 1, "ongoing"),
            amb: ("2021-04-21", "2021-04-21", 1, 1, "ongoing"),
        })
        have = rows(self.db)
        first = os.path.join(d, "2021-02-10.txt")
        self.assertEqual(have[(first, 2)][1], "not_started")
        self.assert_check(self.db)
        # A newer report without rows (kept, with a warning) closes
        # nothing: open is about the newest report that lists assignments.
        before = threads(self.db)
        with open(os.path.join(d, "2021-05-19.txt"), "w",
                  encoding="utf-8") as f:
            f.write(report("2021-05-19", []))
        self.index(self.db, d, want=1)
        self.assertEqual(con_count(self.db, "SELECT count(*) FROM reports"
                                   " WHERE rows = 0"), 1)
        self.assertEqual(threads(self.db), before)
        self.assert_check(self.db)


def con_count(db, sql):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


if __name__ == "__main__":
    unittest.main()

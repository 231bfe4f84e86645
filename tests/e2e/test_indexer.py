"""End-to-end tests of build/indexer: the real binary on the sample reports,
bad files, incremental runs, --prune, --check, kill -9, and the vocab table.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_indexer.py
"""
import ctypes
import ctypes.util
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_proc import TOP, BUILD, INDEXER, REPORTS, TITLE  # noqa: E402

GEN = os.path.join(TOP, "tools", "gen-corpus")


def run(*args, timeout=600):
    p = subprocess.run([INDEXER] + list(args), capture_output=True,
                       text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def sqlite_libversion():
    """The version of the SQLite library the programs load (the system's),
    not the one Python's sqlite3 module may bundle."""
    lib = ctypes.CDLL(ctypes.util.find_library("sqlite3"))
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    return lib.sqlite3_libversion().decode()


def libstemmer_package_version():
    """libstemmer-dev's Debian version, or None without dpkg."""
    if shutil.which("dpkg-query") is None:
        return None
    p = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libstemmer-dev"],
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


def connect(db):
    """For the plain tables (reports, assignments, vocab): no tokenizer
    needed. FTS queries go through match()."""
    return sqlite3.connect(db)


def shell(db, sql):
    """Run sql through the sqlite3 shell with the swedish tokenizer loaded
    (Python's sqlite3 module may be built without extension loading);
    returns its output."""
    env = dict(os.environ)
    if "asan" in os.environ.get("BUILD", ""):
        # an ASan-built extension needs the sanitizer runtimes loaded first
        libs = [subprocess.run(["gcc", "-print-file-name=" + lib],
                               capture_output=True, text=True).stdout.strip()
                for lib in ("libasan.so", "libubsan.so")]
        env["LD_PRELOAD"] = " ".join(libs)
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    p = subprocess.run(["sqlite3", "-batch", "-separator", "|", db,
                        ".load " + os.path.join(BUILD, "swedish"), sql],
                       capture_output=True, text=True, timeout=60, env=env)
    if p.returncode != 0:
        raise AssertionError("sqlite3: " + p.stderr)
    return p.stdout


def match(db, query):
    """Rows (date, row) matching an FTS5 query, through the sqlite3 shell."""
    sql = ("SELECT r.date, a.row FROM assignments_fts f JOIN assignments a"
           " ON a.id=f.rowid JOIN reports r ON r.id=a.report_id"
           " WHERE assignments_fts MATCH '%s' ORDER BY 1, 2;"
           % query.replace("'", "''"))
    out = []
    for line in shell(db, sql).splitlines():
        d, r = line.split("|")
        out.append((d, int(r)))
    return out


def expected_vocab(con):
    """vocab as it must be: unicode61 (remove_diacritics 0) surface words
    of each row, counted once per row, by FTS5's own fts5vocab."""
    mem = sqlite3.connect(":memory:")
    mem.execute("CREATE VIRTUAL TABLE t USING fts5(x,"
                " tokenize='unicode61 remove_diacritics 0')")
    mem.executemany("INSERT INTO t VALUES(?)", (
        (a + " " + s + " " + st,) for a, s, st in
        con.execute("SELECT assignment, source, status FROM assignments")))
    mem.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    want = {}
    for term, cnt in mem.execute("SELECT term, doc FROM v"):
        if len(term) < 2 or term.isdigit() and term.isascii():
            continue
        if len(term.encode()) > 40:
            continue
        want[term] = cnt
    return want


class IndexerTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="idx-e2e-")
        self.db = os.path.join(self.tmp, "index.db")
        self.dir = os.path.join(self.tmp, "reports")
        shutil.copytree(REPORTS, self.dir)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def counts(self):
        con = connect(self.db)
        try:
            return dict(con.execute(
                "SELECT date, count(a.id) FROM reports r LEFT JOIN"
                " assignments a ON a.report_id=r.id GROUP BY r.id"))
        finally:
            con.close()

    def assert_vocab_exact(self):
        con = connect(self.db)
        try:
            have = dict(con.execute("SELECT word, docs FROM vocab"))
            want = expected_vocab(con)
            plain_bad = con.execute(
                "SELECT count(*) FROM vocab WHERE plain <> replace(replace("
                "replace(replace(replace(word,'å','a'),'ä','a'),'ö','o'),"
                "'é','e'),'ü','u')").fetchone()[0]
        finally:
            con.close()
        self.assertEqual(plain_bad, 0)
        missing = {k: v for k, v in want.items() if have.get(k) != v}
        extra = {k: v for k, v in have.items() if k not in want}
        self.assertEqual((missing, extra), ({}, {}))

    # -- the samples ---------------------------------------------------
    def test_samples_29_rows(self):
        rc, out, err = run("--db", self.db, self.dir)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        self.assertIn("2 reports indexed (29 rows)", out)
        self.assertEqual(self.counts(), {"2018-12-05": 19, "2021-05-05": 10})
        rows = match(self.db, "mammografiverksamheten")
        con = connect(self.db)
        title, n = con.execute("SELECT title, rows FROM reports WHERE"
                               " date='2021-05-05'").fetchone()
        con.close()
        self.assertEqual(rows, [("2021-05-05", 3)])
        self.assertEqual(title, TITLE + " 2021-05-05")
        self.assertEqual(n, 10)
        self.assert_vocab_exact()

    def test_rerun_is_noop(self):
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        con = connect(self.db)
        before = con.execute("SELECT path, sha256, indexed_at FROM reports"
                             " ORDER BY id").fetchall()
        con.close()
        st = os.stat(self.db)
        time.sleep(0.05)
        rc, out, err = run("--db", self.db, self.dir)
        self.assertEqual(rc, 0, err)
        self.assertIn("nothing to do", out)
        self.assertIn("2 unchanged", out)
        con = connect(self.db)
        after = con.execute("SELECT path, sha256, indexed_at FROM reports"
                            " ORDER BY id").fetchall()
        con.close()
        self.assertEqual(before, after)
        st2 = os.stat(self.db)
        self.assertEqual((st.st_mtime_ns, st.st_size),
                         (st2.st_mtime_ns, st2.st_size))

    def test_changed_file_replaces_rows(self):
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        path = os.path.join(self.dir, "2021-05-05.txt")
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        # drop the mammography row, add a new one
        lines = [l for l in lines if "mammografi" not in l]
        lines.append("Ny rad om tandvårdsstödet\tRS 210101\t<p>Klar.</p>")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        rc, out, err = run("--db", self.db, self.dir)
        self.assertEqual(rc, 0, err)
        self.assertIn("1 reports indexed (10 rows), 1 unchanged", out)
        self.assertEqual(self.counts(), {"2018-12-05": 19, "2021-05-05": 10})
        self.assertEqual(match(self.db, "mammografiverksamheten"), [])
        self.assertEqual(match(self.db, "tandvårdsstödet"),
                         [("2021-05-05", 10)])
        con = connect(self.db)
        self.assertEqual(con.execute("SELECT count(*) FROM reports").
                         fetchone()[0], 2)
        con.close()
        self.assert_vocab_exact()
        self.assertEqual(run("--db", self.db, "--check")[0], 0)

    def test_prune(self):
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        os.unlink(os.path.join(self.dir, "2018-12-05.txt"))
        rc, out, err = run("--db", self.db, self.dir)
        self.assertEqual(rc, 0, err)
        self.assertEqual(len(self.counts()), 2)   # kept without --prune
        rc, out, err = run("--db", self.db, "--prune", self.dir)
        self.assertEqual(rc, 0, err)
        self.assertIn("1 pruned", out)
        self.assertEqual(self.counts(), {"2021-05-05": 10})
        self.assert_vocab_exact()
        self.assertEqual(run("--db", self.db, "--check")[0], 0)
        # --prune alone, without files
        os.unlink(os.path.join(self.dir, "2021-05-05.txt"))
        rc, out, err = run("--db", self.db, "--prune")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.counts(), {})
        self.assert_vocab_exact()

    # -- bad input -----------------------------------------------------
    def test_bad_files_beside_good(self):
        bad = {
            "binary.txt": b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50,
            "empty.txt": b"",
            "notitle.txt": "a\tb\tc\n".encode(),
            "baddate.txt": (TITLE + " 2021-02-30\n\na\tb\tc").encode(),
            "warned.txt": ("\n\n" + TITLE + " 2020-03-04\n\n"
                           "ett\ttvå\ttre\nbara två\tfält\n"
                           "trasig @ utf8\tx\ty").encode()
                          .replace(b"@", b"\xff"),
        }
        for name, data in bad.items():
            with open(os.path.join(self.dir, name), "wb") as f:
                f.write(data)
        os.mkdir(os.path.join(self.dir, "sub"))
        with open(os.path.join(self.dir, "sub", "ignored.csv"), "w") as f:
            f.write("not a report")
        rc, out, err = run("--db", self.db, self.dir)
        self.assertEqual(rc, 1, err)
        self.assertIn("4 skipped", out)
        for name in ("binary.txt", "empty.txt", "notitle.txt", "baddate.txt"):
            self.assertIn(name + ":", err)
        self.assertIn("baddate.txt:1: ", err)
        self.assertIn("warned.txt:6: ", err)      # 2 fields
        self.assertIn("warned.txt:7: ", err)      # invalid UTF-8
        self.assertNotIn("ignored.csv", err)
        c = self.counts()
        self.assertEqual(c["2018-12-05"], 19)
        self.assertEqual(c["2021-05-05"], 10)
        self.assertEqual(c["2020-03-04"], 3)
        # the rejected files stay rejected, the rest is unchanged: exit 1
        rc, out, err = run("--db", self.db, self.dir)
        self.assertEqual(rc, 1)
        self.assertIn("nothing to do", out)

    def test_missing_path_and_usage(self):
        rc, out, err = run("--db", self.db, self.dir,
                           os.path.join(self.tmp, "nope"))
        self.assertEqual(rc, 1)
        self.assertIn("nope", err)
        self.assertEqual(self.counts(), {"2018-12-05": 19, "2021-05-05": 10})
        rc, out, err = run("--help")
        self.assertEqual(rc, 0)
        self.assertIn("Exit status", out)
        self.assertEqual(run()[0], 2)
        self.assertEqual(run(self.dir)[0], 2)
        self.assertEqual(run("--db", self.db, "--bogus", self.dir)[0], 2)
        rc, out, err = run("--db", self.tmp, self.dir)      # a directory
        self.assertEqual(rc, 2)
        self.assertIn("error", err)
        notdb = os.path.join(self.tmp, "notdb")
        with open(notdb, "wb") as f:
            f.write(b"this is not a database" * 100)
        self.assertEqual(run("--db", notdb, self.dir)[0], 2)

    def test_version(self):
        """--version: the project version, the schema and analysis versions
        this build writes into an index (read back from one), the SQLite
        library the binary runs with and libstemmer's package version."""
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        c = connect(self.db)
        meta = dict(c.execute("SELECT key, value FROM meta"))
        c.close()
        rc, out, err = run("--version")
        self.assertEqual((rc, err), (0, ""))
        lines = out.splitlines()
        self.assertEqual(len(lines), 4, out)
        self.assertRegex(lines[0], r"^indexer \d+\.\d+\.\d+$")
        self.assertEqual(lines[1], "index schema %s, analysis %s"
                         % (meta["schema_version"], meta["analysis_version"]))
        self.assertTrue(lines[2].startswith("SQLite %s" % sqlite_libversion()),
                        lines[2])
        self.assertTrue(lines[3].startswith("libstemmer (Snowball)"), lines[3])
        pkg = libstemmer_package_version()
        if pkg:
            self.assertIn(" %s, the package version at build time" % pkg,
                          lines[3])
        # the parse stops at --version: what follows is not looked at
        self.assertEqual(run("--version", "--bogus"), (0, out, ""))

    def test_quiet(self):
        rc, out, err = run("--db", self.db, "--quiet", self.dir)
        self.assertEqual((rc, out, err), (0, "", ""))

    # -- --check -------------------------------------------------------
    def test_check(self):
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        rc, out, err = run("--db", self.db, "--check")
        self.assertEqual(rc, 0, err)
        self.assertIn("check ok", out)
        # change the content behind the index's back (the UPDATE trigger
        # dropped): FTS5's integrity-check against the content must fail
        con = sqlite3.connect(self.db)
        con.execute("DROP TRIGGER assignments_au")
        con.execute("UPDATE assignments SET status='helt annan text'"
                    " WHERE id=1")
        con.commit()
        con.close()
        rc, out, err = run("--db", self.db, "--check")
        self.assertEqual(rc, 2)
        self.assertIn("check failed", err)

    def test_update_by_hand(self):
        """A row fixed with the sqlite3 shell: the UPDATE trigger keeps the
        FTS index in step (new text found, old text not, --check passes),
        and an index made before the trigger existed gets it back."""
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        old = match(self.db, "mammografi")
        self.assertTrue(old)
        shell(self.db, "UPDATE assignments SET assignment='Rättad rad om"
              " suicidprevention', status='', source='' WHERE id IN"
              " (SELECT f.rowid FROM assignments_fts f"
              "  WHERE assignments_fts MATCH 'mammografi');")
        self.assertEqual(match(self.db, "mammografi"), [])
        self.assertTrue(set(old) <= set(match(self.db, "prevention")))
        rc, out, err = run("--db", self.db, "--check")
        self.assertEqual(rc, 0, err)
        con = sqlite3.connect(self.db)
        con.execute("DROP TRIGGER assignments_au")
        con.commit()
        con.close()
        rc, out, err = run("--db", self.db, "--check")
        self.assertEqual(rc, 0, err)
        con = sqlite3.connect(self.db)
        n = con.execute("SELECT count(*) FROM sqlite_schema"
                        " WHERE name='assignments_au'").fetchone()[0]
        con.close()
        self.assertEqual(n, 1)

    def test_check_damaged_pages(self):
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        size = os.path.getsize(self.db)
        with open(self.db, "r+b") as f:       # scribble over the last pages
            f.seek(size // 2)
            f.write(b"\xa5" * (size // 2))
        rc, out, err = run("--db", self.db, "--check")
        self.assertEqual(rc, 2)

    # -- segments: bulk runs end merged, small runs do not rewrite ------
    def segments(self):
        con = connect(self.db)
        try:
            return con.execute("SELECT count(DISTINCT segid)"
                               " FROM assignments_fts_idx").fetchone()[0]
        finally:
            con.close()

    def fts_options(self):
        con = connect(self.db)
        try:
            return dict(con.execute("SELECT k, v FROM assignments_fts_config"
                                    " WHERE k <> 'version'"))
        finally:
            con.close()

    def test_bulk_run_ends_with_one_segment(self):
        big = os.path.join(self.tmp, "big")
        subprocess.run([sys.executable, GEN, "--out", big, "--reports", "60",
                        "--quiet"], check=True, timeout=600)
        self.assertEqual(run("--db", self.db, big, self.dir)[0], 0)
        self.assertEqual(self.segments(), 1)
        self.assertEqual(self.fts_options(), {"automerge": 4,
                         "crisismerge": 16, "hashsize": 1048576})
        # one changed report of 62: a new segment, the rest not rewritten
        path = os.path.join(self.dir, sorted(os.listdir(self.dir))[0])
        with open(path, "a", encoding="utf-8") as f:
            f.write("\nxyzzyrad\tRS 2024\tsamverkan med kommunerna\n")
        self.assertEqual(run("--db", self.db, big, self.dir)[0], 0)
        self.assertGreater(self.segments(), 1)
        self.assertEqual(run("--db", self.db, "--check")[0], 0)
        self.assertEqual(len(match(self.db, "xyzzyrad")), 1)
        self.assert_vocab_exact()

    # -- crash safety --------------------------------------------------
    def test_kill_9(self):
        big = os.path.join(self.tmp, "big")
        nbig = 500
        subprocess.run([sys.executable, GEN, "--out", big, "--reports",
                        str(nbig), "--quiet"], check=True, timeout=600)
        self.assertEqual(run("--db", self.db, self.dir)[0], 0)
        # Five kills, each run resuming where the one before was killed,
        # at different moments of the runs: each leaves an index that
        # passes --check with the earlier reports whole.
        killed = 0
        for i in range(5):
            p = subprocess.Popen([INDEXER, "--db", self.db, big],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            self.procs.append(p)
            time.sleep(0.05 * (i + 1))
            p.send_signal(signal.SIGKILL)
            killed += p.wait() == -signal.SIGKILL
            rc, out, err = run("--db", self.db, "--check")
            self.assertEqual(rc, 0, "kill %d: %s" % (i + 1, err))
            # a bulk run's merge settings never reach a commit
            self.assertNotEqual(self.fts_options().get("automerge"), 0)
            c = self.counts()
            self.assertEqual(c["2018-12-05"], 19)
            self.assertEqual(c["2021-05-05"], 10)
        self.assertGreaterEqual(killed, 3, "the runs ended before the kills")
        self.assertIn(("2021-05-05", 3),
                      match(self.db, "mammografiverksamheten"))
        self.assert_vocab_exact()
        rc, out, err = run("--db", self.db, big, self.dir)
        self.assertEqual(rc, 0, err)
        con = connect(self.db)
        nrep, nrows = con.execute("SELECT count(*), sum(rows) FROM reports"
                                  ).fetchone()
        nassign = con.execute("SELECT count(*) FROM assignments").fetchone()[0]
        con.close()
        self.assertEqual(nrep, nbig + 2)
        self.assertEqual(nrows, nassign)
        self.assert_vocab_exact()
        self.assertEqual(run("--db", self.db, "--check")[0], 0)


if __name__ == "__main__":
    unittest.main(verbosity=1)

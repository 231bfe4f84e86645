"""make install into a temporary DESTDIR with PREFIX=/usr, then the
installed programs run from there: the indexer indexes the sample reports,
searchd (no --www, no --synonyms) serves the installed page and applies the
installed synonyms; systemd-analyze verify passes on the installed units
and man shows both pages without a warning; make uninstall removes every
file install put there, and keeps an edited settings file.

Needs systemd-analyze (Debian package systemd) and man (man-db), which
tools/deps installs: their absence is a failure, not a skip.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_install.py
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, REPORTS

BUILD_REL = os.environ.get("BUILD", "build")
UNITS = ("searchd.service", "indexer.service", "indexer.path",
         "indexer.timer")


def make(*args):
    """make -s ARGS in the repository with this test's build; returns the
    completed process (output captured)."""
    flags = ["BUILD=" + BUILD_REL]
    if os.path.basename(BUILD_REL.rstrip("/")) == "asan":
        flags += ["SAN=1", "OPT=-O1 -g"]     # as make check builds it
    return subprocess.run(["make", "-s", "--no-print-directory"] + flags
                          + list(args), cwd=TOP, capture_output=True,
                          text=True, timeout=600)


def files_under(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="install-")
        cls.root = os.path.join(cls.tmp, "root")
        p = make("install", "DESTDIR=" + cls.root, "PREFIX=/usr")
        if p.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError("make install: " + p.stdout + p.stderr)
        cls.installed = files_under(cls.root)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, rel):
        return os.path.join(self.root, rel)

    def test_1_layout(self):
        want = {"usr/bin/indexer", "usr/sbin/searchd", "usr/lib/aar/swedish.so",
                "usr/share/aar/synonyms.txt", "usr/share/aar/www/index.html",
                "usr/share/man/man1/indexer.1", "usr/share/man/man8/searchd.8",
                "etc/default/searchd"}
        want |= {"usr/lib/systemd/system/" + u for u in UNITS}
        self.assertLessEqual(want, self.installed)
        for u in UNITS:
            with open(self.path("usr/lib/systemd/system/" + u)) as f:
                self.assertNotIn("@", f.read(), u)   # every path filled in

    def start(self, db, *flags):
        try:
            return searchd_proc.Searchd(self.path("usr/sbin/searchd"), db,
                                        list(flags), workdir=self.tmp)
        except RuntimeError as e:
            raise AssertionError(str(e))

    def stop(self, srv):
        log = srv.stop()
        self.assertIsNone(searchd_proc.sanitizer_report(log), log)
        self.assertIn(srv.proc.returncode, (0, -signal.SIGTERM), log)
        return log

    def total(self, srv, q):
        st, _, body = srv.get("/search?" + urllib.parse.urlencode({"q": q}))
        self.assertEqual(st, 200, body)
        return json.loads(body)["total"]

    def test_2_run_installed(self):
        db = os.path.join(self.tmp, "index.db")
        p = subprocess.run([self.path("usr/bin/indexer"), "--db", db, REPORTS],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        srv = self.start(db)
        plain = self.start(db, "--synonyms", "")
        try:
            st, hd, body = srv.get("/")
            self.assertEqual(st, 200, body)
            self.assertTrue(hd["Content-Type"].startswith("text/html"))
            with open(self.path("usr/share/aar/www/index.html"), "rb") as f:
                self.assertEqual(body, f.read())
            # The samples never say VUP, only what it stands for: found
            # through the installed synonyms file alone.
            self.assertEqual(self.total(plain, "VUP"), 0)
            self.assertGreater(self.total(srv, "VUP"), 0)
        finally:
            log = self.stop(srv)
            self.stop(plain)
        syn = os.path.realpath(self.path("usr/share/aar/synonyms.txt"))
        self.assertIn("synonyms: ", log)
        self.assertIn(" sets from " + syn, log)
        self.assertNotIn("not found", log)

    def test_3_units_verify(self):
        # systemd-analyze verify --root needs the system's own units (the
        # targets ours name) and the commands they run under one root: a
        # second install beside a copy of them.
        analyze = shutil.which("systemd-analyze")
        self.assertIsNotNone(analyze, "no systemd-analyze: run make deps")
        vroot = os.path.join(self.tmp, "verify")
        os.makedirs(os.path.join(vroot, "usr/lib/systemd"))
        shutil.copytree("/usr/lib/systemd/system",
                        os.path.join(vroot, "usr/lib/systemd/system"),
                        symlinks=True)
        p = make("install", "DESTDIR=" + vroot, "PREFIX=/usr")
        self.assertEqual(p.returncode, 0, p.stderr)
        shutil.copy(shutil.which("kill"), os.path.join(vroot, "usr/bin"))
        units = [os.path.join(vroot, "usr/lib/systemd/system", u)
                 for u in UNITS]
        env = dict(os.environ,
                   MANPATH=os.path.join(vroot, "usr/share/man"))
        p = subprocess.run([analyze, "verify", "--root=" + vroot] + units,
                           capture_output=True, text=True, env=env,
                           timeout=120)
        self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""))

    def test_4_man_pages(self):
        self.assertIsNotNone(shutil.which("man"), "no man: run make deps")
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
        for page, title in (("usr/share/man/man1/indexer.1", "INDEXER(1)"),
                            ("usr/share/man/man8/searchd.8", "SEARCHD(8)")):
            p = subprocess.run(["man", "--warnings", "-l", self.path(page)],
                               capture_output=True, text=True, env=env,
                               timeout=60)
            self.assertEqual((p.returncode, p.stderr), (0, ""), page)
            self.assertIn(title, p.stdout)

    def test_5_uninstall(self):
        root = os.path.join(self.tmp, "again")
        self.assertEqual(make("install", "DESTDIR=" + root,
                              "PREFIX=/usr").returncode, 0)
        self.assertEqual(files_under(root), self.installed)
        p = make("uninstall", "DESTDIR=" + root, "PREFIX=/usr")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(files_under(root), set())
        for d in ("usr/share/aar", "usr/lib/aar"):
            self.assertFalse(os.path.exists(os.path.join(root, d)), d)
        # An operator's edited settings survive install and uninstall.
        self.assertEqual(make("install", "DESTDIR=" + root,
                              "PREFIX=/usr").returncode, 0)
        conf = os.path.join(root, "etc/default/searchd")
        with open(conf, "a") as f:
            f.write('SEARCHD_OPTS="--listen 8081"\n')
        self.assertEqual(make("install", "DESTDIR=" + root,
                              "PREFIX=/usr").returncode, 0)
        with open(conf) as f:
            self.assertIn("8081", f.read())
        self.assertEqual(make("uninstall", "DESTDIR=" + root,
                              "PREFIX=/usr").returncode, 0)
        self.assertEqual(files_under(root), {"etc/default/searchd"})


if __name__ == "__main__":
    unittest.main(verbosity=2)

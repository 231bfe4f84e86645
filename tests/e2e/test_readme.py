"""README.md's commands, checked so the manual cannot rot.

Every fenced block of README.md tagged `sh` or `sql` is read:
- `sql` blocks run in the sqlite3 shell over an index of the sample
  reports and must print rows without an error;
- `sh` lines run when they can here: `build/indexer` and `build/searchd`
  with the README's example paths mapped to a scratch folder, `curl`
  against that searchd; `make TARGET` must name a target of the Makefile
  (make demo and make check are what this very run is); `systemctl`
  lines must name units the repository ships;
- every `--flag` the README mentions (outside systemctl and make lines)
  must be one that indexer or searchd lists in its --help.
A line of a block that none of these rules knows fails the test, so a new
kind of command gets a rule rather than going unchecked.

Standard library only."""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from searchd_proc import Searchd, sanitizer_report  # noqa: E402

TOP = os.environ.get("TOP", os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD = os.path.join(TOP, os.environ.get("BUILD", "build"))
README = os.path.join(TOP, "README.md")
SAMPLES = os.path.join(TOP, "tests", "fixtures", "reports")


def blocks(text, lang):
    """The bodies of the fenced blocks tagged lang, in order."""
    return re.findall(r"^```%s\n(.*?)^```" % lang, text, re.M | re.S)


def commands(body):
    """The command lines of an sh block, comments stripped."""
    out = []
    for line in body.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def sanitizer_env():
    """The environment for a shell that loads an ASan-built extension: the
    sanitizer runtimes must be loaded before it."""
    env = dict(os.environ)
    if "asan" in BUILD:
        libs = [subprocess.run(["gcc", "-print-file-name=lib%s.so" % n],
                               capture_output=True, text=True,
                               check=True).stdout.strip()
                for n in ("asan", "ubsan")]
        env["LD_PRELOAD"] = " ".join(libs)
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    return env


def make_targets():
    with open(os.path.join(TOP, "Makefile"), encoding="utf-8") as f:
        text = f.read()
    names = set()
    for m in re.finditer(r"^([A-Za-z][\w .-]*):(?!=)", text, re.M):
        names.update(m.group(1).split())
    return names


class ReadmeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(README, encoding="utf-8") as f:
            cls.text = f.read()
        cls.tmp = tempfile.mkdtemp(prefix="readme-")
        cls.db = os.path.join(cls.tmp, "index.db")
        cls.reports = os.path.join(cls.tmp, "reports")
        shutil.copytree(SAMPLES, cls.reports)
        cls.searchd = None

    @classmethod
    def tearDownClass(cls):
        if cls.searchd:
            cls.searchd.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def local(self, words):
        """The README's example paths mapped to the scratch folder, and
        build/ to the build under test."""
        m = {"/srv/aar/index.db": self.db, "/srv/aar/reports": self.reports,
             "build/demo.db": self.db}
        out = []
        for w in words:
            w = m.get(w, w)
            if w.startswith("build/"):
                w = os.path.join(BUILD, w[len("build/"):])
            out.append(w)
        return out

    def run_indexer(self, words):
        r = subprocess.run(self.local(words), capture_output=True,
                           text=True, timeout=300)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertNotIn("error", r.stderr.lower())

    def run_searchd(self, words):
        args = self.local(words)
        db = args[args.index("--db") + 1]
        flags = [a for a in args[1:] if a not in ("--db", db)]
        if "--listen" in flags:            # an ephemeral port instead
            i = flags.index("--listen")
            del flags[i:i + 2]
        type(self).searchd = Searchd(args[0], db, flags)

    def run_curl(self, words):
        self.assertIsNotNone(self.searchd, "curl before searchd in README")
        url = [w for w in words if w.startswith("http")][0]
        url = re.sub(r"//127\.0\.0\.1:\d+", "//127.0.0.1:%d"
                     % self.searchd.port, url)
        with urllib.request.urlopen(url, timeout=30) as r:
            self.assertEqual(r.status, 200)
            body = r.read().decode("utf-8")
        # /search lists hits, /assignments assignments: some of them
        self.assertIn('"assignments"' if "/assignments" in url else '"hits"',
                      body)
        self.assertRegex(body, r'"total":\s*[1-9]')

    def check_make(self, words):
        targets = make_targets()
        for w in words[1:]:
            if "=" not in w and not w.startswith("-"):
                self.assertIn(w, targets, "make %s: no such target" % w)

    def check_systemctl(self, words):
        shipped = os.listdir(os.path.join(TOP, "dist", "systemd"))
        for w in words:
            if re.match(r"[\w-]+\.(service|path|timer)$", w):
                self.assertIn(w + ".in", shipped, w)

    def run_line(self, line):
        for part in re.split(r"\s*&&\s*", line):
            words = shlex.split(part)
            if words[0] == "sudo":
                words = words[1:]
            cmd = words[0]
            if cmd == "build/indexer":
                self.run_indexer(words)
            elif cmd == "build/searchd":
                self.run_searchd(words)
            elif cmd == "curl":
                self.run_curl(words)
            elif cmd == "make":
                self.check_make(words)
            elif cmd == "systemctl":
                self.check_systemctl(words)
            else:
                self.fail("README command with no rule here: " + part)

    def test_sh_blocks(self):
        lines = [c for b in blocks(self.text, "sh") for c in commands(b)]
        self.assertGreater(len(lines), 5)
        for line in lines:
            with self.subTest(line=line):
                self.run_line(line)
        if self.searchd:
            self.assertIsNone(sanitizer_report(self.searchd.log()))

    def test_sql_blocks(self):
        sql = blocks(self.text, "sql")
        self.assertTrue(sql)
        r = subprocess.run([os.path.join(BUILD, "indexer"), "--db", self.db,
                            "--quiet", SAMPLES], capture_output=True,
                           text=True, timeout=300)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        for body in sql:
            body = body.replace(".load build/swedish",
                                ".load " + os.path.join(BUILD, "swedish"))
            r = subprocess.run(["sqlite3", "-bail", self.db], input=body,
                               capture_output=True, text=True, timeout=60,
                               env=sanitizer_env())
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "")
            self.assertGreater(len(r.stdout.splitlines()), 0, body)

    def test_flags_exist(self):
        helps = ""
        for prog in ("indexer", "searchd"):
            r = subprocess.run([os.path.join(BUILD, prog), "--help"],
                               capture_output=True, text=True, timeout=30)
            helps += r.stdout + r.stderr
        # other programs' flags (systemctl --now) are not ours to check
        text = "\n".join(l for l in self.text.splitlines()
                         if not re.match(r"\s*(sudo )?(systemctl|make)\b", l))
        for flag in sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]+",
                                          text))):
            with self.subTest(flag=flag):
                self.assertTrue(re.search(r"(?<![\w-])%s\b" % flag, helps),
                                "%s is in no --help" % flag)


if __name__ == "__main__":
    unittest.main(verbosity=1)

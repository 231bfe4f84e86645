"""End-to-end tests of the search-box features against the real searchd:
/suggest, diacritics and typo corrections in /search, synonyms (and their
reload on SIGHUP), the static search page and CORS.

The index holds the two sample reports plus one report written here, so
every behaviour has a row to find (a row that says only "suicidprevention",
the bare word "mammografi").

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_box.py
"""
import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

TOP = os.environ.get("TOP", os.getcwd())
BUILD = os.path.join(TOP, os.environ.get("BUILD", "build"))
SAMPLES = os.path.join(TOP, "tests", "fixtures", "reports")
TITLE = "Återrapportering av regionstyrelsens uppdrag till regiondirektören"

# One more report in the samples' format (title on line 3, TAB-separated rows).
EXTRA_ROWS = [
    ("Utveckla arbetet med suicidprevention i länet", "Stabsplan 2018",
     "Arbetet pågår med länets kommuner."),
    ("Erbjuda mammografi i glesbygden", "RS 201111",
     "Mammografi erbjuds nu i Kalix och Haparanda."),
    ("Förbättra arbetet med läkemedelsgenomgångar", "RS 201111",
     "Fler läkemedelsgenomgångar har gjorts under året."),
    ("Planera inflyttningen i Kiruna nya sjukhus", "RS 201111",
     "Inflyttningen planeras till hösten."),
]
EXTRA = "\n\n%s 2020-03-04\n\n" % TITLE + "\n".join(
    "\t".join(r) for r in EXTRA_ROWS)


def read(path):
    with open(path) as f:
        return f.read()


class Server:
    """searchd on an ephemeral port; always stopped by stop()."""

    def __init__(self, db, *flags):
        self.dir = tempfile.mkdtemp(prefix="box-srv-")
        port_file = os.path.join(self.dir, "port")
        self.log = open(os.path.join(self.dir, "log"), "w+")
        self.proc = subprocess.Popen(
            [os.path.join(BUILD, "searchd"), "--db", db, "--listen",
             "127.0.0.1:0", "--port-file", port_file, "--quiet"] + list(flags),
            stdout=self.log, stderr=self.log)
        for _ in range(200):
            if os.path.exists(port_file) and read(port_file).strip():
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        else:
            self.stop()
            raise AssertionError("searchd did not start")
        if self.proc.poll() is not None:
            out = self.log_text()
            self.stop()
            raise AssertionError("searchd exited: " + out)
        self.port = int(read(port_file).strip())

    def log_text(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def get(self, path, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request("GET", path, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def json(self, path, **params):
        q = urllib.parse.urlencode(params)
        status, _, body = self.get(path + ("?" + q if q else ""))
        return status, json.loads(body.decode("utf-8"))

    def stop(self):
        """Stop searchd; fail if it crashed or a sanitizer complained (the
        ASan/UBSan build reports leaks at exit)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        out = self.log_text()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        if ("Sanitizer" in out or "runtime error:" in out
                or self.proc.returncode not in (0, -signal.SIGTERM)):
            raise AssertionError("searchd exit %s:\n%s"
                                 % (self.proc.returncode, out[-3000:]))


def build_index(tmp):
    reports = os.path.join(tmp, "reports")
    shutil.copytree(SAMPLES, reports)
    with open(os.path.join(reports, "2020-03-04.txt"), "w") as f:
        f.write(EXTRA)
    db = os.path.join(tmp, "t.db")
    p = subprocess.run([os.path.join(BUILD, "indexer"), "--quiet", "--db", db,
                        reports], capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise AssertionError("indexer: " + p.stderr)
    return db


def texts(d):
    return [s["text"] for s in d["suggestions"]]


class BoxTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="box-")
        try:
            cls.db = build_index(cls.tmp)
            cls.syn = os.path.join(cls.tmp, "synonyms.txt")
            shutil.copy(os.path.join(TOP, "searchd", "synonyms.txt"), cls.syn)
            cls.srv = Server(cls.db, "--synonyms", cls.syn)
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def search(self, q, **params):
        status, d = self.srv.json("/search", q=q, limit=50, **params)
        self.assertEqual(status, 200, d)
        return d

    def rows(self, q):
        return {(h["report_date"], h["row"]) for h in self.search(q)["hits"]}

    # ---- suggestions ---------------------------------------------------

    def test_suggest_prefix(self):
        for q in ("mammo", "Mammo", "MAMMO"):
            status, d = self.srv.json("/suggest", q=q)
            self.assertEqual(status, 200)
            self.assertEqual(d["query"], q)
            t = texts(d)
            self.assertIn("mammografi", t, q)
            self.assertIn("mammografiverksamheten", t, q)
            self.assertTrue(all(x.startswith("mammo") for x in t), t)
            counts = [s["count"] for s in d["suggestions"]]
            self.assertEqual(counts, sorted(counts, reverse=True))
            self.assertTrue(d["hits"], q)
            for h in d["hits"]:
                self.assertRegex(h["report_date"], r"^\d{4}-\d\d-\d\d$")
                self.assertIsInstance(h["row"], int)
                self.assertIn("ammografi", h["assignment"].lower())

    def test_suggest_suicid(self):
        _, d = self.srv.json("/suggest", q="suicid")
        self.assertIn("suicidprevention", texts(d))

    def test_suggest_diacritics_kept(self):
        _, d = self.srv.json("/suggest", q="läkeme")
        self.assertTrue(any(t.startswith("läkemedelsgenomgång")
                            for t in texts(d)), texts(d))
        _, d = self.srv.json("/suggest", q="ÖSTRA")
        self.assertIn("östra", texts(d))

    def test_suggest_short_and_empty(self):
        for q in ("", "m", " ", "ö", "mammo ", "--"):
            status, d = self.srv.json("/suggest", q=q)
            self.assertEqual(status, 200, q)
            self.assertEqual(d["suggestions"], [], q)
            self.assertEqual(d["hits"], [], q)

    def test_suggest_multiword(self):
        _, d = self.srv.json("/suggest", q="nära vår")
        t = texts(d)
        self.assertTrue(t, d)
        self.assertTrue(all(x.startswith("nära vår") for x in t), t)
        self.assertIn("nära vård", t)
        # Hits match the earlier words and a completion in any column.
        found = self.rows("nära vård")
        self.assertTrue(d["hits"])
        for h in d["hits"]:
            self.assertIn((h["report_date"], h["row"]), found)

    def test_suggest_limit_and_errors(self):
        _, d = self.srv.json("/suggest", q="för", limit=2)
        self.assertLessEqual(len(d["suggestions"]), 2)
        for params in ({"q": "mammo", "limit": "0"}, {"q": "x", "limit": "abc"},
                       {"q": "mammo", "limit": "1000"}, {}):
            status, d = self.srv.json("/suggest", **params)
            self.assertEqual(status, 400, params)
            self.assertIn("error", d)
        status, d = self.srv.json("/suggest", q="a" * 300)
        self.assertEqual(status, 414)
        status, _, _ = self.srv.get("/suggest?q=%ff%fe%fd")
        self.assertEqual(status, 200)

    # ---- forgiving queries -----------------------------------------------

    def test_diacritics_restored(self):
        for typed, want in (("lakemedelsgenomgang", "läkemedelsgenomgång"),
                            ("narsjukvard", "närsjukvård")):
            d = self.search(typed)
            self.assertEqual(d["corrected"], {"from": typed, "to": want})
            self.assertGreater(d["total"], 0, typed)
            self.assertIn("<mark>", json.dumps(d["hits"][0]["highlights"]))

    def test_typo_corrected(self):
        d = self.search("mamografi")
        self.assertEqual(d["corrected"], {"from": "mamografi",
                                          "to": "mammografi"})
        self.assertIn(("2020-03-04", 2), {(h["report_date"], h["row"])
                                          for h in d["hits"]})

    def test_correct_word_never_corrected(self):
        for q in ("mammografi", "vård", "Kalix", "läkemedelsgenomgångar",
                  "nära vård", "mammo*"):
            d = self.search(q)
            self.assertNotIn("corrected", d, q)
            self.assertGreater(d["total"], 0, q)

    def test_nonsense_not_corrected(self):
        d = self.search("xqzvwpt")
        self.assertNotIn("corrected", d)
        self.assertEqual(d["total"], 0)

    # ---- synonyms --------------------------------------------------------

    def test_synonym_sjalvmord(self):
        only_suicid = ("2020-03-04", 1)
        self.assertIn(only_suicid, self.rows("självmord"))
        self.assertIn(only_suicid, self.rows("självmordet"))
        d = self.search("självmord")
        self.assertNotIn("corrected", d)

    def test_synonym_acronym(self):
        # Row 4 of the extra report says only "Kiruna nya sjukhus".
        kns = self.rows("KNS")
        self.assertIn(("2020-03-04", 4), kns)
        self.assertIn(("2021-05-05", 5), kns)
        self.assertEqual(kns, self.rows('"Kiruna nya sjukhus"'))
        self.assertEqual(kns, self.rows("kns"))


class ReloadTest(unittest.TestCase):
    """Editing the synonyms file and sending SIGHUP needs no re-index."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="box-reload-")
        self.srv = None
        try:
            self.db = build_index(self.tmp)
            self.syn = os.path.join(self.tmp, "synonyms.txt")
            with open(self.syn, "w") as f:
                f.write("# test\nsuicid, självmord\n")
            self.srv = Server(self.db, "--synonyms", self.syn, "--threads", "2")
        except BaseException:
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise

    def tearDown(self):
        if self.srv:
            self.srv.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def total(self, q):
        status, d = self.srv.json("/search", q=q, limit=1)
        self.assertEqual(status, 200, d)
        return d["total"]

    def wait_total(self, q, cond):
        """Workers reopen at their next request after SIGHUP; the signal is
        handled asynchronously, so ask until every worker has seen it."""
        for _ in range(100):
            if all(cond(self.total(q)) for _ in range(4)):
                return True
            time.sleep(0.05)
        return False

    def test_sighup_reload(self):
        self.assertEqual(self.total("glesbygdssjukvård"), 0)
        self.assertGreater(self.total("självmord"), 0)
        with open(self.syn, "w") as f:
            f.write("glesbygdssjukvård, mammografi\n")
        self.srv.proc.send_signal(signal.SIGHUP)
        self.assertTrue(self.wait_total("glesbygdssjukvård", lambda n: n > 0),
                        self.srv.log_text())
        # A broken file: logged; the server keeps answering.
        with open(self.syn, "w") as f:
            f.write("only-one-member\n")
        self.srv.proc.send_signal(signal.SIGHUP)
        time.sleep(0.2)
        self.assertIsNotNone(self.total("mammografi"))
        self.assertIn("a set needs at least two members", self.srv.log_text())


class StaticTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="box-static-")
        try:
            cls.db = build_index(cls.tmp)
            # A folder with a symlink pointing out of it.
            cls.www = os.path.join(cls.tmp, "www")
            shutil.copytree(os.path.join(TOP, "searchd", "www"), cls.www)
            with open(os.path.join(cls.tmp, "secret.txt"), "w") as f:
                f.write("secret")
            os.symlink(os.path.join(cls.tmp, "secret.txt"),
                       os.path.join(cls.www, "leak.txt"))
            cls.srv = Server(cls.db, "--www", cls.www, "--cors-origin",
                             "https://portal.example")
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_page_and_files(self):
        for path, ctype in (("/", "text/html"), ("/index.html", "text/html"),
                            ("/static/app.js", "text/javascript"),
                            ("/static/style.css", "text/css")):
            status, h, body = self.srv.get(path)
            self.assertEqual(status, 200, path)
            self.assertTrue(h["Content-Type"].startswith(ctype), h)
            self.assertEqual(h["X-Content-Type-Options"], "nosniff")
            self.assertIn("ETag", h)
            self.assertTrue(body)
        status, h, body = self.srv.get("/")
        self.assertIn(b'role="combobox"', body)
        self.assertIn("default-src 'self'", h["Content-Security-Policy"])
        self.assertNotIn(b"http://", body)
        self.assertNotIn(b"https://", body)

    def test_etag(self):
        _, h, _ = self.srv.get("/static/style.css")
        status, _, body = self.srv.get("/static/style.css",
                                       {"If-None-Match": h["ETag"]})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")

    def test_traversal(self):
        bad = ["/static/../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
               "/static/..%2f..%2fetc%2fpasswd", "/static/%2E%2E/main.c",
               "/static/app.js%00.css", "/static//etc/passwd",
               "/static/.hidden.css", "/static/leak.txt", "/static/",
               "/static/app.js/", "/static/..", "/static/app.c",
               "/static/%252e%252e/etc/passwd", "/etc/passwd",
               "/static/a\\..\\b.css", "/static/" + "a" * 300 + ".css"]
        for path in bad:
            c = http.client.HTTPConnection("127.0.0.1", self.srv.port,
                                           timeout=30)
            try:
                c.putrequest("GET", path, skip_accept_encoding=True)
                c.endheaders()
                r = c.getresponse()
                body = r.read()
            finally:
                c.close()
            self.assertIn(r.status, (400, 404), path)
            self.assertNotIn(b"secret", body, path)
            self.assertNotIn(b"root:", body, path)
        status, _, _ = self.srv.get("/")
        self.assertEqual(status, 200)

    def test_cors(self):
        _, h, _ = self.srv.get("/suggest?q=mammo",
                               {"Origin": "https://portal.example"})
        self.assertEqual(h.get("Access-Control-Allow-Origin"),
                         "https://portal.example")
        _, h, _ = self.srv.get("/search?q=mammo",
                               {"Origin": "https://portal.example"})
        self.assertEqual(h.get("Access-Control-Allow-Origin"),
                         "https://portal.example")
        _, h, _ = self.srv.get("/suggest?q=mammo",
                               {"Origin": "https://evil.example"})
        self.assertNotIn("Access-Control-Allow-Origin", h)

    def test_no_cors_by_default(self):
        srv = Server(self.db)
        try:
            _, h, _ = srv.get("/suggest?q=mammo",
                              {"Origin": "https://portal.example"})
            self.assertNotIn("Access-Control-Allow-Origin", h)
        finally:
            srv.stop()


if __name__ == "__main__":
    unittest.main(verbosity=1)

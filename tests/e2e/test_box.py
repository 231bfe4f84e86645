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

import searchd_proc
from searchd_proc import TOP, BUILD, REPORTS, TITLE


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
    ("Korta köerna till barn- och ungdomspsykiatri", "RS 201111",
     "Väntetiden har minskat."),
    ("Följa upp vårdgarantin", "RS 201111", "Den följs upp varje månad."),
    ("Redovisa vårdgarantiuppföljningen", "RS 201111", "Den är klar."),
    ("Säkra kompetensförsörjningen", "RS 201111", "Arbetet pågår."),
    ("Ta fram en plan för det nya sjukhuset i Kiruna", "RS 201111",
     "Planen är klar."),
    ("Kiruna kommun planerar nya bostäder, skolor, vägar, parker och till "
     "sist ett större sjukhus", "RS 201111", "Inget beslut ännu."),
]
EXTRA = "\n\n%s 2020-03-04\n\n" % TITLE + "\n".join(
    "\t".join(r) for r in EXTRA_ROWS)


def read(path):
    with open(path) as f:
        return f.read()


class Server(searchd_proc.Searchd):
    """searchd --quiet on an ephemeral port; always stopped by stop(), which
    fails if it crashed or a sanitizer complained (the ASan/UBSan build
    reports leaks at exit)."""

    def __init__(self, db, *flags):
        try:
            super().__init__(os.path.join(BUILD, "searchd"), db,
                             ["--quiet"] + list(flags))
        except RuntimeError as e:
            raise AssertionError(str(e))

    def log_text(self):
        return self.log()

    def get(self, path, headers=None):
        return super().get(path, "GET", headers)

    def json(self, path, **params):
        q = urllib.parse.urlencode(params)
        status, _, body = self.get(path + ("?" + q if q else ""))
        return status, json.loads(body.decode("utf-8"))

    def stop(self):
        out = super().stop()
        if (searchd_proc.sanitizer_report(out)
                or self.proc.returncode not in (0, -signal.SIGTERM)):
            raise AssertionError("searchd exit %s:\n%s"
                                 % (self.proc.returncode, out[-3000:]))
        return out


def build_index(tmp):
    reports = os.path.join(tmp, "reports")
    shutil.copytree(REPORTS, reports)
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

    def test_suggest_counts_are_search_totals(self):
        """Each completion's count is what /search gives as rows for its
        text, so none finds nothing, and they come most first."""
        for q in ("nära v", "nära vå", "mammo", "lakemedel", "kns", "suicid",
                  "vård o", "Kiruna nya sj"):
            status, d = self.srv.json("/suggest", q=q)
            self.assertEqual(status, 200, q)
            self.assertTrue(d["suggestions"], q)
            counts = [s["count"] for s in d["suggestions"]]
            self.assertEqual(counts, sorted(counts, reverse=True), q)
            for s in d["suggestions"]:
                self.assertGreater(s["count"], 0, s)
                self.assertEqual(s["count"], self.search(s["text"])["rows"],
                                 s)

    def test_suggest_one_letter_after_words(self):
        _, d = self.srv.json("/suggest", q="nära v")
        t = texts(d)
        self.assertIn("nära vård", t)
        self.assertTrue(all(x.startswith("nära v") for x in t), t)
        _, d = self.srv.json("/suggest", q="v")
        self.assertEqual(d["suggestions"], [])

    def test_suggest_folds_diacritics(self):
        _, d = self.srv.json("/suggest", q="lakemedel")
        self.assertTrue(texts(d), d)
        self.assertTrue(all(x.startswith("läkemedel") for x in texts(d)),
                        texts(d))
        # One form per word: the most frequent (läkemedelsgenomgångar here).
        self.assertTrue(any(x.startswith("läkemedelsgenomgång")
                            for x in texts(d)), texts(d))

    def test_suggest_hits_are_ranked(self):
        """The preview rows are the completed query's top hits, in the
        order /search gives them."""
        for q in ("mammo", "nära vå", "suicid"):
            _, d = self.srv.json("/suggest", q=q)
            top = d["suggestions"][0]["text"]
            hits = self.search(top)["hits"]
            want = [(h["report_date"], h["row"]) for h in hits[:3]]
            got = [(h["report_date"], h["row"]) for h in d["hits"]]
            self.assertEqual(got, want[:len(got)], q)
            self.assertEqual(len(got), min(3, len(hits)), q)

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

    def test_suggest_hostile(self):
        """Bounded work whatever q is: many words, only punctuation, FTS5
        syntax, invalid UTF-8, control bytes. Always a JSON answer."""
        many = "a " * 120 + "mammo"
        common = "och " * 60 + "mammo"
        cases = [many, common, "!" * 256, "mammo" + "x" * 251,
                 '"" NEAR( OR AND NOT ) : ^ * mammo', 'x" OR "y mammo',
                 "-mammo", "mammo*", "col:mammo", "\x01\x02 mammo",
                 "\u202e\ufeff mammo"]
        for q in cases:
            self.assertLessEqual(len(q.encode()), 256, q)
            status, d = self.srv.json("/suggest", q=q)
            self.assertEqual(status, 200, (q, d))
            self.assertLessEqual(len(d["suggestions"]), 8)
            self.assertLessEqual(len(d["hits"]), 3)
        # Past /search's cost limit (32 terms) a completed query would be
        # refused (400): none is offered. Below it, stop words and all,
        # the completion is counted and previewed.
        for q in (many, common):
            _, d = self.srv.json("/suggest", q=q)
            self.assertEqual(d["suggestions"], [], q)
            status, _ = self.srv.json("/search", q=q[:-5] + "mammografi")
            self.assertEqual(status, 400)
        few = "och " * 20 + "mammo"
        _, d = self.srv.json("/suggest", q=few)
        self.assertIn(few[:-5] + "mammografi", texts(d))
        self.assertTrue(d["hits"], "common earlier words still find rows")
        for raw in ("%ff%fe%fd", "mammo%ff", "%c3%a5%c3", "%ed%a0%80mammo",
                    "%f4%90%80%80+mammo", "%c0%afmammo", "mam%01mo"):
            status, _, body = self.srv.get("/suggest?q=" + raw)
            self.assertEqual(status, 200, raw)
            d = json.loads(body.decode("utf-8"))      # valid UTF-8 JSON
            self.assertIsInstance(d["query"], str)
        status, d = self.srv.json("/suggest", q="å\u0000mammo")  # a NUL
        self.assertEqual(status, 400)
        self.assertIn("error", d)
        status, d = self.srv.json("/suggest", q="x" * 256)
        self.assertEqual(status, 200)
        status, d = self.srv.json("/suggest", q="x" * 257)
        self.assertEqual(status, 414)
        self.assertIn("error", d)

    def test_suggest_time_limit(self):
        """Past its time limit /suggest answers 503 with a JSON error, like
        /search (--query-ms 0: the limit has passed at the first step)."""
        srv = Server(self.db, "--query-ms", "0")
        try:
            for q in ("mammo", "nära vår", "mammografiv"):
                status, d = srv.json("/suggest", q=q)
                self.assertEqual(status, 503, q)
                self.assertIn("too long", d["error"])
            status, d = srv.json("/suggest", q="m")     # no work: no limit
            self.assertEqual(status, 200)
        finally:
            srv.stop()

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

    def test_part_match_below_whole_word(self):
        # vårdgaranti is a part of vårdgarantiuppföljningen (found, below
        # the row that says vårdgarantin); kompetensförsörjning a part of
        # the sample's kompetensförsörjningsbehovet.
        for q, whole, part in (
                ("vårdgaranti", ("2020-03-04", 6), ("2020-03-04", 7)),
                ("kompetensförsörjning", ("2020-03-04", 8),
                 ("2018-12-05", 5))):
            hits = self.search(q)["hits"]
            keys = [(h["report_date"], h["row"]) for h in hits]
            self.assertEqual(keys[:2], [whole, part], q)
            self.assertGreater(hits[0]["score"], hits[1]["score"], q)

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

    def test_synonym_near(self):
        """A member of several words also finds its words close together
        in any order (row 9: "det nya sjukhuset i Kiruna"), not far apart
        (row 10), ranked below the exact phrase (row 4)."""
        for q in ("KNS", "Kiruna nya sjukhus", '"Kiruna nya sjukhus"'):
            found = self.rows(q)
            self.assertIn(("2020-03-04", 9), found, q)
            self.assertNotIn(("2020-03-04", 10), found, q)
        hits = [(h["report_date"], h["row"]) for h in self.search("KNS")["hits"]]
        self.assertLess(hits.index(("2020-03-04", 4)),
                        hits.index(("2020-03-04", 9)))

    def test_synonym_multiword_unquoted(self):
        # A member of several words typed without quotes is matched as
        # consecutive words and searched as (phrase OR the set's others).
        kns = self.rows("KNS")
        self.assertEqual(self.rows("Kiruna nya sjukhus"), kns)
        self.assertEqual(self.rows("kiruna  NYA sjukhus"), kns)
        bup = self.rows("BUP")
        self.assertIn(("2020-03-04", 5), bup)
        self.assertTrue(any(d == "2018-12-05" for d, _ in bup), bup)
        self.assertEqual(self.rows("barn- och ungdomspsykiatri"), bup)
        self.assertEqual(self.rows('"barn- och ungdomspsykiatri"'), bup)
        # The rest of the query stays as typed.
        self.assertEqual(self.rows("inflyttningen Kiruna nya sjukhus"),
                         {("2020-03-04", 4)})
        self.assertEqual(self.rows("inflyttningen KNS"), {("2020-03-04", 4)})
        self.assertEqual(self.rows("köerna barn- och ungdomspsykiatri"),
                         {("2020-03-04", 5)})
        d = self.search("Kiruna nya sjukhus")
        self.assertNotIn("corrected", d)
        self.assertIn("<mark>", json.dumps(d["hits"]))


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

    def hup(self, text):
        """SIGHUP: every connection (two workers, two search threads)
        reopens at once and logs the synonyms it loaded. Wait until text
        is in the log four more times than before."""
        count = self.srv.log_text().count(text) + 4
        self.srv.proc.send_signal(signal.SIGHUP)
        for _ in range(500):
            if self.srv.log_text().count(text) >= count:
                return True
            time.sleep(0.01)
        return False

    def test_sighup_reload(self):
        loaded = "synonyms: 1 sets from " + self.syn
        self.assertEqual(self.total("glesbygdssjukvård"), 0)
        self.assertGreater(self.total("självmord"), 1)
        with open(self.syn, "w") as f:
            f.write("glesbygdssjukvård, mammografi\n")
        self.assertTrue(self.hup(loaded), self.srv.log_text())
        for _ in range(8):
            self.assertGreater(self.total("glesbygdssjukvård"), 0)
        # A broken file: every connection logs it with file and line, keeps
        # the sets it had; the server keeps answering.
        with open(self.syn, "w") as f:
            f.write("glesbygdssjukvård, mammografi\nonly-one-member\n")
        want = "%s:2: a set needs at least two members" % self.syn
        self.assertTrue(self.hup(want), self.srv.log_text())
        log = self.srv.log_text()
        self.assertEqual(log.count(want), 4, log)
        self.assertEqual(log.count("keeping the previous 1 sets"), 4, log)
        for _ in range(8):
            self.assertGreater(self.total("glesbygdssjukvård"), 0)
            # Only the 2018 report says "självmordsprevention" itself.
            self.assertEqual(self.total("självmord"), 1)
        # Fixed again: the new sets apply.
        with open(self.syn, "w") as f:
            f.write("suicid, självmord\n")
        self.assertTrue(self.hup(loaded), self.srv.log_text())
        for _ in range(8):
            self.assertEqual(self.total("glesbygdssjukvård"), 0)
            self.assertGreater(self.total("självmord"), 1)


class StartupTest(unittest.TestCase):
    """A synonyms file that is broken or cannot be read stops searchd at
    start-up, with a message naming the file (and line)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="box-start-")
        try:
            cls.db = build_index(cls.tmp)
        except BaseException:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, syn):
        """Run searchd with --synonyms syn; return (exit code, stderr)."""
        p = subprocess.run(
            [os.path.join(BUILD, "searchd"), "--db", self.db, "--listen",
             "127.0.0.1:0", "--threads", "2", "--synonyms", syn],
            capture_output=True, text=True, timeout=60)
        self.assertNotIn("Sanitizer", p.stderr)
        return p.returncode, p.stderr

    def test_broken_file(self):
        for text, want in (
                ("suicid, självmord\nBUP\n".encode(),
                 ":2: a set needs at least two members"),
                (b"a, b\n\nc, A\n", ":3: 'a' is already in the set on line 1"),
                (b"a, b\nc, \xff\n", ": not valid UTF-8")):
            syn = os.path.join(self.tmp, "bad.txt")
            with open(syn, "wb") as f:
                f.write(text)
            rc, err = self.start(syn)
            self.assertNotEqual(rc, 0, err)
            self.assertIn(syn + want, err)

    def test_unreadable_file(self):
        missing = os.path.join(self.tmp, "missing.txt")
        rc, err = self.start(missing)
        self.assertNotEqual(rc, 0, err)
        self.assertIn(missing + ": No such file or directory", err)
        rc, err = self.start(self.tmp)        # a folder
        self.assertNotEqual(rc, 0, err)
        self.assertIn(self.tmp + ": Is a directory", err)

    def test_no_synonyms(self):
        srv = Server(self.db, "--synonyms", "")
        try:
            status, d = srv.json("/search", q="KNS")
            self.assertEqual(status, 200)
            self.assertEqual(d["total"], 1)     # the row that says KNS
        finally:
            srv.stop()


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

"""The assignments API of the real searchd over a real index of generated
report series (tools/gen-corpus --series, two regions, linked by the
indexer) and the sample reports in a folder of their own indexed with
--no-link (rows of their own, ids "row-N"): /search collapsed
by assignment (totals, the status facet and year facet against SQL counts
of the same index, one hit per assignment, its fields), collapse=none,
the status and series filters, sorting by date, the result cache keeping
the new parameters apart; GET /assignments (filters, order, totals
against SQL) and GET /assignments/{id} (occurrences against SQL, related
assignments), and hostile ids and parameters (4xx, never 5xx).

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_assignments.py
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, BUILD
from test_indexer import shell

GEN = os.path.join(TOP, "tools", "gen-corpus")
CLASSES = ("not_started", "ongoing", "partly_done", "done", "dropped",
           "unknown")
QUERIES = ("vård", "samverkan", "arbetet pågår", "mammo*", "plan -vård")
AID = "coalesce(a.assignment_id, 'row-' || a.id)"
CLASS = "coalesce(t.status_class, a.status_class)"


def fts(q):
    """The FTS5 expression searchd makes of these plain queries."""
    parts = []
    for w in q.split():
        if w.startswith("-"):
            continue
        parts.append('("%s" *)' % w[:-1] if w.endswith("*") else '("%s")' % w)
    expr = "(" + " AND ".join(parts) + ")"
    for w in q.split():
        if w.startswith("-"):
            expr += ' NOT ("%s")' % w[1:]
    return expr


class AssignmentsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="assignments-")
        cls.srv = None
        try:
            reports = os.path.join(cls.tmp, "reports")
            subprocess.run([sys.executable, GEN, "--out", reports, "--series",
                            "--regions", "2"], check=True,
                           stdout=subprocess.DEVNULL, timeout=300)
            samples = os.path.join(cls.tmp, "samples")
            shutil.copytree(searchd_proc.REPORTS, samples)
            cls.db = os.path.join(cls.tmp, "t.db")
            indexer = [os.path.join(BUILD, "indexer"), "--quiet", "--db",
                       cls.db]
            subprocess.run(indexer + [reports], check=True, timeout=600)
            subprocess.run(indexer + ["--no-link", samples], check=True,
                           timeout=600)
            cls.srv = searchd_proc.Searchd(os.path.join(BUILD, "searchd"),
                                           cls.db, ["--quiet", "--threads",
                                                    "2"], workdir=cls.tmp)
        except BaseException:
            cls.tearDownClass()
            raise
        con = sqlite3.connect(cls.db)
        cls.series = [r[0] for r in con.execute(
            "SELECT DISTINCT series FROM reports WHERE path NOT LIKE"
            " '%/samples/%' ORDER BY 1")]
        assert len(cls.series) == 2, cls.series
        con.close()

    @classmethod
    def tearDownClass(cls):
        log = cls.srv.stop() if cls.srv else ""
        shutil.rmtree(cls.tmp, ignore_errors=True)
        if searchd_proc.sanitizer_report(log):
            raise AssertionError(log[-3000:])

    # ---- helpers ---------------------------------------------------------

    def api(self, path, want=200, **params):
        target = path + ("?" + urllib.parse.urlencode(params)
                         if params else "")
        st, hd, body = self.srv.get(target)
        self.assertEqual(st, want, (target, body[:200]))
        self.assertTrue(hd["Content-Type"].startswith("application/json"))
        return json.loads(body)

    def sql(self, query):
        """One integer from SQL (the swedish tokenizer loaded)."""
        return int(shell(self.db, query).strip())

    def matches(self, what, q, where="1"):
        return self.sql("SELECT count(DISTINCT %s) FROM assignments_fts f"
                        " JOIN assignments a ON a.id=f.rowid"
                        " JOIN reports r ON r.id=a.report_id"
                        " LEFT JOIN assignment_threads t"
                        " ON t.id=a.assignment_id"
                        " WHERE assignments_fts MATCH '%s' AND (%s);"
                        % (what, fts(q).replace("'", "''"), where))

    # ---- /search ---------------------------------------------------------

    def test_collapse_counts(self):
        for q in QUERIES:
            d = self.api("/search", q=q, limit=100)
            self.assertEqual(d["total"], self.matches(AID, q), q)
            self.assertGreater(d["total"], 0, q)
            for c in CLASSES:
                self.assertEqual(d["facets"]["status"].get(c, 0),
                                 self.matches(AID, q, "%s='%s'" % (CLASS, c)),
                                 (q, c))
            for y, n in d["facets"]["year"].items():
                self.assertEqual(n, self.matches(AID, q, "r.date LIKE '%s-%%'"
                                                 % y), (q, y))
            ids = [h["assignment_id"] for h in d["hits"]]
            self.assertEqual(len(ids), len(set(ids)), q)
            self.assertEqual(len(ids), min(100, d["total"]), q)
            self.assertEqual(d["rows"], self.matches("a.id", q), q)
            for sort in ("newest", "oldest"):
                s = self.api("/search", q=q, sort=sort, limit=0)
                self.assertEqual((s["total"], s["rows"]),
                                 (d["total"], d["rows"]), (q, sort))
            rows = self.api("/search", q=q, collapse="none", limit=0)
            self.assertEqual(rows["total"], self.matches("a.id", q), q)
            self.assertEqual(rows["rows"], rows["total"], q)
            self.assertGreater(rows["total"], d["total"], q)
            for c in CLASSES:
                self.assertEqual(rows["facets"]["status"].get(c, 0),
                                 self.matches("a.id", q,
                                              "a.status_class='%s'" % c))

    def test_collapse_hit(self):
        # A hit's assignment fields are those of /assignments/{id}; its row
        # is one of the assignment's occurrences.
        d = self.api("/search", q="vård", limit=20)
        for h in d["hits"]:
            a = self.api("/assignments/"
                         + urllib.parse.quote(h["assignment_id"], safe=""))
            for k in ("series", "first_seen", "last_seen", "open",
                      "status_class"):
                self.assertEqual(h[k], a[k], (h["assignment_id"], k))
            self.assertEqual(h["occurrences"], len(a["occurrences"]))
            self.assertIn((h["report_date"], h["row"]),
                          [(o["report_date"], o["row"])
                           for o in a["occurrences"]])
            self.assertEqual(h["status_evidence"],
                             a["occurrences"][-1]["status_evidence"])
        rows = self.api("/search", q="vård", collapse="none", limit=5)
        for h in rows["hits"]:
            self.assertNotIn("occurrences", h)
            self.assertIn(h["status_class"], CLASSES)

    def test_collapse_best_row(self):
        # The collapsed page is each assignment's first row in the ranking
        # of every row (here all rows are ranked: few matches).
        q = "mammografi"
        rows = self.api("/search", q=q, collapse="none", limit=100)
        self.assertLess(rows["total"], 100)
        first = []
        for h in rows["hits"]:
            if h["assignment_id"] not in [f["assignment_id"] for f in first]:
                first.append(h)
        d = self.api("/search", q=q, limit=100)
        self.assertEqual([(h["assignment_id"], h["report_date"], h["row"],
                           h["score"]) for h in d["hits"]],
                         [(h["assignment_id"], h["report_date"], h["row"],
                           h["score"]) for h in first])

    def test_filters(self):
        for st in ("done", "ongoing,dropped"):
            classes = st.split(",")
            d = self.api("/search", q="vård", status=st, limit=100)
            inlist = ",".join("'%s'" % c for c in classes)
            self.assertEqual(d["total"], self.matches(AID, "vård", "%s IN (%s)"
                                                      % (CLASS, inlist)))
            self.assertTrue(all(h["status_class"] in classes
                                for h in d["hits"]))
            self.assertEqual(set(d["facets"]["status"]) - set(classes), set())
            self.assertEqual(d["rows"], self.matches(
                "a.id", "vård", "%s IN (%s)" % (CLASS, inlist)))
            r = self.api("/search", q="vård", status=st, collapse="none")
            self.assertEqual(r["total"], self.matches(
                "a.id", "vård", "a.status_class IN (%s)" % inlist))
        s = self.series[0]
        d = self.api("/search", q="vård", series=s, limit=100)
        self.assertEqual(d["total"], self.matches(AID, "vård",
                                                  "r.series='%s'" % s))
        self.assertTrue(d["hits"])
        self.assertTrue(all(h["series"] == s for h in d["hits"]))
        d = self.api("/search", q="vård", series=s + "/nope")
        self.assertEqual(d["total"], 0)

    def test_open_filter(self):
        # open=true|false keeps the rows whose assignment is (not) in the
        # newest report of its series, collapsed or not; an unlinked row
        # is open when its report is its series' newest.
        is_open = ("coalesce(t.open, r.date=(SELECT max(date) FROM reports"
                   " n WHERE n.series=r.series))")
        for want, sql in (("true", is_open + "=1"), ("false", is_open + "=0")):
            d = self.api("/search", q="vård", open=want, limit=100)
            self.assertEqual(d["total"], self.matches(AID, "vård", sql), want)
            self.assertGreater(d["total"], 0, want)
            self.assertTrue(all(h["open"] == (want == "true")
                                for h in d["hits"]), want)
            r = self.api("/search", q="vård", open=want, collapse="none")
            self.assertEqual(r["total"], self.matches("a.id", "vård", sql))
        both = self.api("/search", q="vård", limit=0)["total"]
        self.assertEqual(both, sum(self.api("/search", q="vård", open=w,
                                            limit=0)["total"]
                                   for w in ("true", "false")))
        d = self.api("/search", q="vård", open="true", status="done")
        self.assertEqual(d["total"], self.matches(
            AID, "vård", "%s=1 AND %s='done'" % (is_open, CLASS)))

    def test_sort(self):
        for collapse in ("assignment", "none"):
            new = self.api("/search", q="vård", sort="newest", limit=100,
                           collapse=collapse)["hits"]
            old = self.api("/search", q="vård", sort="oldest", limit=100,
                           collapse=collapse)["hits"]
            self.assertEqual([h["report_date"] for h in new],
                             sorted((h["report_date"] for h in new),
                                    reverse=True))
            self.assertEqual([h["report_date"] for h in old],
                             sorted(h["report_date"] for h in old))
            self.assertGreater(new[0]["report_date"], old[0]["report_date"])
        # Collapsed newest: each hit is its assignment's newest match.
        new = self.api("/search", q="vård", sort="newest", limit=10)["hits"]
        for h in new:
            self.assertEqual(h["report_date"], shell(self.db, (
                "SELECT max(r.date) FROM assignments_fts f JOIN assignments a"
                " ON a.id=f.rowid JOIN reports r ON r.id=a.report_id WHERE"
                " assignments_fts MATCH 'vård' AND %s='%s';")
                % (AID, h["assignment_id"])).strip())

    def test_cache_keys(self):
        # Cached answers keep the new parameters apart.
        a = self.api("/search", q="samverkan")["total"]
        b = self.api("/search", q="samverkan", collapse="none")["total"]
        c = self.api("/search", q="samverkan", status="done")["total"]
        d = self.api("/search", q="samverkan", series=self.series[1])["total"]
        self.assertEqual(a, self.api("/search", q="samverkan")["total"])
        self.assertEqual(len({a, b, c, d}), 4, (a, b, c, d))
        n = self.api("/search", q="samverkan", sort="newest")["hits"]
        o = self.api("/search", q="samverkan", sort="oldest")["hits"]
        self.assertNotEqual(n[0]["report_date"], o[0]["report_date"])

    # ---- /assignments ----------------------------------------------------

    ALL = ("(SELECT count(*) FROM assignment_threads t WHERE %s)"
           " + (SELECT count(*) FROM assignments a JOIN reports r"
           " ON r.id=a.report_id WHERE a.assignment_id IS NULL AND %s)")

    def test_list(self):
        d = self.api("/assignments", limit=100)
        self.assertEqual(d["total"], self.sql("SELECT " + self.ALL
                                              % ("1", "1") + ";"))
        last = [a["last_seen"] for a in d["assignments"]]
        self.assertEqual(last, sorted(last, reverse=True))
        self.assertEqual(len(d["assignments"]), 100)
        d = self.api("/assignments", open="true", status="ongoing", limit=100)
        self.assertEqual(d["total"], self.sql(
            "SELECT count(*) FROM assignment_threads WHERE open=1 AND"
            " status_class='ongoing';") + self.sql(
            "SELECT count(*) FROM assignments a JOIN reports r"
            " ON r.id=a.report_id WHERE a.assignment_id IS NULL AND"
            " a.status_class='ongoing' AND r.date=(SELECT max(date) FROM"
            " reports r2 WHERE r2.series=r.series);"))
        self.assertTrue(all(a["open"] and a["status_class"] == "ongoing"
                            for a in d["assignments"]))
        d = self.api("/assignments", status="done", **{"from": "2021-01-01",
                                                       "to": "2021-12-31"})
        self.assertEqual(d["total"], self.sql("SELECT count(*) FROM"
            " assignment_threads WHERE status_class='done' AND"
            " last_seen>='2021-01-01' AND first_seen<='2021-12-31';")
            + self.sql("SELECT count(*) FROM assignments a JOIN reports r"
            " ON r.id=a.report_id WHERE a.assignment_id IS NULL AND"
            " a.status_class='done' AND r.date LIKE '2021-%';"))
        # The order: newest activity first; ties (one report date) by the
        # latest row, so a report's assignments come in its row order.
        want = shell(self.db, "SELECT id FROM (SELECT id, last_seen, latest"
                     " FROM assignment_threads UNION ALL SELECT 'row-' ||"
                     " a.id, r.date, a.id FROM assignments a JOIN reports r"
                     " ON r.id=a.report_id WHERE a.assignment_id IS NULL)"
                     " ORDER BY last_seen DESC, latest LIMIT 100 OFFSET 5;"
                     ).split()
        got = self.api("/assignments", limit=100, offset=5)["assignments"]
        self.assertEqual([a["id"] for a in got], want)
        # Several classes, unknown among them: a NULL class is unknown.
        for st, cond in (("done,dropped", "%s IN ('done','dropped')"),
                         ("unknown", "coalesce(%s,'unknown')='unknown'"),
                         ("ongoing,unknown", "coalesce(%s,'unknown')"
                          " IN ('ongoing','unknown')")):
            d = self.api("/assignments", status=st)
            self.assertEqual(d["total"], self.sql("SELECT " + self.ALL % (
                cond % "t.status_class", cond % "a.status_class") + ";"), st)
        s = self.series[1]
        d = self.api("/assignments", series=s, limit=100)
        self.assertTrue(all(a["series"] == s for a in d["assignments"]))
        d = self.api("/assignments", q="mammografi", limit=100)
        self.assertEqual(d["total"], self.matches(AID, "mammografi"))
        page = self.api("/assignments", q="mammografi", limit=2, offset=1)
        self.assertEqual(page["total"], d["total"])
        self.assertEqual(page["assignments"], d["assignments"][1:3])
        past = self.api("/assignments", q="mammografi", offset=1000)
        self.assertEqual((past["total"], past["assignments"]),
                         (d["total"], []))

    def test_detail(self):
        samples = shell(self.db, "SELECT DISTINCT series FROM reports WHERE"
                        " path LIKE '%/samples/%';").strip()
        ids = [a["id"] for a in
               self.api("/assignments", limit=20, q="vård")["assignments"]
               + self.api("/assignments", limit=10, q="vård",
                          series=samples)["assignments"]]
        self.assertTrue(any(i.startswith("row-") for i in ids))
        self.assertTrue(any(not i.startswith("row-") for i in ids))
        for i in ids[:30]:
            a = self.api("/assignments/" + urllib.parse.quote(i, safe=""))
            self.assertEqual(a["id"], i)
            occ = a["occurrences"]
            self.assertEqual([o["report_date"] for o in occ],
                             sorted(o["report_date"] for o in occ))
            self.assertEqual((occ[0]["report_date"], occ[-1]["report_date"]),
                             (a["first_seen"], a["last_seen"]))
            self.assertEqual(a["status_class"], occ[-1]["status_class"])
            if not i.startswith("row-"):
                self.assertEqual(len(occ), self.sql(
                    "SELECT count(*) FROM assignments WHERE"
                    " assignment_id='%s';" % i))
            rel = a["related"]
            self.assertLessEqual(len(rel), 5)
            self.assertNotIn(i, [r["id"] for r in rel])
            self.assertEqual(len({r["id"] for r in rel}), len(rel))
            scores = [r["score"] for r in rel]
            self.assertEqual(scores, sorted(scores, reverse=True))
        # A linked assignment of several rows, and the sample rows.
        self.assertTrue(self.sql("SELECT count(*) FROM assignment_threads"
                                 " WHERE occurrences>1;"))
        self.assertEqual(self.sql("SELECT count(*) FROM assignments WHERE"
                                  " assignment_id IS NULL;"),
                         self.sql("SELECT count(*) FROM assignments a JOIN"
                                  " reports r ON r.id=a.report_id WHERE"
                                  " r.path LIKE '%/samples/%';"))
        # The same assignment in the other region is related.
        d = self.api("/assignments/" + urllib.parse.quote(
            self.api("/assignments", q="mammografi",
                     series=self.series[0])["assignments"][0]["id"],
            safe=""))
        self.assertIn(self.series[1],
                      [self.api("/assignments/" + urllib.parse.quote(
                          r["id"], safe=""))["series"] for r in d["related"]])

    def test_hostile(self):
        for path, want in (
                ("/assignments/nope", 404), ("/assignments/", 404),
                ("/assignments/row-0", 404), ("/assignments/row-1x", 404),
                ("/assignments/row-99999999999999999999999", 404),
                ("/assignments/%FF%FE%80", 404), ("/assignments/%00", 400),
                ("/assignments/" + "%41" * 3000, 404),
                ("/assignments/a/b", 404), ("/assignments/..%2F..", 404),
                ("/assignments?status=klart", 400),
                ("/assignments?open=1", 400),
                ("/assignments?from=2021-13-01", 400),
                ("/assignments?offset=-1", 400),
                ("/assignments?q=%22%22%22", 200),
                ("/search?q=x&collapse=%FF", 400),
                ("/search?q=x&status=done%2C%FF", 400),
                ("/search?q=x&sort=Newest", 400),
                ("/search?q=x&open=yes", 400),
                ("/search?q=x&series=" + "a" * 1100, 400)):
            st, hd, body = self.srv.get(path)
            self.assertEqual(st, want, path[:80])
            d = json.loads(body)
            if want != 200:
                self.assertTrue(d["error"], path[:80])


if __name__ == "__main__":
    unittest.main(verbosity=2)

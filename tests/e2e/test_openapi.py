"""searchd/openapi.json against the real searchd: GET /openapi.json serves
it, it is an OpenAPI 3.1 document whose schemas are valid JSON Schema
2020-12 and whose references all resolve, it describes every JSON route of
searchd/http/routes.c, and the real responses of every endpoint (several
parameter sets of /search and /suggest, /assignments and
/assignments/{id}, /health, /metrics, /openapi.json, and the errors 400,
404, 405, 413, 414 and 503) have a status, a content type and a body that
the document gives for that operation.

The validator is Debian's python3-jsonschema (tools/deps installs it).
The official OpenAPI 3.1 meta-schema is not packaged in Debian, so the
document's own shape is checked here: version, operations, responses,
schemas, references.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_openapi.py
"""
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest
import urllib.parse

import jsonschema

import searchd_proc
from searchd_proc import TOP, BUILD, REPORTS

SPEC = os.path.join(TOP, "searchd", "openapi.json")
ROUTES = os.path.join(TOP, "searchd", "http", "routes.c")

SEARCHES = [
    {"q": "vård"},
    {"q": "nära vård", "limit": "3", "offset": "2"},
    {"q": "vård", "limit": "0"},
    {"q": "vård", "from": "2021-01-01", "to": "2021-12-31"},
    {"q": "vård", "source": "RS", "limit": "100"},
    {"q": '"nära vård" -covid OR mammo*'},
    {"q": "nära vård kulturplan zzzqqq"},           # relaxed
    {"q": "mamografiverksamheten"},                 # corrected
    {"q": "lag"},                                   # suggested
    {"q": "zzzqqq"},                                # nothing
    {"q": "KNS", "from": "", "to": "", "source": ""},
    {"q": "vård", "collapse": "none", "sort": "newest"},
    {"q": "vård", "collapse": "assignment", "sort": "oldest", "limit": "100"},
    {"q": "vård", "status": "unknown,done", "sort": "relevance"},
    {"q": "vård", "series": "no such series"},
    {"q": "vård", "collapse": "", "status": "", "series": "", "sort": ""},
]
ASSIGNMENTS = [
    {}, {"limit": "100"}, {"q": "vård", "limit": "3", "offset": "1"},
    {"status": "unknown", "open": "true"}, {"open": "false"},
    {"from": "2021-01-01", "to": "2021-12-31"}, {"q": "zzzqqq"},
    {"offset": "1000"}, {"series": "x", "q": "", "status": ""},
]
SUGGESTS = [{"q": "mam"}, {"q": "vå", "limit": "3"}, {"q": "nära v"},
            {"q": "a"}, {"q": "mammografi "}, {"q": "zzzq", "limit": "20"}]
# (method, target, extra header bytes, the status it must get)
ERRORS = [
    ("GET", "/search", b"", 400),
    ("GET", "/search?q=", b"", 400),
    ("GET", "/search?q=x&limit=101", b"", 400),
    ("GET", "/search?q=x&from=2021", b"", 400),
    ("GET", "/search?q=%zz", b"", 400),
    ("GET", "/suggest", b"", 400),
    ("GET", "/suggest?q=mam&limit=0", b"", 400),
    ("GET", "/health?x=%00", b"", 400),
    ("GET", "/nope", b"", 404),
    ("GET", "/search/", b"", 404),
    ("POST", "/search?q=x", b"", 405),
    ("DELETE", "/health", b"", 405),
    ("PUT", "/openapi.json", b"", 405),
    ("GET", "/search?q=x", b"X-Big: " + b"a" * 40000 + b"\r\n", 413),
    ("GET", "/search?q=" + "a" * 20000, b"", 414),
    ("GET", "/search?q=" + "a" * 9000, b"", 414),
    ("GET", "/suggest?q=" + "a" * 300, b"", 414),
    ("GET", "/search?q=x&collapse=rows", b"", 400),
    ("GET", "/search?q=x&sort=date", b"", 400),
    ("GET", "/search?q=x&status=klart", b"", 400),
    ("GET", "/assignments?open=yes", b"", 400),
    ("GET", "/assignments?status=done,x", b"", 400),
    ("GET", "/assignments?from=2021-02-29", b"", 400),
    ("GET", "/assignments?limit=101", b"", 400),
    ("GET", "/assignments/nope", b"", 404),
    ("GET", "/assignments/row-999999", b"", 404),
    ("GET", "/assignments/%FF%FE", b"", 404),
    ("GET", "/assignments/" + "x" * 3000, b"", 404),
    ("POST", "/assignments", b"", 405),
]


def request(port, method, target, extra=b""):
    """(status, headers with lower-case names, body) of one request."""
    data = (("%s %s HTTP/1.1\r\nHost: a\r\nConnection: close\r\n"
             % (method, target)).encode() + extra + b"\r\n")
    buf = searchd_proc.exchange(port, data, half_close=False, timeout=20)
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v for k, v in
               (l.split(": ", 1) for l in lines[1:] if ": " in l)}
    return int(lines[0].split(" ")[1]), headers, body


def pointer(*parts):
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1")
                           for p in parts)


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="openapi-")
        cls.servers = []
        try:
            db = os.path.join(cls.tmp, "t.db")
            subprocess.run([os.path.join(BUILD, "indexer"), "--quiet", "--db",
                            db, REPORTS], check=True, timeout=300)
            cls.srv = cls.start(db)
            cls.slow = cls.start(db, "--query-ms", "0")   # every query: 503
        except BaseException:
            cls.tearDownClass()
            raise
        with open(SPEC, encoding="utf-8") as f:
            cls.doc = json.load(f)

    @classmethod
    def start(cls, db, *flags):
        srv = searchd_proc.Searchd(os.path.join(BUILD, "searchd"), db,
                                   ["--quiet", "--threads", "2"] + list(flags),
                                   workdir=cls.tmp)
        cls.servers.append(srv)
        return srv

    @classmethod
    def tearDownClass(cls):
        logs = [s.stop() for s in cls.servers]
        shutil.rmtree(cls.tmp, ignore_errors=True)
        for log in logs:
            if searchd_proc.sanitizer_report(log):
                raise AssertionError(log[-3000:])

    # ---- the document ----------------------------------------------------

    def resolve(self, obj):
        """Follow an OpenAPI $ref (local ones only) to its object."""
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            self.assertTrue(ref.startswith("#/"), ref)
            obj = self.doc
            for part in ref[2:].split("/"):
                obj = obj[part.replace("~1", "/").replace("~0", "~")]
        return obj

    def validator(self, ptr):
        """A validator of the schema at JSON pointer ptr in the document;
        its $refs resolve against the document."""
        return jsonschema.Draft202012Validator(dict(self.doc, **{"$ref": ptr}))

    def test_1_served(self):
        st, hd, body = request(self.srv.port, "GET", "/openapi.json")
        self.assertEqual(st, 200)
        self.assertEqual(hd["content-type"], "application/json; charset=utf-8")
        self.assertEqual(json.loads(body), self.doc)

    def test_2_document(self):
        d = self.doc
        self.assertRegex(d["openapi"], r"^3\.1\.\d+$")
        self.assertTrue(d["info"]["title"] and d["info"]["version"])
        self.assertLessEqual(set(d), {"openapi", "info", "paths", "components",
                                      "servers", "tags", "externalDocs"})
        for name, schema in d["components"]["schemas"].items():
            jsonschema.Draft202012Validator.check_schema(schema)
        refs = re.findall(r'"\$ref": "([^"]+)"', json.dumps(d))
        self.assertTrue(refs)
        for ref in refs:
            self.resolve({"$ref": ref})
        for path, item in d["paths"].items():
            self.assertTrue(path.startswith("/"), path)
            for method, op in item.items():
                self.assertIn(method, ("get", "head"), path)
                self.assertIn("200", op["responses"], path)
                for p in op.get("parameters", []):
                    # A path parameter only where the path names it.
                    self.assertEqual(p["in"], "path" if "{%s}" % p["name"]
                                     in path else "query", path)
                    jsonschema.Draft202012Validator.check_schema(p["schema"])
                for st, r in op["responses"].items():
                    r = self.resolve(r)
                    self.assertTrue(r["description"], (path, st))
                    for media in r.get("content", {}).values():
                        jsonschema.Draft202012Validator.check_schema(
                            self.resolve(media["schema"]))

    def test_3_every_route(self):
        # Every route of the table but the search page's files.
        with open(ROUTES) as f:
            routes = re.findall(r'\{"(/[^"]*)",\s*ROUTE_\w+,\s*\w+,\s*(\w+)',
                                f.read())
        api = {p for p, handler in routes if handler != "static_handle"}
        self.assertIn("/search", api)
        # A prefix route serves the document's templated path under it.
        self.assertEqual(api, {re.sub(r"\{[^/}]+\}$", "", p)
                               for p in self.doc["paths"]})

    # ---- real responses --------------------------------------------------

    def template(self, path):
        """The document's path that path is (an id under a templated one)."""
        if path in self.doc["paths"]:
            return path
        for p in self.doc["paths"]:
            m = re.match(r"^(.*/)\{[^/}]+\}$", p)
            if m and path.startswith(m.group(1)) and len(path) > len(m.group(1)):
                return p
        return path

    def check(self, method, target, status, headers, body):
        """Validate one real response against the document; returns the
        parsed body (None for text)."""
        path = self.template(urllib.parse.urlsplit(target).path)
        item = self.doc["paths"].get(path)
        comp = self.doc["components"]["responses"]
        if item is None:
            self.assertEqual(status, 404, target)
            resp, ptr = comp["NotFound"], ("components", "responses",
                                           "NotFound")
        elif method.lower() not in item and method != "HEAD":
            self.assertEqual(status, 405, target)
            resp = comp["MethodNotAllowed"]
            ptr = ("components", "responses", "MethodNotAllowed")
            self.assertEqual(headers.get("allow"),
                             resp["headers"]["Allow"]["schema"]["const"])
        else:
            op = item["get"]
            self.assertIn(str(status), op["responses"],
                          "%s %s: status %d not in the document"
                          % (method, target[:80], status))
            resp = op["responses"][str(status)]
            ptr = ("paths", path, "get", "responses", str(status))
            if "$ref" in resp:
                ptr = tuple(resp["$ref"][2:].split("/"))
                resp = self.resolve(resp)
        media = headers["content-type"].split(";")[0].strip()
        self.assertIn(media, resp["content"], target[:80])
        if media != "application/json":
            return None
        data = json.loads(body)
        self.validator(pointer(*ptr, "content", "application/json",
                               "schema")).validate(data)
        return data

    def get(self, srv, method, target, extra=b""):
        st, hd, body = request(srv.port, method, target, extra)
        return st, self.check(method, target, st, hd, body)

    def test_4_search(self):
        seen = set()
        for params in SEARCHES:
            target = "/search?" + urllib.parse.urlencode(params)
            st, d = self.get(self.srv, "GET", target)
            self.assertEqual(st, 200, target)
            seen |= {k for k in ("corrected", "suggested") if k in d}
            seen |= {"relaxed"} if d["relaxed"] else set()
            seen |= {"hits"} if d["hits"] else set()
            seen |= {"none"} if d["total"] == 0 else set()
        # The optional parts of the schema were exercised.
        self.assertEqual(seen, {"corrected", "suggested", "relaxed", "hits",
                                "none"})

    def test_4b_assignments(self):
        ids = set()
        for params in ASSIGNMENTS:
            target = "/assignments?" + urllib.parse.urlencode(params)
            st, d = self.get(self.srv, "GET", target)
            self.assertEqual(st, 200, target)
            ids |= {a["id"] for a in d["assignments"]}
        st, d = self.get(self.srv, "GET", "/search?q=v%C3%A5rd&limit=100")
        ids |= {h["assignment_id"] for h in d["hits"]}
        self.assertGreater(len(ids), 5)
        related = 0
        for i in sorted(ids):
            st, d = self.get(self.srv, "GET", "/assignments/"
                             + urllib.parse.quote(i, safe=""))
            self.assertEqual((st, d["id"]), (200, i))
            related += len(d["related"])
        self.assertGreater(related, 0)

    def test_5_suggest_health_metrics(self):
        n = 0
        for params in SUGGESTS:
            target = "/suggest?" + urllib.parse.urlencode(params)
            st, d = self.get(self.srv, "GET", target)
            self.assertEqual(st, 200, target)
            n += len(d["suggestions"]) + len(d["hits"])
        self.assertGreater(n, 0)
        st, d = self.get(self.srv, "GET", "/health")
        self.assertEqual((st, d["status"]), (200, "ok"))
        st, hd, body = request(self.srv.port, "GET", "/metrics")
        self.assertEqual(st, 200)
        self.assertIsNone(self.check("GET", "/metrics", st, hd, body))
        self.assertTrue(hd["content-type"].startswith("text/plain"))
        st, d = self.get(self.srv, "GET", "/openapi.json")
        self.assertEqual(st, 200)

    def test_6_errors(self):
        for method, target, extra, want in ERRORS:
            st, d = self.get(self.srv, method, target, extra)
            self.assertEqual(st, want, (method, target[:60]))
            self.assertTrue(d["error"])
        for target in ("/search?q=v%C3%A5rd", "/search?q=KNS&limit=1",
                       "/assignments", "/assignments?q=v%C3%A5rd"):
            st, d = self.get(self.slow, "GET", target)
            self.assertEqual(st, 503, target)

    def test_7_schema_can_fail(self):
        # additionalProperties false and required make the checks above
        # mean something: a changed response would fail them.
        st, hd, body = request(self.srv.port, "GET", "/search?q=v%C3%A5rd")
        ptr = pointer("paths", "/search", "get", "responses", "200",
                      "content", "application/json", "schema")
        v = self.validator(ptr)
        good = json.loads(body)
        v.validate(good)
        for change in (lambda d: d["hits"][0].update(extra=1),
                       lambda d: d["hits"][0].pop("score"),
                       lambda d: d.update(total="19"),
                       lambda d: d["facets"]["year"].update(soon=1),
                       lambda d: d["hits"][0]["highlights"].pop("status")):
            bad = copy.deepcopy(good)
            change(bad)
            self.assertFalse(v.is_valid(bad), bad)


if __name__ == "__main__":
    unittest.main(verbosity=2)

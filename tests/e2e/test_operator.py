"""An operator's view of searchd and the indexer: the access log line, each
start-up line once, a missing index explained, --listen PORT on
127.0.0.1, HEAD wherever GET, `make demo` (tools/demo) on a busy port, and
the indexer's warning about the same report indexed under two names.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_operator.py
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import unittest

import searchd_proc
from searchd_proc import TOP, BUILD, SEARCHD, INDEXER, REPORTS

ISO = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"


def index(db, *paths):
    return subprocess.run([INDEXER, "--db", db] + list(paths),
                          capture_output=True, text=True, timeout=300)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def reply(port, request):
    """(status, headers dict, body bytes) of one raw request, read until
    the server closes (Connection: close)."""
    buf = searchd_proc.exchange(port, request, half_close=False, timeout=10)
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(l.split(": ", 1) for l in lines[1:] if ": " in l)
    return int(lines[0].split(" ")[1]), headers, body


class OperatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="operator-")
        cls.db = os.path.join(cls.tmp, "t.db")
        p = index(cls.db, REPORTS)
        if p.returncode != 0:
            shutil.rmtree(cls.tmp, ignore_errors=True)
            raise AssertionError("indexer: " + p.stderr)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def start(self, *flags, binary=SEARCHD):
        try:
            srv = searchd_proc.Searchd(binary, self.db, list(flags),
                                       workdir=self.tmp)
        except RuntimeError as e:
            raise AssertionError(str(e))
        self.addCleanup(self.stop, srv)
        return srv

    def stop(self, srv):
        log = srv.stop()
        self.assertIsNone(searchd_proc.sanitizer_report(log), log)
        self.assertIn(srv.proc.returncode, (0, -signal.SIGTERM), log)
        return log

    def test_access_log(self):
        srv = self.start("--threads", "2")
        st, _, body = srv.get("/search?q=v%C3%A5rd&limit=2")
        self.assertEqual(st, 200)
        srv.get("/nope?x=1", method="HEAD")
        log = srv.stop()
        lines = [json.loads(l[len("info access "):]) for l in log.splitlines()
                 if l.startswith("info access ")]
        self.assertEqual(len(lines), 2, log)
        a, b = lines
        self.assertEqual(set(a), {"time", "client", "method", "path",
                                  "status", "bytes", "ms"})
        self.assertRegex(a["time"], ISO)
        self.assertEqual((a["client"], a["method"], a["path"], a["status"],
                          a["bytes"]),
                         ("127.0.0.1", "GET", "/search?q=v%C3%A5rd&limit=2",
                          200, len(body)))
        self.assertIsInstance(a["ms"], float)
        self.assertGreaterEqual(a["ms"], 0)
        self.assertEqual((b["method"], b["path"], b["status"], b["bytes"]),
                         ("HEAD", "/nope?x=1", 404, 0))
        self.assertGreaterEqual(b["time"], a["time"])

    def test_startup_lines_once(self):
        srv = self.start("--threads", "3", "--search-threads", "2")
        self.assertEqual(srv.get("/health")[0], 200)
        log = self.stop(srv)
        self.assertEqual(log.count("synonyms: "), 1, log)
        self.assertEqual(log.count("listening on"), 1, log)
        # A binary away from any build tree or installed data: one line
        # each for the page and the synonyms it did not find.
        alone = os.path.join(self.tmp, "alone", "bin")
        os.makedirs(alone)
        shutil.copy(SEARCHD, alone)
        srv = self.start("--threads", "3", binary=os.path.join(alone, "searchd"))
        self.assertEqual(srv.get("/")[0], 404)
        log = self.stop(srv)
        self.assertEqual(log.count("no search page: www not found"), 1, log)
        self.assertEqual(log.count("synonyms.txt not found"), 1, log)
        self.assertNotIn("not available in this worker", log)

    def test_missing_index(self):
        missing = os.path.join(self.tmp, "no", "such.db")
        p = subprocess.run([SEARCHD, "--db", missing, "--listen", "0"],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "error no index at %s: build one with "
                         "`indexer --db %s REPORTS…`\n" % (missing, missing))

    def test_listen_port_alone(self):
        for _ in range(5):                    # a free port may be taken
            port = free_port()
            p = subprocess.Popen([SEARCHD, "--db", self.db, "--listen",
                                  str(port), "--quiet"],
                                 stderr=subprocess.PIPE, text=True)
            try:
                line = p.stderr.readline()
                while line and "listening" not in line and "error" not in line:
                    line = p.stderr.readline()
                if "Address already in use" in line:
                    continue
                self.assertIn("listening on 127.0.0.1:%d " % port, line)
                st, _, _ = reply(port, b"GET /health HTTP/1.1\r\nHost: a\r\n"
                                 b"Connection: close\r\n\r\n")
                self.assertEqual(st, 200)
                return
            finally:
                p.terminate()
                p.communicate(timeout=20)
        self.fail("no free port found")

    def test_head_everywhere(self):
        srv = self.start()
        for path in ("/", "/static/app.js", "/search?q=v%C3%A5rd", "/health",
                     "/suggest?q=mam", "/metrics", "/nope",
                     "/search?q=x&limit=abc"):
            req = " %s HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n" % path
            gst, ghd, gbody = reply(srv.port, ("GET" + req).encode())
            hst, hhd, hbody = reply(srv.port, ("HEAD" + req).encode())
            self.assertEqual(hst, gst, path)
            self.assertEqual(hbody, b"", path)
            self.assertEqual(hhd["Content-Type"], ghd["Content-Type"], path)
            if path.startswith(("/search?q=v", "/metrics")):
                # took_ms and timings differ from one reply to the next
                self.assertGreater(int(hhd["Content-Length"]), 0, path)
            else:
                self.assertEqual(int(hhd["Content-Length"]), len(gbody), path)
        st, hd, _ = reply(srv.port, b"POST /health HTTP/1.1\r\nHost: a\r\n"
                          b"Connection: close\r\n\r\n")
        self.assertEqual((st, hd.get("Allow")), (405, "GET, HEAD"))

    def test_demo_busy_port(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        try:
            port = s.getsockname()[1]
            p = subprocess.run(["sh", os.path.join(TOP, "tools", "demo")],
                               env=dict(os.environ, PORT=str(port)),
                               capture_output=True, text=True, timeout=60)
        finally:
            s.close()
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("port %d on 127.0.0.1 is busy" % port, p.stderr)
        self.assertIn("make demo PORT=", p.stderr)
        self.assertNotIn("searchd on http", p.stdout)

    def test_same_report_twice(self):
        src = os.path.join(self.tmp, "twice")
        shutil.copytree(REPORTS, src)
        db = os.path.join(self.tmp, "twice.db")
        p = index(db, src)
        self.assertEqual((p.returncode, p.stderr), (0, ""))
        copy = os.path.join(src, "kopia av 2021-05-05.txt")
        shutil.copy(os.path.join(src, "2021-05-05.txt"), copy)
        p = index(db, src)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr.count("same content as"), 1, p.stderr)
        self.assertRegex(p.stderr, r"warn %s: same content as %s " % (
            re.escape(os.path.realpath(copy)),
            re.escape(os.path.realpath(os.path.join(src, "2021-05-05.txt")))))
        # Another report of the same date with other content is no copy.
        with open(copy, "a") as f:
            f.write("\nEtt nytt uppdrag\tRS 2021\tPågår.")
        p = index(db, src)
        self.assertNotIn("same content", p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

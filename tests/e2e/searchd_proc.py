"""A real searchd for the end-to-end tests (shared by test_*.py; not a test
itself): started on an ephemeral port of 127.0.0.1 (--port-file), its
stderr kept in a file of its own, always stopped by stop().

Standard library only."""
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

# The programs and fixtures under test, for every test_*.py: the build in
# $BUILD (default build/) of the tree in $TOP (default the working folder,
# as tests/e2e/run sets it).
TOP = os.environ.get('TOP', os.getcwd())
BUILD = os.path.join(TOP, os.environ.get('BUILD', 'build'))
SEARCHD = os.path.join(BUILD, 'searchd')
INDEXER = os.path.join(BUILD, 'indexer')
REPORTS = os.path.join(TOP, 'tests', 'fixtures', 'reports')
TITLE = 'Återrapportering av regionstyrelsens uppdrag till regiondirektören'

SANITIZER_WORDS = ('AddressSanitizer', 'LeakSanitizer', 'runtime error:',
                   'UndefinedBehaviorSanitizer')


def sanitizer_report(log):
    """The first sanitizer word found in a log, or None."""
    for w in SANITIZER_WORDS:
        if w in log:
            return w
    return None


def read_to_close(sock, timeout=30):
    """Read from sock until the server closes it; close it; the bytes."""
    sock.settimeout(timeout)
    buf = b''
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
    sock.close()
    return buf


def exchange(port, data, half_close=True, timeout=5):
    """Send raw bytes to 127.0.0.1:port (half-closing after them unless
    told not to) and read until the server closes or timeout seconds pass;
    returns the bytes read."""
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    buf = b''
    try:
        try:
            s.sendall(data)
            if half_close:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass                            # the server may close first
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except OSError:                 # reset, timeout
                break
            if not chunk:
                break
            buf += chunk
    finally:
        s.close()
    return buf


class Searchd:
    """searchd --db DB --listen 127.0.0.1:0 FLAGS..., run as
    PREFIX + [binary, ...] (e.g. prlimit). Raises RuntimeError (after
    stopping it) if it does not come up within 20 s."""

    def __init__(self, binary, db, flags=(), workdir=None, prefix=()):
        self.own_dir = workdir is None
        self.final_log = None
        self.dir = workdir or tempfile.mkdtemp(prefix='searchd-')
        stamp = time.monotonic_ns()
        self.port_file = os.path.join(self.dir, 'port.%d' % stamp)
        self.err_path = os.path.join(self.dir, 'stderr.%d' % stamp)
        self.err = open(self.err_path, 'wb')
        self.proc = subprocess.Popen(
            list(prefix) + [binary, '--db', db, '--listen', '127.0.0.1:0',
                            '--port-file', self.port_file] + list(flags),
            stdout=subprocess.DEVNULL, stderr=self.err)
        deadline = time.monotonic() + 20
        while (not os.path.exists(self.port_file)
               or os.path.getsize(self.port_file) == 0):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                log = self.stop()
                raise RuntimeError('searchd did not start (exit %s): %s'
                                   % (self.proc.returncode, log[-3000:]))
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def log(self):
        """searchd's stderr so far. Read through a file object of our own:
        seeking the one searchd writes to would move its offset too."""
        if self.final_log is not None:
            return self.final_log
        self.err.flush()
        with open(self.err_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def get(self, path, method='GET', headers=None, timeout=30):
        """One request on a new connection: (status, headers, body)."""
        c = http.client.HTTPConnection('127.0.0.1', self.port,
                                       timeout=timeout)
        try:
            c.request(method, path, headers=headers or {})
            r = c.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            c.close()

    def stop(self):
        """SIGTERM (a clean exit lets the sanitizers report leaks), then
        SIGKILL after 20 s. Returns the log. Safe to call twice."""
        if self.final_log is not None:
            return self.final_log
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.final_log = self.log()
        self.err.close()
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        return self.final_log

#!/usr/bin/env python3
"""Operations end to end: the indexer and searchd as an operator meets
them. --check that creates nothing, FIFOs refused at once, a file size
limit (SIGXFSZ) handled like a full disk with a summary of what was
committed and the -wal truncated, file names escaped in the log, symbolic
links out of the tree not followed, and searchd run as an unprivileged user
on an index in a directory it cannot write and on a read-only mount.

Run: BUILD=build TOP=$PWD python3 tests/e2e/test_ops.py"""
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import tempfile
import unittest
import urllib.parse

import searchd_proc
from searchd_proc import TOP, BUILD, SEARCHD, INDEXER, REPORTS, TITLE

AS_NOBODY = ['setpriv', '--reuid=nobody', '--regid=nogroup',
             '--clear-groups']


def run(args, timeout=120, **kw):
    p = subprocess.run([INDEXER] + list(args), capture_output=True,
                       text=True, timeout=timeout, **kw)
    return p.returncode, p.stdout, p.stderr


def write_report(path, date, nrows, word='rad'):
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n\n%s %s\n\n' % (TITLE, date))
        for r in range(nrows):
            f.write('%s %d %s om vård och omsorg i regionen %s\tRS plan\t'
                    'arbetet pågår %s %d\n'
                    % (word, r, date, ' '.join('ord%d' % (r * 7 + k)
                                               for k in range(40)),
                       date, r))


def can_drop_privileges():
    return (os.geteuid() == 0 and shutil.which('setpriv') is not None)


class IndexerOpsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ops-e2e-')
        self.db = os.path.join(self.tmp, 'i.db')
        self.src = os.path.join(self.tmp, 'reports')
        shutil.copytree(REPORTS, self.src)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def reports_in_db(self):
        con = sqlite3.connect(self.db)
        try:
            return con.execute('SELECT count(*) FROM reports').fetchone()[0]
        finally:
            con.close()

    def test_check_creates_nothing(self):
        typo = os.path.join(self.tmp, 'typo.db')
        rc, out, err = run(['--db', typo, '--check'])
        self.assertEqual(rc, 2, out + err)
        self.assertIn('typo.db', err)
        self.assertIn('No such file', err)
        self.assertNotIn('check ok', out)
        self.assertEqual(sorted(os.listdir(self.tmp)), ['reports'])

    def test_fifo_refused(self):
        fifo = os.path.join(self.src, 'pipe.txt')
        os.mkfifo(fifo)
        rc, out, err = run(['--db', self.db, self.src], timeout=30)
        self.assertEqual(rc, 1, err)
        self.assertIn('pipe.txt', err)
        self.assertIn('FIFO', err)
        self.assertEqual(self.reports_in_db(), 2)
        rc, out, err = run(['--db', self.db, fifo], timeout=30)
        self.assertEqual(rc, 1, err)
        dbfifo = os.path.join(self.tmp, 'fifo.db')
        os.mkfifo(dbfifo)
        rc, out, err = run(['--db', dbfifo, self.src], timeout=30)
        self.assertEqual(rc, 2, err)
        self.assertIn('not a regular file (a FIFO)', err)
        p = subprocess.run([SEARCHD, '--db', dbfifo, '--listen',
                            '127.0.0.1:0'], capture_output=True, text=True,
                           timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('not a regular file (a FIFO)', p.stderr)

    def test_file_size_limit(self):
        # Past ulimit -f the indexer gets EFBIG (SIGXFSZ ignored), fails
        # like on a full disk (exit 2, the cause named), its summary counts
        # only what was committed, and the -wal is truncated although a
        # reader holds the index open (closing alone could not do that).
        for i in range(60):
            write_report(os.path.join(self.src, '2022-%02d-%02d.txt'
                                      % (1 + i // 28, 1 + i % 28)),
                         '2022-%02d-%02d' % (1 + i // 28, 1 + i % 28), 150)
        reader = sqlite3.connect(self.db)
        reader.execute('PRAGMA journal_mode=WAL')
        reader.execute('CREATE TABLE IF NOT EXISTS x(y)')
        reader.commit()
        reader.execute('DROP TABLE x')
        reader.commit()
        try:
            p = subprocess.run(['sh', '-c', 'ulimit -f 3000; exec "$@"', 'sh',
                                INDEXER, '--db', self.db, self.src],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn('File too large', p.stderr)
            m = re.search(r'(\d+) reports indexed', p.stdout)
            self.assertIsNotNone(m, p.stdout)
            self.assertIn('failed:', p.stdout)
            self.assertIn('not committed', p.stdout)
            self.assertEqual(int(m.group(1)), self.reports_in_db())
            self.assertEqual(os.path.getsize(self.db + '-wal'), 0)
        finally:
            reader.close()

    def test_names_escaped_in_log(self):
        evil = os.path.join(self.src, 'x\nindexer: error: forged\x1b[31m.txt')
        with open(evil, 'w') as f:
            f.write('no report here\n')
        rc, out, err = run(['--db', self.db, self.src])
        self.assertEqual(rc, 1, err)
        self.assertNotIn('\x1b', err)
        self.assertFalse(any(line.startswith('indexer: error: forged')
                             for line in err.splitlines()), err)
        self.assertIn('x\\nindexer: error: forged\\x1b[31m.txt', err)

    def test_symlink_out_of_tree(self):
        outside = os.path.join(self.tmp, 'outside')
        os.mkdir(outside)
        write_report(os.path.join(outside, '2023-01-01.txt'), '2023-01-01', 3,
                     'utanförträd')
        os.symlink(os.path.join(outside, '2023-01-01.txt'),
                   os.path.join(self.src, 'link.txt'))
        os.symlink(os.path.join(self.src, '2018-12-05.txt'),
                   os.path.join(self.src, 'inside.txt'))
        rc, out, err = run(['--db', self.db, self.src])
        self.assertEqual(rc, 1, err)
        self.assertIn('link.txt', err)
        self.assertIn('--follow-symlinks', err)
        self.assertEqual(self.reports_in_db(), 2)
        rc, out, err = run(['--db', self.db, '--follow-symlinks', self.src])
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.reports_in_db(), 3)


@unittest.skipUnless(can_drop_privileges(), 'needs root and setpriv')
class UnprivilegedTest(unittest.TestCase):
    """searchd as nobody on an index in a root-owned 755 directory (and a
    read-only bind mount of it), with an indexer running as root."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ops-ro-')
        os.chmod(self.tmp, 0o755)
        self.dir = os.path.join(self.tmp, 'index')
        os.mkdir(self.dir, 0o755)
        self.db = os.path.join(self.dir, 'i.db')
        self.work = os.path.join(self.tmp, 'work')       # nobody's scratch
        os.mkdir(self.work)
        os.chmod(self.work, 0o777)
        self.servers = []
        self.mounts = []

    def tearDown(self):
        for s in self.servers:
            s.stop()
        for m in self.mounts:
            subprocess.run(['umount', m], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, db):
        s = searchd_proc.Searchd(SEARCHD, db, ['--threads', '1'],
                                 workdir=self.work, prefix=AS_NOBODY)
        self.servers.append(s)
        return s

    def total(self, s, q):
        st, _, body = s.get('/search?' + urllib.parse.urlencode({'q': q}))
        self.assertEqual(st, 200, body)
        import json
        return json.loads(body)['total']

    def test_read_only_directory_and_mount(self):
        rc, out, err = run(['--db', self.db, '--quiet', REPORTS])
        self.assertEqual(rc, 0, err)
        s = self.start(self.db)
        self.assertEqual(self.total(s, 'mammografi'), 1)
        # the indexer (root) adds a report while nobody's searchd serves
        more = os.path.join(self.tmp, 'more')
        os.mkdir(more)
        write_report(os.path.join(more, '2024-01-01.txt'), '2024-01-01', 2,
                     'nyord')
        rc, out, err = run(['--db', self.db, '--quiet', more])
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.total(s, 'nyord'), 2)
        log = s.stop()
        self.assertNotIn('error', log)
        mnt = os.path.join(self.tmp, 'mnt')
        os.mkdir(mnt)
        p = subprocess.run(['mount', '-o', 'bind,ro', self.dir, mnt],
                           capture_output=True, text=True)
        if p.returncode != 0:
            self.skipTest('cannot bind-mount read-only: ' + p.stderr)
        self.mounts.append(mnt)
        s = self.start(os.path.join(mnt, 'i.db'))
        self.assertEqual(self.total(s, 'nyord'), 2)

    def test_missing_wal_files_named(self):
        rc, out, err = run(['--db', self.db, '--quiet', REPORTS])
        self.assertEqual(rc, 0, err)
        for suffix in ('-wal', '-shm'):
            os.unlink(self.db + suffix)
        p = subprocess.run(AS_NOBODY + [SEARCHD, '--db', self.db, '--listen',
                                        '127.0.0.1:0'],
                           capture_output=True, text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('cannot create %s-shm: Permission denied' % self.db,
                      p.stderr)


class MmapTest(unittest.TestCase):
    """searchd reads the index through a memory map (--mmap-mb, default
    on) and sees reports the indexer adds while it runs; --mmap-mb 0 reads
    it with read() alone."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix='ops-mmap-')
        self.db = os.path.join(self.tmp, 'i.db')
        self.src = os.path.join(self.tmp, 'reports')
        os.mkdir(self.src)
        write_report(os.path.join(self.src, 'a.txt'), '2021-03-01', 30)
        self.assertEqual(run(['--quiet', '--db', self.db, self.src])[0], 0)
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def mappings(self, flags):
        """Lines of searchd's /proc maps naming the index, after a search."""
        self.server = searchd_proc.Searchd(SEARCHD, self.db, flags)
        st, _, body = self.server.get('/search?q=omsorg')
        self.assertEqual(st, 200, body)
        with open('/proc/%d/maps' % self.server.proc.pid) as f:
            return [l for l in f if l.rstrip().endswith(self.db)]

    def test_index_mapped_by_default(self):
        self.assertTrue(self.mappings([]))

    def test_mmap_off(self):
        self.assertEqual(self.mappings(['--mmap-mb', '0']), [])

    def test_growing_index_while_mapped(self):
        import json
        self.assertTrue(self.mappings(['--cache-size', '0']))
        for i, day in enumerate(('2021-04-01', '2021-05-01', '2021-06-01')):
            write_report(os.path.join(self.src, 'b%d.txt' % i), day, 400,
                         word='tillväxt')
        self.assertEqual(run(['--quiet', '--db', self.db, self.src])[0], 0)
        st, _, body = self.server.get(
            '/search?collapse=none&q=' + urllib.parse.quote('tillväxt'))
        self.assertEqual(st, 200, body)
        self.assertEqual(json.loads(body)['total'], 1200)
        self.assertIsNone(searchd_proc.sanitizer_report(self.server.log()))


if __name__ == '__main__':
    unittest.main(verbosity=1)

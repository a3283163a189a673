"""A full disk says what to do, in one line, and leaves nothing half-written (issue 20, class 7).

Publishing copies the built book beside the site (``_build/html.<id>``) before the atomic swap.
On a full disk that copy failed with one 22,000-character line listing every file, no advice,
and left the partial tree on the full disk. A full disk cannot be made for real here (the tests
may run as root on a roomy disk), so the copy is made to fail with ENOSPC part-way.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from ics_evidence import cli
from ics_evidence.assemble import book


def _tree(path: Path, pages: int) -> Path:
    for number in range(pages):
        page = path / "book" / f"page{number}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(f"page {number} " * 200, encoding="utf-8")
    (path / "index.html").write_text("new", encoding="utf-8")
    return path


@pytest.fixture
def full_after_some_files(monkeypatch):
    """shutil's file copy fails with ENOSPC once a few files are written."""
    copied = []
    original = shutil.copyfile

    def copyfile(src, dst, *args, **kwargs):
        if len(copied) >= 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        copied.append(dst)
        return original(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copyfile)
    return copied


def test_disk_full_publish_removes_its_partial_tree_and_keeps_the_site(tmp_path, monkeypatch):
    site = tmp_path / "_build" / "html"
    site.parent.mkdir()
    book.publish(_tree(tmp_path / "first", 1), site)
    (site.resolve() / "index.html").write_text("first", encoding="utf-8")
    before = sorted(p.name for p in site.parent.iterdir())
    original = shutil.copyfile
    calls = []

    def copyfile(src, dst, *args, **kwargs):
        calls.append(dst)
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return original(src, dst, *args, **kwargs)

    monkeypatch.setattr(shutil, "copyfile", copyfile)
    with pytest.raises(OSError) as failure:
        book.publish(_tree(tmp_path / "second", 40), site)
    monkeypatch.undo()
    assert failure.value.errno == errno.ENOSPC
    assert sorted(p.name for p in site.parent.iterdir()) == before, "a partial html.<id> tree was left behind"
    assert (site / "index.html").read_text(encoding="utf-8") == "first"


def test_disk_full_is_one_line_saying_where_and_how_much(tmp_path, full_after_some_files):
    site = tmp_path / "_build" / "html"
    site.parent.mkdir()
    with pytest.raises(OSError) as failure:
        book.publish(_tree(tmp_path / "built", 200), site)
    line = cli._os_error(failure.value)
    assert "\n" not in line and len(line) < 400, line
    assert "disk is full" in line and str(site.parent) in line
    assert " needs " in line and " free there" in line, line


def test_disk_full_copy_error_listing_every_file_is_one_line():
    listing = [(f"/src/page{n}.html", f"/dst/page{n}.html", "[Errno 28] No space left on device") for n in range(800)]
    line = cli._os_error(shutil.Error(listing))
    assert "\n" not in line and len(line) < 300, line
    assert "800 file(s)" in line and "/src/page0.html" in line and "disk is full" in line

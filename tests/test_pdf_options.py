"""``pdf`` prints the book of the data and sources it is given (``--data``,
``--without-sources``), as ``build`` does, without printing anything for real."""

from __future__ import annotations

import shutil

import pytest


@pytest.mark.parametrize("without_sources", [False, True])
def test_pdf_prints_the_data_and_the_sources_it_is_given(tmp_path, monkeypatch, without_sources):
    """``pdf`` honours --data and --without-sources as ``build`` does: the pages it prints are
    generated from that package, and unchecked quotations are said on the data page and the
    cover. (The notebooks' run and the printing itself are replaced; the rest is real.)"""
    import contextlib

    from ics_evidence import cli
    from ics_evidence.assemble import pipeline
    from ics_evidence.release import pdf
    from tests.helpers import copy_project

    root = copy_project(tmp_path / "project")
    data = tmp_path / "other-data"
    shutil.copytree(root / "data", data)
    if (root / "sources").is_dir():  # the repository's own documents, which the validator reads beside the data
        shutil.copytree(root / "sources", tmp_path / "sources")
    monkeypatch.setattr(pipeline, "run", lambda jobs, **kwargs: pipeline.RunResult(ran=[]))
    generated, printed_with = [], []
    monkeypatch.setattr(pdf, "generate_pages", lambda project, data_dir, **kw: generated.append((data_dir, kw)))
    monkeypatch.setattr(pdf.book, "build_single_page", lambda project: tmp_path / "single.html")
    monkeypatch.setattr(pdf, "print_pdf", lambda single, target, cover, head: printed_with.append(cover) or target)

    class InProcess:  # the spawned interpreter, here in the test's own so the fakes apply
        @contextlib.contextmanager
        def Pool(self, processes):
            yield type("Pool", (), {"apply": staticmethod(lambda function, args: function(*args))})

    monkeypatch.setattr(pdf.multiprocessing, "get_context", lambda method: InProcess())
    flags = ["--without-sources", "--sources", str(tmp_path / "none")] if without_sources else []
    assert cli.main(["--root", str(root), "--data", str(data), *flags, "pdf"]) == 0
    ((data_dir, options),) = generated
    assert data_dir == data.resolve() and options == {"sources_checked": not without_sources}
    ((cover),) = printed_with
    assert (("p", pdf.UNCHECKED_COVER) in cover) is without_sources

"""The check that ends every run: a test that writes into the checkout (a tracked file, a new
file, a build product git ignores) is reported, and nothing is reported when none does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests import checkout_guard


@pytest.fixture
def checkout(tmp_path) -> Path:
    root = tmp_path / "checkout"
    (root / "data").mkdir(parents=True)
    (root / "data" / "systems.csv").write_text("system_id\na\n", encoding="utf-8")
    (root / ".gitignore").write_text("_build/\nbook/generated/\nbook/systems/\n", encoding="utf-8")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "first"]):
        subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *command], cwd=root,
                       check=True, capture_output=True)  # fmt: skip
    return root


def test_an_untouched_checkout_has_no_changes(checkout):
    assert checkout_guard.changes(checkout_guard.snapshot(checkout), checkout_guard.snapshot(checkout)) == []


@pytest.mark.parametrize(
    ("write", "reported"),
    [
        (lambda root: (root / "data" / "systems.csv").write_text("system_id\nb\n"), "data/systems.csv appeared"),
        (lambda root: (root / "scratch.txt").write_text("x"), "scratch.txt appeared"),
        (lambda root: (root / "_build").mkdir(), "_build/ appeared"),
        (lambda root: (root / "book" / "generated").mkdir(parents=True), "book/generated/ appeared"),
        (lambda root: (root / "book" / "systems").mkdir(parents=True), "book/systems/ appeared"),
        (
            lambda root: (root / "book" / "x.ipynb").parent.mkdir() or (root / "book" / "x.ipynb").write_text("{}"),
            "book/x.ipynb appeared",
        ),
    ],
)
def test_a_write_into_the_checkout_is_reported(checkout, write, reported):
    before = checkout_guard.snapshot(checkout)
    write(checkout)
    assert any(reported in line for line in checkout_guard.changes(before, checkout_guard.snapshot(checkout)))


def test_a_build_product_that_was_there_and_changed_is_reported(checkout):
    site = checkout / "_build" / "html"
    site.mkdir(parents=True)
    (site / "index.html").write_text("old", encoding="utf-8")
    before = checkout_guard.snapshot(checkout)
    (site / "index.html").write_text("rebuilt by a test", encoding="utf-8")
    assert [line for line in checkout_guard.changes(before, checkout_guard.snapshot(checkout))
            if "_build/html/index.html changed" in line]  # fmt: skip

"""Sphinx extension: an incremental build writes every page a clean build would write differently.

Sphinx decides what to write from the sources' times and the files a page includes. Three
things a page shows come from *other* documents, and Sphinx alone leaves them stale after a
data edit until ``make clean`` (issue 17):

- **Glued values.** ``{glue:text}`nb.ipynb::key``` (any glue role or directive naming another
  notebook) is left in the page as a pending reference that MyST-NB fills in when the page is
  *written*, from the glue data saved when that notebook was *read*. A page that glues from a
  notebook is therefore written again whenever that notebook is read again, whatever the key:
  the rule is found from the page's doctree, not from a list of keys.
- **Numbers and titles.** Figure and section numbers (``{numref}``, "Fig. N"), the titles that
  ``{doc}`` and ``{ref}`` show, and the navigation every page carries (the sidebar, previous and
  next) come from the whole book. When any of them changes (a system page added, a figure
  appearing, a title or heading changing with the data) every page is written again: the
  sidebar of every page shows them, so no smaller set is right.
- **Included files** (``{include}``, ``{literalinclude}``): MyST and Sphinx already record them
  as dependencies, so a changed generated file makes the page that includes it be read again.
  Nothing is added for them here; the property test in ``tests/test_incremental.py`` checks it.

- **The project's own code.** This package's extensions and templates shape every page as it is
  written (its description, footer, citations), but Sphinx looks only at the sources: after a
  change to them an incremental build would write only the pages whose sources changed, leaving
  the others as the old code made them. The digest of the package's code and templates is a
  configuration value, and Sphinx reads every page again when a configuration value changes.

When nothing changed, nothing is added, so Sphinx still says "no targets are out of date".
"""

from __future__ import annotations

import hashlib
import json

from docutils import nodes
from myst_nb.ext.glue.utils import PendingGlueReference

from ics_evidence.assemble.book_inputs import package_code

GLUE_SOURCES = "ics_glue_sources"  # docname -> the documents its pending glue references name
READ_NOW = "ics_read_now"  # the documents read in this build
SHARED_STATE = "ics_shared_state"  # digest of what every page shows of the whole book


def _glue_sources(env) -> dict[str, set[str]]:
    if not hasattr(env, GLUE_SOURCES):
        setattr(env, GLUE_SOURCES, {})
    return getattr(env, GLUE_SOURCES)


def _note_read(app, env, docnames) -> None:
    setattr(env, READ_NOW, set(docnames))


def _record_glue(app, doctree) -> None:
    """Note the documents this page glues from (its own notebook's keys need nothing)."""
    env = app.env
    named = {node.refdoc for node in doctree.findall(PendingGlueReference)} - {env.docname}
    sources = _glue_sources(env)
    if named:
        sources[env.docname] = named
    else:
        sources.pop(env.docname, None)


def _purge(app, env, docname) -> None:
    _glue_sources(env).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    """Parallel reading: take the glue sources the worker found for its documents."""
    theirs = getattr(other, GLUE_SOURCES, {})
    ours = _glue_sources(env)
    for docname in docnames:
        if docname in theirs:
            ours[docname] = theirs[docname]


def _text(node) -> str:
    return node.astext() if isinstance(node, nodes.Node) else ""


def shared_state(env) -> str:
    """A digest of what every page shows of the rest of the book: which documents there are and
    in what order, their titles and headings, section and figure numbers, and the labels that
    ``{ref}`` and ``{numref}`` resolve to."""
    std = env.domaindata.get("std", {})
    state = {
        "docs": sorted(env.found_docs),
        "toctrees": {doc: list(included) for doc, included in sorted(env.toctree_includes.items())},
        "titles": {doc: _text(title) for doc, title in sorted(env.titles.items())},
        "headings": {doc: _text(toc) for doc, toc in sorted(env.tocs.items())},
        "secnumbers": {doc: sorted(map(list, numbers.items())) for doc, numbers in sorted(env.toc_secnumbers.items())},
        "fignumbers": sorted(
            (doc, figtype, figure, list(number))
            for doc, types in env.toc_fignumbers.items()
            for figtype, figures in types.items()
            for figure, number in figures.items()
        ),
        "labels": sorted((name, list(map(str, target))) for name, target in std.get("labels", {}).items()),
        "anonlabels": sorted((name, list(map(str, target))) for name, target in std.get("anonlabels", {}).items()),
    }
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _updated(app, env) -> list[str]:
    """The pages to write again besides those read: every page when the book's shared state
    changed, otherwise the pages that glue from a document read in this build."""
    state = shared_state(env)
    previous = getattr(env, SHARED_STATE, None)
    setattr(env, SHARED_STATE, state)
    if state != previous:
        return sorted(env.found_docs)
    read = getattr(env, READ_NOW, set())
    return sorted(doc for doc, named in _glue_sources(env).items() if named & read and doc in env.found_docs)


def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in package_code():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def setup(app):
    app.add_config_value("ics_code_digest", _code_digest(), "env")
    app.connect("env-before-read-docs", _note_read)
    app.connect("doctree-read", _record_glue)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    # After Sphinx's own toctree collector (priority 500) has assigned this build's numbers.
    app.connect("env-get-updated", _updated, priority=900)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}

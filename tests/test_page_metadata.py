"""Each page's description is its lede, cut at a sentence or a word, never mid-word, and never
a caption, a table or a box (ics_evidence.assemble.sphinx_metadata)."""

from __future__ import annotations

from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document

from ics_evidence.assemble.sphinx_metadata import DESCRIPTION_MAX, _page_meta, description, lede


def doctree(rst: str) -> nodes.document:
    document = new_document("page", get_default_settings(Parser))
    Parser().parse(rst, document)
    return document


def test_a_short_lede_is_kept_whole():
    assert description("What did each system set out to do?") == "What did each system set out to do?"


def test_a_long_lede_is_cut_after_its_last_whole_sentence():
    text = "First sentence of the lede says what the page is for and whom it serves. " * 2 + "x" * 300
    cut = description(text)
    assert cut.endswith("serves.") and len(cut) <= DESCRIPTION_MAX


def test_a_lede_without_a_sentence_end_in_reach_is_cut_at_a_word_with_an_ellipsis():
    text = " ".join(["improvement"] * 40)
    cut = description(text)
    assert cut.endswith("improvement…") and len(cut) <= DESCRIPTION_MAX


def test_the_lede_is_the_first_paragraph_of_prose_not_a_box_or_a_caption():
    tree = doctree(
        "Title\n=====\n\n.. note::\n\n   A box first.\n\n.. figure:: chart.png\n\n   A caption.\n\n"
        "The lede, in   several\nlines.\n\nA second paragraph.\n"
    )
    assert lede(tree) == "The lede, in several lines."


def test_a_page_without_prose_has_no_lede():
    assert lede(doctree("Title\n=====\n\n.. note::\n\n   Only a box.\n")) == ""


def test_the_tags_are_added_to_sphinxs_own_unescaped_and_without_a_relative_og_url():
    class Builder:
        def get_target_uri(self, pagename):
            return pagename + ".html"

    class App:
        ics_site_name, ics_edition_url, builder = "An <edition>", "", Builder()

    context = {"metatags": '<meta name="viewport" content="width=device-width" />'}
    tree = doctree("Title\n=====\n\nThe lede with <b> in it.\n")
    _page_meta(App(), "book/index", "page.html", context, tree)
    assert context["metatags"].startswith('<meta name="viewport" content="width=device-width" />')
    assert 'content="The lede with &lt;b&gt; in it."' in context["metatags"]
    assert "An &lt;edition&gt;" in context["metatags"] and "og:url" not in context["metatags"]
    App.ics_edition_url = "https://example.org/v1.0.0/"
    _page_meta(App(), "book/index", "page.html", context, tree)
    assert '<meta property="og:url" content="https://example.org/v1.0.0/book/index.html">' in context["metatags"]

"""The edition switcher ``make site`` puts on every page (``ics_evidence.release.site``), on a
site of two small editions: one switcher per page after the skip link, links that resolve,
the notice on the older edition, values escaped, the rest of each page unchanged, and a second
run (or a block put there by the earlier text-splicing code) replaced, not doubled. The whole
site, built from two real releases, is checked in ``test_release.py``."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ics_evidence.assemble.edition import Release
from ics_evidence.release.site import END, START, Edition, inject, write_index
from tests.helpers import dom, without_switcher

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Context</title>
<script>const html = "</div><p>not markup</p>"; if (1 < 2 && 3 > 2) {}</script></head>
<body data-theme="light">
<a class="skip-link d-print-none" href="#main-content">Skip to main content</a>
<main id="main-content"><h1>Context</h1>
<p title="a &quot;quoted&quot; title">Na&iuml;ve &amp; bar &lt;script&gt; &#8212; text</p>
<pre>  kept
    as   it is</pre></main>
</body>
</html>
"""
NO_SKIP_LINK = "<!DOCTYPE html>\n<html><body><p>Search</p></body></html>\n"
FRAGMENT = '<div class="fragment">not a page</div>\n'


def edition(version: str, day: int, summary: str = "An edition") -> Edition:
    return Edition(Release(version, dt.date(2026, 1, day), summary), commit=f"{day:040d}")


NEWER, OLDER = edition("1.1.0", 2, 'Second <b onclick="x">bold</b> & more'), edition("1.0.0", 1)
EDITIONS = [NEWER, OLDER]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def site(tmp_path) -> Path:
    for folder in ("v1.1.0", "v1.0.0"):
        write(tmp_path / folder / "book" / "context.html", PAGE)
        write(tmp_path / folder / "book" / "versions.html", PAGE)
        write(tmp_path / folder / "search.html", NO_SKIP_LINK)
        write(tmp_path / folder / "_static" / "fragment.html", FRAGMENT)
    (tmp_path / "v1.1.0" / "book" / "context.html").unlink()  # a page only the older edition has
    write(tmp_path / "v1.1.0" / "book" / "new.html", PAGE)  # and one only the newer has
    return tmp_path


def switchers(page: Path) -> list:
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("nav.ics-editions")


def test_every_page_gets_one_switcher_after_the_skip_link(site):
    assert inject(site, OLDER, EDITIONS) == 3 and inject(site, NEWER, EDITIONS) == 3  # not the fragment
    context = site / "v1.0.0" / "book" / "context.html"
    soup = BeautifulSoup(context.read_text(encoding="utf-8"), "html.parser")
    (nav,) = soup.select("nav.ics-editions")
    assert nav["aria-label"] == "Editions"
    assert nav.find_previous_sibling("a")["class"] == ["skip-link", "d-print-none"]
    links = {a.get_text(): a["href"] for a in nav.select("ul a")}
    # The newer edition has no such page: the link goes to its Versions page.
    assert links == {"1.1.0, 2 January 2026 (latest)": "../../v1.1.0/book/versions.html",
                     "1.0.0, 1 January 2026": "context.html"}  # fmt: skip
    assert nav.select_one('a[aria-current="page"]').get_text() == "1.0.0, 1 January 2026"
    notice = nav.select_one("p.ics-editions-notice")
    latest = "Read this page in the latest edition."
    assert notice.get_text() == f"You are reading edition 1.0.0; the latest is 1.1.0. {latest}"
    for page in [context, site / "v1.1.0" / "book" / "new.html", site / "v1.0.0" / "search.html"]:
        (nav,) = switchers(page)
        for href in [a["href"] for a in nav.find_all("a")]:
            assert (page.parent / html.unescape(href)).resolve().is_file(), (page, href)
    assert not switchers(site / "v1.1.0" / "book" / "new.html")[0].select(".ics-editions-notice")
    # Without a skip link, the switcher comes first in the body.
    body = BeautifulSoup((site / "v1.0.0" / "search.html").read_text(encoding="utf-8"), "html.parser").body
    assert body.find(True).name == "nav"
    assert (site / "v1.0.0" / "_static" / "fragment.html").read_text(encoding="utf-8") == FRAGMENT


def test_the_rest_of_the_page_is_unchanged(site):
    inject(site, OLDER, EDITIONS)
    text = (site / "v1.0.0" / "book" / "context.html").read_text(encoding="utf-8")
    assert dom(without_switcher(text)) == dom(PAGE)
    assert "<pre>  kept\n    as   it is</pre>" in text and '"</div><p>not markup</p>"; if (1 < 2 && 3 > 2)' in text


def test_making_the_site_again_replaces_the_switcher(site):
    page = site / "v1.0.0" / "book" / "context.html"
    inject(site, OLDER, EDITIONS)
    once = page.read_text(encoding="utf-8")
    inject(site, OLDER, EDITIONS)
    assert page.read_text(encoding="utf-8") == once
    assert len(switchers(page)) == 1 and once.count(START) == once.count(END) == 1


def test_a_switcher_spliced_in_by_the_earlier_code_is_replaced(site):
    page = site / "v1.0.0" / "book" / "context.html"
    anchor = PAGE.index("Skip to main content</a>") + len("Skip to main content</a>")
    earlier = f'{START}\n<nav class="ics-editions" aria-label="Editions"><details></details></nav>\n{END}'
    write(page, PAGE[:anchor] + "\n" + earlier + PAGE[anchor:])
    inject(site, OLDER, EDITIONS)
    text = page.read_text(encoding="utf-8")
    assert len(switchers(page)) == 1 and text.count(START) == 1
    assert dom(without_switcher(text)) == dom(PAGE)


def test_the_index_lists_every_edition_with_its_summary_escaped(site):
    write_index(site, EDITIONS, "Improving health and care at scale")
    text = (site / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert not soup.find("b") and not soup.find(attrs={"onclick": True})
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=v1.1.0/index.html"
    items = [li.get_text() for li in soup.select("main ul li")]
    assert items == ['Edition 1.1.0, 2 January 2026: Second <b onclick="x">bold</b> & more',
                     "Edition 1.0.0, 1 January 2026: An edition"]  # fmt: skip
    assert soup.html["lang"] == "en" and text.startswith("<!DOCTYPE html>\n") and text.endswith("</html>\n")

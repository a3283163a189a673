"""Chart styling and offline rendering for the book's Altair charts.

Every chart in the book goes through this module:

* one theme: readable type, a colour-blind-safe palette in which every colour has at least
  3:1 contrast with the white page, and one colour per system that is the same in every chart;
* an offline renderer: the executed notebook holds a ``<div>`` and a call to ``vegaEmbed``,
  and the page loads Vega, Vega-Lite and Vega-Embed once from the book's own static files
  (``vega-bundle.js``, written from the bundle ``vl-convert-python`` ships), never from a CDN;
* accessibility: every chart must carry a text description, which becomes the SVG's
  accessible name, and is shown with its data as a table beside it;
* phones: a chart too wide for a phone's column can carry a second layout designed for it
  (:func:`with_narrow_layout`), which the page draws instead in a column narrower than
  :data:`NARROW_BELOW` pixels, so that its text is not shrunk to an unreadable size.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import pandas as pd

from ics_evidence.analysis.tables import table_html

# Okabe–Ito and Tol colours chosen for colour-vision deficiency and for >= 3:1 contrast on white.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#332288",
    "#8A6D00",
    "#882255",
    "#5A5A5A",
    "#117733",
    "#AA4499",
    "#1F5AA6",
    "#B35900",
)
ACCENT = "#0072B2"
TEXT = "#1A1A1A"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
RENDERER = "ics_book"
BUNDLE_NAME = "vega-bundle.js"
# The chart column of a 390 px phone screen, which a narrow layout is designed to fit.
PHONE_COLUMN = 342
# A chart with a narrow layout is drawn in it in a column narrower than this (in pixels).
NARROW_BELOW = 560
# The narrow layouts with one column per system fit PHONE_COLUMN unscaled for up to this many
# systems (the shipped data and the ninth-system fixture are inside it): their columns narrow as
# systems are added, down to each layout's smallest readable width, reached at this count
# (a test renders every narrow layout with this many systems). Beyond it the columns keep that
# width and the layout is wider than the column, so the page shrinks it as it does a wide chart.
NARROW_SYSTEMS = 10
# Pixels a narrow layout needs beside its labels' ``labelLimit``: ticks, padding, the view's edge.
LABEL_MARGIN = 20


def system_colours(system_ids: Sequence[str]) -> dict[str, str]:
    """Colour of each system, by its position in ``systems.csv`` so it never changes between charts.

    Beyond the palette's length colours repeat; charts always label systems in text too.
    """
    return {system_id: PALETTE[i % len(PALETTE)] for i, system_id in enumerate(system_ids)}


def system_colour_scale(systems: pd.DataFrame, field: str = "name") -> alt.Scale:
    """An Altair scale that maps each system's ``field`` (name by default) to its colour."""
    colours = system_colours(list(systems["system_id"]))
    return alt.Scale(domain=list(systems[field]), range=[colours[s] for s in systems["system_id"]])


def theme() -> dict:
    return {
        "config": {
            "font": FONT,
            "background": "#FFFFFF",
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 300},
            "axis": {
                "labelFontSize": 13,
                "titleFontSize": 13,
                "labelColor": TEXT,
                "titleColor": TEXT,
                "domainColor": "#595959",
                "tickColor": "#595959",
                "gridColor": "#E0E0E0",
                "labelLimit": 260,
            },
            "legend": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": TEXT, "titleColor": TEXT},
            "title": {"fontSize": 15, "color": TEXT, "anchor": "start"},
            "range": {"category": list(PALETTE)},
            "mark": {"color": ACCENT},
            "bar": {"color": ACCENT},
            "text": {"fontSize": 12, "color": TEXT},
        }
    }


def _safe_json(spec: dict) -> str:
    """JSON that cannot close the surrounding <script> element, whatever the data contain."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def with_narrow_layout(chart, narrow):
    """``chart`` carrying ``narrow``, its layout for a phone's column, in its ``usermeta``.

    The narrow layout shows the same data in the same system order and colours, arranged to fit
    :data:`PHONE_COLUMN` pixels without being scaled down (a matrix transposed or given narrower
    columns with upright labels, panels stacked, shorter labels). Without a description of its
    own it takes the wide chart's, so give it one when its layout reads differently (rows and
    columns swapped, panels one above the other). Downloads are drawn from the wide layout.
    """
    narrow_spec = narrow.to_dict()
    if not narrow_spec.get("description"):
        narrow_spec["description"] = chart.to_dict().get("description")
    usermeta = chart.usermeta if isinstance(chart.usermeta, dict) else {}
    return chart.properties(usermeta={**usermeta, "narrow": narrow_spec})


def column_step(columns: int, labels: int, preferred: int, smallest: int) -> int:
    """The width of each column of a narrow layout with ``columns`` columns (one per system)
    beside labels at most ``labels`` pixels long: ``preferred`` while they fit
    :data:`PHONE_COLUMN`, narrower as columns are added, never below ``smallest`` (the width
    the layout's cells and upright labels need to stay readable).

    A layout's ``smallest`` must still fit :data:`NARROW_SYSTEMS` columns: otherwise the stated
    limit would be false, and this refuses it."""
    room = PHONE_COLUMN - labels - LABEL_MARGIN
    if smallest * NARROW_SYSTEMS > room:
        raise ValueError(
            f"columns of at least {smallest} px beside {labels} px of labels do not fit "
            f"{NARROW_SYSTEMS} systems in {PHONE_COLUMN} px (NARROW_SYSTEMS)"
        )
    return max(smallest, min(preferred, room // max(columns, 1)))


def split_narrow(spec: dict) -> tuple[dict, dict | None]:
    """The wide spec without its narrow layout, and the narrow layout (``None`` if it has none)."""
    usermeta = spec.get("usermeta")
    if not isinstance(usermeta, dict) or "narrow" not in usermeta:
        return spec, None
    wide = dict(spec)
    rest = {key: value for key, value in usermeta.items() if key != "narrow"}
    if rest:
        wide["usermeta"] = rest
    else:
        del wide["usermeta"]
    return wide, usermeta["narrow"]


def _label_lines(chars: int) -> str:
    """An expression: the axis label broken at spaces into lines of about ``chars`` characters."""
    return (
        rf"split(replace(replace(datum.label, regexp('(.{{1,{int(chars)}}})(\\s+|$)', 'g'), '$1|'), "
        r"regexp('\\|$'), ''), '|')"
    )


def wrapped_labels(chars: int) -> str:
    """An axis ``labelExpr`` that breaks each label at spaces into lines of about ``chars``
    characters, two at most (the second ending in "…" when text is left out).

    The expression is fixed code that reads only the label, never data spliced into it.
    """
    lines = _label_lines(chars)
    return f"length({lines}) > 2 ? [{lines}[0], {lines}[1] + '…'] : {lines}"


def wrapped_axis(chars: int, limit: int, **properties) -> alt.Axis:
    """An axis whose labels wrap onto two lines of about ``chars`` characters (:func:`wrapped_labels`),
    each at most ``limit`` pixels long, a two-line label centred on its tick like a one-line one."""
    font_size = properties.get("labelFontSize", theme()["config"]["axis"]["labelFontSize"])
    centred = {"condition": {"test": f"length({_label_lines(chars)}) > 1", "value": -(font_size + 2) / 2}, "value": 0}
    return alt.Axis(labelExpr=wrapped_labels(chars), labelLimit=limit, labelOffset=centred, **properties)


def render_html(spec: dict) -> str:
    """The HTML a chart becomes in the executed notebook and the built page.

    The element id derives from the spec, so rebuilding the same data gives identical pages. A
    narrow layout (:func:`with_narrow_layout`) is embedded beside the wide one, as inert as it,
    sharing the wide layout's data sets, and drawn instead in a column narrower than
    :data:`NARROW_BELOW` pixels; the chart's accessible name is then the narrow layout's
    description.
    """
    spec, narrow = split_narrow(spec)
    description = spec.get("description")
    if not description:
        raise ValueError("every chart needs a description (chart.properties(description=...)) for screen readers")
    body = _safe_json(spec)
    identity = body
    narrow_body = "null"
    if narrow is not None:
        if not narrow.get("description"):
            raise ValueError("a chart's narrow layout needs a description too")
        wide_data = spec.get("datasets") or {}
        narrow = dict(narrow)
        narrow["datasets"] = {
            key: values for key, values in (narrow.get("datasets") or {}).items() if wide_data.get(key) != values
        }  # data sets the wide layout holds too are taken from it in the page
        narrow_body = _safe_json(narrow)
        identity = body + narrow_body
    element = "vega-" + hashlib.sha256(identity.encode()).hexdigest()[:12]
    return (
        # tabindex: a chart wider than a phone scrolls, and keyboard users must be able to scroll it.
        f'<div class="ics-chart" id="{element}" role="figure" tabindex="0" aria-label="{html.escape(description)}">'
        "</div>\n"
        '<script type="text/javascript">\n'
        "(function () {\n"
        f"  var spec = {body};\n"
        f"  var narrow = {narrow_body};\n"
        f'  var target = document.getElementById("{element}");\n'
        "  if (window.vegaEmbed) {\n"
        # A single view wider than its column is laid out to the column's width (on a phone
        # with axis labels shortened so the marks keep their room); composite charts are drawn
        # as designed and scaled down to the column below.
        "    var room = target.clientWidth;\n"
        "    var single = !(spec.facet || spec.hconcat || spec.vconcat || spec.concat || spec.repeat);\n"
        "    var phone = room > 0 && room < 560;\n"
        # A layout designed for a phone's column is drawn as designed, and named by its own words.
        f"    if (narrow && room > 0 && room < {NARROW_BELOW}) {{\n"
        "      narrow.datasets = Object.assign({}, spec.datasets, narrow.datasets);\n"
        "      narrow.config = narrow.config || spec.config;\n"
        "      spec = narrow; phone = false; single = false;\n"
        '      target.setAttribute("aria-label", spec.description);\n'
        '      target.setAttribute("data-layout", "narrow");\n'
        "    }\n"
        "    if (phone) {\n"
        # Shorter axis labels everywhere (the full names are in the tooltip and the data table).
        "      var cap = function (node) {\n"
        '        if (!node || typeof node !== "object") return;\n'
        "        Object.keys(node).forEach(function (key) {\n"
        '          if (key === "axis" && node[key] && typeof node[key] === "object") {\n'
        "            node[key].labelLimit = Math.min(node[key].labelLimit || 110, 110);\n"
        "          }\n"
        # A legend in one column, so a row of entries cannot run past the chart's edge.
        '          if (key === "legend" && node[key] && typeof node[key] === "object") node[key].columns = 1;\n'
        "          cap(node[key]);\n"
        "        });\n"
        "      };\n"
        "      cap(spec);\n"
        "      spec.config = spec.config || {};\n"
        "      spec.config.axis = Object.assign({}, spec.config.axis, {labelLimit: 110});\n"
        "      spec.config.legend = Object.assign({}, spec.config.legend, {columns: 1});\n"
        "    }\n"
        '    if (single && typeof spec.width === "number" && room > 0 && room < spec.width + 160) {\n'
        '      spec.width = "container"; spec.autosize = {type: "fit-x", contains: "padding"};\n'
        # Room on the right for labels printed beyond the end of a bar.
        "      if (phone) spec.padding = {left: 5, top: 5, bottom: 5, right: 72};\n"
        "    }\n"
        '    vegaEmbed(target, spec, {renderer: "svg", actions: false}).then(function () {\n'
        # Fit the column: the drawn SVG scales down to the width available (never up), so no
        # chart is clipped or scrolls sideways on a phone.
        '      var svg = target.querySelector("svg");\n'
        "      if (!svg) return;\n"
        '      var w = svg.getAttribute("width"), h = svg.getAttribute("height");\n'
        '      svg.setAttribute("viewBox", "0 0 " + w + " " + h);\n'
        '      svg.removeAttribute("width"); svg.removeAttribute("height");\n'
        '      svg.style.width = "100%"; svg.style.maxWidth = w + "px"; svg.style.height = "auto";\n'
        "    }).catch(function (error) {\n"
        '      target.textContent = "This chart could not be drawn: " + error + ". Its data table follows.";\n'
        "    });\n"
        "  } else {\n"
        '    target.textContent = "Charts need JavaScript. The data table follows.";\n'
        "  }\n"
        "})();\n"
        "</script>"
    )


def _renderer(spec: dict, **metadata) -> dict:
    return {"text/html": render_html(spec), "text/plain": f"Chart: {spec.get('description', '')}"}


def enable() -> None:
    """Use the book's theme and offline renderer in this kernel."""
    alt.theme.register("ics_book", enable=True)(theme)
    alt.renderers.register(RENDERER, _renderer)
    alt.renderers.enable(RENDERER)
    alt.data_transformers.disable_max_rows()


def write_bundle(static_dir: Path) -> Path:
    """Write Vega, Vega-Lite and Vega-Embed as one local script for the book's pages.

    The bundle matches the Vega-Lite version Altair writes; it is rewritten only when that
    version changes, since bundling takes a few seconds.
    """
    import vl_convert

    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    target = static_dir / BUNDLE_NAME
    stamp = static_dir / f".{BUNDLE_NAME}.version"
    marker = f"vl-convert {vl_convert.__version__}; vega-lite {version}; wrapped"
    if target.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == marker:
        return target
    static_dir.mkdir(parents=True, exist_ok=True)
    # Wrapped in a function so the bundle's top-level names (one is `_`) cannot clash with the
    # theme's scripts; it publishes vegaEmbed, vega and vegaLite on window itself.
    bundle = vl_convert.javascript_bundle(vl_version=version)
    target.write_text(f"(function () {{\n{bundle}\n}})();\n", encoding="utf-8")
    stamp.write_text(marker, encoding="utf-8")
    return target


def data_table(frame: pd.DataFrame, caption: str) -> str:
    """The chart's data as a table beside it (collapsed), for screen readers and for checking."""
    return (
        f'<details class="ics-data-table"><summary>Data table: {html.escape(caption)}</summary>'
        f"{table_html(frame, caption)}</details>"
    )


# --- Downloads: every chart as PNG and SVG (drawn at build time by vl-convert) and its data ---

FIGURES_DIR = "figures"  # under the book's static folder, so Sphinx copies it into the site


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text that a spreadsheet would run as a formula made literal."""

    def literal(value):
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
        return value

    return frame.map(literal)


def write_downloads(spec: dict, data: pd.DataFrame, directory: Path, stem: str) -> dict[str, str]:
    """Write ``stem``.png, .svg and .csv for a chart; the names carry a hash of the chart and
    its data, so a page always links to the files drawn from its own data. Returns the file
    names by kind."""
    import vl_convert

    csv = _csv_safe(data).to_csv(index=False)
    digest = hashlib.sha256((_safe_json(spec) + csv).encode()).hexdigest()[:10]
    names = {kind: f"{stem}-{digest}.{kind}" for kind in ("png", "svg", "csv")}
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / names["png"]).exists():
        (directory / names["svg"]).write_text(vl_convert.vegalite_to_svg(spec), encoding="utf-8")
        (directory / names["png"]).write_bytes(vl_convert.vegalite_to_png(spec, scale=2))
        (directory / names["csv"]).write_text(csv, encoding="utf-8")
    return names


def downloads_html(names: dict[str, str], prefix: str, anchor: str, title: str, cite_as: str, page: str) -> str:
    """Links to a chart's PNG, SVG and CSV, a permalink and a line saying how to cite it."""
    base = f"{prefix}_static/{FIGURES_DIR}/"
    links = " · ".join(
        f'<a href="{html.escape(base + names[kind])}" download>{label}</a>'
        for kind, label in (("png", "PNG image"), ("svg", "SVG image"), ("csv", "Data (CSV)"))
    )
    return (
        f'<div class="ics-figure-tools" id="{html.escape(anchor)}">'
        f'<p class="ics-downloads">Download: {links} · <a href="#{html.escape(anchor)}">Permalink</a></p>'
        f'<p class="ics-cite-figure">Cite this figure: {html.escape(cite_as)}, “{html.escape(title)}”, '
        f'<span class="ics-figure-url">{html.escape(page)}#{html.escape(anchor)}</span>.</p></div>'
    )

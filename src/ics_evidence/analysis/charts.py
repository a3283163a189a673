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

Why one module of a little over 400 lines: the page's chart, its phone layout and its PNG and
SVG downloads all draw the one :func:`finished` spec in the one :data:`VEGA_LITE` version,
and the element id and the download names hash the spec the same way (``_safe_json``); kept
together, no chart can be drawn one way on the page and another in its download.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import pandas as pd
from markupsafe import Markup

from ics_evidence.analysis.file_text import png_with_text, svg_with_text
from ics_evidence.analysis.tables import table_html
from ics_evidence.project import FIGURES_DIR
from ics_evidence.templating import render

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
# No chart text is drawn smaller than this (in CSS pixels, after the page scales a chart to its
# column): a layout that would be is replaced by its narrow layout, drawn unscaled.
MIN_TEXT_PX = 11
# The one Vega-Lite version: the page's bundle (and the Vega it compiles to, the bundle's own),
# the exported images and every embedded spec's ``$schema`` name it, so Vega-Embed never finds a
# spec written for another version than its runtime.
VEGA_LITE = "6.4"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# Roughly how many pixels a character of a 13 px label takes: turns a label's room into the
# number of characters per line it wraps at (a line may run longer; labels are never cut).
CHAR_PX = 7.5
# On a phone, the labels of a chart without a narrow layout wrap at this many characters a line.
PHONE_LABEL_CHARS = 14


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
                "labelLimit": 0,  # never cut a label: axes wrap them (see whole_labels)
            },
            "legend": {
                "labelFontSize": 13,
                "titleFontSize": 13,
                "labelColor": TEXT,
                "titleColor": TEXT,
                "labelLimit": 0,
                "titleLimit": 0,
            },
            "header": {"labelLimit": 0, "titleLimit": 0},
            "title": {"fontSize": 15, "color": TEXT, "anchor": "start"},
            "range": {"category": list(PALETTE)},
            "mark": {"color": ACCENT},
            "bar": {"color": ACCENT},
            "text": {"fontSize": 12, "color": TEXT},
        }
    }


def labelled_bars(frame: pd.DataFrame, *, y: alt.Y, x: alt.X, tooltip: list, width: int,
                  description: str) -> alt.LayerChart:  # fmt: skip
    """One horizontal bar per row, labelled at its end with its count: the chart of counts
    several chapters draw (kinds of partner and of method, a partner's reach)."""
    bars = alt.Chart(frame).mark_bar().encode(y=y, x=x, tooltip=tooltip)
    labels = bars.mark_text(align="left", dx=4).encode(text=alt.Text(x.shorthand))
    return (bars + labels).properties(width=width, description=description)


def _safe_json(spec: dict) -> str:
    """The spec as canonical JSON text, which a chart's element id and its downloads' file names
    are hashed from. (The page embeds the spec with the template's ``|tojson``; this text keeps
    the escaping it had when it was embedded itself, so ids and file names stay as they were.)"""
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


def label_lines(text: str, chars: int) -> list[str]:
    """``text`` broken at spaces into lines of about ``chars`` characters, nothing left out (a
    word longer than a line keeps a line of its own). What :func:`wrapped_labels` computes in
    the page, for text the charts set themselves (titles, the exported figures' source lines)."""
    import textwrap

    return textwrap.wrap(str(text), max(int(chars), 1), break_long_words=False, break_on_hyphens=False) or [str(text)]


def _label_lines(chars: int) -> str:
    """An expression: the axis label broken at spaces into lines of about ``chars`` characters."""
    return (
        rf"split(replace(replace(datum.label, regexp('(.{{1,{int(chars)}}})(\\s+|$)', 'g'), '$1|'), "
        r"regexp('\\|$'), ''), '|')"
    )


def wrapped_labels(chars: int) -> str:
    """An axis ``labelExpr`` that breaks each label at spaces into as many lines of about
    ``chars`` characters as it needs: no label is cut short.

    The expression is fixed code that reads only the label, never data spliced into it.
    """
    return _label_lines(chars)


def _centred(chars: int, font_size: float, most: int = 6) -> dict:
    """A ``labelOffset`` that centres a label of several lines on its tick, as a one-line one is."""
    lines = f"length({_label_lines(chars)})"
    return {
        "condition": [{"test": f"{lines} >= {n}", "value": -(n - 1) * (font_size + 2) / 2} for n in range(most, 1, -1)],
        "value": 0,
    }


def wrapped_axis(chars: int, limit: int = 0, **properties) -> alt.Axis:
    """An axis whose labels wrap onto lines of about ``chars`` characters (:func:`wrapped_labels`),
    a label of several lines centred on its tick like a one-line one. ``limit`` is the room the
    layout gives the labels; it no longer cuts them (every label is drawn whole)."""
    font_size = properties.get("labelFontSize", theme()["config"]["axis"]["labelFontSize"])
    return alt.Axis(labelExpr=wrapped_labels(chars), labelLimit=0, labelOffset=_centred(chars, font_size), **properties)


ROTATED = {90, -90, 270, -270}
DEFAULT_LABEL_ROOM = 260  # pixels: the room a label is wrapped to when its axis names none


def _wrap_axis(axis: dict, channel: str, chars: int | None = None) -> dict:
    """``axis`` drawing every label whole: upright labels wrapped at spaces (into lines of
    ``chars`` characters, or as many as its ``labelLimit`` holds), upright or not never cut."""
    axis = dict(axis)
    if axis.get("labelAngle") not in ROTATED and (chars is not None or "labelExpr" not in axis):
        room = axis.get("labelLimit") or DEFAULT_LABEL_ROOM
        width = chars if chars is not None else max(8, int(room / CHAR_PX))
        axis["labelExpr"] = wrapped_labels(width)
        if channel == "y":
            font_size = axis.get("labelFontSize", theme()["config"]["axis"]["labelFontSize"])
            axis["labelOffset"] = _centred(width, font_size)
    axis["labelLimit"] = 0
    return axis


def whole_labels(spec, chars: int | None = None):
    """``spec`` with no label cut short anywhere (Vega cuts a label longer than its limit with
    "…"): every axis, legend and header has no limit, and every axis' upright labels wrap at
    spaces, at ``chars`` characters a line if given, else within the room its ``labelLimit``
    gave them. Data sets and text values are left as they are."""
    if isinstance(spec, list):
        return [whole_labels(item, chars) for item in spec]
    if not isinstance(spec, dict):
        return spec
    out = {}
    for key, value in spec.items():
        if key == "datasets" or key == "data":
            out[key] = value
        elif key == "encoding" and isinstance(value, dict):
            encoding = {}
            for channel, definition in value.items():
                if isinstance(definition, dict):
                    definition = dict(definition)
                    if isinstance(definition.get("axis"), dict):
                        definition["axis"] = _wrap_axis(definition["axis"], channel, chars)
                    for part in ("legend", "header"):
                        if isinstance(definition.get(part), dict):
                            definition[part] = {**definition[part], "labelLimit": 0}
                encoding[channel] = whole_labels(definition, chars) if isinstance(definition, dict) else definition
            out[key] = encoding
        else:
            out[key] = whole_labels(value, chars)
    return out


def phone_layout(spec: dict) -> dict:
    """A chart without a narrow layout as it is drawn in a phone's column: every upright label
    wrapped at :data:`PHONE_LABEL_CHARS` characters a line (the axes have less room), legends in
    one column so a row of entries cannot run past the chart's edge."""
    spec = whole_labels(spec, PHONE_LABEL_CHARS)
    config = dict(spec.get("config") or {})
    config["axis"] = {**(config.get("axis") or {}), "labelExpr": wrapped_labels(PHONE_LABEL_CHARS), "labelLimit": 0}
    config["legend"] = {**(config.get("legend") or {}), "columns": 1}
    spec["config"] = config

    def one_column(node):
        if isinstance(node, list):
            return [one_column(item) for item in node]
        if not isinstance(node, dict):
            return node
        return {
            key: value
            if key in ("datasets", "data")
            else {**value, "columns": 1}
            if key == "legend" and isinstance(value, dict)
            else one_column(value)
            for key, value in node.items()
        }

    return one_column(spec)


def finished(spec: dict) -> dict:
    """The spec as the book draws it: in the one Vega-Lite version, every label whole."""
    spec = whole_labels(spec)
    spec["$schema"] = SCHEMA
    return spec


def _shared_data(layout: dict, wide: dict) -> dict:
    """``layout`` without the data sets the wide layout holds too (the page takes them from it)."""
    wide_data = wide.get("datasets") or {}
    layout = dict(layout)
    layout["datasets"] = {
        key: values for key, values in (layout.get("datasets") or {}).items() if wide_data.get(key) != values
    }
    return layout


def render_html(spec: dict) -> Markup:
    """The HTML a chart becomes in the executed notebook and the built page.

    The element id derives from the spec, so rebuilding the same data gives identical pages.
    Every layout is :func:`finished` (one Vega-Lite version, no label cut short). A narrow layout
    (:func:`with_narrow_layout`) is embedded beside the wide one, as inert as it, sharing the
    wide layout's data sets, and drawn instead in a column narrower than :data:`NARROW_BELOW`
    pixels, or in any column where the wide layout, scaled to fit it, would draw text smaller
    than :data:`MIN_TEXT_PX`; the chart's accessible name is then the narrow layout's
    description. A chart without one is drawn in a phone's column as :func:`phone_layout`.
    When the chart is drawn for good its element gets ``data-drawn``.
    """
    spec, narrow = split_narrow(spec)
    description = spec.get("description")
    if not description:
        raise ValueError("every chart needs a description (chart.properties(description=...)) for screen readers")
    spec = finished(spec)
    identity = _safe_json(spec)
    narrow_layout = phone = None  # each embedded as null when the chart has none
    if narrow is not None:
        if not narrow.get("description"):
            raise ValueError("a chart's narrow layout needs a description too")
        narrow_layout = _shared_data(finished(narrow), spec)
        identity += _safe_json(narrow_layout)
    else:
        phone = _shared_data(phone_layout(spec), spec)
    element = "vega-" + hashlib.sha256(identity.encode()).hexdigest()[:12]
    return render(
        "chart_embed.html",
        element=element,
        description=description,
        spec=spec,
        narrow=narrow_layout,
        phone_layout=phone,
        narrow_below=NARROW_BELOW,
        min_text_px=MIN_TEXT_PX,
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

    The bundle holds :data:`VEGA_LITE`, the version every embedded spec names, and the Vega it
    compiles to; it is rewritten only when that version changes, since bundling takes a few
    seconds.
    """
    import vl_convert

    version = VEGA_LITE
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


def data_table(frame: pd.DataFrame, caption: str) -> Markup:
    """The chart's data as a table beside it (collapsed), for screen readers and for checking."""
    return render("chart_data_table.html", caption=caption, table=table_html(frame, caption))


# --- Downloads: every chart as PNG and SVG (drawn at build time by vl-convert) and its data ---


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with text that a spreadsheet would run as a formula made literal."""

    def literal(value):
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
        return value

    return frame.map(literal)


def write_downloads(spec: dict, data: pd.DataFrame, directory: Path, stem: str,
                    metadata: dict[str, str] | None = None) -> dict[str, str]:  # fmt: skip
    """Write ``stem``.png, .svg and .csv for a chart, the images carrying ``metadata`` (title and
    source) inside them; the names carry a hash of the chart, its data and its metadata, so a
    page always links to the files drawn from its own data. Returns the file names by kind."""
    import vl_convert

    csv = _csv_safe(data).to_csv(index=False)
    identity = _safe_json(spec) + csv + json.dumps(metadata or {}, sort_keys=True)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:10]
    names = {kind: f"{stem}-{digest}.{kind}" for kind in ("png", "svg", "csv")}
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / names["png"]).exists():
        drawn = finished(spec)
        svg = vl_convert.vegalite_to_svg(drawn, vl_version=VEGA_LITE)
        png = vl_convert.vegalite_to_png(drawn, vl_version=VEGA_LITE, scale=2)
        if metadata:
            svg, png = svg_with_text(svg, metadata), png_with_text(png, metadata)
        (directory / names["svg"]).write_text(svg, encoding="utf-8")
        (directory / names["png"]).write_bytes(png)
        (directory / names["csv"]).write_text(csv, encoding="utf-8")
    return names


def downloads_html(names: dict[str, str], prefix: str, anchor: str, citation) -> Markup:
    """Links to a chart's PNG, SVG and CSV, a permalink and a line saying how to cite it
    (``citation``: an :class:`ics_evidence.analysis.figure_credit.FigureCitation`)."""
    base = f"{prefix}_static/{FIGURES_DIR}/"
    links = [
        {"href": base + names[kind], "label": label}
        for kind, label in (("png", "PNG image"), ("svg", "SVG image"), ("csv", "Data (CSV)"))
    ]
    return render("figure_tools.html", links=links, anchor=anchor, citation=citation)

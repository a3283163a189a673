"""Text stored inside an exported figure's files: what a PNG or an SVG says of itself (its title
and source) when it is lifted from the page, read by image viewers and search tools."""

from __future__ import annotations

import struct
import zlib
from xml.etree import ElementTree


def png_with_text(png: bytes, fields: dict[str, str]) -> bytes:
    """``png`` with an international text chunk (iTXt, UTF-8) per field, after its header."""
    signature, rest = png[:8], png[8:]
    header_end = 8 + struct.unpack(">I", rest[:4])[0] + 4  # length, type, data, CRC of IHDR
    chunks = b""
    for key, value in fields.items():
        data = key.encode("latin-1") + b"\0\0\0\0\0" + value.encode("utf-8")
        chunks += struct.pack(">I", len(data)) + b"iTXt" + data + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    return signature + rest[:header_end] + chunks + rest[header_end:]


_SVG = "http://www.w3.org/2000/svg"


def svg_with_text(svg: str, fields: dict[str, str]) -> str:
    """``svg`` with a ``<title>`` and ``<desc>`` first (what SVG gives a picture's name and
    description), written as XML text nodes."""
    ElementTree.register_namespace("", _SVG)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ElementTree.fromstring(svg)
    for tag, key in (("desc", "Source"), ("title", "Title")):
        element = ElementTree.Element(f"{{{_SVG}}}{tag}")
        element.text = fields[key]
        root.insert(0, element)
    return ElementTree.tostring(root, encoding="unicode")

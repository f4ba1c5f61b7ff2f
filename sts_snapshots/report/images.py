"""A PNG or JPEG as a page of its own: A4 with margins, the image fitted and centred, aspect kept.

Pillow reads the image. A JPEG that needs no turning goes in as it is (DCTDecode: the evidence's own bytes, no
re-encoding); anything else (a PNG, a JPEG whose EXIF says it is turned) is decoded, turned upright, put on
white where it is transparent, and stored losslessly (FlateDecode).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PageObject, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, StreamObject

A4 = (595.0, 842.0)
MARGIN = 42.0  # sides; top and bottom leave room for the stamps
MARGIN_Y = 60.0
MAX_PIXELS = 40_000_000
_SPACE = {"L": "/DeviceGray", "RGB": "/DeviceRGB", "CMYK": "/DeviceCMYK"}


class ImageError(ValueError):
    """Not an image this module can place (the message says why)."""


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(f"not a readable image ({exc})") from None
    if image.format not in ("PNG", "JPEG"):
        raise ImageError(f"not a PNG or JPEG image ({image.format or 'unknown format'})")
    width, height = image.size
    if not width or not height or width * height > MAX_PIXELS:
        raise ImageError(f"{width}×{height} pixels is more than this report places ({MAX_PIXELS:,} at most)")
    return image


def _as_is(image: Image.Image, data: bytes) -> tuple[DictionaryObject, bytes, tuple[int, int]] | None:
    """The JPEG's own bytes, when a viewer can draw them as they are (upright, 8-bit grey/RGB/CMYK)."""
    if image.format != "JPEG" or image.mode not in _SPACE or image.getexif().get(0x0112, 1) != 1:
        return None
    d = DictionaryObject({NameObject("/Filter"): NameObject("/DCTDecode"),
                          NameObject("/ColorSpace"): NameObject(_SPACE[image.mode]),
                          NameObject("/BitsPerComponent"): NumberObject(8)})
    if image.mode == "CMYK" and "adobe" in image.info:  # Adobe writes CMYK inverted
        d[NameObject("/Decode")] = ArrayObject([NumberObject(v) for v in (1, 0) * 4])
    return d, data, image.size


def _decoded(image: Image.Image, check: Callable[[], None]) -> tuple[DictionaryObject, bytes, tuple[int, int]]:
    """The pixels, upright, transparency on white, as lossless FlateDecode grey or RGB."""
    try:
        image.load()
        check()
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            upright = flat
        elif upright.mode not in ("L", "RGB"):
            upright = upright.convert("L" if upright.mode in ("1", "I", "I;16", "F") else "RGB")
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's errors for damaged data
        raise ImageError(f"damaged image ({exc})") from None
    check()
    d = DictionaryObject({NameObject("/Filter"): NameObject("/FlateDecode"),
                          NameObject("/ColorSpace"): NameObject(_SPACE[upright.mode]),
                          NameObject("/BitsPerComponent"): NumberObject(8)})
    return d, zlib.compress(upright.tobytes(), 6), upright.size


def image_page(data: bytes, check: Callable[[], None]) -> bytes:
    """A one-page PDF showing the PNG or JPEG ``data``; ``check`` is called now and then (it may raise).

    :raises ImageError: not a PNG or JPEG, or one in a form not supported.
    """
    image = _open(data)
    d, stream_data, (width, height) = _as_is(image, data) or _decoded(image, check)
    writer = PdfWriter()
    xobject = StreamObject()
    xobject.update(d)
    xobject.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height)})
    xobject.set_data(stream_data)  # already encoded: the filter above says how
    page_w, page_h = A4 if height >= width else A4[::-1]
    scale = min((page_w - 2 * MARGIN) / width, (page_h - 2 * MARGIN_Y) / height)
    w, h = width * scale, height * scale
    x, y = (page_w - w) / 2, (page_h - h) / 2
    page = PageObject.create_blank_page(width=page_w, height=page_h)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im0"): writer._add_object(xobject)})})
    content = DecodedStreamObject()
    content.set_data(f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {y:.3f} cm /Im0 Do Q".encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

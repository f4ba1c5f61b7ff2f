"""A PNG or JPEG as a page of its own: A4 with margins, the image fitted and centred, aspect kept.

No imaging library: a JPEG goes in as it is (DCTDecode); a PNG's compressed rows go in with the PNG predictor
(FlateDecode), and only a PNG with an alpha channel is unfiltered here, to split the alpha off as a soft mask.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

from pypdf import PageObject, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

A4 = (595.0, 842.0)
MARGIN = 42.0  # sides; top and bottom leave room for the stamps
MARGIN_Y = 60.0
MAX_PIXELS = 40_000_000


class ImageError(ValueError):
    """Not an image this module can place (the message says why)."""


def _jpeg(data: bytes) -> tuple[int, int, DictionaryObject]:
    i = 2
    adobe = False
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            raise ImageError("damaged JPEG")
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker == 0xEE and data[i + 4 : i + 9] == b"Adobe":
            adobe = True
        if marker in (0xC0, 0xC1, 0xC2):
            bits, height, width, comps = struct.unpack(">BHHB", data[i + 4 : i + 10])
            space = {1: "/DeviceGray", 3: "/DeviceRGB", 4: "/DeviceCMYK"}.get(comps)
            if space is None or bits != 8 or not width or not height:
                raise ImageError("unsupported JPEG format")
            d = DictionaryObject({NameObject("/Filter"): NameObject("/DCTDecode"),
                                  NameObject("/ColorSpace"): NameObject(space),
                                  NameObject("/BitsPerComponent"): NumberObject(8)})
            if comps == 4 and adobe:  # Adobe writes CMYK inverted
                d[NameObject("/Decode")] = ArrayObject([NumberObject(v) for v in (1, 0) * 4])
            return width, height, d
        i += 2 + length
    raise ImageError("damaged JPEG (no frame header)")


def _unfilter(raw: bytes, width: int, height: int, bpp: int, check: Callable[[], None]) -> bytearray:
    stride = width * bpp
    out = bytearray(stride * height)
    prev = bytearray(stride)
    pos = 0
    for y in range(height):
        if y % 64 == 0:
            check()
        ftype = raw[pos]
        line = bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        if len(line) != stride:
            raise ImageError("damaged PNG (truncated image data)")
        if ftype == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev, strict=True))
        elif ftype == 3:
            for x in range(stride):
                left = line[x - bpp] if x >= bpp else 0
                line[x] = (line[x] + ((left + prev[x]) >> 1)) & 0xFF
        elif ftype == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        elif ftype != 0:
            raise ImageError("damaged PNG (unknown row filter)")
        out[y * stride : (y + 1) * stride] = line
        prev = line
    return out


def _png(data: bytes, check: Callable[[], None]) -> tuple[int, int, DictionaryObject, bytes, bytes | None]:
    pos, header, palette, idat = 8, b"", b"", bytearray()
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = chunk
        elif kind == b"PLTE":
            palette = chunk
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
    if len(header) != 13 or not idat:
        raise ImageError("damaged PNG")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if interlace or not width or not height or width * height > MAX_PIXELS:
        raise ImageError("unsupported PNG format (interlaced or too many pixels)")
    d = DictionaryObject({NameObject("/Filter"): NameObject("/FlateDecode")})
    if colour in (0, 2, 3) and depth in ((1, 2, 4, 8, 16) if colour != 3 else (1, 2, 4, 8)):
        colours = 3 if colour == 2 else 1
        if colour == 3:
            if not palette:
                raise ImageError("damaged PNG (no palette)")
            space: object = ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"),
                                         NumberObject(len(palette) // 3 - 1), ByteStringObject(palette)])
        else:
            space = NameObject("/DeviceRGB" if colour == 2 else "/DeviceGray")
        d[NameObject("/ColorSpace")] = space  # type: ignore[assignment]
        d[NameObject("/BitsPerComponent")] = NumberObject(depth)
        d[NameObject("/DecodeParms")] = DictionaryObject({
            NameObject("/Predictor"): NumberObject(15), NameObject("/Colors"): NumberObject(colours),
            NameObject("/BitsPerComponent"): NumberObject(depth), NameObject("/Columns"): NumberObject(width)})
        return width, height, d, bytes(idat), None
    if colour in (4, 6) and depth == 8:
        channels = 2 if colour == 4 else 4
        pixels = _unfilter(zlib.decompress(bytes(idat)), width, height, channels, check)
        check()
        n = channels - 1
        colour_bytes = bytearray(width * height * n)
        for c in range(n):  # drop every alpha byte (slicing keeps it at C speed)
            colour_bytes[c::n] = pixels[c::channels]
        d[NameObject("/ColorSpace")] = NameObject("/DeviceRGB" if n == 3 else "/DeviceGray")
        d[NameObject("/BitsPerComponent")] = NumberObject(8)
        return width, height, d, zlib.compress(bytes(colour_bytes)), zlib.compress(bytes(pixels[n::channels]))
    raise ImageError("unsupported PNG format")


def image_page(data: bytes, check: Callable[[], None]) -> bytes:
    """A one-page PDF showing the PNG or JPEG ``data``; ``check`` is called now and then (it may raise).

    :raises ImageError: not a PNG or JPEG, or one in a form not supported.
    """
    smask_data: bytes | None = None
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        width, height, d, stream_data, smask_data = _png(data, check)
    elif data.startswith(b"\xff\xd8"):
        width, height, d = _jpeg(data)
        stream_data = data
    else:
        raise ImageError("not a PNG or JPEG image")
    writer = PdfWriter()
    image = StreamObject()
    image.update(d)
    image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height)})
    image.set_data(stream_data)  # already encoded: the filter above says how
    if smask_data is not None:
        mask = StreamObject()
        mask.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                     NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
                     NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                     NameObject("/BitsPerComponent"): NumberObject(8),
                     NameObject("/Filter"): NameObject("/FlateDecode")})
        mask.set_data(smask_data)
        image[NameObject("/SMask")] = writer._add_object(mask)
    page_w, page_h = A4 if height >= width else A4[::-1]
    scale = min((page_w - 2 * MARGIN) / width, (page_h - 2 * MARGIN_Y) / height)
    w, h = width * scale, height * scale
    x, y = (page_w - w) / 2, (page_h - h) / 2
    page = PageObject.create_blank_page(width=page_w, height=page_h)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im0"): writer._add_object(image)})})
    content = DecodedStreamObject()
    content.set_data(f"q {w:.3f} 0 0 {h:.3f} {x:.3f} {y:.3f} cm /Im0 Do Q".encode("ascii"))
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""Images (JPEG, PNG, TIFF): dimensions from the header before any pixel is decoded. No Django.

``Image.open`` is lazy: it reads the header (and, for a TIFF, each frame's directory on ``seek``) but no
pixel data. Every frame is held to ``Limits.max_image_pixels`` there, so a 230 KB PNG that declares
7700×7700 is refused before it can cost 230 MB of memory. Only then is each frame decoded, one at a time,
to prove the file is whole; a JPEG is decoded at 1/8 scale (``draft``), which still reads every
compressed byte. Pillow's own DecompressionBombError/Warning (at 89 and 179 Mpx, above our bound) are
caught too: no image ever becomes a 500.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from documents.validation.base import JPEG, PNG, TIFF, FileKind, FileRejected, Limits, parser_reason

_PIL_FORMATS = {JPEG.code: "JPEG", PNG.code: "PNG", TIFF.code: "TIFF"}
# Modes digitisation keeps a page in (documents.ocr.image_pages): grey stays one byte a pixel, anything
# else becomes RGB, which Pillow stores in four.
GREY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F"})


@dataclass(frozen=True)
class Frame:
    width: int
    height: int
    mode: str

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def page_bytes(self) -> int:
        """Memory the page takes once converted for digitisation."""
        return self.pixels * (1 if self.mode in GREY_MODES else 4)


def _too_large(
    kind: FileKind, pixels: int, limits: Limits, size: str = "", page: int | None = None
) -> FileRejected:
    where = f" (trang {page + 1})" if page is not None else ""
    return FileRejected(
        "image_too_large",
        f"{kind.label[0].upper()}{kind.label[1:]}{where} quá lớn: {size}{pixels / 1e6:.1f} triệu điểm ảnh, tối đa "
        f"{limits.max_image_pixels / 1e6:.0f} triệu; hãy quét ở độ phân giải thấp hơn (300 dpi là đủ).",
    )


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@contextmanager
def _opened(data: bytes, kind: FileKind, limits: Limits) -> Iterator[Image.Image]:
    """The image, lazily opened; any failure of Pillow's parser becomes a refusal with its reason."""
    try:
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind.code]]) as image:
            yield image
    except FileRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow's own guard fires in open() far above our bound (179 Mpx), before we see the size.
        found = _BOMB_PIXELS.search(str(exc))
        raise _too_large(kind, int(found[1]) if found else 0, limits) from exc
    except (
        Exception
    ) as exc:  # a decoder fed hostile bytes raises OSError, SyntaxError, ValueError, EOFError...
        raise FileRejected(
            "image_malformed", f"Tệp {kind.label} bị hỏng, không đọc được ({parser_reason(exc)})."
        ) from exc


def frames(data: bytes, kind: FileKind, limits: Limits) -> list[Frame]:
    """Every frame's size and mode from the headers, each within the pixel bound, no pixel decoded.
    A TIFF holds pages; a JPEG may too (MPO, several pictures) and a PNG animation frames: digitisation
    makes a page of each, so each is checked."""
    found: list[Frame] = []
    with _opened(data, kind, limits) as image:
        for index in range(limits.max_tiff_frames + 1):
            if index:
                try:
                    image.seek(index)
                except EOFError:
                    break
            if index == limits.max_tiff_frames:
                raise FileRejected(
                    "too_many_pages",
                    f"{kind.label[0].upper()}{kind.label[1:]} có hơn {limits.max_tiff_frames} trang, "
                    f"tối đa {limits.max_tiff_frames}.",
                )
            width, height = image.size
            if width < 1 or height < 1:
                raise FileRejected(
                    "image_malformed", f"Tệp {kind.label} bị hỏng: kích thước {width}×{height}."
                )
            if width * height > limits.max_image_pixels:
                page = index if index or kind is TIFF else None
                raise _too_large(kind, width * height, limits, f"{width}×{height} = ", page)
            found.append(Frame(width, height, image.mode))
    return found


def inspect_image(data: bytes, kind: FileKind, limits: Limits) -> int:
    """Check an image and return its number of frames (pages)."""
    found = frames(data, kind, limits)
    if kind is PNG:
        with _opened(data, kind, limits) as image:
            image.verify()  # every chunk's CRC, up to IEND
    if kind is JPEG:
        # Decoding at 1/8 scale reads (and checks) every byte of the compressed data in a sixty-fourth
        # of the memory. One opening per picture: after draft(), Pillow cannot seek to an MPO's next.
        for index, frame in enumerate(found):
            with _opened(data, kind, limits) as image:
                image.seek(index)
                image.draft(image.mode, (math.ceil(frame.width / 8), math.ceil(frame.height / 8)))
                image.load()
        return len(found)
    with _opened(data, kind, limits) as image:
        for index in range(len(found)):
            image.seek(index)
            image.load()  # verify() decodes nothing: a truncated file fails here
    return len(found)

"""Signing a PDF: the visible stamp (a little HTML page rendered by WeasyPrint, placed clear of the
page's text) and the PAdES-B-B signature made with the agency's credential."""

from __future__ import annotations

import functools
import io
import logging
import math
import uuid
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.html import escape

from documents.signing.credentials import _simple_signer, credential_for
from kernel.errors import DomainError
from kernel.pdf import FONT_DIR, FONT_FILES, weasyprint_renderer
from organization.models import Agency
from worktime.calendar import VN_TZ

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# The visible stamp

STAMP_WIDTH = 236.0  # points: 83 × 28 mm, room for a QR code a phone reads off paper
STAMP_HEIGHT = 80.0
STAMP_MARGIN = 28.0  # 1 cm from the page edge
STAMP_STEP = 12.0


def format_signing_time(at: datetime) -> str:
    return f"{timezone.localtime(at, VN_TZ):%H:%M:%S, %d/%m/%Y}"


def stamp_html(
    *,
    width: float,
    height: float,
    signer: str,
    agency: str,
    at: datetime,
    lines: list[str],
    qr_url: str | None,
) -> str:
    # One face only: a second (bold) subset would add ~3.5 kB to every signed file.
    regular = (FONT_DIR / FONT_FILES["regular"]).as_uri()
    text = [f"<p class='who'>Ký số bởi: {escape(signer)}</p>"]
    if agency and agency != signer:
        text.append(f"<p>Cơ quan: {escape(agency)}</p>")
    text.append(f"<p>Thời gian ký: {format_signing_time(at)}</p>")
    text.extend(f"<p>{escape(line)}</p>" for line in lines if line.strip())
    qr = ""
    if qr_url:
        import segno

        image = segno.make_qr(qr_url, error="l").svg_data_uri(border=0, dark="#000")
        qr = f'<td class="qr"><img src="{escape(image)}" alt="QR"></td>'
        text.append("<p class='hint'>Quét mã QR để xác thực văn bản</p>")
    qr_size = height - 8
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "StampSerif"; src: url("{regular}"); font-weight: normal; }}
@page {{ size: {width}pt {height}pt; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: "StampSerif"; font-size: 7.4pt; line-height: 1.2; color: #b00000; }}
table {{ box-sizing: border-box; width: {width}pt; height: {height}pt; border: 1.2pt solid #c00000;
  border-collapse: collapse; table-layout: fixed; }}
td {{ padding: 3pt; vertical-align: middle; overflow: hidden; }}
td.qr {{ width: {qr_size}pt; padding-right: 1pt; }}
td.qr img {{ display: block; width: {qr_size - 4}pt; height: {qr_size - 4}pt; }}
div.text {{ max-height: {height - 8}pt; overflow: hidden; }}
p {{ margin: 0; overflow-wrap: anywhere; }}
p.who {{ color: #8a0000; }}
p.hint {{ color: #555; }}
</style></head><body><table><tr>{qr}<td><div class="text">{"".join(text)}</div></td></tr></table>
</body></html>"""


def render_stamp(**kwargs: Any) -> bytes:
    """The stamp as a one-page PDF of exactly the stamp's size."""
    weasyprint, fetcher = weasyprint_renderer()
    document = weasyprint.HTML(
        string=stamp_html(**kwargs), base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher()
    )
    return bytes(document.write_pdf())


Box = tuple[float, float, float, float]


def _text_boxes(page: Any) -> list[Box]:
    """Approximate boxes of the text drawn on a page (pypdf's text visitor), to keep the stamp off it.
    Images and drawings are not seen: on a scanned page the stamp goes bottom right regardless."""
    boxes: list[Box] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text.strip():
            return
        x, y = tm[4], tm[5]
        px = cm[0] * x + cm[2] * y + cm[4]
        py = cm[1] * x + cm[3] * y + cm[5]
        scale = math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]) or 1.0
        height = (size or 10) * scale
        width = len(text.rstrip()) * height * 0.5
        boxes.append((px, py - height * 0.25, px + width, py + height))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # a page pypdf cannot read text from: no obstacles known
        logger.info("could not read text positions for stamp placement", exc_info=True)
        return []
    return boxes


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def stamp_box(page: Any, width: float = STAMP_WIDTH, height: float = STAMP_HEIGHT) -> Box:
    """Where the stamp goes on ``page`` (a pypdf page): bottom right, moved up the right column — then
    the left one — until it covers no text; bottom right when there is no free place."""
    left, bottom, right, top = (float(v) for v in page.cropbox)
    width = min(width, right - left - 2 * STAMP_MARGIN)
    height = min(height, top - bottom - 2 * STAMP_MARGIN)
    obstacles = _text_boxes(page)
    xs = (right - STAMP_MARGIN - width, left + STAMP_MARGIN)
    first: Box = (xs[0], bottom + STAMP_MARGIN, xs[0] + width, bottom + STAMP_MARGIN + height)
    for x in xs:
        y = bottom + STAMP_MARGIN
        while y + height <= top - STAMP_MARGIN:
            box = (x, y, x + width, y + height)
            if not any(_overlaps(box, other) for other in obstacles):
                return box
            y += STAMP_STEP
    return first


# ---------------------------------------------------------------------------------------------
# Signing


@functools.cache
def _pyhanko() -> dict[str, Any]:
    """pyHanko's classes, imported on first use (the import costs a quarter of a second), and the two
    small adapters motcua needs: a signer that signs at a given instant, and a stamp from PDF bytes."""
    from pyhanko.pdf_utils.content import PdfContent
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, BoxConstraints, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import SigFieldSpec, SigSeedSubFilter
    from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
    from pyhanko.stamp import StaticStampStyle

    class SignerAt(PdfSigner):
        """Signs with ``at`` as the signing time (in the CMS attributes, /M and the stamp alike)."""

        def __init__(self, *args: Any, at: datetime, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.at = at

        def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
            session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
            session.system_time = self.at
            return session

    class PdfBytesContent(PdfContent):
        """The first page of an in-memory PDF as a form XObject (pyHanko's own reads only files)."""

        def __init__(self, data: bytes) -> None:
            super().__init__()
            self.data = data

        def render(self) -> bytes:
            writer = self._ensure_writer
            xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
            name = "/Stamp" + uuid.uuid4().hex
            self.resources.xobject[name] = xobject
            x1, y1, x2, y2 = xobject.get_object()["/BBox"]
            self.box = BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
            return name.encode() + b" Do"

    def style(stamp_pdf: bytes) -> Any:
        return StaticStampStyle(
            background=PdfBytesContent(stamp_pdf),
            background_opacity=1.0,
            border_width=0,
            background_layout=SimpleBoxLayoutRule(
                x_align=AxisAlignment.ALIGN_MID,
                y_align=AxisAlignment.ALIGN_MID,
                margins=Margins.uniform(0),
            ),
        )

    return {
        "IncrementalPdfFileWriter": IncrementalPdfFileWriter,
        "PdfSignatureMetadata": PdfSignatureMetadata,
        "SigFieldSpec": SigFieldSpec,
        "PADES": SigSeedSubFilter.PADES,
        "SignerAt": SignerAt,
        "style": style,
    }


def _open_for_signing(data: bytes) -> tuple[Any, Any]:
    """(pyHanko incremental writer, pypdf reader) over ``data``. A file pyHanko cannot update in place
    but that carries no signature (some scanners write odd cross-reference tables) is rewritten by
    pypdf first; a signed one is never rewritten, or its earlier signatures would break."""
    import pypdf

    ph = _pyhanko()
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    try:
        return ph["IncrementalPdfFileWriter"](io.BytesIO(data), strict=False), reader
    except Exception:
        if b"/ByteRange" in data:
            raise
        out = io.BytesIO()
        pypdf.PdfWriter(clone_from=reader).write(out)
        rewritten = out.getvalue()
        return (
            ph["IncrementalPdfFileWriter"](io.BytesIO(rewritten), strict=False),
            pypdf.PdfReader(io.BytesIO(rewritten), strict=False),
        )


def sign_pdf(
    data: bytes,
    *,
    agency: Agency,
    signer_name: str,
    reason: str,
    location: str,
    stamp_lines: list[str],
    qr_url: str | None,
    at: datetime | None = None,
) -> bytes:
    """``data`` signed (PAdES-B-B, incremental update) with ``agency``'s credential, with a visible stamp
    on the last page: signer, local signing time, ``stamp_lines`` and a QR code to ``qr_url``. The
    verification URL also goes into the signature's /ContactInfo, where any PDF reader shows it."""
    credential = credential_for(agency)
    signer = _simple_signer(credential)
    at = (at or timezone.now()).replace(microsecond=0)
    ph = _pyhanko()
    try:
        writer, reader = _open_for_signing(data)
        page = reader.pages[-1]
        box = stamp_box(page)
        stamp = render_stamp(
            width=box[2] - box[0],
            height=box[3] - box[1],
            signer=signer_name,
            agency=agency.name,
            at=at,
            lines=stamp_lines,
            qr_url=qr_url,
        )
        field_name = f"motcua-{uuid.uuid4().hex[:12]}"
        meta = ph["PdfSignatureMetadata"](
            field_name=field_name,
            name=signer_name,
            reason=reason,
            location=location,
            contact_info=qr_url or None,
            subfilter=ph["PADES"],
            md_algorithm="sha256",
            tight_size_estimates=True,  # no time-stamp token to make room for
        )
        pdf_signer = ph["SignerAt"](
            meta,
            signer,
            at=at,
            stamp_style=ph["style"](stamp),
            new_field_spec=ph["SigFieldSpec"](
                sig_field_name=field_name, on_page=-1, box=tuple(round(v, 2) for v in box)
            ),
        )
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out)
    except DomainError:
        raise
    except Exception as exc:
        logger.warning("signing failed for %s", agency.code, exc_info=True)
        raise DomainError(
            "signing_failed",
            "Không ký số được tệp PDF này (cấu trúc tệp không được hỗ trợ hoặc văn bản đã khóa sửa đổi). "
            "Hãy xuất lại tệp PDF rồi thử lại.",
            fields={"file": ["Không ký số được tệp này."]},
        ) from exc
    return out.getvalue()

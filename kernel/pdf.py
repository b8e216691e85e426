"""PDF from HTML templates with the vendored serif fonts, and QR codes: the one renderer of every paper
motcua prints (dossier forms, certified copies, reports, kiosk tickets, result stamps).

WeasyPrint is imported on first use; without the system libraries it needs (Pango) the PDF features
say so (503) instead of failing. The renderer loads nothing but the vendored fonts and inline data.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

import segno
from django.template.loader import render_to_string
from django.utils import translation

from kernel.errors import DomainError

# Liberation Serif (metric-compatible with Times New Roman, NĐ 30/2020), vendored with its licence; the
# dossiers app also serves the folder as static files for the forms' on-page previews.
FONT_DIR = Path(__file__).resolve().parent.parent / "dossiers" / "static" / "dossiers" / "fonts"
FONT_FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}


def qr_data_uri(text: str) -> str:
    """A QR code (error correction M) as an SVG data URI: vector, sharp at any print size."""
    return str(segno.make_qr(text, error="m").svg_data_uri(border=0))


def renderer_may_load(url: str) -> bool:
    """Only the vendored fonts and inline data: a name or a reason typed by a user can never make
    the renderer read a file or call out."""
    if url.startswith("data:"):
        return True
    if url.startswith("file:"):
        path = Path(url2pathname(urlparse(url).path)).resolve()
        return path.parent == FONT_DIR and path.suffix == ".ttf"
    return False


@functools.cache
def _weasyprint_loaded() -> tuple[Any, Any]:
    import weasyprint
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not renderer_may_load(url):
                raise ValueError(f"Không nạp tài nguyên ngoài biểu mẫu: {url[:80]}")
            return super().fetch(url, headers)

    return weasyprint, LocalFetcher


PDF_UNAVAILABLE = (
    "Không tạo được tệp PDF: máy chủ chưa cài thư viện Pango cho WeasyPrint "
    "(gói Debian libpango-1.0-0, libpangoft2-1.0-0)."
)


def weasyprint_renderer() -> tuple[Any, Any]:
    """WeasyPrint and a fetcher that loads only the vendored fonts and inline data, imported on first
    use (the import takes half a second that processes which never print should not pay). Without the
    system libraries it needs, the PDF features say so instead of failing."""
    try:
        return _weasyprint_loaded()
    except (OSError, ImportError) as exc:
        raise DomainError("feature_unavailable", PDF_UNAVAILABLE, status=503) from exc


def pdf_rendering_available() -> bool:
    try:
        weasyprint_renderer()
    except DomainError:
        return False
    return True


def fonts() -> dict[str, str]:
    # Absolute file:// URLs built at render time: the checkout may live anywhere.
    return {key: (FONT_DIR / name).as_uri() for key, name in FONT_FILES.items()}


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a template with the form fonts into PDF bytes (used by other apps' documents too)."""
    with translation.override("vi"):
        html = render_to_string(template, {**context, "fonts": fonts()})
    weasyprint, fetcher = weasyprint_renderer()
    document = weasyprint.HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher())
    return bytes(document.write_pdf())

"""Features that depend on system packages (not pip): whether they are available and why not.

Without Tesseract or Pango the system still starts; these checks tell the operator at start-up
(Django system check warnings) and anyone at ``/suc-khoe/`` which feature is unavailable.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register


def feature_report() -> dict[str, dict[str, Any]]:
    from documents.ocr import ocr_status
    from kernel.pdf import PDF_UNAVAILABLE, pdf_rendering_available

    ocr = ocr_status()
    pdf = pdf_rendering_available()
    return {
        "ocr": {"available": ocr.available, "message": ocr.message},
        "pdf": {"available": pdf, "message": "Tạo PDF (WeasyPrint) sẵn sàng." if pdf else PDF_UNAVAILABLE},
    }


@register()
def system_packages(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    report = feature_report()
    return [
        Warning(feature["message"], id=f"motcua.W00{i}")
        for i, feature in enumerate(report.values(), start=1)
        if not feature["available"]
    ]

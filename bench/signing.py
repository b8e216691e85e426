"""Signing benchmark (a script that prints figures, not a test): what a PAdES signature with the
visible stamp costs in bytes and in time, for a 1-page and a 20-page result.

Usage::

    .venv/bin/python bench/signing.py [--runs 20]

Runs in a throw-away SQLite database under a temporary directory (the demo CA and the agency's
credential are created there, never in your database). The PDFs are A4 pages of Vietnamese text
rendered by WeasyPrint with the vendored Liberation Serif, like a typed result. For each size it prints
the size before and after signing (overhead in bytes and %), the time per signature (median and p95
over ``--runs`` runs, after one warm-up) and the time to verify the signed file. The first, cold
signature (imports, CA and credential generation) is timed separately.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.TemporaryDirectory(prefix="motcua-bench-signing-")
os.environ["MOTCUA_VAR_DIR"] = TMP.name
os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ["MOTCUA_DEMO_PKI"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from documents.signing import sign_pdf, verify_pdf  # noqa: E402
from organization.models import AdministrativeUnit, Agency  # noqa: E402
from organization.services import agency_upsert  # noqa: E402

PARAGRAPH = (
    "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014; căn cứ Nghị định số 123/2015/NĐ-CP quy định chi "
    "tiết một số điều và biện pháp thi hành Luật Hộ tịch; xét đề nghị của công chức tư pháp - hộ tịch, "
    "Ủy ban nhân dân phường chứng nhận nội dung đăng ký khai sinh của ông, bà Nguyễn Văn Ấn."
)


def result_pdf(pages: int) -> bytes:
    from kernel.pdf import FONT_DIR, FONT_FILES, weasyprint_renderer

    font = (FONT_DIR / FONT_FILES["regular"]).as_uri()
    body = "".join(
        f"<section><h1>GIẤY CHỨNG NHẬN — trang {n + 1}</h1>" + f"<p>{PARAGRAPH}</p>" * 9 + "</section>"
        for n in range(pages)
    )
    html = (
        f"<html lang='vi'><head><style>@font-face {{ font-family: S; src: url('{font}'); }}"
        "@page { size: A4; margin: 20mm 20mm 20mm 30mm; } body { font-family: S; font-size: 13pt; }"
        f"section {{ page-break-after: always; }}</style></head><body>{body}</body></html>"
    )
    weasyprint, fetcher = weasyprint_renderer()
    return bytes(
        weasyprint.HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher()).write_pdf()
    )


def setup_agency() -> Agency:
    call_command("migrate", verbosity=0)
    province = AdministrativeUnit.objects.create(
        code="33", name="Tỉnh Hưng Yên", kind="Tỉnh", level=AdministrativeUnit.Level.PROVINCE
    )
    commune = AdministrativeUnit.objects.create(
        code="11953",
        name="Phường Phố Hiến",
        kind="Phường",
        level=AdministrativeUnit.Level.COMMUNE,
        parent=province,
    )
    return agency_upsert(
        code="000.00.11953.H31",
        name="Ủy ban nhân dân Phường Phố Hiến",
        kind=Agency.Kind.PEOPLES_COMMITTEE,
        level=Agency.Level.COMMUNE,
        unit=commune,
    )


def sign(data: bytes, agency: Agency) -> bytes:
    return sign_pdf(
        data,
        agency=agency,
        signer_name=agency.name,
        reason="Phát hành kết quả giải quyết hồ sơ",
        location="Phường Phố Hiến",
        stamp_lines=["Mã hồ sơ: 001.00.11953.H31-260302-0001", "Giấy chứng nhận đăng ký khai sinh"],
        qr_url="https://dichvucong.hungyen.gov.vn/xac-thuc/6b0f8a4e-5b1c-4f7e-9a55-0d3c2f1e8a77/",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    agency = setup_agency()
    documents = {pages: result_pdf(pages) for pages in (1, 20)}

    started = time.perf_counter()
    sign(documents[1], agency)  # cold: pyHanko and WeasyPrint imports, demo CA, agency credential
    print(
        f"First signature (cold: imports, demo CA + agency key RSA-2048): {time.perf_counter() - started:.2f} s"
    )
    print()
    print(
        f"{'pages':>5} {'unsigned':>10} {'signed':>10} {'overhead':>10} {'%':>7} "
        f"{'sign p50':>9} {'sign p95':>9} {'verify p50':>10}"
    )
    for pages, data in documents.items():
        sign(data, agency)  # warm-up for this size
        times, signed = [], b""
        for _ in range(args.runs):
            t = time.perf_counter()
            signed = sign(data, agency)
            times.append(time.perf_counter() - t)
        checks = []
        for _ in range(max(3, args.runs // 4)):
            t = time.perf_counter()
            verification = verify_pdf(signed)
            checks.append(time.perf_counter() - t)
        assert verification.ok, verification.problems
        overhead = len(signed) - len(data)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        print(
            f"{pages:>5} {len(data):>10,} {len(signed):>10,} {overhead:>10,} {overhead / len(data):>6.1%} "
            f"{statistics.median(times) * 1000:>7.0f}ms {p95 * 1000:>7.0f}ms {statistics.median(checks) * 1000:>8.0f}ms"
        )
    print()
    print(
        f"{args.runs} signatures per size; PAdES-B-B, RSA-2048/SHA-256, visible stamp with QR, "
        "incremental update."
    )


if __name__ == "__main__":
    main()

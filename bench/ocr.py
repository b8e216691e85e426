"""OCR throughput per page (Tesseract, Vietnamese) and recognition accuracy on synthetic scans.

    .venv/bin/python bench/ocr.py [--pages 10]

Each page is an A4 sheet at 300 dpi (2480×3508) with ~30 lines of Vietnamese administrative text in
Liberation Serif. Prints seconds per page, pages per minute and the share of words recognised exactly.
Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

from PIL import Image, ImageDraw, ImageFont

from documents.ocr import ocr_status, scans_to_pdf

FONT = Path(__file__).resolve().parent.parent / "dossiers/static/dossiers/fonts/LiberationSerif-Regular.ttf"
TEXT = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "TỜ KHAI ĐĂNG KÝ KHAI SINH",
    "Kính gửi: Ủy ban nhân dân Phường Phố Hiến, tỉnh Hưng Yên",
    "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Dân",
    "Nơi cư trú: Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "Giấy tờ tùy thân: Căn cước công dân số 033190001234",
    "Quan hệ với người được khai sinh: Mẹ",
    "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:",
    "Họ, chữ đệm, tên: Trần Minh Khôi   Giới tính: Nam",
    "Ngày, tháng, năm sinh: 02/03/2026 ghi bằng chữ: ngày hai tháng ba năm hai nghìn không trăm hai mươi sáu",
    "Nơi sinh: Bệnh viện Đa khoa tỉnh Hưng Yên",
    "Dân tộc: Kinh   Quốc tịch: Việt Nam   Quê quán: Xã Tân Hưng",
    "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Dân   Năm sinh: 1990",
    "Họ, chữ đệm, tên người cha: Trần Văn Bình   Năm sinh: 1988",
    "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật,",
    "được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật.",
    "Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.",
    "Làm tại: Phường Phố Hiến, ngày 02 tháng 3 năm 2026",
    "Người yêu cầu (ký, ghi rõ họ, chữ đệm, tên)",
]


def page_image() -> Image.Image:
    font = ImageFont.truetype(str(FONT), 50)
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(TEXT * 2):
        draw.text((200, 200 + i * 110), line, font=font, fill=0)
    return image


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    status = ocr_status()
    print(f"Tesseract: {status.message}")
    if not status.available:
        return
    images = [page_image() for _ in range(args.pages)]
    started = time.monotonic()
    result = scans_to_pdf(images)
    elapsed = time.monotonic() - started
    expected = " ".join(TEXT * 2).split()
    found = result.text.split()
    matched = sum(1 for word in expected if word in set(found))
    print(
        f"pages: {result.pages}, OCR: {elapsed:.1f} s → {elapsed / result.pages:.2f} s/page, "
        f"{60 * result.pages / elapsed:.1f} pages/min (1 process)"
    )
    print(
        f"PDF size: {len(result.pdf) / 1024:.0f} KiB ({len(result.pdf) / result.pages / 1024:.0f} KiB/page)"
    )
    print(f"words recognised exactly: {matched}/{len(expected)} per page set ({matched / len(expected):.1%})")


if __name__ == "__main__":
    main()

"""The default Vietnamese texts of the notices, one per kind and channel; administrators edit them
afterwards (notices.services.template_update). The texts live here, not in the code: a later change of
defaults is a new migration, and never overwrites an administrator's edit."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import migrations

FOOTER = "\n\nĐây là thư tự động của Cổng dịch vụ công, xin Ông/Bà không trả lời thư này."
TRACK = "\n\nTra cứu tình trạng hồ sơ: {{ link_tra_cuu }}"

LONG: dict[str, tuple[str, str]] = {
    "received": (
        "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "{{ co_quan_tiep_nhan }} đã tiếp nhận hồ sơ «{{ ten_thu_tuc }}» của Ông/Bà lúc {{ thoi_diem }}.\n\n"
        "Mã hồ sơ: {{ ma_ho_so }}\n"
        "Ngày hẹn trả kết quả: {{ ngay_hen_tra }}\n"
        "Cơ quan giải quyết: {{ co_quan_giai_quyet }}" + TRACK + FOOTER,
    ),
    "supplement": (
        "Hồ sơ {{ ma_ho_so }} cần bổ sung, hoàn thiện",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "Hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) cần được bổ sung, hoàn thiện các nội dung sau:\n"
        "{% for muc in noi_dung_bo_sung %}- {{ muc }}\n{% endfor %}"
        "{% if ly_do %}Lý do: {{ ly_do }}\n{% endif %}\n"
        "Thời hạn giải quyết tạm dừng cho đến khi cơ quan nhận đủ hồ sơ bổ sung và được tính lại từ đầu "
        "khi nhận đủ (Nghị định 61/2018/NĐ-CP, Điều 19). Ông/Bà nộp giấy tờ bổ sung trực tuyến tại "
        "{{ link_ho_so }} hoặc trực tiếp tại {{ co_quan_tiep_nhan }}." + TRACK + FOOTER,
    ),
    "extension": (
        "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {{ ma_ho_so }}",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "{{ co_quan_giai_quyet }} chân thành xin lỗi Ông/Bà vì hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) "
        "chưa giải quyết xong theo ngày hẹn {{ ngay_hen_cu }}.\n\n"
        "Lý do: {{ ly_do }}\n"
        "Ngày hẹn trả kết quả mới: {{ ngay_hen_moi }}\n\n"
        "Rất mong Ông/Bà thông cảm." + TRACK + FOOTER,
    ),
    "result": (
        "Hồ sơ {{ ma_ho_so }} đã có kết quả",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "Hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) đã có kết quả.\n\n"
        "{% if ket_qua_dien_tu %}Ông/Bà tải kết quả điện tử sau khi đăng nhập Cổng bằng tài khoản đã nộp hồ sơ:\n"
        "{% for kq in ket_qua_dien_tu %}- {{ kq.ten }}: {{ kq.link }}\n{% endfor %}\n{% endif %}"
        "Nơi nhận kết quả: {{ noi_nhan_ket_qua }}. Khi đến nhận, Ông/Bà mang theo giấy tiếp nhận hồ sơ và "
        "hẹn trả kết quả cùng giấy tờ tùy thân.{% if so_dien_thoai_co_quan %} Điện thoại: "
        "{{ so_dien_thoai_co_quan }}.{% endif %}" + TRACK + FOOTER,
    ),
    "refusal": (
        "Hồ sơ {{ ma_ho_so }} không được giải quyết",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "Hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) bị từ chối lúc {{ thoi_diem }}.\n\n"
        "Lý do: {{ ly_do }}\n\n"
        "Ông/Bà có thể liên hệ {{ co_quan_tiep_nhan }} để được hướng dẫn." + TRACK + FOOTER,
    ),
    "stopped": (
        "Thông báo dừng giải quyết hồ sơ {{ ma_ho_so }}",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "{{ co_quan_giai_quyet }} đã dừng giải quyết hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) "
        "lúc {{ thoi_diem }}.\n\n"
        "Lý do: {{ ly_do }}" + TRACK + FOOTER,
    ),
}

SHORT: dict[str, str] = {
    "received": "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận. Hẹn trả kết quả: {{ ngay_hen_tra }}. "
    "Tra cứu: {{ link_tra_cuu }}",
    "supplement": "Hồ sơ {{ ma_ho_so }} cần bổ sung: {{ noi_dung_bo_sung|join:'; ' }}. Chi tiết: {{ link_ho_so }}",
    "extension": "Xin lỗi Ông/Bà: hồ sơ {{ ma_ho_so }} được hẹn lại ngày trả kết quả {{ ngay_hen_moi }}. "
    "Tra cứu: {{ link_tra_cuu }}",
    "result": "Hồ sơ {{ ma_ho_so }} đã có kết quả. Nơi nhận: {{ noi_nhan_ket_qua }}. Chi tiết: {{ link_ho_so }}",
    "refusal": "Hồ sơ {{ ma_ho_so }} bị từ chối. Lý do: {{ ly_do }}. Tra cứu: {{ link_tra_cuu }}",
    "stopped": "Hồ sơ {{ ma_ho_so }} đã dừng giải quyết. Lý do: {{ ly_do }}. Tra cứu: {{ link_tra_cuu }}",
}


def seed(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("notices", "NoticeTemplate")
    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731
    rows = []
    for kind, (subject, body) in LONG.items():
        rows.append(template(kind=kind, channel="email", subject=nfc(subject), body=nfc(body)))
        rows.append(template(kind=kind, channel="inbox", subject=nfc(subject), body=nfc(body.replace(FOOTER, ""))))
        rows.append(template(kind=kind, channel="sms", subject="", body=nfc(SHORT[kind])))
    template.objects.bulk_create(rows, ignore_conflicts=True)


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("notices", "NoticeTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_notices")]
    operations = [migrations.RunPython(seed, unseed)]

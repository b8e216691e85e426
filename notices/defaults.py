"""The default Vietnamese texts of the notices, one per kind and channel, written into ``NoticeTemplate``
by the data migrations (0002 the first kinds, 0004 the kinds added since) and, for the tests, by
``testing.reference``. Administrators edit them afterwards (``notices.services.template_update``, which
records who did): a migration that brings a new default rewrites only the rows nobody edited
(``refresh``), never an administrator's text.

The e-mail and the inbox say the same (the inbox without the footer of an automatic e-mail); the SMS is
short. Placeholders are those of ``notices.rendering.PLACEHOLDERS``."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

FOOTER = "\n\nĐây là thư tự động của Cổng dịch vụ công, xin Ông/Bà không trả lời thư này."
TRACK = "\n\nTra cứu tình trạng hồ sơ: {{ link_tra_cuu }}"
CONTACT = (
    "{{ co_quan_tiep_nhan }}{% if so_dien_thoai_co_quan %} (điện thoại {{ so_dien_thoai_co_quan }})"
    "{% endif %}"
)
MISSING = (
    "{% for muc in noi_dung_bo_sung %}- {{ muc }}\n{% endfor %}{% if ly_do %}Lý do: {{ ly_do }}\n{% endif %}"
)

# kind → (subject, body) of the e-mail and the inbox.
LONG: dict[str, tuple[str, str]] = {
    "received": (
        "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "{{ co_quan_tiep_nhan }} đã tiếp nhận hồ sơ «{{ ten_thu_tuc }}» của Ông/Bà lúc {{ thoi_diem }}.\n\n"
        "Mã hồ sơ: {{ ma_ho_so }}\n"
        "Ngày hẹn trả kết quả: {{ ngay_hen_tra }}\n"
        "Cơ quan giải quyết: {{ co_quan_giai_quyet }}" + TRACK + FOOTER,
    ),
    "returned": (
        "Hồ sơ {{ ma_ho_so }} cần bổ sung, hoàn thiện trước khi tiếp nhận",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "{{ co_quan_tiep_nhan }} đã kiểm tra hồ sơ «{{ ten_thu_tuc }}» Ông/Bà nộp trực tuyến (mã {{ ma_ho_so }}). "
        "Hồ sơ chưa được tiếp nhận vì cần bổ sung, hoàn thiện các nội dung sau:\n" + MISSING + "\n"
        "Đây là hướng dẫn một lần, đầy đủ (Nghị định 61/2018/NĐ-CP, Điều 15). Ông/Bà bổ sung giấy tờ và nộp "
        "lại hồ sơ tại {{ link_ho_so }}; thời hạn giải quyết được tính từ khi hồ sơ được tiếp nhận."
        + TRACK
        + FOOTER,
    ),
    "supplement": (
        "Hồ sơ {{ ma_ho_so }} cần bổ sung, hoàn thiện",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "Hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) cần được bổ sung, hoàn thiện các nội dung sau:\n"
        + MISSING
        + "{% if han_bo_sung %}\nXin Ông/Bà bổ sung chậm nhất trong ngày {{ han_bo_sung }}.\n{% endif %}\n"
        "Thời hạn giải quyết tạm dừng cho đến khi cơ quan nhận đủ hồ sơ bổ sung và được tính lại từ đầu "
        "khi nhận đủ (Nghị định 61/2018/NĐ-CP, Điều 19). Ông/Bà nộp giấy tờ bổ sung trực tuyến tại "
        "{{ link_ho_so }} hoặc trực tiếp tại {{ co_quan_tiep_nhan }}." + TRACK + FOOTER,
    ),
    "paused": (
        "Hồ sơ {{ ma_ho_so }} tạm dừng giải quyết",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "{{ co_quan_giai_quyet }} tạm dừng giải quyết hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) từ "
        "{{ thoi_diem }} để chờ Ông/Bà thực hiện:\n{{ ly_do }}\n\n"
        "Trong thời gian này thời hạn giải quyết ngừng tính. Khi Ông/Bà thực hiện xong, hồ sơ được tiếp tục "
        "giải quyết trong thời gian còn lại{% if thoi_gian_con_lai %} ({{ thoi_gian_con_lai }}){% endif %}. "
        "Mọi thắc mắc xin liên hệ " + CONTACT + "." + TRACK + FOOTER,
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
    "delivered": (
        "Đã trả kết quả hồ sơ {{ ma_ho_so }}",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "Kết quả giải quyết hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) đã được trả lúc {{ thoi_diem }}, "
        "hình thức: {{ hinh_thuc_tra }}.{% if ly_do %}\nGhi chú: {{ ly_do }}{% endif %}\n\n"
        "Nếu Ông/Bà chưa nhận được kết quả, xin liên hệ " + CONTACT + "." + TRACK + FOOTER,
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
    "withdrawn": (
        "Xác nhận rút hồ sơ {{ ma_ho_so }}",
        "Kính gửi Ông/Bà {{ nguoi_nop }},\n\n"
        "Hồ sơ «{{ ten_thu_tuc }}» (mã {{ ma_ho_so }}) đã được rút lúc {{ thoi_diem }}"
        "{% if ly_do %} với lý do: {{ ly_do }}{% endif %}. Cơ quan không giải quyết hồ sơ này nữa.\n\n"
        "Nếu Ông/Bà không đề nghị rút hồ sơ, xin liên hệ ngay " + CONTACT + "." + TRACK + FOOTER,
    ),
}

# kind → the SMS.
SHORT: dict[str, str] = {
    "received": "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận. Hẹn trả kết quả: {{ ngay_hen_tra }}. "
    "Tra cứu: {{ link_tra_cuu }}",
    "returned": "Hồ sơ {{ ma_ho_so }} chưa được tiếp nhận, cần bổ sung: {{ noi_dung_bo_sung|join:'; ' }}. "
    "Nộp lại tại: {{ link_ho_so }}",
    "supplement": "Hồ sơ {{ ma_ho_so }} cần bổ sung: {{ noi_dung_bo_sung|join:'; ' }}."
    "{% if han_bo_sung %} Hạn bổ sung: {{ han_bo_sung }}.{% endif %} Chi tiết: {{ link_ho_so }}",
    "paused": "Hồ sơ {{ ma_ho_so }} tạm dừng giải quyết, chờ Ông/Bà: {{ ly_do }}. Tra cứu: {{ link_tra_cuu }}",
    "extension": "Xin lỗi Ông/Bà: hồ sơ {{ ma_ho_so }} được hẹn lại ngày trả kết quả {{ ngay_hen_moi }}. "
    "Tra cứu: {{ link_tra_cuu }}",
    "result": "Hồ sơ {{ ma_ho_so }} đã có kết quả. Nơi nhận: {{ noi_nhan_ket_qua }}. Chi tiết: {{ link_ho_so }}",
    "delivered": "Hồ sơ {{ ma_ho_so }} đã trả kết quả lúc {{ thoi_diem }} ({{ hinh_thuc_tra }}).",
    "refusal": "Hồ sơ {{ ma_ho_so }} bị từ chối. Lý do: {{ ly_do }}. Tra cứu: {{ link_tra_cuu }}",
    "stopped": "Hồ sơ {{ ma_ho_so }} đã dừng giải quyết. Lý do: {{ ly_do }}. Tra cứu: {{ link_tra_cuu }}",
    "withdrawn": "Hồ sơ {{ ma_ho_so }} đã được rút lúc {{ thoi_diem }}. Nếu Ông/Bà không đề nghị rút, "
    "xin liên hệ {{ co_quan_tiep_nhan }}.",
}

# The kinds seeded by migration 0002, and those added by 0004.
FIRST_KINDS = ("received", "supplement", "extension", "result", "refusal", "stopped")
ADDED_KINDS = ("returned", "paused", "delivered", "withdrawn")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def texts(kind: str) -> dict[str, tuple[str, str]]:
    """channel → (subject, body) of ``kind``'s default texts, NFC."""
    subject, body = LONG[kind]
    return {
        "email": (_nfc(subject), _nfc(body)),
        "inbox": (_nfc(subject), _nfc(body.replace(FOOTER, ""))),
        "sms": ("", _nfc(SHORT[kind])),
    }


def seed(template: Any, kinds: Iterable[str] = LONG) -> None:
    """Write the default texts of ``kinds`` where their row is missing (``template``: the model, or the
    migration's historical model)."""
    rows = [
        template(kind=kind, channel=channel, subject=subject, body=body)
        for kind in kinds
        for channel, (subject, body) in texts(kind).items()
    ]
    template.objects.bulk_create(rows, ignore_conflicts=True)


def refresh(template: Any, kinds: Iterable[str]) -> None:
    """Bring the rows of ``kinds`` nobody edited (no ``updated_by``) to the default texts."""
    for kind in kinds:
        for channel, (subject, body) in texts(kind).items():
            template.objects.filter(kind=kind, channel=channel, updated_by__isnull=True).update(
                subject=subject, body=body
            )

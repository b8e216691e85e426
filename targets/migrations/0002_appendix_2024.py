"""The ten targets of the 2024 appendix (seed 000), and the same targets for 2025 and 2026 with the
online-dossier target raised to 60 % by the province's letter on online public services (seed 001)."""

from decimal import Decimal

from django.db import migrations

APPENDIX = (
    "Phụ lục giao một số chỉ tiêu cụ thể về cải cách TTHC năm 2024, kèm theo Công văn "
    "số …/UBND-PVHCC&KSTT ngày …/4/2024 của UBND tỉnh Hưng Yên, chỉ tiêu {n}"
)
GOVERNMENT = (
    "; thực hiện theo Công văn số 221/VPCP-KSTT ngày 10/01/2024 của Văn phòng Chính phủ "
    "(Nghị quyết số 01/NQ-CP và số 02/NQ-CP năm 2024 của Chính phủ)."
)
ONLINE_60 = (
    "Công văn của UBND tỉnh Hưng Yên năm 2024 về tiếp tục triển khai giải pháp thúc đẩy hiệu quả "
    "cung cấp và sử dụng dịch vụ công trực tuyến (thực hiện Công văn số 1043/BTTTT-CĐSQG ngày "
    "25/3/2024 của Bộ Thông tin và Truyền thông và Công văn số 2576-CV/TU ngày 28/3/2024 của Tỉnh "
    "ủy), mục 1: bảo đảm đạt từ 60% trở lên tỷ lệ hồ sơ trực tuyến được tiếp nhận, giải quyết trên "
    "Hệ thống thông tin giải quyết TTHC tỉnh."
)
CONTINUED = " Áp dụng tiếp cho năm {year} cho đến khi có văn bản giao chỉ tiêu của năm."

# (position, code = measure, unit type, name as in the appendix, threshold %)
TARGETS = [
    (1, "full_online_services", "all",
     "Tỷ lệ cung cấp dịch vụ công trực tuyến toàn trình trên tổng số TTHC có đủ điều kiện trên "
     "Cổng Dịch vụ công quốc gia", 80),
    (2, "online_payment", "all",
     "Tỷ lệ thanh toán trực tuyến trên Cổng Dịch vụ công quốc gia trên tổng số giao dịch thanh toán "
     "của dịch vụ công", 45),
    (3, "online_dossiers", "all", "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ tiếp nhận, giải quyết TTHC", 50),
    (4, "digitization", "all", "Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC", 80),
    (5, "portal_sync", "all",
     "Tỷ lệ kết quả xử lý hồ sơ TTHC được đồng bộ đầy đủ trên Cổng Dịch vụ công quốc gia", 100),
    (6, "e_results", "all", "Tỷ lệ cấp kết quả giải quyết TTHC điện tử", 100),
    (7, "certified_e_copies", "commune",
     "Tỷ lệ thực hiện chứng thực bản sao điện tử từ bản chính tại UBND cấp xã", 100),
    (8, "data_reuse", "all", "Tỷ lệ khai thác, sử dụng lại thông tin, dữ liệu số hóa", 50),
    (9, "feedback_on_time", "all", "Tỷ lệ xử lý phản ánh, kiến nghị đúng hạn", 100),
    (10, "satisfaction", "all",
     "Mức độ hài lòng trong tiếp nhận, giải quyết TTHC của người dân, doanh nghiệp", 90),
]
YEARS = (2024, 2025, 2026)


def load(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    for year in YEARS:
        for position, code, unit_type, name, threshold in TARGETS:
            basis = APPENDIX.format(n=position) + GOVERNMENT
            if year > 2024:
                basis += CONTINUED.format(year=year)
                if code == "online_dossiers":
                    threshold, basis = 60, ONLINE_60
            Target.objects.update_or_create(
                year=year,
                unit_type=unit_type,
                code=code,
                defaults={
                    "name": name,
                    "measure": code,
                    "comparison": "gte",
                    "threshold": Decimal(threshold),
                    "legal_basis": basis,
                    "position": position,
                },
            )


def unload(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    Target.objects.filter(year__in=YEARS, code__in=[t[1] for t in TARGETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_targets")]

    operations = [migrations.RunPython(load, unload)]

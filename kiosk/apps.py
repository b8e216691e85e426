from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "kiosk"
    verbose_name = "Lấy số thứ tự, màn hình gọi số"

"""The 30 queries citizens type (no diacritics) with the procedure they mean, each checked by hand
against the names of the shipped catalog (data/procedures): the search ranking's test
(catalog/tests/test_search_ranking.py) and its benchmark (bench/search_ranking.py)."""

from __future__ import annotations

# (query, the procedure meant, its name) — the name as a reminder of what was checked.
QUERIES = [
    ("dang ky khai sinh", "1.001193", "Thủ tục đăng ký khai sinh"),
    ("khai sinh", "1.001193", "Thủ tục đăng ký khai sinh"),
    ("dang ky lai khai sinh", "1.004884", "Thủ tục đăng ký lại khai sinh"),
    ("dang ky ket hon", "1.000894", "Thủ tục đăng ký kết hôn"),
    ("ket hon", "1.000894", "Thủ tục đăng ký kết hôn"),
    ("dang ky lai ket hon", "1.004746", "Thủ tục đăng ký lại kết hôn"),
    ("dang ky ket hon co yeu to nuoc ngoai", "2.000806", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài"),
    ("dang ky khai tu", "1.000656", "Thủ tục đăng ký khai tử"),
    ("khai tu", "1.000656", "Thủ tục đăng ký khai tử"),
    ("dang ky nhan cha me con", "1.001022", "Thủ tục đăng ký nhận cha, mẹ, con"),
    ("dang ky giam ho", "1.004837", "Thủ tục đăng ký giám hộ"),
    ("nuoi con nuoi", "2.001263", "Đăng ký việc nuôi con nuôi trong nước"),
    ("xac nhan tinh trang hon nhan", "1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"),
    ("thay doi cai chinh ho tich", "1.004859", "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, …"),
    ("cap ban sao trich luc ho tich", "2.000635", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"),
    ("trich luc ho tich", "2.000635", "Cấp bản sao Trích lục hộ tịch, bản sao Giấy khai sinh"),
    ("chung thuc ban sao", "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản …"),
    ("chung thuc di chuc", "2.001019", "Chứng thực di chúc"),
    ("ly lich tu phap", "3.000333", "Cấp Phiếu Lý lịch tư pháp cho công dân Việt Nam, người nước ngoài …"),
    ("dang ky thuong tru", "1.004222", "Đăng ký thường trú"),
    ("xoa dang ky thuong tru", "1.003197", "Xóa đăng ký thường trú"),
    ("dang ky tam tru", "1.004194", "Đăng ký tạm trú"),
    ("gia han tam tru", "1.002755", "Gia hạn tạm trú"),
    ("cap lai can cuoc", "1.014064", "Cấp lại thẻ căn cước"),
    ("cap doi can cuoc", "1.014063", "Cấp đổi thẻ căn cước"),
    ("cap ho chieu", "1.001456", "Cấp hộ chiếu phổ thông ở trong nước (thực hiện tại cấp tỉnh)"),
    ("cap the bao hiem y te", "2.000639", "Cấp thẻ bảo hiểm y tế (thực hiện tại cấp tỉnh)"),
    ("dang ky ho kinh doanh", "1.001612", "Đăng ký thành lập hộ kinh doanh"),
    # The house permit: a ward's "new construction, grade III–IV works (… separate houses)", not the
    # ministry's and province's railway-crossing permits whose names start the same way.
    ("cap giay phep xay dung", "1.013225", "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV …"),
    ("tach thua dat", "1.012784", "Tách thửa hoặc hợp thửa đất."),
]

"""The SMS gateway's simulator (the contract is in ``client.py``): it keeps the messages it accepts,
refuses a bad token (1), a bad phone number (2) or an empty or too long text (3), and answers a
``ref`` it has seen with the first message's id without keeping it again (``duplicates`` counts
those)."""

from __future__ import annotations

import re
from typing import Any

from integrations.simulators.base import SimRequest, SimResponse, Simulator
from integrations.simulators.server import simulator
from integrations.simulators.settings import SMS_TOKEN

# Vietnamese mobile numbers: 0 or 84 then a 3, 5, 7, 8 or 9 and eight digits.
PHONE = re.compile(r"(?:0|\+?84)[35789][0-9]{8}")
MAX_TEXT = 1000


@simulator
class SmsSimulator(Simulator):
    name = "sms"

    def reset(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.by_ref: dict[str, str] = {}
        self.duplicates = 0
        super().reset()

    def answer(self, request: SimRequest) -> SimResponse:
        if request.method != "POST" or request.path != "/send":
            return SimResponse(404, {"error_code": 404, "message": "Không có dịch vụ này."})
        if request.headers.get("authorization") != f"Bearer {SMS_TOKEN}":
            return self.refusal(1, "Sai mã truy cập (token).")
        body = request.json()
        if not isinstance(body, dict):
            return self.refusal(400, "Yêu cầu phải là một đối tượng JSON.")
        to, text, ref = str(body.get("to") or ""), str(body.get("text") or ""), str(body.get("ref") or "")
        if not PHONE.fullmatch(to):
            return self.refusal(2, f"Số điện thoại không hợp lệ: {to!r}.")
        if not text or len(text) > MAX_TEXT:
            return self.refusal(3, "Nội dung tin nhắn rỗng hoặc quá dài.")
        if ref and ref in self.by_ref:
            self.duplicates += 1
            return SimResponse(200, {"error_code": 0, "message": "Đã nhận trước đó.", "id": self.by_ref[ref]})
        sent_id = f"SMS{len(self.messages) + 1:06d}"
        self.messages.append({"id": sent_id, "to": to, "text": text, "ref": ref})
        if ref:
            self.by_ref[ref] = sent_id
        return SimResponse(200, {"error_code": 0, "message": "OK", "id": sent_id})

    def snapshot(self) -> dict[str, Any]:
        return {**super().snapshot(), "messages": list(self.messages), "duplicates": self.duplicates}

"""The dossier state machine in one table (docs/domain.md §4). Pure Python but for Django's translation of
the labels.

Every action a user or system can take on a dossier is a row: the states it may start from and the
state it leads to. Unusual edges cite their legal basis. Services check every action against this
table before touching anything; the API, the importer and the web pages all go through services.

The labels are lazy translations: a page shows them in the visitor's language. The API, the outbox,
the printed forms and the services' Vietnamese error messages take ``vietnamese(label)`` instead, so
what they say never depends on the language cookie (an f-string would translate the label).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, StrPromise


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    RECEIVED = "received"
    PROCESSING = "processing"
    AWAITING_SUPPLEMENT = "awaiting_supplement"
    PAUSED = "paused"
    RESOLVED = "resolved"
    DELIVERED = "delivered"
    STOPPED = "stopped"


STATUS_LABELS: dict[Status, StrPromise] = {
    Status.DRAFT: pgettext_lazy("dossier status", "Bản nháp"),
    Status.SUBMITTED: pgettext_lazy("dossier status", "Đã nộp trực tuyến, chờ tiếp nhận"),
    Status.RETURNED: pgettext_lazy("dossier status", "Trả lại để bổ sung, hoàn thiện (chưa tiếp nhận)"),
    Status.REFUSED: pgettext_lazy("dossier status", "Từ chối tiếp nhận"),
    Status.WITHDRAWN: pgettext_lazy("dossier status", "Đã rút hồ sơ"),
    Status.RECEIVED: pgettext_lazy("dossier status", "Đã tiếp nhận"),
    Status.PROCESSING: pgettext_lazy("dossier status", "Đang giải quyết"),
    Status.AWAITING_SUPPLEMENT: pgettext_lazy("dossier status", "Chờ bổ sung hồ sơ"),
    Status.PAUSED: pgettext_lazy("dossier status", "Tạm dừng giải quyết"),
    Status.RESOLVED: pgettext_lazy("dossier status", "Đã có kết quả"),
    Status.DELIVERED: pgettext_lazy("dossier status", "Đã trả kết quả"),
    Status.STOPPED: pgettext_lazy("dossier status", "Dừng giải quyết"),
}

# The national portal's status codes (TrangThaiHoSo, INTEGRATIONS.md): every state maps to one.
PORTAL_STATUS: dict[Status, int] = {
    Status.DRAFT: 1,  # never synced: the portal learns of a dossier when it is submitted
    Status.SUBMITTED: 1,
    Status.RETURNED: 1,  # still "submitted, not yet received" for the portal
    Status.REFUSED: 3,
    Status.WITHDRAWN: 7,
    Status.RECEIVED: 2,
    Status.PROCESSING: 4,
    Status.AWAITING_SUPPLEMENT: 5,
    Status.PAUSED: 6,  # the portal's "financial obligation requested" is the usual pause
    Status.RESOLVED: 9,
    Status.DELIVERED: 10,
    Status.STOPPED: 8,
}

# States in which the statutory clock runs.
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING})
# States after reception that are not yet finished (counted "pending" in reports).
PENDING = frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.PAUSED})
# Final states: nothing more happens except delivery of a resolved dossier.
FINAL = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.DELIVERED, Status.STOPPED})
BEFORE_RECEPTION = frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED})


class Action(StrEnum):
    SUBMIT = "submit"
    RECEIVE = "receive"
    RETURN_FOR_COMPLETION = "return_for_completion"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    FORWARD = "forward"
    SEND_BACK = "send_back"
    CONSULT = "consult"
    CONSULT_REPLY = "consult_reply"
    REQUEST_SUPPLEMENT = "request_supplement"
    APPLICANT_SUPPLEMENT = "applicant_supplement"
    RECEIVE_SUPPLEMENT = "receive_supplement"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    RESOLVE = "resolve"
    DELIVER = "deliver"
    STOP = "stop"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change
    label: StrPromise
    basis: str = ""


_WORKING = frozenset({Status.RECEIVED, Status.PROCESSING})

TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(
        frozenset({Status.DRAFT, Status.RETURNED}),
        Status.SUBMITTED,
        pgettext_lazy("dossier action", "Nộp hồ sơ"),
    ),
    Action.RECEIVE: Transition(
        frozenset({Status.SUBMITTED}),
        Status.RECEIVED,
        pgettext_lazy("dossier action", "Tiếp nhận hồ sơ"),
        "NĐ 61/2018 Điều 15: hồ sơ đầy đủ, hợp lệ thì tiếp nhận, cấp giấy tiếp nhận và hẹn trả",
    ),
    Action.RETURN_FOR_COMPLETION: Transition(
        frozenset({Status.SUBMITTED}),
        Status.RETURNED,
        pgettext_lazy("dossier action", "Trả lại để bổ sung, hoàn thiện"),
        "NĐ 61/2018 Điều 15.3, 17: hướng dẫn một lần, đầy đủ những nội dung cần bổ sung",
    ),
    Action.REFUSE: Transition(
        frozenset({Status.SUBMITTED}),
        Status.REFUSED,
        pgettext_lazy("dossier action", "Từ chối tiếp nhận"),
        "NĐ 61/2018 Điều 15: từ chối phải nêu rõ lý do (Phiếu từ chối tiếp nhận)",
    ),
    Action.WITHDRAW: Transition(
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED}),
        Status.WITHDRAWN,
        pgettext_lazy("dossier action", "Rút hồ sơ"),
    ),
    Action.FORWARD: Transition(
        _WORKING, Status.PROCESSING, pgettext_lazy("dossier action", "Chuyển bước xử lý")
    ),
    Action.SEND_BACK: Transition(
        frozenset({Status.PROCESSING}), None, pgettext_lazy("dossier action", "Trả lại bước trước")
    ),
    Action.CONSULT: Transition(
        _WORKING,
        Status.PROCESSING,
        pgettext_lazy("dossier action", "Lấy ý kiến cơ quan liên quan (liên thông)"),
        "NĐ 61/2018, cơ chế một cửa liên thông: gửi song song, nêu cơ quan chủ trì, nhiệm vụ và thời hạn từng cơ quan",
    ),
    Action.CONSULT_REPLY: Transition(
        frozenset({Status.PROCESSING}), None, pgettext_lazy("dossier action", "Trả lời ý kiến liên thông")
    ),
    Action.REQUEST_SUPPLEMENT: Transition(
        _WORKING,
        Status.AWAITING_SUPPLEMENT,
        pgettext_lazy("dossier action", "Yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "NĐ 61/2018 Điều 19.4: dừng tính thời hạn; hạn yêu cầu là 3 ngày làm việc kể từ khi tiếp nhận",
    ),
    Action.APPLICANT_SUPPLEMENT: Transition(
        frozenset({Status.RETURNED, Status.AWAITING_SUPPLEMENT}),
        None,
        pgettext_lazy("dossier action", "Người nộp gửi giấy tờ bổ sung"),
        "NĐ 61/2018 Điều 15.3, 19.4: người nộp bổ sung, hoàn thiện theo hướng dẫn; "
        "cán bộ kiểm tra rồi tiếp nhận (hoặc người nộp nộp lại hồ sơ chưa tiếp nhận)",
    ),
    Action.RECEIVE_SUPPLEMENT: Transition(
        frozenset({Status.AWAITING_SUPPLEMENT}),
        Status.PROCESSING,
        pgettext_lazy("dossier action", "Nhận hồ sơ bổ sung"),
        "NĐ 61/2018 Điều 19.4: thời hạn giải quyết tính lại từ đầu khi nhận đủ hồ sơ",
    ),
    Action.PAUSE: Transition(
        _WORKING,
        Status.PAUSED,
        pgettext_lazy("dossier action", "Tạm dừng giải quyết"),
        "Chờ thực hiện nghĩa vụ tài chính: dừng tính thời hạn, tiếp tục với thời gian còn lại",
    ),
    Action.RESUME: Transition(
        frozenset({Status.PAUSED}), Status.PROCESSING, pgettext_lazy("dossier action", "Tiếp tục giải quyết")
    ),
    Action.EXTEND: Transition(
        _WORKING,
        None,
        pgettext_lazy("dossier action", "Xin lỗi và hẹn lại ngày trả kết quả"),
        "NĐ 61/2018 Điều 19.9: chậm nhất 1 ngày làm việc trước hạn; chỉ hẹn lại một lần",
    ),
    Action.RESOLVE: Transition(
        _WORKING, Status.RESOLVED, pgettext_lazy("dossier action", "Ban hành kết quả")
    ),
    Action.DELIVER: Transition(
        frozenset({Status.RESOLVED}), Status.DELIVERED, pgettext_lazy("dossier action", "Trả kết quả")
    ),
    Action.STOP: Transition(
        frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SUPPLEMENT, Status.PAUSED}),
        Status.STOPPED,
        pgettext_lazy("dossier action", "Dừng giải quyết theo đề nghị"),
        "Thông báo dừng giải quyết hồ sơ (TT 03/2025/TT-VPCP, mẫu 05)",
    ),
}


# EMC's TrackingMCDT statuses (INTEGRATIONS.md, "Measurement system"): 1 received, 2 processing, 3 result
# returned, 4 assigned. EMC counts dossiers by the status they reached, so an action is reported only where it
# moves the dossier to one of these — keyed by (action, status it starts from); every other event (a step
# forwarded within processing, a supplement requested, a result issued but not yet handed over) is not.
EMC_STATUS: dict[tuple[Action, Status], int] = {
    (Action.RECEIVE, Status.SUBMITTED): 1,
    # The dossier leaves reception for the handling officer named at the hand-over.
    (Action.FORWARD, Status.RECEIVED): 4,
    (Action.CONSULT, Status.RECEIVED): 4,
    # Back in processing once the supplement or the paused obligation is done (NĐ 61/2018 Điều 19.4).
    (Action.RECEIVE_SUPPLEMENT, Status.AWAITING_SUPPLEMENT): 2,
    (Action.RESUME, Status.PAUSED): 2,
    (Action.DELIVER, Status.RESOLVED): 3,
}


def emc_status(action: str, from_status: str) -> int | None:
    """EMC's status for an event (``EMC_STATUS``), or None when EMC is not told of it."""
    try:
        return EMC_STATUS.get((Action(action), Status(from_status)))
    except ValueError:  # an event outside the table's actions (creation, a draft edit, a note)
        return None


def vietnamese(label: StrOrPromise) -> str:
    """The Vietnamese text of a label whatever language is active: the msgids are the Vietnamese."""
    with translation.override(None):
        return str(label)


def transition_for(action: Action, status: Status) -> Transition | None:
    """The transition for ``action`` from ``status``, or None when the table forbids it."""
    transition = TRANSITIONS[action]
    return transition if status in transition.sources else None


def target_status(action: Action, status: Status) -> Status:
    transition = TRANSITIONS[action]
    return transition.target if transition.target is not None else status


def allowed_actions(status: Status) -> list[Action]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]

"""Query budgets of the hot path (issue 12 §7): every dossier action through the API runs at most
``ACTION_BUDGET`` SQL statements, an inbox page at most ``INBOX_BUDGET``, so that a regression (a query
in a loop, a permission read again) fails CI. Counted as pytest-django counts: every statement the
connection sends, SAVEPOINT / RELEASE included (see ``testing/querycount.py``; ``QUERY_REPORT=1`` with ``-s``
prints each request's statements grouped).

The scenarios reach every action of the registry that the lifecycles use, each taken by the persona who
takes it in the office (not the superuser), since the permission reads are what the budget is about.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import ProcedureVersion
from dossiers.models import Dossier
from dossiers.transitions import Action
from testing.clients import web_login
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, PARENTAGE, counter_body, vn
from testing.querycount import REPORT, Recorder

pytestmark = pytest.mark.django_db

ACTION_BUDGET = 12
INBOX_BUDGET = 5
# Measured above the target (issue 12 §7: target 12 for an action, 5 for an inbox page): the honest
# figure on SQLite and PostgreSQL, so that any statement more fails; lower it when a change saves one.
OVER_BUDGET: dict[str, int] = {}  # every action, filing included, and the inbox page are within it
# The actions each scenario takes; together, every action the lifecycles reach.
SCENARIOS = {
    "counter": {"forward", "send_back", "consult", "consult_reply", "resolve", "deliver"},
    "time": {
        "request_supplement", "receive_supplement", "stop", "applicant_supplement", "forward", "pause",
        "resume", "extend",
    },
    "online": {"return_for_completion", "submit", "receive", "refuse", "withdraw"},
}  # fmt: skip
LIFECYCLE_ACTIONS = {
    "receive", "forward", "send_back", "consult", "consult_reply", "request_supplement",
    "receive_supplement", "applicant_supplement", "pause", "resume", "extend", "resolve", "deliver",
    "return_for_completion", "refuse", "withdraw", "stop", "submit",
}  # fmt: skip

JUSTICE = "000.00.04.H31"
CITIZEN = {
    "name": "Nguyễn Thị Dân",
    "national_id": "033190001234",  # congdan's CCCD: a counter dossier with it is congdan's
    "address": "Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "phone": "0912345678",
}
ONLINE = {"procedure": BIRTH_REGISTRATION, "channel": "online", "receiving_agency": COMMUNE_A_CENTRE}


@pytest.fixture
def seen() -> set[str]:
    """The actions a scenario ran (each scenario checks them against ``SCENARIOS``)."""
    return set()


@pytest.fixture
def as_(api: Any) -> Any:
    """One API client per persona, its token kept as a client keeps it (its first use is written once
    a minute, not at every call)."""
    clients: dict[int, Any] = {}

    def get(user: Any) -> Any:
        if user.pk not in clients:
            clients[user.pk] = api(user)
        return clients[user.pk]

    return get


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    if REPORT:
        print("\n" + rec.report())


def _budget(label: str) -> int:
    return OVER_BUDGET.get(label, INBOX_BUDGET if label.startswith("GET ") else ACTION_BUDGET)


def _warm(officer: Any) -> None:
    """The requests measured are those of a process that has served one before: what it keeps across
    requests (kernel.generations: the agency tree, the calendar's overrides, the workflows) is held.
    The first request of a process reads each once more (three statements at most), once per change."""
    assert officer.post("dossiers", counter_body())[0] == 201


def _act(rec: Recorder, seen: set[str], client: Any, code: str, action: str, body: Any = None) -> Any:
    answer = rec.call(action, lambda: client.post(f"dossiers/{code}/actions/{action}", body or {}))
    seen.add(action)
    # The answer is built from what the action read with the row and wrote (kernel.jsonrows), not read
    # again: it must be what reading the dossier afresh shows.
    status, fresh = client.get(f"dossiers/{answer['code'] or answer['uuid']}")
    assert status == 200, fresh
    assert answer == fresh, action
    return answer


def _assert_budgets(rec: Recorder, scenario: str | None = None, seen: set[str] | None = None) -> None:
    if scenario is not None:
        assert seen == SCENARIOS[scenario]
    over = [
        (m.label, m.count, _budget(m.label))
        for m in rec.measured
        if (m.label in set(Action) or m.label.startswith(("GET ", "create ")) or m.label in OVER_BUDGET)
        and m.count > _budget(m.label)
    ]
    assert not over, (
        "over the query budget (request, statements, budget): " + repr(over) + "\n" + rec.report()
    )


def _pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_counter_lifecycle_with_send_back_and_consultation(
    as_, recorder, seen, officer_a, specialist_a, leader_a, clerk_a, specialist_dept, clock
) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    officer = as_(officer_a)  # its token made before, not in the measured request
    _warm(officer)
    code = recorder.call("create (counter)", lambda: officer.post("dossiers", counter_body()), 201)["code"]
    _act(recorder, seen, as_(officer_a), code, "forward", {"assignee": "chuyenvien.phohien"})
    _act(recorder, seen, as_(specialist_a), code, "send_back", {"reason": "Thiếu chữ ký"})
    _act(recorder, seen, as_(officer_a), code, "forward", {"assignee": "chuyenvien.phohien"})
    task = {"agency": JUSTICE, "task": "Xác minh", "working_days": 2, "lead": True}
    _act(recorder, seen, as_(specialist_a), code, "consult", {"agencies": [task]})
    clock(vn(2026, 3, 2, 10, 0))
    _act(recorder, seen, as_(specialist_dept), code, "consult_reply", {"agency": JUSTICE, "answer": "Đủ"})
    _act(recorder, seen, as_(specialist_a), code, "forward", {"assignee": "lanhdao.phohien"})
    _act(recorder, seen, as_(leader_a), code, "forward", {"assignee": "vanthu.phohien"})
    _act(recorder, seen, as_(clerk_a), code, "resolve", {"outcome": "approved", "note": "Cấp giấy"})
    body = _act(recorder, seen, as_(officer_a), code, "deliver", {"method": "counter"})
    assert body["status"] == "delivered"
    _assert_budgets(recorder, "counter", seen)


def test_supplements_pause_extend_and_stop(
    as_, client, recorder, seen, officer_a, specialist_a, leader_a, citizen, clock
) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    officer = as_(officer_a)
    code = officer.post("dossiers", counter_body())[1]["code"]
    _act(recorder, seen, officer, code, "request_supplement", {"items": ["Bản sao rõ nét"], "reason": "Mờ"})
    _act(recorder, seen, officer, code, "receive_supplement", {"note": "Đã nộp đủ"})
    _act(recorder, seen, officer, code, "stop", {"reason": "Công dân đề nghị dừng"})

    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    requirement = version.components.order_by("pk").first()
    assert requirement is not None
    body = counter_body(applicant=CITIZEN, components=[{"requirement": requirement.pk, "originals": 1}])
    sent = officer.post("dossiers", body)[1]["code"]
    _act(recorder, seen, officer, sent, "request_supplement", {"items": ["Bản sao rõ nét"]})
    component = Dossier.objects.get(code=sent).components.order_by("pk").first()
    assert component is not None
    client.force_login(citizen)
    upload = SimpleUploadedFile("ban-sao.pdf", _pdf(), content_type="application/pdf")
    response = client.post(f"/api/v1/dossiers/{sent}/components/{component.pk}/files", {"file": upload})
    assert response.status_code == 201, response.content
    clock(vn(2026, 3, 3, 9, 0))
    _act(recorder, seen, as_(citizen), sent, "applicant_supplement", {"note": "Gửi bản rõ"})

    clock(vn(2026, 3, 3, 10, 0))
    paused = officer.post("dossiers", counter_body(procedure=PARENTAGE))[1]["code"]
    _act(recorder, seen, officer, paused, "forward", {"assignee": "chuyenvien.phohien"})
    _act(recorder, seen, as_(specialist_a), paused, "pause", {"reason": "Chờ nộp lệ phí"})
    _act(recorder, seen, as_(specialist_a), paused, "resume", {})
    due = Dossier.objects.get(code=paused).due_at
    assert due is not None
    later = due + timedelta(days=5)
    _act(
        recorder,
        seen,
        as_(leader_a),
        paused,
        "extend",
        {"reason": "Xác minh thêm", "new_appointment": later.isoformat()},
    )
    _assert_budgets(recorder, "time", seen)


def test_online_paths(as_, recorder, seen, officer_a, citizen, clock) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    applicant, officer = as_(citizen), as_(officer_a)
    _warm(officer)
    ref = recorder.call("create (online)", lambda: applicant.post("dossiers", ONLINE), 201)["uuid"]
    _act(
        recorder, seen, officer, ref, "return_for_completion", {"items": ["Giấy chứng sinh"], "reason": "Mờ"}
    )
    _act(recorder, seen, applicant, ref, "submit", {})
    _act(recorder, seen, officer, ref, "receive", {})
    refused = applicant.post("dossiers", ONLINE)[1]["uuid"]
    _act(recorder, seen, officer, refused, "refuse", {"reason": "Không thuộc thẩm quyền"})
    withdrawn = applicant.post("dossiers", ONLINE)[1]["uuid"]
    _act(recorder, seen, applicant, withdrawn, "withdraw", {"reason": "Nộp nhầm"})
    draft = applicant.post("dossiers", {**ONLINE, "draft": True})[1]["uuid"]
    _act(recorder, seen, applicant, draft, "submit", {})
    _assert_budgets(recorder, "online", seen)


def test_the_scenarios_reach_every_lifecycle_action() -> None:
    assert set().union(*SCENARIOS.values()) == LIFECYCLE_ACTIONS


def test_inbox_pages(as_, client, recorder, officer_a, clock) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    officer = as_(officer_a)
    for _ in range(3):
        officer.post("dossiers", counter_body())
    body = recorder.call("GET /api/v1/dossiers", lambda: officer.get("dossiers"))
    assert body["count"] >= 3
    body = recorder.call("GET /api/v1/dossiers?overdue=true", lambda: officer.get("dossiers", overdue="true"))
    web_login(client, officer_a)

    def page() -> tuple[int, Any]:
        response = client.get("/can-bo/ho-so/")
        return response.status_code, response.content

    recorder.call("GET /can-bo/ho-so/ (workspace inbox)", page)
    _assert_budgets(recorder)

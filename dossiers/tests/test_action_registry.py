"""The registry of dossier actions (docs/adr/0013): one entry per action of the transition table, and
its ``refusal()`` — what the pages ask to decide which buttons to offer — says exactly what the service
does. For demo personas (and the system) and dossiers in varied states, ``refusal()`` is None iff the
action succeeds, and when it is not None the service refuses with the same code, message and status.

The world is built once, inside the test, through the API as the people would; every attempt runs in
a savepoint that is rolled back, so the world stays as built.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from catalog.models import ProcedureVersion
from dossiers.actions import closing, processing, reception, registry, results, supplement, time
from dossiers.models import Dossier
from dossiers.transitions import TRANSITIONS, Action
from kernel.errors import DomainError
from organization.models import Agency
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, PARENTAGE, counter_body, vn
from testing.reference import DEMO_LOGINS

JUSTICE = "000.00.04.H31"
SYSTEM = "(system)"
PERSONAS = (*DEMO_LOGINS, SYSTEM)
CITIZEN = {
    "name": "Nguyễn Thị Dân",
    "national_id": "033190001234",  # congdan's CCCD: a counter dossier with it is congdan's
    "address": "Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "phone": "0912345678",
}


def test_every_action_has_exactly_one_entry() -> None:
    declared = [
        e.action
        for family in (reception, processing, supplement, time, results, closing)
        for e in family.ENTRIES
    ]
    assert sorted(declared) == sorted(Action)
    assert set(registry.ENTRIES) == set(Action)
    for action, entry in registry.ENTRIES.items():
        # States, label and legal basis are the transition table's, not a copy.
        assert entry.transition is TRANSITIONS[action]
        assert entry.sources == TRANSITIONS[action].sources and entry.basis == TRANSITIONS[action].basis


def _ok(answer: tuple[int, Any], status: int = 200) -> dict[str, Any]:
    code, body = answer
    assert code in (status, 201), (code, body)
    return dict(body)


def build_world(api: Any, client: Any) -> dict[str, Dossier]:
    """Dossiers in every kind of state: a draft, submitted and returned online, received at commune A
    or B, forwarded, consulted, awaiting a supplement (with and without a new paper), paused, extended,
    at the last step, resolved, withdrawn."""
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS)}
    officer_a, specialist_a = api(users["motcua.phohien"]), api(users["chuyenvien.phohien"])
    leader_a, citizen = api(users["lanhdao.phohien"]), api(users["congdan"])
    online = {"procedure": BIRTH_REGISTRATION, "channel": "online", "receiving_agency": COMMUNE_A_CENTRE}
    refs: dict[str, str] = {}
    refs["draft"] = _ok(citizen.post("dossiers", {**online, "draft": True}))["uuid"]
    refs["submitted"] = _ok(citizen.post("dossiers", online))["uuid"]
    returned = _ok(citizen.post("dossiers", online))["uuid"]
    _ok(officer_a.post(f"dossiers/{returned}/actions/return_for_completion", {"items": ["Giấy chứng sinh"]}))
    refs["returned"] = returned
    withdrawn = _ok(citizen.post("dossiers", online))["uuid"]
    _ok(citizen.post(f"dossiers/{withdrawn}/actions/withdraw", {"reason": "Nộp nhầm"}))
    refs["withdrawn"] = withdrawn
    refs["received"] = _ok(officer_a.post("dossiers", counter_body(applicant=CITIZEN)))["code"]
    refs["received_b"] = _ok(api(users["motcua.tanhung"]).post("dossiers", counter_body()))["code"]
    forwarded = _ok(officer_a.post("dossiers", counter_body(procedure=PARENTAGE)))["code"]
    _ok(officer_a.post(f"dossiers/{forwarded}/actions/forward", {"assignee": "chuyenvien.phohien"}))
    refs["forwarded"] = forwarded
    consulted = _ok(officer_a.post("dossiers", counter_body(procedure=PARENTAGE)))["code"]
    _ok(officer_a.post(f"dossiers/{consulted}/actions/forward", {"assignee": "chuyenvien.phohien"}))
    task = {"agency": JUSTICE, "task": "Xác minh", "working_days": 2, "lead": True}
    _ok(specialist_a.post(f"dossiers/{consulted}/actions/consult", {"agencies": [task]}))
    refs["consulted"] = consulted
    waiting = _ok(officer_a.post("dossiers", counter_body(applicant=CITIZEN)))["code"]
    _ok(officer_a.post(f"dossiers/{waiting}/actions/request_supplement", {"items": ["Bản sao rõ nét"]}))
    refs["awaiting_supplement"] = waiting
    sent = _ok(officer_a.post("dossiers", _with_paper(applicant=CITIZEN)))["code"]
    _ok(officer_a.post(f"dossiers/{sent}/actions/request_supplement", {"items": ["Bản sao rõ nét"]}))
    component = Dossier.objects.get(code=sent).components.order_by("pk").first()
    assert component is not None
    upload = SimpleUploadedFile("ban-sao.pdf", _pdf(), content_type="application/pdf")
    client.force_login(users["congdan"])
    response = client.post(f"/api/v1/dossiers/{sent}/components/{component.pk}/files", {"file": upload})
    assert response.status_code == 201, response.content
    refs["supplement_uploaded"] = sent
    paused = _ok(officer_a.post("dossiers", counter_body(procedure=PARENTAGE)))["code"]
    _ok(officer_a.post(f"dossiers/{paused}/actions/forward", {"assignee": "chuyenvien.phohien"}))
    _ok(specialist_a.post(f"dossiers/{paused}/actions/pause", {"reason": "Chờ nộp lệ phí"}))
    refs["paused"] = paused
    extended = _ok(officer_a.post("dossiers", counter_body(procedure=PARENTAGE)))
    due = Dossier.objects.get(code=extended["code"]).due_at
    assert due is not None
    new_appointment = (due + timedelta(days=5)).isoformat()
    _ok(
        leader_a.post(
            f"dossiers/{extended['code']}/actions/extend",
            {"reason": "Xác minh thêm", "new_appointment": new_appointment},
        )
    )
    refs["extended"] = extended["code"]
    last = _ok(officer_a.post("dossiers", counter_body(applicant=CITIZEN)))["code"]
    while [s for s in _ok(api(users["admin"]).get(f"dossiers/{last}"))["steps"] if s["state"] == "waiting"]:
        _ok(api(users["admin"]).post(f"dossiers/{last}/actions/forward", {}))
    refs["last_step"] = last
    resolved = _ok(officer_a.post("dossiers", counter_body(applicant=CITIZEN)))["code"]
    while [
        s for s in _ok(api(users["admin"]).get(f"dossiers/{resolved}"))["steps"] if s["state"] == "waiting"
    ]:
        _ok(api(users["admin"]).post(f"dossiers/{resolved}/actions/forward", {}))
    _ok(leader_a.post(f"dossiers/{resolved}/actions/resolve", {"outcome": "approved"}))
    refs["resolved"] = resolved
    return {
        key: Dossier.objects.filter(code=ref).first() or Dossier.objects.get(uuid=ref)
        for key, ref in refs.items()
    }


def _pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _with_paper(**overrides: Any) -> dict[str, Any]:
    """A counter dossier with one listed paper (the applicant may add a new version of it)."""
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    requirement = version.components.order_by("pk").first()
    assert requirement is not None
    return counter_body(components=[{"requirement": requirement.pk, "originals": 1}], **overrides)


def valid_input(action: Action, dossier: Dossier) -> Any:
    """An input the action's own validation accepts, so that only the rules can refuse it."""
    justice = Agency.objects.get(code=JUSTICE)
    due = dossier.due_at or vn(2026, 3, 20, 17, 0)
    every: dict[Action, dict[str, Any]] = {
        Action.RETURN_FOR_COMPLETION: {"items": ["Bản sao Giấy chứng sinh"], "reason": "Mờ"},
        Action.REFUSE: {"reason": "Không thuộc thẩm quyền"},
        Action.WITHDRAW: {"reason": "Nộp nhầm"},
        Action.SEND_BACK: {"reason": "Thiếu chữ ký"},
        Action.CONSULT: {
            "requests": [
                processing.ConsultationInput(
                    agency=justice, task="Xác minh", working_days=Decimal(2), is_lead=True
                )
            ]
        },
        Action.CONSULT_REPLY: {"agency": justice, "answer": "Đồng ý"},
        Action.REQUEST_SUPPLEMENT: {"items": ["Bản sao rõ nét"], "reason": "Mờ"},
        Action.APPLICANT_SUPPLEMENT: {"note": "Đã chụp lại"},
        Action.PAUSE: {"reason": "Chờ nộp lệ phí"},
        Action.EXTEND: {"reason": "Xác minh thêm", "new_appointment": due + timedelta(days=5)},
        Action.RESOLVE: {"outcome": "approved"},
        Action.DELIVER: {"method": "counter"},
        Action.STOP: {"reason": "Theo đề nghị của người nộp"},
    }
    return registry.entry(action).input(**every.get(action, {}))


class _RolledBack(Exception):
    pass


def attempt(
    username: str, key: str, action: Action, world: dict[str, Dossier], users: dict[str, User]
) -> str:
    """Ask ``refusal()`` then run the service in a savepoint rolled back; both must agree."""
    actor = None if username == SYSTEM else User.objects.get(pk=users[username].pk)
    dossier = Dossier.objects.select_related("applicant", "receiving_agency", "handling_agency").get(
        pk=world[key].pk
    )
    inp = valid_input(action, dossier)
    at = vn(2026, 3, 3, 10, 0)
    refused = registry.entry(action).refusal(registry.context(dossier, actor, at), inp)
    error: DomainError | None = None
    try:
        with transaction.atomic():
            registry.perform(action, dossier=dossier, actor=actor, inp=inp, at=at)
            raise _RolledBack
    except _RolledBack:
        pass
    except DomainError as exc:
        error = exc
    case = (username, key, action.value)
    if refused is None:
        assert error is None, (case, error.code if error else None, error.message if error else None)
        return "allowed"
    assert error is not None, (case, refused)
    assert (error.code, error.message, error.status) == (refused.code, refused.message, refused.status), case
    return "refused"


@pytest.mark.heavy
@pytest.mark.django_db
def test_refusal_agrees_with_the_service(api, client, clock) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    world = build_world(api, client)
    clock(vn(2026, 3, 3, 10, 0))
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS)}
    outcomes: dict[tuple[str, str, Action], str] = {}

    @settings(max_examples=150, deadline=None, database=None)
    @given(
        username=st.sampled_from(PERSONAS),
        key=st.sampled_from(sorted(world)),
        action=st.sampled_from(sorted(Action)),
    )
    def random_triples(username: str, key: str, action: Action) -> None:
        outcomes[(username, key, action)] = attempt(username, key, action, world, users)

    random_triples()
    # What a page offers is run too, for the people who work on dossiers: every offer must succeed.
    for username in ("motcua.phohien", "chuyenvien.phohien", "lanhdao.phohien", "congdan", "admin", SYSTEM):
        actor = None if username == SYSTEM else users[username]
        for key, dossier in world.items():
            ctx = registry.context(Dossier.objects.get(pk=dossier.pk), actor, vn(2026, 3, 3, 10, 0))
            for action in registry.offered(ctx):
                outcomes[(username, key, action)] = attempt(username, key, action, world, users)
    # Not vacuous: every action is allowed somewhere, and refusals of each kind were compared.
    allowed = {action for (_u, _k, action), outcome in outcomes.items() if outcome == "allowed"}
    assert allowed == set(Action)
    assert "refused" in outcomes.values()


@pytest.mark.django_db
def test_the_applicant_sends_a_supplement_through_the_api(api, client, clock, officer_a, citizen) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    code = _ok(api(officer_a).post("dossiers", _with_paper(applicant=CITIZEN)))["code"]
    _ok(api(officer_a).post(f"dossiers/{code}/actions/request_supplement", {"items": ["Bản sao rõ nét"]}))
    clock(vn(2026, 3, 3, 9, 0))
    status, body = api(citizen).post(f"dossiers/{code}/actions/applicant_supplement", {"note": "Gửi bản rõ"})
    assert status == 400 and body["error"]["code"] == "supplement_files_required"
    component = Dossier.objects.get(code=code).components.order_by("pk").first()
    assert component is not None
    client.force_login(citizen)
    upload = SimpleUploadedFile("ban-sao.pdf", _pdf(), content_type="application/pdf")
    response = client.post(f"/api/v1/dossiers/{code}/components/{component.pk}/files", {"file": upload})
    assert response.status_code == 201, response.content
    status, body = api(officer_a).post(f"dossiers/{code}/actions/applicant_supplement", {"note": "x"})
    assert status == 403
    status, body = api(citizen).post(f"dossiers/{code}/actions/applicant_supplement", {"note": "Gửi bản rõ"})
    assert status == 200, body
    event = body["events"][-1]
    assert event["action"] == "applicant_supplement" and event["reason"] == "Gửi bản rõ"
    assert event["data"]["files"][0]["name"] == "ban-sao.pdf"
    assert body["status"] == "awaiting_supplement"  # the officer receives the supplement next

"""A small world for the persona × URL matrix (motcua/tests/test_access_matrix.py): one real object
for every route that takes an id, built through the API and the services as the people would.

Commune A is Phường Phố Hiến (its service centre receives, its People's Committee handles), commune B
is Xã Tân Hưng. The citizen (congdan, CCCD 033190001234) owns every dossier of commune A below, so the
applicant's own pages have something to show; commune B's dossier is a stranger's.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pypdf
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.services import token_create
from catalog.models import ProcedureVersion
from documents.models import ComponentFile
from documents.results import result_issue
from documents.services import component_upload
from dossiers.models import Dossier
from kiosk import selectors as kiosk_selectors
from kiosk import services as kiosk_services
from organization.models import Agency

BIRTH_REGISTRATION = "1.001193"  # commune level, one working day
CENTRE_A = "001.00.11953.H31"
COMMITTEE_A = "000.00.11953.H31"
CENTRE_B = "001.00.11977.H31"
CITIZEN = {
    "name": "Nguyễn Thị Dân",
    "national_id": "033190001234",  # congdan's CCCD: counter dossiers with it are congdan's
    "address": "Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "phone": "0912345678",
}
STRANGER = {"name": "Lê Văn Khách", "national_id": "033095009876", "address": "Xã Tân Hưng"}


@dataclass(frozen=True)
class World:
    """The ids the matrix's URLs are made of."""

    procedure: str
    year: int
    draft: str  # the citizen's online draft at centre A (uuid: a draft has no code)
    draft_component: int
    submitted: str  # the citizen's online dossier, submitted, waiting for reception at centre A
    received: str  # the citizen's counter dossier at commune A, in processing (code)
    received_component: int
    received_file: str  # a file attached to it (uuid)
    supplement: str  # the citizen's dossier of commune A awaiting a supplement (code)
    supplement_component: int
    resolved: str  # the citizen's dossier of commune A, resolved with a signed result (code)
    result_file: str
    verification: str  # the signed result's verification id
    dossier_b: str  # a stranger's dossier of commune B, received (code)
    dossier_b_component: int
    citizen_token: str  # id of one of the citizen's API tokens
    centre_a: str
    committee_a: str
    ticket: str  # a queue ticket of centre A (uuid)
    line: str  # the kiosk line it was taken on
    counter: int  # a counter number of centre A
    month: str  # a month of the service index (YYYY-MM)
    indicator: str


def _api(user: User) -> Any:
    from testing.clients import ApiClient

    return ApiClient(Client(), user)


def _ok(answer: tuple[int, Any], status: int = 200) -> Any:
    code, body = answer
    assert code == status, (code, body)
    return body


def one_page_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _counter(officer: User, applicant: dict[str, str], requirement: int) -> dict[str, Any]:
    body = {
        "procedure": BIRTH_REGISTRATION,
        "channel": "counter",
        "applicant": applicant,
        "components": [{"requirement": requirement, "originals": 1}],
    }
    return dict(_ok(_api(officer).post("dossiers", body), 201))


def counter_body(world: World) -> dict[str, Any]:
    """A birth registration received at the counter of commune A's centre (for the write probe)."""
    return {
        "procedure": world.procedure,
        "channel": "counter",
        "receiving_agency": world.centre_a,
        "applicant": STRANGER,
    }


def _advance_to_last_step(superuser: User, code: str) -> None:
    while True:
        body = _ok(_api(superuser).get(f"dossiers/{code}"))
        if not [s for s in body["steps"] if s["state"] == "waiting"]:
            return
        _ok(_api(superuser).post(f"dossiers/{code}/actions/forward", {}))


def _component(reference: str) -> int:
    dossier = Dossier.objects.filter(code=reference).first() or Dossier.objects.get(uuid=reference)
    return int(dossier.components.order_by("pk").first().pk)


def build_world() -> World:
    users = {u.username: u for u in User.objects.all()}
    citizen, officer_a, leader_a = users["congdan"], users["motcua.phohien"], users["lanhdao.phohien"]
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    requirement = version.components.order_by("pk").first()
    assert requirement is not None
    online = {
        "procedure": BIRTH_REGISTRATION,
        "channel": "online",
        "receiving_agency": CENTRE_A,
        "components": [{"requirement": requirement.pk}],
    }
    citizen_api = _api(citizen)
    draft = _ok(citizen_api.post("dossiers", {**online, "draft": True}), 201)["uuid"]
    submitted = _ok(citizen_api.post("dossiers", online), 201)["reference"]  # its code, from submission

    received = _counter(officer_a, CITIZEN, requirement.pk)["code"]
    received_component = _component(received)
    dossier = Dossier.objects.get(code=received)
    component_upload(
        dossier=dossier,
        component=dossier.components.get(pk=received_component),
        data=one_page_pdf(),
        name="giay-chung-sinh.pdf",
        actor=officer_a,
    )
    received_file = str(ComponentFile.objects.filter(component_id=received_component).get().file.uuid)

    supplement = _counter(officer_a, CITIZEN, requirement.pk)["code"]
    _ok(
        _api(officer_a).post(
            f"dossiers/{supplement}/actions/request_supplement",
            {"items": ["Bản sao Giấy chứng sinh rõ nét"], "reason": "Bản chụp bị mờ"},
        )
    )

    resolved = _counter(officer_a, CITIZEN, requirement.pk)["code"]
    _advance_to_last_step(users["admin"], resolved)
    _ok(_api(leader_a).post(f"dossiers/{resolved}/actions/resolve", {"outcome": "approved"}))
    result = result_issue(
        dossier=Dossier.objects.get(code=resolved),
        data=one_page_pdf(),
        title="Giấy khai sinh",
        number="15/GKS",
        actor=leader_a,
    )

    dossier_b = _counter(users["motcua.tanhung"], STRANGER, requirement.pk)["code"]
    _raw, token = token_create(user=citizen)

    centre_a = Agency.objects.get(code=CENTRE_A)
    kiosk_services.counters_ensure(centre_a)
    line = kiosk_selectors.centre_lines(centre_a)[0]
    ticket = kiosk_services.ticket_issue(centre=centre_a, line_key=line.key, at=timezone.now())
    counter = kiosk_selectors.active_counters(centre_a).order_by("number").first()
    assert counter is not None

    month, indicator = _published_month(users["kiemsoat"])
    return World(
        procedure=BIRTH_REGISTRATION,
        year=timezone.localdate().year,
        draft=str(draft),
        draft_component=_component(draft),
        submitted=str(submitted),
        received=received,
        received_component=received_component,
        received_file=received_file,
        supplement=supplement,
        supplement_component=_component(supplement),
        resolved=resolved,
        result_file=str(result.file.uuid),
        verification=str(result.verification_id),
        dossier_b=dossier_b,
        dossier_b_component=_component(dossier_b),
        citizen_token=str(token.uuid),
        centre_a=CENTRE_A,
        committee_a=COMMITTEE_A,
        ticket=str(ticket.uuid),
        line=line.key,
        counter=counter.number,
        month=month,
        indicator=indicator,
    )


def _published_month(monitor: User) -> tuple[str, str]:
    """Last month frozen by the monitor (nothing in it but the dossiers above: the pages still open)."""
    from serviceindex.services import publication_freeze

    first = timezone.localdate().replace(day=1)
    month = (first - timedelta(days=1)).replace(day=1)
    publication = publication_freeze(month=month, actor=monitor, at=timezone.now())
    indicator = publication.methodology.indicators.order_by("pk").first()
    assert indicator is not None
    return f"{month:%Y-%m}", indicator.code

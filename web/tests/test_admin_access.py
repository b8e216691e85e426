"""Every admin page for every demo persona, against an explicit table (after manage.get.gov's test over
every URL): the superuser everything; the province administrator (qt.tinh) the organisation, the
catalog, the calendar, counters, targets and the index methodology of his province, and the staff
accounts below him; the agency administrator (qt.phohien) the members of his commune and nothing
else; everyone else is refused, anonymous visitors sent to the login.

The tables are written out by hand on purpose: a change to organization/admin_policy.py or to an admin class
that changes what someone may open fails here until the table says so, and a model registered in the
admin without rows here fails ``test_every_registered_model_has_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, Applicant, User
from accounts.services import token_create
from catalog.models import (
    Procedure,
    ProcedureCase,
    ProcedureField,
    PublicationDecision,
    Workflow,
)
from dossiers.models import Dossier
from jobs.models import JobRun
from jobs.scheduler import tick
from kiosk import selectors as kiosk_selectors
from kiosk import services as kiosk_services
from kiosk.models import Counter, QueueTicket
from notices.models import NoticeTemplate
from organization.models import AdministrativeUnit, Agency, LegacyUnit, Membership
from outbox.models import OutboxMessage
from serviceindex.models import Indicator, Methodology
from targets.models import Target
from testing.clients import ApiClient
from testing.database import kept_for_the_module
from testing.dossiers import counter_body
from worktime.models import CalendarOverride

pytestmark = [pytest.mark.django_db, pytest.mark.heavy]

ADMINS = ("admin", "qt.tinh", "qt.phohien")  # superuser, province admin, agency admin of commune A
OTHERS = (
    "kiemsoat",
    "motcua.tinh",
    "chuyenvien.stp",
    "lanhdao.stp",
    "motcua.phohien",
    "chuyenvien.phohien",
    "lanhdao.phohien",
    "vanthu.phohien",
    "motcua.tanhung",
    "chuyenvien.tanhung",
    "congdan",
    "doanhnghiep",
)

OFFICE = "000.00.01.H31"  # Văn phòng UBND tỉnh (qt.tinh, kiemsoat)
COMMITTEE_A = "000.00.11953.H31"
CENTRE_A = "001.00.11953.H31"
COMMITTEE_B = "000.00.11977.H31"
CENTRE_B = "001.00.11977.H31"

# Pages of a model: the list and the add form, for (admin, qt.tinh, qt.phohien).
MODEL_PAGES: dict[str, tuple[str, str, str]] = {
    "accounts.User": ("200 200", "200 200", "200 200"),
    "accounts.Applicant": ("200 200", "403 403", "403 403"),
    "accounts.ApiToken": ("200 403", "403 403", "403 403"),
    "organization.AdministrativeUnit": ("200 403", "200 403", "403 403"),
    "organization.LegacyUnit": ("200 200", "200 403", "403 403"),
    "organization.Agency": ("200 200", "200 200", "200 403"),
    "organization.Membership": ("200 200", "200 200", "200 200"),
    "worktime.CalendarOverride": ("200 200", "200 200", "403 403"),
    "catalog.ProcedureField": ("200 200", "200 200", "403 403"),
    "catalog.Procedure": ("200 200", "200 200", "403 403"),
    "catalog.ProcedureVersion": ("200 403", "200 403", "403 403"),
    "catalog.PublicationDecision": ("200 200", "200 200", "403 403"),
    "catalog.ProcedureCase": ("200 200", "200 200", "403 403"),
    "catalog.Workflow": ("200 200", "200 200", "403 403"),
    "kiosk.Counter": ("200 200", "200 200", "403 403"),
    "kiosk.QueueTicket": ("200 403", "200 403", "403 403"),
    "targets.Target": ("200 200", "200 200", "403 403"),
    "serviceindex.Methodology": ("200 200", "200 200", "403 403"),
    "serviceindex.Indicator": ("200 200", "200 200", "403 403"),
    "serviceindex.IndexPublication": ("200 403", "200 403", "403 403"),
    "dossiers.Dossier": ("200 403", "403 403", "403 403"),
    "documents.StoredFile": ("200 403", "403 403", "403 403"),
    "documents.ComponentFile": ("200 403", "403 403", "403 403"),
    "documents.ResultDocument": ("200 403", "403 403", "403 403"),
    "documents.VaultItem": ("200 403", "403 403", "403 403"),
    "documents.CertifiedCopy": ("200 403", "403 403", "403 403"),
    "documents.SigningCredential": ("200 403", "403 403", "403 403"),
    "outbox.OutboxMessage": ("200 403", "403 403", "403 403"),
    "integrations.Exchange": ("200 403", "403 403", "403 403"),
    "jobs.JobRun": ("200 403", "403 403", "403 403"),
    "notices.NoticeTemplate": ("200 403", "200 403", "403 403"),
    "notices.Notice": ("200 403", "403 403", "403 403"),
}

# Pages of one object: change, delete, history, one version of its history ("-": the model keeps none),
# and for accounts the password page, for (admin, qt.tinh, qt.phohien). "edit": the change form saves;
# "view": it opens read-only. A row whose object does not exist in the data ("missing") probes an id
# that exists nowhere.
OBJECT_PAGES: dict[str, tuple[str, str, str]] = {
    # One's own password is changed on the "change password" page, with the current one.
    "accounts.User admin": ("edit 200 200 200 403", "404 403 404 404 404", "404 403 404 404 404"),
    "accounts.User qt.tinh": ("edit 200 200 200 200", "edit 403 200 200 403", "404 403 404 404 404"),
    # The monitor reads the whole province: the province admin's to manage, not an agency admin's.
    "accounts.User kiemsoat": ("edit 200 200 200 200", "edit 403 200 200 200", "404 403 404 404 404"),
    # An administrator: the province admin manages his account, only the superuser sets his password.
    "accounts.User qt.phohien": ("edit 200 200 200 200", "edit 403 200 200 403", "edit 403 200 200 403"),
    "accounts.User chuyenvien.phohien": (
        "edit 200 200 200 200",
        "edit 403 200 200 200",
        "edit 403 200 200 200",
    ),
    "accounts.User motcua.phohien": ("edit 200 200 200 200", "edit 403 200 200 200", "edit 403 200 200 200"),
    "accounts.User chuyenvien.tanhung": (
        "edit 200 200 200 200",
        "edit 403 200 200 200",
        "404 403 404 404 404",
    ),
    # Citizens' accounts are the superuser's.
    "accounts.User congdan": ("edit 200 200 200 200", "404 403 404 404 404", "404 403 404 404 404"),
    "accounts.Applicant congdan": ("edit 200 200", "403 403 403", "403 403 403"),
    "accounts.ApiToken motcua.phohien": ("edit 200 200", "403 403 403", "403 403 403"),
    "organization.AdministrativeUnit Hưng Yên": ("edit 200 200 200", "edit 403 200 200", "403 403 403 403"),
    "organization.AdministrativeUnit Phố Hiến": ("edit 200 200 200", "edit 403 200 200", "403 403 403 403"),
    "organization.AdministrativeUnit Hà Nội": ("edit 200 200 200", "view 403 200 200", "403 403 403 403"),
    "organization.LegacyUnit Hiến Nam": ("edit 200 200 200", "edit 403 200 200", "403 403 403 403"),
    "organization.Agency office": ("edit 200 200 200", "edit 403 200 200", "404 403 404 404"),
    "organization.Agency committee A": ("edit 200 200 200", "edit 403 200 200", "view 403 200 200"),
    "organization.Agency centre A": ("edit 200 200 200", "edit 403 200 200", "view 403 200 200"),
    "organization.Agency committee B": ("edit 200 200 200", "edit 403 200 200", "404 403 404 404"),
    # Nobody changes his own roles; only the superuser appoints or removes a province admin.
    "organization.Membership qt.tinh": ("edit 200 200 200", "view 403 200 200", "404 404 404 404"),
    "organization.Membership kiemsoat": ("edit 200 200 200", "edit 200 200 200", "404 404 404 404"),
    "organization.Membership qt.phohien": ("edit 200 200 200", "edit 200 200 200", "view 403 200 200"),
    "organization.Membership chuyenvien.phohien": (
        "edit 200 200 200",
        "edit 200 200 200",
        "edit 200 200 200",
    ),
    "organization.Membership motcua.phohien": ("edit 200 200 200", "edit 200 200 200", "edit 200 200 200"),
    "organization.Membership chuyenvien.tanhung": ("edit 200 200 200", "edit 200 200 200", "404 404 404 404"),
    "worktime.CalendarOverride first": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "catalog.ProcedureField first": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "catalog.Procedure 1.001193": ("edit 200 200", "edit 200 200", "403 403 403"),
    # A version in force is read-only for everyone (a draft is edited instead).
    "catalog.ProcedureVersion 1.001193 in force": ("view 403 200 200", "view 403 200 200", "403 403 403 403"),
    "catalog.PublicationDecision first": ("view 200 200 200", "view 200 200 200", "403 403 403 403"),
    "catalog.ProcedureCase first": ("edit 200 200", "edit 200 200", "403 403 403"),
    "catalog.Workflow first": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "kiosk.Counter centre A": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "kiosk.Counter centre B": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "kiosk.QueueTicket centre A": ("view 200 200", "view 403 200", "403 403 403"),
    "kiosk.QueueTicket centre B": ("view 200 200", "view 403 200", "403 403 403"),
    "targets.Target first": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "serviceindex.Methodology first": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "serviceindex.Indicator first": ("edit 200 200 200", "edit 200 200 200", "403 403 403 403"),
    "serviceindex.IndexPublication missing": ("404 404 404", "404 403 404", "403 403 403"),
    "dossiers.Dossier received": ("view 403 200", "403 403 403", "403 403 403"),
    "documents.StoredFile missing": ("404 403 404", "403 403 403", "403 403 403"),
    "documents.ComponentFile missing": ("404 403 404", "403 403 403", "403 403 403"),
    "documents.ResultDocument missing": ("404 403 404", "403 403 403", "403 403 403"),
    "documents.VaultItem missing": ("404 403 404", "403 403 403", "403 403 403"),
    "documents.CertifiedCopy missing": ("404 403 404", "403 403 403", "403 403 403"),
    "documents.SigningCredential missing": ("404 404 404", "403 403 403", "403 403 403"),
    # Read-only: a message is retried or cancelled by the list's actions (outbox.services), not edited.
    "outbox.OutboxMessage first": ("view 403 200", "403 403 403", "403 403 403"),
    # The exchange log is written by the partners' clients only.
    "integrations.Exchange missing": ("404 403 404", "403 403 403", "403 403 403"),
    # The runs of the periodic jobs are written by the scheduler and the worker only.
    "jobs.JobRun first": ("view 403 200", "403 403 403", "403 403 403"),
    # The seeded texts: edited by the province administrator through notices.services, never added or deleted.
    "notices.NoticeTemplate first": ("edit 403 200", "edit 403 200", "403 403 403"),
    "notices.Notice missing": ("404 403 404", "403 403 403", "403 403 403"),
}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _membership(username: str) -> Membership:
    return Membership.objects.get(user__username=username)


def _agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def _first(model: type[Model]) -> Callable[[], Model | None]:
    return lambda: model._default_manager.order_by("pk").first()


def _missing() -> None:
    return None


def _picker(get: Callable[[str], Model], name: str) -> Callable[[], Model | None]:
    return lambda: get(name)


OBJECTS: dict[str, Callable[[], Model | None]] = {
    **{
        f"accounts.User {name}": _picker(_user, name)
        for name in (
            "admin",
            "qt.tinh",
            "kiemsoat",
            "qt.phohien",
            "chuyenvien.phohien",
            "motcua.phohien",
            "chuyenvien.tanhung",
            "congdan",
        )
    },
    "accounts.Applicant congdan": lambda: Applicant.objects.get(user__username="congdan"),
    "accounts.ApiToken motcua.phohien": lambda: ApiToken.objects.filter(
        user__username="motcua.phohien"
    ).first(),
    "organization.AdministrativeUnit Hưng Yên": lambda: AdministrativeUnit.objects.get(code="33"),
    "organization.AdministrativeUnit Phố Hiến": lambda: AdministrativeUnit.objects.get(code="11953"),
    "organization.AdministrativeUnit Hà Nội": lambda: AdministrativeUnit.objects.get(code="01"),
    "organization.LegacyUnit Hiến Nam": lambda: LegacyUnit.objects.get(code="11953"),
    "organization.Agency office": lambda: _agency(OFFICE),
    "organization.Agency committee A": lambda: _agency(COMMITTEE_A),
    "organization.Agency centre A": lambda: _agency(CENTRE_A),
    "organization.Agency committee B": lambda: _agency(COMMITTEE_B),
    **{
        f"organization.Membership {name}": _picker(_membership, name)
        for name in (
            "qt.tinh",
            "kiemsoat",
            "qt.phohien",
            "chuyenvien.phohien",
            "motcua.phohien",
            "chuyenvien.tanhung",
        )
    },
    "worktime.CalendarOverride first": _first(CalendarOverride),
    "catalog.ProcedureField first": _first(ProcedureField),
    "catalog.Procedure 1.001193": lambda: Procedure.objects.get(code="1.001193"),
    "catalog.ProcedureVersion 1.001193 in force": lambda: (
        Procedure.objects.get(code="1.001193").current_version
    ),
    "catalog.PublicationDecision first": _first(PublicationDecision),
    "catalog.ProcedureCase first": _first(ProcedureCase),
    "catalog.Workflow first": _first(Workflow),
    "kiosk.Counter centre A": lambda: (
        Counter.objects.filter(centre__code=CENTRE_A).order_by("number").first()
    ),
    "kiosk.Counter centre B": lambda: (
        Counter.objects.filter(centre__code=CENTRE_B).order_by("number").first()
    ),
    "kiosk.QueueTicket centre A": lambda: QueueTicket.objects.filter(centre__code=CENTRE_A).first(),
    "kiosk.QueueTicket centre B": lambda: QueueTicket.objects.filter(centre__code=CENTRE_B).first(),
    "targets.Target first": _first(Target),
    "serviceindex.Methodology first": _first(Methodology),
    "serviceindex.Indicator first": _first(Indicator),
    "serviceindex.IndexPublication missing": _missing,
    "dossiers.Dossier received": _first(Dossier),
    "documents.StoredFile missing": _missing,
    "documents.ComponentFile missing": _missing,
    "documents.ResultDocument missing": _missing,
    "documents.VaultItem missing": _missing,
    "documents.CertifiedCopy missing": _missing,
    "documents.SigningCredential missing": _missing,
    "outbox.OutboxMessage first": _first(OutboxMessage),
    "integrations.Exchange missing": _missing,
    "jobs.JobRun first": _first(JobRun),
    "notices.NoticeTemplate first": _first(NoticeTemplate),
    "notices.Notice missing": _missing,
}


@pytest.fixture(scope="module")
def admin_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Rows the reference data lacks: a dossier (and its outbox messages), counters and tickets of two
    centres, an API token, a calendar day with a history. Made once for the module's tests (each runs
    in a savepoint of it)."""
    with kept_for_the_module(django_db_blocker):
        officer_a = _user("motcua.phohien")
        status, body = ApiClient(Client(), officer_a).post("dossiers", counter_body())
        assert status == 201, body
        for code in (CENTRE_A, CENTRE_B):
            centre = _agency(code)
            kiosk_services.counters_ensure(centre)
            line = kiosk_selectors.centre_lines(centre)[0]
            kiosk_services.ticket_issue(centre=centre, line_key=line.key, at=datetime.now().astimezone())
        token_create(user=officer_a)
        tick(now=datetime.now().astimezone(), queue=False)  # a run of each periodic job, claimed
        CalendarOverride.objects.create(
            day="2031-01-02", kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ bù"
        )
        version = Procedure.objects.get(code="1.001193").current_version
        assert version is not None
        ProcedureCase.objects.create(version=version, name="Đăng ký khai sinh đúng hạn", position=1)
        # Rows loaded by migrations and bulk loaders have no history yet: one save gives each a version.
        for pick in OBJECTS.values():
            obj = pick()
            if obj is not None and hasattr(obj, "history") and not obj.history.exists():
                obj.save()
        yield


def _label(model: type[Model]) -> str:
    return model._meta.label


def _info(label: str) -> tuple[str, str]:
    model = admin_model(label)
    return model._meta.app_label, model._meta.model_name  # type: ignore[return-value]


def admin_model(label: str) -> type[Model]:
    return next(m for m in admin.site._registry if _label(m) == label)


def _token(response: Any, page: str) -> str:
    if response.status_code == 200 and page == "change":
        return "edit" if response.context["has_change_permission"] else "view"
    if response.status_code == 302:
        return f"302 {response['Location']}"
    return str(response.status_code)


def object_urls(key: str) -> dict[str, str]:
    label = key.split(" ", 1)[0]
    app, name = _info(label)
    model = admin_model(label)
    obj = OBJECTS[key]()
    pk = obj.pk if obj is not None else 987654321
    urls = {
        "change": reverse(f"admin:{app}_{name}_change", args=[pk]),
        "delete": reverse(f"admin:{app}_{name}_delete", args=[pk]),
        "history": reverse(f"admin:{app}_{name}_history", args=[pk]),
    }
    if hasattr(model, "history"):
        record = obj.history.order_by("-history_id").first() if obj is not None else None
        version = record.pk if record is not None else 987654321
        urls["version"] = reverse(f"admin:{app}_{name}_simple_history", args=[pk, version])
    if label == "accounts.User":
        urls["password"] = reverse("admin:auth_user_password_change", args=[pk])
    return urls


def walk(client: Client) -> dict[str, str]:
    """What this client gets on every page: "label page" or "key page" → token."""
    found: dict[str, str] = {}
    for model in admin.site._registry:
        label = _label(model)
        app, name = _info(label)
        for page in ("changelist", "add"):
            found[f"{label} {page}"] = _token(client.get(reverse(f"admin:{app}_{name}_{page}")), page)
    for key in OBJECTS:
        for page, url in object_urls(key).items():
            found[f"{key} {page}"] = _token(client.get(url), page)
    return found


def expected_for(column: int) -> dict[str, str]:
    wanted: dict[str, str] = {}
    for label, columns in MODEL_PAGES.items():
        for page, token in zip(("changelist", "add"), columns[column].split(), strict=True):
            wanted[f"{label} {page}"] = token
    for key, columns in OBJECT_PAGES.items():
        pages = list(object_urls(key))
        for page, token in zip(pages, columns[column].split(), strict=True):
            wanted[f"{key} {page}"] = token
    return wanted


def test_every_registered_model_has_rows():
    registered = {_label(model) for model in admin.site._registry}
    assert set(MODEL_PAGES) == registered
    assert {key.split(" ", 1)[0] for key in OBJECT_PAGES} == registered
    assert set(OBJECT_PAGES) == set(OBJECTS)


@pytest.mark.parametrize("username", ADMINS)
def test_what_each_administrator_opens(admin_data: None, client: Client, username: str) -> None:
    client.force_login(_user(username))
    found = walk(client)
    wanted = expected_for(ADMINS.index(username))
    assert {k: v for k, v in found.items() if wanted.get(k) != v} == {}


@pytest.mark.parametrize("username", OTHERS)
def test_nobody_else_opens_the_admin(admin_data: None, username: str) -> None:
    """Every other persona is refused every page with the reason."""
    client = Client()
    client.force_login(_user(username))
    found = {**walk(client), **walk_site(client)}
    assert {username: set(found.values())} == {username: {"403"}}


def test_anonymous_visitors_go_to_the_login(admin_data: None) -> None:
    found = {**walk(Client()), **walk_site(Client())}
    assert {k: v for k, v in found.items() if not v.startswith("302 /dang-nhap/?next=/quan-tri/")} == {}


def walk_site(client: Client) -> dict[str, str]:
    """The site's own pages: index, an application's index, password change, autocomplete."""
    urls = {
        "index": reverse("admin:index"),
        "app": reverse("admin:app_list", args=["organization"]),
        "password": reverse("admin:password_change"),
        "autocomplete": reverse("admin:autocomplete")
        + "?app_label=organization&model_name=membership&field_name=user&term=a",
    }
    return {name: _token(client.get(url), name) for name, url in urls.items()}


def test_a_model_registered_without_a_rule_fails_the_system_check():
    from django.contrib.auth.models import Group

    from organization.admin_policy import every_admin_has_a_rule

    assert every_admin_has_a_rule(None) == []
    admin.site.register(Group)  # a plain ModelAdmin, and no rule in POLICY
    try:
        found = {error.id for error in every_admin_has_a_rule(None)}
    finally:
        admin.site.unregister(Group)
    assert found == {"motcua.E010", "motcua.E011"}


def test_malformed_ids_answer_not_found(client: Client) -> None:
    client.force_login(_user("admin"))
    for url in (
        "/quan-tri/accounts/user/abc/change/",
        "/quan-tri/accounts/user/abc/history/",
        "/quan-tri/accounts/user/abc/history/xyz/",
        "/quan-tri/accounts/user/1/history/xyz/",
        "/quan-tri/accounts/user/abc/password/",
        "/quan-tri/organization/membership/abc/delete/",
        "/quan-tri/dossiers/dossier/abc/history/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.content.decode(), url

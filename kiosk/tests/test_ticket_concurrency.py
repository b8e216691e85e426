"""Kiosks and counters working at the same time: no number issued twice on a line, no ticket called by
two counters. Real commits from several threads, each with its own connection (on PostgreSQL the
sequence row is locked FOR UPDATE and counters take waiting tickets with SKIP LOCKED; on SQLite the
writers queue on the database lock)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from catalog.models import ProcedureField
from kiosk import services
from kiosk.models import Counter, QueueTicket
from organization.models import AdministrativeUnit, Agency
from organization.services import agency_upsert
from testing.dossiers import vn

THREADS = 6
PER_THREAD = 5
AT = vn(2026, 3, 2, 8, 0)


@pytest.fixture
def own_centre(transactional_db: Any) -> tuple[Agency, User]:
    """A centre and an officer of the test's own: transactional tests run after all others, and an
    earlier one may have emptied the database (each ends with a flush), so the shared reference data
    cannot be counted on here."""
    province = AdministrativeUnit.objects.create(code="T99", name="Tỉnh Thử", kind="Tỉnh", level="province")
    centre = agency_upsert(
        code="001.00.99999.H31",
        name="Trung tâm Phục vụ hành chính công Thử",
        kind=Agency.Kind.SERVICE_CENTRE,
        level=Agency.Level.COMMUNE,
        unit=province,
    )
    officer = User.objects.create(username="quay.thu", is_superuser=True)
    return centre, officer


def run_in_threads(count: int, work: Callable[[int], None]) -> None:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            barrier.wait()
            work(worker)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.usefixtures("reference_data_kept")
def test_parallel_kiosks_and_counters(own_centre: tuple[Agency, User]) -> None:
    centre, officer = own_centre
    field = ProcedureField.objects.create(code="ho-tich-thu", name="Hộ tịch (thử)")
    desk = Counter.objects.create(centre=centre, number=1, name="Quầy 1")
    general = Counter.objects.create(centre=centre, number=2, name="Quầy 2", own_line=True)
    for counter in (desk, general):  # both serve the field
        counter.fields.set([field])
    line = f"f{field.pk}"

    def take_many(worker: int) -> None:
        for i in range(PER_THREAD):
            services.ticket_issue(centre=centre, line_key=line, at=AT + timedelta(seconds=worker * 10 + i))

    run_in_threads(THREADS, take_many)
    numbers = sorted(QueueTicket.objects.filter(centre=centre, line=line).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))

    called: dict[int, list[int]] = {desk.pk: [], general.pk: []}

    def call_all(worker: int) -> None:
        counter = (desk, general)[worker]
        for i in range(THREADS * PER_THREAD + 1):
            ticket = services.ticket_call_next(
                counter=counter, actor=officer, at=AT + timedelta(minutes=30 + i)
            )
            if ticket is None:
                return
            called[counter.pk].append(ticket.pk)

    run_in_threads(2, call_all)
    everyone = called[desk.pk] + called[general.pk]
    assert len(everyone) == len(set(everyone)) == THREADS * PER_THREAD
    assert not QueueTicket.objects.filter(status=QueueTicket.Status.WAITING).exists()


@pytest.mark.usefixtures("reference_data_kept")
def test_parallel_kiosks_on_several_lines_never_show_the_same_number(own_centre: tuple[Agency, User]) -> None:
    """Every line opens for the day at the same instant (its letter chosen then): each line gets one
    letter of its own, and no two tickets of the centre show the same number that day."""
    centre, _officer = own_centre
    counters = [
        Counter.objects.create(centre=centre, number=n, name=f"Quầy {n}", own_line=True) for n in range(1, 5)
    ]
    keys = [c.line_key for c in counters]

    def take_many(worker: int) -> None:
        for i in range(PER_THREAD):
            services.ticket_issue(
                centre=centre, line_key=keys[(worker + i) % len(keys)], at=AT + timedelta(seconds=i)
            )

    run_in_threads(THREADS, take_many)
    tickets = list(QueueTicket.objects.filter(centre=centre).values_list("line", "letter", "number"))
    assert len(tickets) == THREADS * PER_THREAD
    shown = [f"{letter}{number:03d}" for _line, letter, number in tickets]
    assert len(set(shown)) == len(shown)
    letters = {line: {letter for ln, letter, _n in tickets if ln == line} for line in keys}
    assert all(len(found) == 1 for found in letters.values())
    assert sorted(found.pop() for found in letters.values()) == ["A", "B", "C", "D"]
    for line in keys:
        numbers = sorted(n for ln, _letter, n in tickets if ln == line)
        assert numbers == list(range(1, len(numbers) + 1))

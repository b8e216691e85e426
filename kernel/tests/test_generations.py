"""kernel.generations: a value kept across requests is used only while the database vouches for it —
the generation read with the request's user — and is read again after any write, from any process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext

from accounts import reading
from accounts.models import User
from kernel.generations import NAMES, bump, current, register
from kernel.memo import RequestMemoMiddleware
from kernel.models import Generation
from organization.models import Agency
from organization.selectors import AGENCY_TREE, agency_subtree
from organization.services import agency_upsert
from testing.counting import Counter
from worktime.models import CalendarOverride
from worktime.services import OVERRIDES, work_calendar

pytestmark = pytest.mark.django_db

VALUE = "kernel.tests.value"
register(VALUE)


def in_request(user: User, work: Callable[[], Any]) -> Any:
    """``work`` inside a request authenticated as ``user``: the user read as the backends read him."""
    answer: list[Any] = []

    def view(request: HttpRequest) -> HttpResponse:
        row = reading.annotate(User.objects.filter(pk=user.pk)).get()
        reading.keep(row, row)
        answer.append(work())
        return HttpResponse()

    RequestMemoMiddleware(view)(HttpRequest())
    return answer[0]


def test_migrate_starts_a_generation_of_every_kind() -> None:
    assert {AGENCY_TREE, OVERRIDES} <= set(NAMES)
    assert {AGENCY_TREE, OVERRIDES} <= set(Generation.objects.values_list("name", flat=True))


def test_kept_while_the_generation_stands_read_again_after_a_write(officer_a) -> None:
    bump(VALUE)
    count = Counter()
    assert in_request(officer_a, lambda: current(VALUE, count)) == 1
    assert in_request(officer_a, lambda: current(VALUE, count)) == 1  # kept: not computed again
    bump(VALUE)  # a write, by another process or outside any request
    assert in_request(officer_a, lambda: current(VALUE, count)) == 2
    assert in_request(officer_a, lambda: current(VALUE, count)) == 2


def test_without_a_generation_computed_once_per_request(officer_a) -> None:
    Generation.objects.filter(name=VALUE).delete()
    count = Counter()
    assert in_request(officer_a, lambda: (current(VALUE, count), current(VALUE, count))) == (1, 1)
    assert in_request(officer_a, lambda: current(VALUE, count)) == 2
    assert current(VALUE, count) == 3  # outside a request: every call computes
    assert current(VALUE, count) == 4


def test_a_request_that_writes_goes_on_with_what_it_wrote_and_a_rollback_leaves_nothing_stale(
    officer_a,
) -> None:
    bump(VALUE)
    count = Counter()
    assert in_request(officer_a, lambda: current(VALUE, count)) == 1

    def write_then_read_then_fail() -> Any:
        try:
            with transaction.atomic():
                bump(VALUE)
                seen = current(VALUE, count)
                raise RuntimeError
        except RuntimeError:
            return seen

    assert in_request(officer_a, write_then_read_then_fail) == 2  # read again after its own write
    # The write was rolled back: its generation never was; the standing one is read again, not trusted.
    assert in_request(officer_a, lambda: current(VALUE, count)) == 3


def test_the_agency_tree_is_read_once_and_again_after_an_agency_is_written(officer_a) -> None:
    department = Agency.objects.get(code="000.00.04.H31")  # Sở Tư pháp
    before = in_request(officer_a, lambda: agency_subtree([department.pk]))
    with CaptureQueriesContext(connection) as read:
        assert in_request(officer_a, lambda: agency_subtree([department.pk])) == before
    assert len(read.captured_queries) == 1  # the user, with the generations: the tree is kept
    division = agency_upsert(
        code="000.99.04.H31",
        name="Phòng Hành chính tư pháp",
        kind=department.kind,
        level=department.level,
        unit=department.unit,
        parent=department,
    )
    assert in_request(officer_a, lambda: agency_subtree([department.pk])) == before | {division.pk}


def test_a_calendar_override_counts_from_the_next_request(officer_a) -> None:
    from datetime import date

    day = date(2026, 3, 6)  # a Friday
    assert in_request(officer_a, lambda: work_calendar().is_working_day(day))
    with CaptureQueriesContext(connection) as read:
        in_request(officer_a, work_calendar)
    assert len(read.captured_queries) == 1  # the user, with the generations: the overrides are kept
    CalendarOverride.objects.create(day=day, kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ bù")
    assert not in_request(officer_a, lambda: work_calendar().is_working_day(day))

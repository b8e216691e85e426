"""Queue tickets: numbers per line per day with the line's letter (unique in the centre for the day),
default lines from what the centre receives, first come first served, calls, recalls, skips, rights."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kernel.errors import DomainError, Forbidden, NotFound
from kiosk import selectors, services
from kiosk.models import Counter, QueueTicket
from organization.models import Agency
from testing.dossiers import vn
from testing.kiosk import counter, field_line

pytestmark = pytest.mark.django_db


def issue(centre, line, at):
    return services.ticket_issue(centre=centre, line_key=line, at=at)


def test_default_counters_are_made_once(centre):
    counters = list(Counter.objects.filter(centre=centre).order_by("number"))
    assert [c.number for c in counters] == [1, 2, 3, 4, 5]
    assert [c.own_line for c in counters] == [False, False, False, True, True]
    assert counters[3].fields.count() == 3 and counters[4].fields.count() == 0
    services.counters_ensure(centre)
    assert Counter.objects.filter(centre=centre).count() == 5
    lines = selectors.centre_lines(centre)
    assert [line.key for line in lines][-2:] == [f"q{counters[3].pk}", f"q{counters[4].pk}"]
    assert lines[-1].name.startswith("Ưu tiên")


def test_numbers_run_per_line_and_restart_each_day(centre):
    hotich, other = field_line(centre, 1), field_line(centre, 2)
    monday = vn(2026, 3, 2, 8, 0)
    numbers = [issue(centre, hotich, monday + timedelta(minutes=i)).number for i in range(3)]
    assert numbers == [1, 2, 3]
    assert issue(centre, other, monday).number == 1
    ticket = issue(centre, hotich, vn(2026, 3, 3, 7, 30))
    assert (ticket.number, ticket.day.isoformat()) == (1, "2026-03-03")
    assert ticket.display_number == f"{ticket.letter}001"
    # The local date decides the day: 23:30 UTC on 2 March is already 3 March in Việt Nam.
    late = issue(centre, other, vn(2026, 3, 3, 6, 30) - timedelta(hours=7))
    assert late.day.isoformat() == "2026-03-02" and late.number == 2


def test_another_centre_has_its_own_numbers(centre):
    other = Agency.objects.get(code="001.00.11977.H31")
    services.counters_ensure(other)
    at = vn(2026, 3, 2, 8, 0)
    issue(centre, field_line(centre, 1), at)
    assert issue(other, f"f{Counter.objects.get(centre=other, number=1).fields.get().pk}", at).number == 1


def test_unknown_line_is_refused(centre):
    with pytest.raises(NotFound):
        issue(centre, "f999999", vn(2026, 3, 2, 8, 0))
    with pytest.raises(NotFound):
        issue(centre, "", vn(2026, 3, 2, 8, 0))
    assert QueueTicket.objects.count() == 0


def test_counters_call_first_come_first_served_on_their_own_lines(centre, officer_a):
    at = vn(2026, 3, 2, 8, 0)
    general = counter(centre, 4)
    t1 = issue(centre, field_line(centre, 2), at)
    t2 = issue(centre, general.line_key, at + timedelta(minutes=1))
    t3 = issue(centre, field_line(centre, 1), at + timedelta(minutes=2))
    priority = issue(centre, counter(centre, 5).line_key, at + timedelta(minutes=3))
    # Counter 1 serves only its field: it skips the older tickets of other lines.
    assert (
        services.ticket_call_next(counter=counter(centre, 1), actor=officer_a, at=at + timedelta(minutes=5))
        == t3
    )
    # The general counter takes its own line and the fields, oldest first.
    called = [
        services.ticket_call_next(counter=general, actor=officer_a, at=at + timedelta(minutes=6 + i))
        for i in range(3)
    ]
    assert called == [t1, t2, None]
    assert (
        services.ticket_call_next(counter=counter(centre, 5), actor=officer_a, at=at + timedelta(minutes=9))
        == priority
    )
    t1.refresh_from_db()
    t2.refresh_from_db()
    # Calling the next one closed the previous one as served; the empty call closed t2.
    assert (t1.status, t2.status) == ("served", "served")
    assert t1.counter == general and t1.called_by == officer_a


def test_yesterdays_waiting_tickets_are_not_called(centre, officer_a):
    issue(centre, field_line(centre, 1), vn(2026, 3, 2, 16, 50))
    assert (
        services.ticket_call_next(counter=counter(centre, 1), actor=officer_a, at=vn(2026, 3, 3, 8, 0))
        is None
    )


def test_recall_skip_and_serve(centre, officer_a):
    at = vn(2026, 3, 2, 8, 0)
    desk = counter(centre, 1)
    line = field_line(centre, 1)
    first, second = issue(centre, line, at), issue(centre, line, at)
    for action in (services.ticket_recall, services.ticket_skip, services.ticket_serve):
        with pytest.raises(DomainError) as refused:
            action(counter=desk, actor=officer_a, at=at)
        assert refused.value.status == 409 and refused.value.message == "Quầy chưa gọi số nào."
    services.ticket_call_next(counter=desk, actor=officer_a, at=at + timedelta(minutes=1))
    recalled = services.ticket_recall(counter=desk, actor=officer_a, at=at + timedelta(minutes=2))
    assert recalled == first and recalled.recalls == 1
    assert recalled.called_at == at + timedelta(minutes=1) and recalled.announced_at == at + timedelta(
        minutes=2
    )
    assert (
        services.ticket_skip(counter=desk, actor=officer_a, at=at + timedelta(minutes=3)).status == "skipped"
    )
    assert selectors.current_ticket(desk) is None
    services.ticket_call_next(counter=desk, actor=officer_a, at=at + timedelta(minutes=4))
    served = services.ticket_serve(counter=desk, actor=officer_a, at=at + timedelta(minutes=9))
    assert served == second and served.status == "served" and served.finished_at == at + timedelta(minutes=9)


def test_waiting_ahead_counts_only_the_same_line_still_waiting(centre, officer_a):
    at = vn(2026, 3, 2, 8, 0)
    line = field_line(centre, 1)
    tickets = [issue(centre, line, at + timedelta(minutes=i)) for i in range(3)]
    issue(centre, field_line(centre, 2), at)
    assert [selectors.waiting_ahead(t) for t in tickets] == [0, 1, 2]
    services.ticket_call_next(counter=counter(centre, 1), actor=officer_a, at=at + timedelta(minutes=5))
    assert selectors.waiting_ahead(tickets[2]) == 1


def test_only_one_stop_officers_of_the_centre_work_its_counters(centre, officer_b, specialist_a, superuser):
    at = vn(2026, 3, 2, 8, 0)
    issue(centre, field_line(centre, 1), at)
    for user in (officer_b, specialist_a):
        with pytest.raises(Forbidden):
            services.ticket_call_next(counter=counter(centre, 1), actor=user, at=at)
        with pytest.raises(Forbidden):
            selectors.counter_get(user=user, centre=centre, number=1)
    assert services.ticket_call_next(counter=counter(centre, 1), actor=superuser, at=at) is not None


def test_the_display_board_and_its_version(centre, officer_a):
    at = vn(2026, 3, 2, 8, 0)
    board = selectors.display_board(centre, at.date())
    assert board.latest is None and board.announcement == ""
    ticket = issue(centre, field_line(centre, 1), at)
    waiting = selectors.display_board(centre, at.date())
    assert waiting.version != board.version
    services.ticket_call_next(counter=counter(centre, 1), actor=officer_a, at=at + timedelta(minutes=1))
    called = selectors.display_board(centre, at.date())
    assert called.latest == ticket
    assert called.announcement == f"Mời số {ticket.display_number}, Hộ tịch, đến quầy 1"
    assert [r.ticket for r in called.rows if r.counter.number == 1] == [ticket]
    assert selectors.display_board(centre, at.date()).version == called.version
    services.ticket_recall(counter=counter(centre, 1), actor=officer_a, at=at + timedelta(minutes=2))
    assert selectors.display_board(centre, at.date()).version != called.version


def test_each_line_has_its_letter_and_no_two_tickets_show_the_same_number(centre):
    at = vn(2026, 3, 2, 8, 0)
    lines = selectors.centre_lines(centre)
    firsts = [issue(centre, line.key, at) for line in lines]
    # Every line's first ticket is number 1, told apart by the line's letter in the kiosk's order.
    assert [t.number for t in firsts] == [1] * len(lines)
    assert [t.display_number for t in firsts] == ["A001", "B001", "C001", "D001", "E001"]
    assert issue(centre, lines[1].key, at).display_number == "B002"
    # A counter added during the day shifts the kiosk's order: the new line takes a letter still free
    # and the lines that already issued keep theirs.
    extra = Counter.objects.create(centre=centre, number=6, name="Quầy 6", own_line=True)
    ticket = issue(centre, extra.line_key, at)
    assert ticket.display_number == "F001"
    assert issue(centre, lines[0].key, at).display_number == "A002"
    shown = list(QueueTicket.objects.filter(centre=centre, day=at.date()).values_list("letter", "number"))
    assert len(shown) == len(set(shown))
    # The next day starts again from 1 on each line.
    assert issue(centre, lines[0].key, vn(2026, 3, 3, 8, 0)).display_number == "A001"


def test_line_letters_go_on_after_z():
    assert [services.line_letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]


def test_a_ticket_issued_before_letters_shows_four_digits(centre):
    ticket = issue(centre, field_line(centre, 1), vn(2026, 3, 2, 8, 0))
    ticket.letter = ""
    assert ticket.display_number == "0001"


def _procedures(field, count, *, level, agency_text, start):
    """``count`` procedures of ``field`` in force at ``level``, carried out by ``agency_text``."""
    from catalog.models import Procedure, ProcedureVersion

    made = []
    for i in range(count):
        procedure = Procedure.objects.create(code=f"9.{start + i:06d}")
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            number=1,
            status=ProcedureVersion.Status.IN_FORCE,
            name=f"Thủ tục thử {start + i}",
            field=field,
            implementing_agency_text=agency_text,
            **{level: True},
        )
        procedure.current_version = version
        procedure.save(update_fields=["current_version"])
        made.append(procedure)
    return made


def test_default_lines_are_the_fields_the_centre_receives_ward_and_province(db):
    """A ward's centre gets the fields of the procedures its committee settles and of its recent
    dossiers — never customs or tax, which the national catalog marks "Cấp xã" too; the provincial
    centre gets the departments' fields (and a vertical agency's where the province linked it)."""
    from catalog.models import ProcedureField

    customs = ProcedureField.objects.create(code="hai-quan-thu", name="Hải quan (thử)")
    tax = ProcedureField.objects.create(code="thue-thu", name="Thuế (thử)")
    building = ProcedureField.objects.create(code="xay-dung-thu", name="Xây dựng (thử)")
    # More procedures than any field of the test catalog: the old rule (most procedures at the level)
    # made them the ward's first lines.
    _procedures(customs, 60, level="at_commune", agency_text="Chi cục Hải quan khu vực", start=1)
    _procedures(tax, 60, level="at_commune", agency_text="Thuế tỉnh, thành phố\nThuế cơ sở", start=100)
    _procedures(tax, 60, level="at_province", agency_text="Thuế tỉnh, thành phố", start=200)
    _procedures(building, 60, level="at_province", agency_text="Sở Xây dựng", start=300)
    ward = Agency.objects.get(code="001.00.11953.H31")
    province = Agency.objects.get(kind=Agency.Kind.SERVICE_CENTRE, level=Agency.Level.PROVINCE)
    services.counters_ensure(ward)
    services.counters_ensure(province)
    ward_fields = {f.name for c in Counter.objects.filter(centre=ward) for f in c.fields.all()}
    province_fields = {f.name for c in Counter.objects.filter(centre=province) for f in c.fields.all()}
    assert "Hộ tịch" in ward_fields and len(ward_fields) == 3
    assert not ward_fields & {"Hải quan (thử)", "Thuế (thử)", "Xây dựng (thử)"}
    assert "Xây dựng (thử)" in province_fields
    assert not province_fields & {"Hải quan (thử)", "Thuế (thử)"}

"""docs/domain.md §4 rule 2: concurrent code issuers at one agency — online submissions (filed as
submitted, or a draft submitted) and counter receptions, all drawing from the agency's daily sequence —
never produce a duplicate code or a gap.

Runs with real commits from several threads (each with its own database connection). On PostgreSQL the
sequence row is locked by the upsert that increments it; on SQLite, writers queue on the database lock.
The same holds for the hash chain of one dossier's events (ADR 0009).
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier
from organization.models import Agency

THREADS = 8
PER_THREAD = 5
AT = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_and_receptions_get_consecutive_unique_codes() -> None:
    centre = Agency.objects.get(code="001.00.11953.H31")
    officer = User.objects.get(username="motcua.phohien")
    citizen = User.objects.get(username="congdan")

    def filing(channel: str, worker: int, i: int) -> services.DossierInput:
        return services.DossierInput(
            procedure_code="1.001193",
            channel=channel,
            receiving_agency=centre,
            applicant=services.ApplicantData(
                name=f"Người nộp {worker}-{i}", national_id=f"0330950{worker:02d}{i:03d}"
            ),
        )

    # The third kind of worker submits drafts made beforehand (a draft has no code).
    drafts = {
        (w, i): services.dossier_create(data=filing("online", w, i), actor=citizen, at=AT, draft=True)
        for w in range(2, THREADS, 3)
        for i in range(PER_THREAD)
    }
    assert all(d.code is None for d in drafts.values())
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def issue_many(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                if worker % 3 == 0:  # at the counter: the code at reception
                    services.dossier_create(data=filing("counter", worker, i), actor=officer, at=AT)
                elif worker % 3 == 1:  # online, filed as submitted: the code at submission
                    services.dossier_create(data=filing("online", worker, i), actor=citizen, at=AT)
                else:  # a draft submitted: the code at submission
                    services.dossier_submit(dossier=drafts[(worker, i)], actor=citizen, at=AT)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue_many, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    found = Dossier.objects.filter(receiving_agency=centre, submitted_at=AT).values_list("code", flat=True)
    codes = sorted(str(code) for code in found)
    expected = [f"001.00.11953.H31-260302-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert codes == expected


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_concurrent_events_on_one_dossier_chain_one_after_the_other() -> None:
    """ADR 0009: each event links to the hash of the one really before it, whatever the interleaving
    (the recording function takes the dossier's row lock before reading the last event)."""
    from dossiers.history import verify
    from testing.reference import load_reference_data

    if not Agency.objects.filter(code="001.00.11953.H31").exists():
        load_reference_data()  # emptied by the flush that ended an earlier transactional test
    centre = Agency.objects.get(code="001.00.11953.H31")
    officer = User.objects.get(username="motcua.phohien")
    dossier = services.dossier_create(
        data=services.DossierInput(
            procedure_code="1.001193",
            channel="counter",
            receiving_agency=centre,
            applicant=services.ApplicantData(name="Người nộp", national_id="033095099001"),
        ),
        actor=officer,
        at=AT,
    )
    before = dossier.events.count()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def note_many(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                with transaction.atomic():
                    services.dossier_note_event(
                        dossier=Dossier.objects.get(pk=dossier.pk),
                        action="note",
                        actor=None,
                        agency=None,
                        at=AT,
                        reason=f"Ghi chú {worker}-{i}",
                    )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=note_many, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert dossier.events.count() == before + THREADS * PER_THREAD
    report = verify()
    assert report.clean, report.findings

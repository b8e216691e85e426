"""DOMAIN §4 rule 2: concurrent receptions at one agency never produce a duplicate code or a gap.

Runs with real commits from several threads (each with its own database connection). On PostgreSQL the
sequence row is locked with SELECT … FOR UPDATE; on SQLite, writers queue on the database lock.
"""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from accounts.models import User
from dossiers import services
from dossiers.models import Dossier
from organization.models import Agency

THREADS = 8
PER_THREAD = 5
AT = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_concurrent_receptions_get_consecutive_unique_codes() -> None:
    centre = Agency.objects.get(code="001.00.11953.H31")
    officer = User.objects.get(username="motcua.phohien")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def receive_many(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                services.dossier_create(
                    data=services.DossierInput(
                        procedure_code="1.001193",
                        channel="counter",
                        receiving_agency=centre,
                        applicant=services.ApplicantData(
                            name=f"Người nộp {worker}-{i}", national_id=f"0330950{worker:02d}{i:03d}"
                        ),
                    ),
                    actor=officer,
                    at=AT,
                )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive_many, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    found = Dossier.objects.filter(receiving_agency=centre, received_at=AT).values_list("code", flat=True)
    codes = sorted(str(code) for code in found)
    expected = [f"001.00.11953.H31-260302-{n:04d}" for n in range(1, THREADS * PER_THREAD + 1)]
    assert codes == expected

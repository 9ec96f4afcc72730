"""Two taps at the same instant still make one check-in: the unique constraint decides, not luck."""

import threading
from datetime import date

import pytest
from django.db import connection

from apps.progress.models import CheckIn
from apps.progress.services import record_checkin

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_check_ins_for_one_slot_make_one_row(django_user_model):
    user = django_user_model.objects.create_user("racer")
    barrier = threading.Barrier(6)
    results, errors = [], []

    def tap(minutes):
        try:
            barrier.wait()
            results.append(record_checkin(user=user, local_date=date(2026, 11, 10), slot=1, status="done", minutes=minutes))
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(m,)) for m in (10, 20, 30, 40, 50, 60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert CheckIn.objects.filter(user=user).count() == 1
    assert sum(created for _, created in results) == 1

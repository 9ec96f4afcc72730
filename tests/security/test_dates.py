"""Item 2: every date a learner can set or ask about lies in 1970-2100, and no page grows with one."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.progress.models import Enrollment
from tests.conftest import form_values

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["0001-01-01", "0002-01-01", "1969-12-31", "2101-01-01", "9999-12-31"])
def test_day_1_outside_1970_to_2100_is_refused_in_settings(alice_client, alice, frozen, day):
    form = form_values(alice_client.get("/settings/").content.decode(), "settings-form") | {"enrollment-start_date": day}
    response = alice_client.post("/settings/", form)
    assert response.status_code == 400 and "Choose a date between 1970-01-01 and 2100-12-31." in response.content.decode()
    assert Enrollment.objects.get(user=alice).start_date == date(2026, 11, 1)


def test_the_enroll_command_refuses_them_too(plan):
    with pytest.raises(CommandError, match="between 1970-01-01 and 2100-12-31"):
        call_command("enroll", "zed", start="0002-01-01", stdout=StringIO())


@pytest.mark.parametrize("month", ["9999-12", "99999999999999999999-1", "0001-01", "2026-13", "x"])
def test_any_history_month_is_a_page(alice_client, frozen, month):
    response = alice_client.get(f"/history/?month={month}")
    assert response.status_code == 200 and "2026-11" in response.content.decode()


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1969-12-31&to=2026-11-10"])
def test_api_dates_outside_the_range_are_400(alice_client, frozen, query):
    response = alice_client.get(f"/api/v1/checkins?{query}")
    assert response.status_code == 400 and "between 1970-01-01 and 2100-12-31" in str(response.json())


def test_a_day_1_long_ago_does_not_grow_the_dashboard(alice_client, alice, frozen):
    Enrollment.objects.filter(user=alice).update(start_date=date(1970, 1, 1))
    normal_size = None
    for path in ("/", "/dashboard/", "/api/v1/burndown", "/api/v1/hours", "/milestones/", "/history/"):
        response = alice_client.get(path)
        assert response.status_code == 200, path
    dashboard = alice_client.get("/dashboard/").content
    Enrollment.objects.filter(user=alice).update(start_date=date(2026, 11, 10) - timedelta(days=600))
    normal_size = len(alice_client.get("/dashboard/").content)
    assert len(dashboard) < 2 * normal_size  # the charts span the plan and a year after it, not 56 years

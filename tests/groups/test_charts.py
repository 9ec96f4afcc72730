"""The group's charts: members by days ahead/behind, the share active each day, the median burn-down
beside the ideal; each a valid plotly figure with a table view, computed from members who share."""

from datetime import date

import plotly.graph_objects as go
import pytest
from django.test import Client

from apps.groups import charts
from apps.groups.models import Membership
from apps.groups.services import accept
from apps.progress.learner import Learner
from apps.progress.models import TopicProgress
from apps.progress.services import record_checkin
from tests.groups.conftest import learners

pytestmark = pytest.mark.django_db


def test_the_charts_come_from_members_who_share(cohort, lead, alice, bob, plan, django_user_model, frozen):
    ahead = learners(django_user_model, plan, 2, prefix="fast")
    topics = Learner.load(ahead[0]).parts.topics
    for user in ahead:
        Membership.objects.create(group=cohort, user=user)
        accept(Membership.objects.get(group=cohort, user=user), share_email=False)
        for topic in topics[:5]:
            TopicProgress.objects.create(user=user, topic=topic, status="done", closed_on=date(2026, 11, 3))
        record_checkin(user=user, local_date=date(2026, 11, 9), slot=1, status="done", minutes=60)
    record_checkin(user=alice, local_date=date(2026, 11, 9), slot=2, status="done", minutes=60)
    record_checkin(user=bob, local_date=date(2026, 11, 9), slot=2, status="done", minutes=60)  # bob does not share
    c = Client()
    c.force_login(lead)
    response = c.get("/groups/cohort/charts/")
    html = response.content.decode()
    assert response.status_code == 200 and "From 3 members who share." in html
    figures = response.context["figures"]
    for figure in figures.values():
        go.Figure(figure)  # a misspelt property fails here
    done = sum(t.days for t in topics[:5])
    assert response.context["spread"] == sorted([(-9, 1), (done - 9, 2)])
    active = {d: (n, share) for d, n, share in response.context["active"]}
    assert active[date(2026, 11, 9)] == (3, 1.0) and active[date(2026, 11, 8)] == (0, 0.0)
    burn = response.context["burn"]
    total = sum(t.days for t in Learner.load(alice).parts.topics)
    assert len(burn) == 10 and burn[0][3] == 3
    assert burn[1][2] == total and burn[2][2] == total - done  # day 3: two of three closed five topics
    assert "<svg" in html and "View as table" in html


def test_no_member_sharing_is_an_empty_state(cohort, lead, alice):
    Membership.objects.filter(user=alice).update(shares_since=None)
    c = Client()
    c.force_login(lead)
    html = c.get("/groups/cohort/charts/").content.decode()
    assert "No member shares their progress yet" in html


def test_the_median_burndown_counts_each_day_s_members():
    class S:
        def __init__(self, done):
            self.done_by_day = done

    rows = charts.median_burndown([S([0, 1, 2]), S([0, 3]), S([1])], total_topic_days=10, total_days=10)
    assert rows == [(1, 9.0, 10, 3), (2, 8.0, 8, 2), (3, 7.0, 8, 1)]

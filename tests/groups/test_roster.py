"""The lead's roster: figures from the one learner-day summary, consent respected, sorting, filters,
paging, CSV, a fixed number of queries whatever the group's size, and figures that follow writes and
the calendar."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.test import Client

from apps.groups.models import Group, Membership, Standing
from apps.groups.services import accept
from apps.progress.learner import Learner
from apps.progress.models import CheckIn, TopicProgress
from apps.progress.services import record_checkin, set_topic_status
from tests.groups.conftest import learners

pytestmark = pytest.mark.django_db
SINCE = datetime(2026, 11, 2, tzinfo=UTC)


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr")[1:]]


def test_the_roster_shows_the_summarys_figures_for_members_who_share_and_only_invited_for_the_rest(cohort, lead, alice, bob):
    record_checkin(user=alice, local_date=date(2026, 11, 9), slot=1, status="done", minutes=60)
    set_topic_status(user=alice, topic=Learner.load(alice).parts.topics[0], status="done", local_date=date(2026, 11, 9))
    response = client_for(lead).get("/groups/cohort/")
    assert response.status_code == 200
    html = response.content.decode()
    day = Learner.load(alice).day
    alice_row = next(r for r in rows_of(html) if ">alice<" in r)
    assert f"<td>{day.number} / 180</td>" in alice_row and f"<td>{day.topic_days_closed}</td>" in alice_row
    assert f"{day.behind_by} days behind" in alice_row and "2026-11-09" in alice_row
    assert f"<td>{day.streak.current}</td>" in alice_row
    assert ">bob<" not in html and "bob@example.com" not in html and "1 member shares" in html and "1 invited" in html
    invited = client_for(lead).get("/groups/cohort/?state=invited").content.decode()
    bob_row = next(r for r in rows_of(invited) if ">bob<" in r)
    assert "invited" in bob_row and "/ 180" not in bob_row and len(rows_of(invited)) == 1
    assert "alice@example.com" not in html  # not without her opt-in
    accept(Membership.objects.get(group=cohort, user=alice), share_email=True)
    assert "alice@example.com" in client_for(lead).get("/groups/cohort/").content.decode()


def test_sorting_filtering_and_paging(cohort, lead, plan, django_user_model, frozen):
    more = learners(django_user_model, plan, 55)
    for user in more:
        Membership.objects.create(group=cohort, user=user, shares_since=SINCE)
    # m000..m009 are ahead (they closed topics), m010 studied yesterday; the rest did nothing.
    topics = Learner.load(more[0]).parts.topics
    for i, user in enumerate(more[:10]):
        for topic in topics[: 6 + i]:
            TopicProgress.objects.create(user=user, topic=topic, status="done", closed_on=date(2026, 11, 9))
    lena = client_for(lead)
    page1 = lena.get("/groups/cohort/?sort=-buffer").content.decode()
    names = [r.split('<th scope="row">', 1)[1].split("<", 1)[0] for r in rows_of(page1)]
    assert len(names) == 50 and names[0] == "m009" and names[:10] == [f"m{i:03d}" for i in range(9, -1, -1)]
    page2 = lena.get("/groups/cohort/?sort=-buffer&page=2").content.decode()
    names2 = [r.split('<th scope="row">', 1)[1].split("<", 1)[0] for r in rows_of(page2)]
    assert len(names2) == 6 and "bob" not in names2  # 56 members share; bob, invited, is listed apart
    ahead = lena.get("/groups/cohort/?state=ahead").content.decode()
    assert len(rows_of(ahead)) == 10
    behind = lena.get("/groups/cohort/?state=behind&sort=username").content.decode()
    assert ">alice<" in behind and ">m010<" in behind and ">m000<" not in behind and ">bob<" not in behind
    by_name = lena.get("/groups/cohort/?sort=-username").content.decode()
    assert rows_of(by_name)[0].count(">m054<") == 1
    for bad in ("sort=password", "state=asleep", "page=0", "page=x"):
        response = lena.get(f"/groups/cohort/?{bad}")
        assert response.status_code == 400 and 'role="alert"' in response.content.decode()


def names_in(html: str) -> list[str]:
    return [r.split('<th scope="row">', 1)[1].split("<", 1)[0] for r in rows_of(html)]


def test_never_checked_in_is_the_least_recent_either_way_and_a_renamed_member_keeps_their_place(cohort, lead, plan, alice,
                                                                                                django_user_model, frozen):
    m0, m1, m2 = learners(django_user_model, plan, 3)
    for user in (m0, m1, m2):
        Membership.objects.create(group=cohort, user=user, shares_since=SINCE)
    record_checkin(user=m0, local_date=date(2026, 11, 8), slot=1, status="done", minutes=30)
    record_checkin(user=m1, local_date=date(2026, 11, 9), slot=1, status="done", minutes=30)
    frozen.shift(timedelta(seconds=1))
    lena = client_for(lead)
    # Ties (alice and m002 never checked in) go by user id, the same way as the sort.
    assert names_in(lena.get("/groups/cohort/?sort=last").content.decode()) == ["alice", "m002", "m000", "m001"]
    assert names_in(lena.get("/groups/cohort/?sort=-last").content.decode()) == ["m001", "m000", "m002", "alice"]
    assert "<td>—</td>" in next(r for r in rows_of(lena.get("/groups/cohort/").content.decode()) if ">m002<" in r)
    m2.username = "aaron"
    m2.save()
    assert names_in(lena.get("/groups/cohort/?sort=username").content.decode()) == ["aaron", "alice", "m000", "m001"]
    m2.save(update_fields=["last_login"])  # a login leaves the name key alone (and asks nothing)
    assert Membership.objects.get(user=m2).username == "aaron"
    api = lena.get("/api/v1/groups/cohort/members?sort=-last")
    assert [r["username"] for r in api.json()["results"]] == ["m001", "m000", "aaron", "alice"]
    assert [r["last_checkin"] for r in api.json()["results"]] == ["2026-11-09", "2026-11-08", None, None]


def test_inactive_is_seven_days_without_a_check_in(cohort, lead, alice, frozen):
    lena = client_for(lead)
    assert ">alice<" in lena.get("/groups/cohort/?state=inactive").content.decode()  # day 10, never checked in
    record_checkin(user=alice, local_date=date(2026, 11, 4), slot=1, status="done", minutes=30)
    assert ">alice<" not in lena.get("/groups/cohort/?state=inactive").content.decode()  # 6 days ago
    frozen.shift(timedelta(days=2))
    assert ">alice<" in lena.get("/groups/cohort/?state=inactive").content.decode()


def test_figures_follow_each_write_and_each_new_day(cohort, lead, alice, frozen):
    lena = client_for(lead)
    lena.get("/groups/cohort/")
    assert Standing.objects.get(user=alice).last_checkin is None
    record_checkin(user=alice, local_date=date(2026, 11, 10), slot=1, status="done", minutes=60)
    html = lena.get("/groups/cohort/").content.decode()
    assert "2026-11-10" in next(r for r in rows_of(html) if ">alice<" in r)
    CheckIn.objects.filter(user=alice).delete()
    assert "2026-11-10" not in lena.get("/groups/cohort/").content.decode()
    frozen.shift(timedelta(days=1))
    html = lena.get("/groups/cohort/").content.decode()
    assert "<td>11 / 180</td>" in next(r for r in rows_of(html) if ">alice<" in r)


def test_a_write_during_a_refresh_is_not_lost(cohort, alice, frozen):
    """A standing computed from a read that began before a write stays out of date (changed_at >
    computed_at), so the next read recomputes it."""
    from apps.groups import standings

    standing = Standing.objects.get(user=alice)
    Standing.objects.filter(pk=standing.pk).update(computed_at=standing.computed_at - timedelta(seconds=5))
    record_checkin(user=alice, local_date=date(2026, 11, 10), slot=1, status="done", minutes=60)
    assert alice.pk in standings.due_ids()
    frozen.shift(timedelta(seconds=1))
    standings.refresh([alice.pk])
    assert alice.pk not in standings.due_ids() and Standing.objects.get(user=alice).last_checkin == date(2026, 11, 10)


def test_the_roster_runs_the_same_queries_for_a_group_of_three_or_sixty(cohort, lead, plan, django_user_model, frozen,
                                                                          django_assert_num_queries, django_assert_max_num_queries):
    lena = client_for(lead)
    frozen.shift(timedelta(seconds=1))
    lena.get("/groups/cohort/")  # standings computed
    with django_assert_max_num_queries(100) as small:
        assert lena.get("/groups/cohort/?sort=-streak").status_code == 200
    count = len(small.captured_queries)  # now: the connection's query log is a bounded deque
    with django_assert_max_num_queries(100) as small_filtered:
        assert lena.get("/groups/cohort/?sort=-streak&state=behind&page=2").status_code == 200
    filtered = len(small_filtered.captured_queries)
    assert count <= 10 and filtered == count + 1  # a filter's own COUNT
    more = learners(django_user_model, plan, 60)
    for user in more:
        Membership.objects.create(group=cohort, user=user, shares_since=SINCE)
    for i, user in enumerate(more):
        record_checkin(user=user, local_date=date(2026, 11, 9), slot=1 + i % 3, status="done", minutes=30)
    frozen.shift(timedelta(seconds=1))
    lena.get("/groups/cohort/")
    with django_assert_num_queries(count):
        assert lena.get("/groups/cohort/?sort=-streak").status_code == 200
    with django_assert_num_queries(filtered):
        assert lena.get("/groups/cohort/?sort=-streak&state=behind&page=2").status_code == 200


def test_the_csv_has_every_matching_member_with_consent_respected(cohort, lead, alice, bob):
    response = client_for(lead).get("/groups/cohort/members.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["username", "email", "state", "day"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["bob"][2:] == ["invited", "", "", "", "", "", "", ""] and by_name["alice"][3] == "10"
    assert by_name["alice"][1] == ""  # no e-mail without her opt-in
    assert "30:" in by_name["alice"][9]
    assert client_for(lead).get("/groups/cohort/members.csv?sort=nope").status_code == 400


def test_a_group_of_another_plan_counts_its_own_members_only(cohort, lead, plan):
    assert Group.objects.get(slug="cohort").memberships.count() == 2


def test_the_worker_tick_brings_every_member_up_to_date(cohort, alice, bob, frozen):
    """groups.tick (every minute from beat): standings past their day or written to are recomputed, and
    a member without one (a membership made without its signal) gets one."""
    from apps.groups import tasks

    Standing.objects.filter(user=bob).delete()
    frozen.shift(timedelta(days=1))
    assert set(tasks.tick()) == {"refreshed", "nudges"}
    assert Standing.objects.get(user=alice).day == 11 and Standing.objects.filter(user=bob).exists()
    assert Membership.objects.get(user=alice).day == 11  # the roster's sort key, copied with it
    frozen.shift(timedelta(seconds=1))
    assert tasks.tick()["refreshed"] == 0  # nothing left to do


def test_past_a_batch_of_stale_figures_the_page_leaves_them_to_the_worker_and_says_so(cohort, lead, plan, django_user_model,
                                                                                        frozen, monkeypatch):
    from apps.groups import services, tasks

    for user in learners(django_user_model, plan, 3):
        Membership.objects.create(group=cohort, user=user, shares_since=SINCE)
    monkeypatch.setattr(services, "REFRESH_INLINE", 2)
    frozen.shift(timedelta(days=1))  # every standing lapses at once, as at a cohort's midnight
    html = client_for(lead).get("/groups/cohort/").content.decode()
    assert "The figures of more than 2 members are being brought up to date" in html
    assert Standing.objects.filter(day=10).count() == 4  # nothing recomputed by the page
    tasks.tick()
    html = client_for(lead).get("/groups/cohort/").content.decode()
    assert "being brought up to date" not in html and Standing.objects.filter(day=11).count() == 4


@pytest.mark.parametrize("inline, refreshed", [(5, True), (4, False)])
def test_the_page_refreshes_up_to_its_batch_counting_a_member_out_of_date_twice_once(cohort, lead, plan, alice, django_user_model,
                                                                                      frozen, monkeypatch, inline, refreshed):
    """Five members out of date (every one past their midnight, alice written to as well, counted once):
    a batch of five recomputes them on the page; a batch of four leaves them to the worker."""
    from apps.groups import services

    for user in learners(django_user_model, plan, 3):
        Membership.objects.create(group=cohort, user=user, shares_since=SINCE)
    monkeypatch.setattr(services, "REFRESH_INLINE", inline)
    frozen.shift(timedelta(days=1))
    record_checkin(user=alice, local_date=date(2026, 11, 11), slot=1, status="done", minutes=30)
    frozen.shift(timedelta(seconds=1))  # a recompute at the instant of a write would count as before it
    from apps.groups import standings

    assert len(standings.due_ids()) == 5  # bob's too: his midnight in New York has passed as well
    html = client_for(lead).get("/groups/cohort/").content.decode()
    assert ("being brought up to date" not in html) is refreshed
    assert len(standings.due_ids()) == (0 if refreshed else 5)

"""The learners' page cache (apps.progress.pagecache) and the revision it is keyed on (apps.progress.revision):
a cached page is exactly the page that would be rendered now, for this browser."""

import re
from datetime import date, timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.portability import import_user
from apps.curriculum.models import Topic
from apps.milestones.models import MilestoneCheck, Output, Portfolio
from apps.progress import revision
from apps.progress.models import (
    CheckIn,
    Enrollment,
    Pause,
    ProjectProgress,
    Review,
    SlotTime,
    TopicNote,
    TopicProgress,
)
from apps.progress.pagecache import NONCE_PLACEHOLDER, PLACEHOLDER
from apps.progress.services import issue_token, record_checkin
from apps.resources.models import UserResource

TODAY = date(2026, 11, 10)  # alice's date at tests.conftest.NOW


def rev(user) -> int:
    return Enrollment.objects.get(user=user).revision


def test_every_model_a_learner_owns_is_tracked_or_deliberately_exempt():
    tracked = {m._meta.label for m in revision.tracked_models()}
    owned = {m._meta.label for m in apps.get_models() if revision.owner_field(m)}
    assert owned == tracked | (revision.EXEMPT & owned)
    assert {
        "progress.CheckIn", "progress.TopicProgress", "progress.ProjectProgress", "progress.Pause", "progress.SlotTime",
        "progress.TopicNote", "progress.Review", "milestones.MilestoneCheck", "milestones.Output",
        "milestones.Portfolio", "resources.UserResource",
    } <= tracked


def test_each_kind_of_write_bumps_the_revision(alice, plan):
    topic = Topic.objects.filter(plan=plan).first()
    before = rev(alice)
    checkin = CheckIn.objects.create(user=alice, local_date=TODAY, slot=1, status="done", minutes=60)
    assert rev(alice) == before + 1
    checkin.minutes = 30
    checkin.save()
    assert rev(alice) == before + 2
    checkin.topics.add(topic)
    assert rev(alice) == before + 3
    topic.checkins.remove(checkin)  # the reverse side names the check-in's owner too
    assert rev(alice) == before + 4
    checkin.delete()
    assert rev(alice) == before + 5
    slot = SlotTime.objects.filter(enrollment__user=alice).first()
    slot.save()  # owned through the enrollment
    assert rev(alice) == before + 6
    for make in (
        lambda: TopicProgress.objects.create(user=alice, topic=topic, status="done", closed_on=TODAY),
        lambda: Pause.objects.create(user=alice, start_date=TODAY + timedelta(days=3)),
        lambda: TopicNote.objects.create(user=alice, topic=topic, text="x"),
        lambda: Review.objects.create(user=alice, topic=topic, stage=1, reviewed_on=TODAY),
        lambda: Output.objects.create(user=alice, kind="blog", title="t", url="https://example.com"),
        lambda: Portfolio.objects.create(user=alice),
    ):
        current = rev(alice)
        make()
        assert rev(alice) == current + 1


def test_a_write_for_one_learner_leaves_anothers_revision_alone(alice, bob):
    before = rev(bob)
    record_checkin(user=alice, local_date=TODAY, slot=1, status="done", minutes=60)
    assert rev(bob) == before


def test_deleting_a_learner_does_not_bump_once_per_row(alice, django_assert_max_num_queries):
    for day in range(1, 10):
        CheckIn.objects.create(user=alice, local_date=date(2026, 11, day), slot=1, status="done", minutes=60)
    with django_assert_max_num_queries(40):  # not one UPDATE per check-in
        get_user_model().objects.filter(pk=alice.pk).delete()


def test_today_is_cached_and_a_hit_runs_two_queries(alice_client, frozen, django_assert_max_num_queries):
    first = alice_client.get("/")
    with django_assert_max_num_queries(2):  # the session, the user with their enrollment and plan
        second = alice_client.get("/")
    assert second.status_code == 200
    strip = lambda html: re.sub(r'value="[^"]{30,}"|"x-csrftoken": "[^"]+"|nonce="[^"]+"', "", html)  # noqa: E731
    assert strip(second.text) == strip(first.text)
    assert str(PLACEHOLDER) not in second.text and str(NONCE_PLACEHOLDER) not in second.text
    nonce = re.search(r'nonce="([^"]+)"', second.text).group(1)  # htmx's script tag: this answer's own nonce
    assert f"'nonce-{nonce}'" in second["Content-Security-Policy"]
    assert nonce not in first.text


def test_a_check_in_from_the_api_shows_on_the_cached_pages(alice_client, alice, frozen):
    assert 'slot-card is-done' not in alice_client.get("/").text
    progress = alice_client.get("/api/v1/progress").json()
    dashboard = alice_client.get("/dashboard/").text
    token = issue_token(user=alice)[1]
    api = Client()
    answer = api.post(
        "/api/v1/checkins", {"date": "2026-11-10", "slot": 1, "status": "done", "minutes": 50},
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 201
    assert 'slot-card is-done' in alice_client.get("/").text
    assert alice_client.get("/api/v1/progress").json()["minutes"]["today"] == progress["minutes"]["today"] + 50
    assert alice_client.get("/dashboard/").text != dashboard


def test_a_write_outside_the_pages_is_seen_too(alice_client, alice, plan, frozen):
    alice_client.get("/")
    topic = Topic.objects.get(plan=plan, key="1.1")
    TopicProgress.objects.create(user=alice, topic=topic, status="done", closed_on=TODAY)  # the admin, a shell
    assert alice_client.get("/api/v1/progress").json()["topic_days"]["done"] > 0


def test_a_new_day_is_a_new_page(alice_client, frozen):
    assert "Day 10 of 180" in alice_client.get("/").text
    frozen.shift(timedelta(days=1))
    assert "Day 11 of 180" in alice_client.get("/").text


def test_each_browser_gets_its_own_csrf_token_in_a_cached_page(alice, frozen):
    phone, laptop = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    phone.force_login(alice)
    laptop.force_login(alice)
    phone.get("/")  # renders and caches the page
    page = laptop.get("/").text  # from the cache
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = laptop.post("/checkins/", {"csrfmiddlewaretoken": token, "date": "2026-11-10", "slot": "1", "status": "done"})
    assert answer.status_code == 302
    assert CheckIn.objects.filter(user=alice, local_date=TODAY, slot=1).exists()
    header = re.search(r'"x-csrftoken": "([^"]+)"', laptop.get("/").text).group(1)
    answer = laptop.post("/checkins/", {"date": "2026-11-10", "slot": "2", "status": "done"}, HTTP_X_CSRFTOKEN=header)
    assert answer.status_code == 302


def test_languages_are_cached_apart(alice_client, frozen):
    assert "Today" in alice_client.get("/").text
    alice_client.post("/language/", {"language": "zh-hans", "next": "/"})
    assert "今天" in alice_client.get("/").text
    alice_client.post("/language/", {"language": "en", "next": "/"})
    assert "Today" in alice_client.get("/").text


def test_a_message_is_shown_once_and_not_kept(alice_client, frozen):
    alice_client.get("/")
    alice_client.post("/settings/pause/", {"start_date": "2026-11-20"})  # says "Paused from …" on the next page
    shown = alice_client.get("/").text
    assert 'class="messages"' in shown
    assert 'class="messages"' not in alice_client.get("/").text


def test_staff_see_the_admin_link_and_learners_do_not(alice, django_user_model, plan, frozen):
    client = Client()
    client.force_login(alice)
    assert "/admin/" not in client.get("/").text
    alice.is_staff = True
    alice.save()
    assert "/admin/" in client.get("/").text


def test_importing_a_learners_data_bumps_their_revision_once(alice, alice_client, frozen, django_assert_max_num_queries):
    record_checkin(user=alice, local_date=TODAY, slot=1, status="done", minutes=60)
    exported = alice_client.get("/settings/export.json").json()
    before = rev(alice)
    import_user(exported, replace=True)
    assert rev(alice) == before + 1


def test_a_query_string_is_rendered_afresh(alice_client, frozen):
    alice_client.get("/?x=1")
    with CaptureQueriesContext(connection) as again:
        alice_client.get("/?x=1")
    assert len(again) > 3


def test_rows_made_on_first_view_are_seen(alice, alice_client, frozen):
    alice_client.get("/")
    assert MilestoneCheck.objects.filter(user=alice).exists()
    alice_client.get("/resources/")
    assert UserResource.objects.filter(user=alice).exists()
    assert ProjectProgress.objects.filter(user=alice).count() == 0


def test_a_one_tap_check_in_is_three_queries_and_bumps_the_revision(alice, frozen, django_assert_max_num_queries):
    token = issue_token(user=alice)[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"date": "2026-11-10", "slot": 1, "status": "done", "minutes": 50}
    api.get("/api/v1/progress")  # the plan cache and the token's last use, as on any later request
    before = rev(alice)
    with django_assert_max_num_queries(3):  # the token with its learner, the day's other minutes, the upsert
        first = api.post("/api/v1/checkins", body, content_type="application/json")
    assert first.status_code == 201 and rev(alice) == before + 1
    frozen.shift(60)
    again = api.post("/api/v1/checkins", body | {"status": "skipped", "minutes": 0}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"] and again.json()["status"] == "skipped"
    row = CheckIn.objects.get(user=alice, local_date=TODAY, slot=1)
    assert (row.status, row.minutes, row.created_at < row.updated_at) == ("skipped", 0, True)
    assert rev(alice) == before + 2


def test_an_answer_that_is_not_kept_still_gets_the_real_token(rf, alice, frozen):
    from django.http import HttpResponse
    from django.template import engines

    from apps.progress import pagecache
    from apps.progress.learner import Learner

    request = rf.get("/")
    request.user = alice
    template = engines["django"].from_string('<form>{% csrf_token %}</form>')
    answer = pagecache.page(
        request, Learner.load(alice), "test", lambda: HttpResponse(template.render({}, request), status=400)
    )
    assert answer.status_code == 400 and str(PLACEHOLDER) not in answer.text and "csrfmiddlewaretoken" in answer.text


def test_an_enrollment_made_again_does_not_find_the_old_ones_pages(alice, alice_client, plan, frozen):
    from apps.progress.services import enroll

    assert "slot-card is-done" not in alice_client.get("/").text  # kept at the enrollment's revision
    old = rev(alice)
    Enrollment.objects.filter(user=alice).delete()  # the admin, say
    record_checkin(user=alice, local_date=TODAY, slot=1, status="done", minutes=60)  # no enrollment: no bump
    enroll(user=alice, plan=plan, start_date=date(2026, 11, 1), timezone="Asia/Shanghai", language="en")
    assert rev(alice) == old  # the same revision, plan, day 1 and timezone: only the row is new
    assert "slot-card is-done" in alice_client.get("/").text

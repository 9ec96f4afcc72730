"""Writes to a learner's progress that do more than save one form.

Each takes keyword arguments and the user it acts for; callers have already checked the input
with the forms in forms.py. Recording a check-in never sends mail: reminders read check-ins.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import nullcontext
from datetime import date, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.curriculum.models import BlockItem, Plan, Topic
from apps.progress import revision
from apps.progress.models import ApiToken, CheckIn, Enrollment, Pause, ProjectProgress, Review, SlotTime, TopicNote, TopicProgress

TOKEN_PREFIX = "cad_"


@transaction.atomic
def enroll(*, user, plan: Plan, start_date: date, timezone: str, language: str | None = None) -> Enrollment:
    """Enroll `user` in `plan` (or move their enrollment to it), with the plan's slot times as theirs."""
    enrollment, created = Enrollment.objects.update_or_create(
        user=user,
        defaults={"plan": plan, "start_date": start_date, "timezone": timezone},
        create_defaults={"plan": plan, "start_date": start_date, "timezone": timezone, "language": language or "en"},
    )
    if language and not created and enrollment.language != language:
        enrollment.language = language
        enrollment.save(update_fields=["language"])
    reset_slot_times(enrollment)
    return enrollment


def reset_slot_times(enrollment: Enrollment) -> None:
    """Give the learner the plan's slot times, keeping times they set for slots the plan still has."""
    plan_slots = list(enrollment.plan.slots.all())
    plan_keys = {(p.days, p.number) for p in plan_slots}
    existing = list(enrollment.slots.all())
    enrollment.slots.exclude(pk__in=[s.pk for s in existing if (s.days, s.number) in plan_keys]).delete()
    mine = {(s.days, s.number) for s in existing}
    made = SlotTime.objects.bulk_create(
        [
            SlotTime(enrollment=enrollment, days=p.days, number=p.number, start=p.start, end=p.end)
            for p in plan_slots
            if (p.days, p.number) not in mine
        ]
    )
    if made:
        revision.touch(enrollment.user_id)  # bulk inserts send no signals


def record_checkin(
    *, user, local_date: date, slot: int, status: str, minutes: int, note: str = "", topics: list[Topic] | None = None
) -> tuple[CheckIn, bool]:
    """Create or update the one check-in for (user, date, slot); True when it was created.

    The unique constraint on (user, local_date, slot) is the guarantee: a double tap that races
    past the first lookup fails its INSERT and becomes an update instead of a second row.
    """
    if topics is None and connection.vendor == "postgresql":
        return _upsert_checkin(user, local_date, slot, status, minutes, note)
    values = {"status": status, "minutes": minutes, "note": note}
    for attempt in range(2):
        try:
            # update_or_create is a transaction of its own; an outer one (a savepoint inside it, two
            # more round trips) only when the topics must be saved with the row.
            with transaction.atomic() if topics is not None else nullcontext():
                checkin, created = CheckIn.objects.select_for_update().update_or_create(
                    user=user, local_date=local_date, slot=slot, defaults=values
                )
                if topics is not None:
                    checkin.topics.set(topics)
                return checkin, created
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


# The check-in without topics (the one-tap button, the phone shortcut) is the hottest write: on
# PostgreSQL it is one statement and one round trip. The row is inserted or updated atomically by
# ON CONFLICT (so two racing taps still make exactly one row; `xmax = 0` only for a fresh insert), the
# learner's revision is bumped in the same statement (the signals a save would send are not sent), and
# the keys of the topics the row already had come back for the answer.
_UPSERT = """
WITH up AS (
    INSERT INTO progress_checkin (user_id, local_date, slot, status, minutes, note, created_at, updated_at)
    VALUES (%(user)s, %(date)s, %(slot)s, %(status)s, %(minutes)s, %(note)s, %(now)s, %(now)s)
    ON CONFLICT (user_id, local_date, slot) DO UPDATE
        SET status = EXCLUDED.status, minutes = EXCLUDED.minutes, note = EXCLUDED.note, updated_at = EXCLUDED.updated_at
    RETURNING id, created_at, xmax = 0 AS created
), bumped AS (
    UPDATE progress_enrollment SET revision = revision + 1 WHERE user_id = %(user)s
)
SELECT up.id, up.created_at, up.created,
       ARRAY(SELECT t.key FROM progress_checkin_topics ct JOIN curriculum_topic t ON t.id = ct.topic_id
             WHERE ct.checkin_id = up.id)
FROM up
"""


def _upsert_checkin(user, local_date, slot, status, minutes, note) -> tuple[CheckIn, bool]:
    now = timezone.now()
    params = {"user": user.pk, "date": local_date, "slot": slot, "status": status, "minutes": minutes, "note": note, "now": now}
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, params)
        pk, created_at, created, keys = cursor.fetchone()
    checkin = CheckIn(
        pk=pk, user=user, local_date=local_date, slot=slot, status=status, minutes=minutes, note=note,
        created_at=created_at, updated_at=now,
    )
    checkin._state.adding = False
    checkin.topic_keys = sorted(keys)  # what checkin_json answers with, without asking again
    return checkin, created


def set_topic_status(*, user, topic: Topic, status: str, local_date: date) -> TopicProgress:
    closed = status in (TopicProgress.Status.DONE, TopicProgress.Status.SKIPPED)
    progress, _ = TopicProgress.objects.update_or_create(
        user=user, topic=topic, defaults={"status": status, "closed_on": local_date if closed else None}
    )
    return progress


def set_project(*, user, item: BlockItem, done: bool, link: str, local_date: date) -> ProjectProgress:
    progress, _ = ProjectProgress.objects.update_or_create(
        user=user, item=item, defaults={"done": done, "link": link, "done_on": local_date if done else None}
    )
    return progress


@transaction.atomic
def pause(*, user, start_date: date) -> Pause:
    return Pause.objects.create(user=user, start_date=start_date)


@transaction.atomic
def resume(*, user, today: date) -> None:
    """End the open pause: the plan goes on from today. A pause that had not begun yet is dropped."""
    open_pause = Pause.objects.select_for_update().filter(user=user, end_date__isnull=True).first()
    if open_pause is None:
        return
    if open_pause.start_date >= today:
        open_pause.delete()
    else:
        open_pause.end_date = today - timedelta(days=1)
        open_pause.save(update_fields=["end_date"])


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(*, user, name: str = "") -> tuple[ApiToken, str]:
    """A new personal API token; the raw token is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:12], token_hash=hash_token(raw))
    return token, raw


def user_for_token(raw: str):
    """The active user a raw token belongs to, or None; notes when the token was last used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    # The user with their enrollment and plan: the learner every API call loads (apps.progress.learner).
    token = ApiToken.objects.select_related("user__enrollment__plan").filter(token_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most one write per 5 minutes
    return token.user


def save_note(*, user, topic: Topic, text: str) -> TopicNote:
    note, _ = TopicNote.objects.update_or_create(user=user, topic=topic, defaults={"text": text})
    return note


def dismiss_review(*, user, topic: Topic, stage: int, local_date: date) -> None:
    Review.objects.get_or_create(user=user, topic=topic, stage=stage, defaults={"reviewed_on": local_date})


@transaction.atomic
def choose_project(*, user, item: BlockItem, local_date: date) -> None:
    """Pick one of a block's project options (the final project): the others are unpicked."""
    others = BlockItem.objects.filter(block=item.block, kind=BlockItem.Kind.CHOICE).exclude(pk=item.pk)
    ProjectProgress.objects.filter(user=user, item__in=others).update(done=False, done_on=None)
    ProjectProgress.objects.update_or_create(user=user, item=item, defaults={"done": True, "done_on": local_date})

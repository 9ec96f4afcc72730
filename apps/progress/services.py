"""Writes to a learner's progress that do more than save one form.

Each takes keyword arguments and the user it acts for; callers have already checked the input
with the forms in forms.py. Recording a check-in never sends mail: reminders read check-ins.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.curriculum.models import BlockItem, Plan, Topic
from apps.progress import review
from apps.progress.models import ApiToken, CheckIn, Enrollment, Pause, ProjectProgress, TopicNote, TopicProgress

TOKEN_PREFIX = "cad_"
DAY_MINUTES = 24 * 60


@transaction.atomic
def enroll(*, user, plan: Plan, start_date: date, timezone: str, language: str | None = None) -> Enrollment:
    """Enroll `user` in `plan` (or move their enrollment to it). Their slots are the plan's rhythm;
    times they moved are kept while the plan stays the same and dropped with a change of plan."""
    enrollment = Enrollment.objects.select_for_update().filter(user=user).first()
    if enrollment is None:
        return Enrollment.objects.create(
            user=user, plan=plan, start_date=start_date, timezone=timezone, language=language or "en"
        )
    if enrollment.plan_id != plan.pk:
        enrollment.slot_overrides = {}
    enrollment.plan, enrollment.start_date, enrollment.timezone = plan, start_date, timezone
    enrollment.language = language or enrollment.language
    enrollment.save()
    return enrollment


def record_checkin(
    *, user, local_date: date, slot: int, status: str, minutes: int, note: str | None = None, topics: list[Topic] | None = None
) -> tuple[CheckIn, bool]:
    """Create or update the one check-in for (user, date, slot); True when it was created. A note or
    topics left out (None) keep what the check-in had.

    The unique constraint on (user, local_date, slot) is the guarantee: a double tap that races past
    the first lookup fails its INSERT, and update_or_create then finds and updates the row the other
    tap made, on every database. Raises ValidationError (code "day_full") when the date's check-ins
    would pass 1,440 minutes, checked under a lock so that parallel posts cannot.
    """
    values = {"status": status, "minutes": minutes}
    if note is not None:
        values["note"] = note
    with transaction.atomic():
        if minutes:
            # One learner's check-ins of a date are summed under a lock on their enrollment row, so
            # parallel posts to several slots cannot together pass a day's 1,440 minutes.
            Enrollment.objects.select_for_update().filter(user=user).values_list("pk", flat=True).first()
            others = CheckIn.objects.filter(user=user, local_date=local_date).exclude(slot=slot).aggregate(total=Sum("minutes"))["total"]
            if (others or 0) + minutes > DAY_MINUTES:
                raise ValidationError(
                    _("That makes %(total)s minutes on %(day)s; a day has 1,440."),
                    params={"total": (others or 0) + minutes, "day": local_date.isoformat()},
                    code="day_full",
                )
        checkin, created = CheckIn.objects.update_or_create(
            user=user, local_date=local_date, slot=slot, defaults=values, create_defaults={"note": "", **values}
        )
        if topics is not None:
            checkin.topics.set(topics)
    return checkin, created


@transaction.atomic
def set_topic_status(*, user, topic: Topic, status: str, local_date: date) -> TopicProgress:
    """Set a topic's status. Closing it (done or skipped) dates it; marking it with the status it
    already has changes nothing, so a second tap on Done keeps its date and its reviews."""
    closed = status in (TopicProgress.Status.DONE, TopicProgress.Status.SKIPPED)
    progress, created = TopicProgress.objects.select_for_update().get_or_create(
        user=user, topic=topic, defaults={"status": status, "closed_on": local_date if closed else None}
    )
    if created and status != TopicProgress.Status.DONE:
        return progress
    if not created and progress.status == status:
        return progress
    progress.status, progress.closed_on = status, local_date if closed else None
    # Done: the topic becomes a review card, its closing the first review (apps.progress.review).
    if status == TopicProgress.Status.DONE:
        retention = Enrollment.objects.filter(user=user).values_list("desired_retention", flat=True).first() or 0.9
        review.start(progress, timezone.now(), retention).save()
    else:
        review.forget(progress)
    progress.save(update_fields=["status", "closed_on", *review.CARD_FIELDS, "updated_at"])
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


@transaction.atomic
def choose_project(*, user, item: BlockItem, local_date: date) -> None:
    """Pick one of a block's project options (the final project): the others are unpicked."""
    others = BlockItem.objects.filter(block=item.block, kind=BlockItem.Kind.CHOICE).exclude(pk=item.pk)
    ProjectProgress.objects.filter(user=user, item__in=others).update(done=False, done_on=None)
    ProjectProgress.objects.update_or_create(user=user, item=item, defaults={"done": True, "done_on": local_date})


# --- catching up ----------------------------------------------------------------------------------

SHIFT_AFTER = 3  # days behind from which Today offers to shift the plan


def shift_span(day) -> tuple[date, date] | None:
    """The dates a shift would take out of the count for a learner's day (a LearnerDay): the days
    they are behind, counted back from yesterday over dates that are not paused already. None when
    they are not behind (or not on the plan's active days)."""
    if day.state != "active" or day.behind_by <= 0:
        return None
    last = first = cursor = day.date - timedelta(days=1)
    counted = 0
    while counted < day.behind_by and cursor >= day.schedule.start:
        if not day.schedule.is_paused(cursor):
            counted += 1
            first = cursor
        cursor -= timedelta(days=1)
    return first, last


def shift_plan(*, user, now=None) -> Pause | None:
    """Move the rest of the learner's plan later by the days they are behind ("shift my dates"):
    today becomes the plan day their closed topics reach, check-ins stay on the dates they happened,
    milestones and the end date move. Recorded as a Pause of kind shift. Under a lock on the
    enrollment, with the day read afresh, so a double tap shifts once."""
    from apps.progress.summary import summarize

    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().select_related("plan").filter(user=user).first()
        if enrollment is None:
            return None
        span = shift_span(summarize([enrollment], now=now)[user.pk])
        if span is None:
            return None
        return Pause.objects.create(user=user, start_date=span[0], end_date=span[1], kind=Pause.Kind.SHIFT)


def undoable_shift(user) -> Pause | None:
    """The learner's latest shift, while no check-in has been saved since it was made."""
    shift = Pause.objects.filter(user=user, kind=Pause.Kind.SHIFT).order_by("-created_at").first()
    if shift is None or CheckIn.objects.filter(user=user, updated_at__gt=shift.created_at).exists():
        return None
    return shift


@transaction.atomic
def undo_shift(*, user) -> bool:
    Enrollment.objects.select_for_update().filter(user=user).values_list("pk", flat=True).first()
    shift = undoable_shift(user)
    if shift is None:
        return False
    shift.delete()
    return True


@transaction.atomic
def skip_topics(*, user, topics: list[Topic], local_date: date) -> None:
    for topic in topics:
        set_topic_status(user=user, topic=topic, status=TopicProgress.Status.SKIPPED, local_date=local_date)

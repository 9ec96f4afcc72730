"""A learner's revision: one number on the enrollment that every write to the learner's own rows bumps.

The learner's pages and API answers are cached per process keyed on it (apps.progress.pagecache),
and every request reads the enrollment anyway, so a change is seen on the very next request, in
every process, at no extra query. This is the "key-based expiration" of caches: nothing is ever
deleted from the cache, a write just makes the old key unreachable.

Which rows count: every model with a foreign key to the user or to the enrollment, found when the
app registry is ready, so a model added later is covered without anyone remembering to. EXEMPT
lists the few whose rows no cached page shows (a test checks that the two lists cover every model).

Writes through the ORM (`save`, `delete`, `m2m` changes, the admin) bump it through signals, inside
the write's own transaction. Bulk writes (`update()`, `bulk_create`, raw SQL) send no signals:
they call `touch()` themselves, as the data import does (inside `quiet()`, then one `touch()`).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.db.models import F, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

# Rows that no cached page shows: API tokens (their last-use time changes on every fifth minute of
# use), reminder settings and the reminders themselves (written for every e-mail of a fan-out).
EXEMPT = {"progress.ApiToken", "reminders.Reminder", "reminders.ReminderSettings", "progress.Enrollment"}


_quiet: ContextVar[bool] = ContextVar("cadence_revision_quiet", default=False)


def touch(user_id: int) -> None:
    """Say that the learner's rows changed (one UPDATE; nothing when they have no enrollment)."""
    _bump(user_id=user_id)


def _bump(**enrollment) -> None:
    from apps.progress.models import Enrollment

    if not _quiet.get():
        Enrollment.objects.filter(**enrollment).update(revision=F("revision") + 1)


@contextmanager
def quiet():
    """No bump for the writes inside (an import replacing thousands of a learner's rows): the caller
    calls touch() once afterwards."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def owner_field(model) -> str | None:
    """The attname that leads from a row of `model` to its learner: "user_id" or "enrollment_id"."""
    from apps.progress.models import Enrollment

    for field in model._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one):
            continue
        target = field.related_model
        if target is Enrollment or target._meta.label == settings.AUTH_USER_MODEL:
            return field.attname
    return None


def tracked_models() -> dict:
    """Every model owned by a learner whose rows the cached pages show → its owner attname."""
    found = {}
    for model in apps.get_models():
        if model._meta.label in EXEMPT:
            continue
        attname = owner_field(model)
        if attname is not None:
            found[model] = attname
    return found


# How each owner field finds the learner's enrollment row.
_ENROLLMENT_BY = {"user_id": "user_id", "enrollment_id": "pk"}


def _touch_owner(attname: str, value) -> None:
    _bump(**{_ENROLLMENT_BY[attname]: value})


def _gone_with_its_owner(origin) -> bool:
    """A row deleted because its user or enrollment is being deleted: nobody's pages to refresh."""
    from apps.progress.models import Enrollment

    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is user_model or model is Enrollment


def connect() -> None:
    """Connect the receivers (called once, from ProgressConfig.ready)."""
    for model, attname in tracked_models().items():

        def saved(sender, instance, attname=attname, raw=False, **kwargs):
            if not raw:  # loaddata: fixtures, not a learner's write
                _touch_owner(attname, getattr(instance, attname))

        def deleted(sender, instance, attname=attname, origin=None, **kwargs):
            if origin is None or not _gone_with_its_owner(origin):
                _touch_owner(attname, getattr(instance, attname))

        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"revision-save-{model._meta.label}")
        post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"revision-delete-{model._meta.label}")
        for m2m in model._meta.local_many_to_many:

            def related(sender, instance, action, reverse, pk_set, attname=attname, owner=model, **kwargs):
                if action not in ("post_add", "post_remove", "post_clear"):
                    return
                if not reverse:
                    _touch_owner(attname, getattr(instance, attname))
                elif pk_set:  # topic.checkins.add(...): the owners of the rows on the other side
                    for value in owner.objects.filter(pk__in=pk_set).values_list(attname, flat=True).distinct():
                        _touch_owner(attname, value)

            m2m_changed.connect(
                related, sender=m2m.remote_field.through, weak=False, dispatch_uid=f"revision-m2m-{model._meta.label}-{m2m.name}"
            )

"""Celery tasks: sending nudges, and the once-a-minute groups tick (from the single beat) that keeps
members' standings and each group's counts current and records the weekly automatic nudges."""

from celery import shared_task

from apps.groups import counts, nudging, standings


@shared_task(name="groups.send_nudges", acks_late=True, ignore_result=True, time_limit=120, soft_time_limit=100)
def send_nudges(ids):
    return nudging.send(list(ids))


@shared_task(name="groups.tick", acks_late=True, ignore_result=True, time_limit=280, soft_time_limit=240)
def tick():
    counts.recount()
    refreshed = standings.refresh_members()
    return {"refreshed": refreshed, "nudges": nudging.weekly()}

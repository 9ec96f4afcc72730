"""The learner's resources page, updates from it, and the block page's panel. Rows are looked up
through their owner: another learner's id is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.curriculum.models import Resource
from apps.progress.http import next_url, with_learner
from apps.progress.summary import next_paper
from apps.resources import services
from apps.resources.forms import OwnResourceForm, ResourceUpdateForm
from apps.resources.models import UserResource


def _row_for(request, row_id) -> UserResource:
    return get_object_or_404(
        UserResource.objects.select_related("resource__plan", "block__plan").prefetch_related("resource__blocks", "resource__topics"),
        pk=row_id, user=request.user,
    )


def apply_update(row: UserResource, form: ResourceUpdateForm, data) -> None:
    fields = []
    if "status" in data and form.cleaned_data["status"]:
        row.status = form.cleaned_data["status"]
        fields.append("status")
    if "rating" in data:
        row.rating = form.cleaned_data["rating"]
        fields.append("rating")
    if "note" in data:
        row.notes = form.cleaned_data["note"]
        fields.append("notes")
    if "block" in data and "block" in form.fields and form.fields["block"].choices[1:]:
        row.block_id = form.cleaned_data["block"]
        fields.append("block")
    if fields:
        row.save(update_fields=[*fields, "updated_at"])


@require_GET
@with_learner
def resource_list(request, learner):
    services.ensure_rows(request.user, learner.plan)
    rows = services.rows_for(request.user, learner.plan)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    rows = [r for r in rows if (not kind or r.display_kind == kind) and (not status or r.status == status)]
    return render(request, "resources/list.html", {
        "rows": rows, "kind": kind, "status": status, "kinds": Resource.Kind.choices,
        "statuses": UserResource.Status.choices, "form": OwnResourceForm(plan=learner.plan), "plan": learner.plan,
        "blocks": list(learner.parts.blocks.values()),
    })


@require_http_methods(["GET", "POST"])
def update(request, row_id):
    """GET: the rating-and-notes form (the list fetches it when a row is opened; without JavaScript it
    is a page of its own). POST: a status, rating, block or note."""
    row = _row_for(request, row_id)
    enrollment = getattr(request.user, "enrollment", None)
    if request.method == "GET":
        blocks = list(enrollment.plan.blocks.all()) if enrollment is not None else []
        context = {"row": row, "blocks": blocks, "next_path": reverse("resources:list")}
        if request.htmx:
            return render(request, "resources/_row.html#notes", context)
        return render(request, "resources/edit.html", context)
    form = ResourceUpdateForm(request.POST, plan=enrollment.plan if enrollment is not None else None)
    if form.is_valid():
        apply_update(row, form, request.POST)
        status = 200
    else:
        status = 400
    if request.htmx:
        blocks = list(enrollment.plan.blocks.all()) if enrollment is not None else []
        return render(request, "resources/_row.html", {"row": row, "errors": form.errors, "blocks": blocks}, status=status)
    if status == 400:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect(next_url(request, reverse("resources:list")))


@require_POST
@with_learner
def create(request, learner):
    form = OwnResourceForm(request.POST, plan=learner.plan)
    if form.is_valid():
        row = form.save(commit=False)
        row.user = request.user
        row.save()
        messages.success(request, _("Added %(title)s.") % {"title": row.title})
        return redirect("resources:list")
    services.ensure_rows(request.user, learner.plan)
    return render(request, "resources/list.html", {
        "rows": services.rows_for(request.user, learner.plan), "kinds": Resource.Kind.choices,
        "statuses": UserResource.Status.choices, "form": form, "plan": learner.plan,
    }, status=400)


@require_POST
def delete(request, row_id):
    row = get_object_or_404(UserResource, pk=row_id, user=request.user, resource__isnull=True)
    row.delete()
    messages.success(request, _("Removed."))
    return redirect("resources:list")


def block_panel(request, *, learner, block, topics, **context):
    """Resources that belong with this block or its topics (from the plan cache), with the learner's
    status (one query)."""
    topic_ids = {t.pk for t in topics}
    mine = list(UserResource.objects.filter(user=request.user, block=block).select_related("resource"))  # placed here by the learner
    placed = {row.resource_id for row in mine if row.resource_id}
    linked = [r for r in learner.parts.resources if block.pk in r.block_ids or r.topic_ids & topic_ids or r.pk in placed]
    own = [row for row in mine if row.resource_id is None]
    if not linked and not own:
        return None
    status = dict(UserResource.objects.filter(user=request.user, resource__in=linked).values_list("resource_id", "status"))
    rows = [{"resource": r, "status": status.get(r.pk, UserResource.Status.TO_READ)} for r in linked]
    rows += [{"resource": row, "status": row.status} for row in own]
    read = {r["resource"].pk for r in rows if r["status"] == UserResource.Status.DONE}
    upcoming = next_paper([r for r in linked if r.kind == Resource.Kind.PAPER], read, block.pk, topic_ids, fallback=False)
    return render_to_string("resources/_block_panel.html", {"rows": rows, "next_paper": upcoming}, request=request)

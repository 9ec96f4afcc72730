"""Milestones, outputs and the portfolio. Rows are found through their owner; anyone else's id is a 404.
A public portfolio shows only outputs and milestone states, nothing else of the learner."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.milestones import services
from apps.milestones.forms import CheckForm, OutputForm
from apps.milestones.models import MilestoneCheck, Output, Portfolio
from apps.progress.http import with_learner
from apps.progress.learner import Learner


@require_GET
@with_learner
def milestone_list(request, learner):
    return render(request, "milestones/list.html", {"states": services.states(learner), "learner": learner})


def save_check(check: MilestoneCheck, form: CheckForm, data, today) -> None:
    if "done" in data:
        check.done = form.cleaned_data["done"]
        check.done_on = (check.done_on or today) if check.done else None
    if "evidence" in data:
        check.evidence = form.cleaned_data["evidence"]
    check.save()


@require_POST
@with_learner
def check(request, learner, check_id):
    row = get_object_or_404(MilestoneCheck.objects.select_related("item__milestone"), pk=check_id, user=request.user)
    form = CheckForm(request.POST)
    if form.is_valid():
        data = request.POST.copy()
        data.setdefault("done", "")  # an unticked box sends nothing: the form always means "done or not"
        save_check(row, form, data, learner.today)
        state = next(s for s in services.states(learner) if s.milestone.pk == row.item.milestone_id)
        if state.state == "met":
            messages.success(request, _("🎉 Milestone met: day %(day)s!") % {"day": state.milestone.day})
        status = 200
    else:
        status = 400
    if request.htmx:
        return render(request, "milestones/_check.html", {"check": row, "errors": form.errors, "saved": status == 200}, status=status)
    if status == 400:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return redirect("milestones:list")


def _outputs(user):
    return Output.objects.filter(user=user).select_related("block", "topic", "project")


@require_GET
@with_learner
def output_list(request, learner):
    return render(request, "milestones/outputs.html", {"outputs": _outputs(request.user), "form": OutputForm(plan=learner.plan)})


@require_POST
@with_learner
def output_create(request, learner):
    form = OutputForm(request.POST, plan=learner.plan)
    if form.is_valid():
        output = form.save(commit=False)
        output.user = request.user
        output.save()
        messages.success(request, _("Added %(title)s.") % {"title": output.title})
        return redirect("milestones:outputs")
    return render(request, "milestones/outputs.html", {"outputs": _outputs(request.user), "form": form}, status=400)


@require_POST
def output_delete(request, output_id):
    get_object_or_404(Output, pk=output_id, user=request.user).delete()
    messages.success(request, _("Removed."))
    return redirect("milestones:outputs")


@require_GET
@with_learner
def portfolio(request, learner):
    share, _created = Portfolio.objects.get_or_create(user=request.user)
    link = request.build_absolute_uri(f"/p/{share.token}/") if share.token else None
    return render(request, "milestones/portfolio.html", {
        "outputs": _outputs(request.user), "states": services.states(learner), "link": link, "public": False,
    })


@require_POST
def portfolio_share(request):
    share, _created = Portfolio.objects.get_or_create(user=request.user)
    if request.POST.get("action") == "revoke":
        share.revoke()
        messages.success(request, _("Your portfolio is private again; the old link no longer works."))
    else:
        share.share()
        messages.success(request, _("Your portfolio has a new public link."))
    return redirect("milestones:portfolio")


@login_not_required
@require_GET
def public_portfolio(request, token):
    share = Portfolio.objects.select_related("user").filter(token=token, user__is_active=True).first()
    learner = Learner.load(share.user) if share else None
    if learner is None:
        raise Http404("No such portfolio")
    return render(request, "milestones/portfolio.html", {
        "outputs": _outputs(share.user), "states": services.states(learner), "public": True, "plan": learner.plan,
    })


def today_panel(request, *, learner, **context):
    """Next milestone with a countdown, a celebration for one met today, and late ones until dealt with."""
    states = services.states(learner)
    upcoming = next((s for s in states if s.state in ("upcoming", "due_soon")), None)
    late = [s for s in states if s.state == "late"]
    celebrate = [s for s in states if s.met_on == learner.today]
    return render_to_string(
        "milestones/_today_panel.html", {"upcoming": upcoming, "late": late, "celebrate": celebrate}, request=request
    )


def block_panel(request, *, learner, block, topics, **context):
    """Outputs attached to this block, one of its topics, or one of its practice projects."""
    outputs = list(
        Output.objects.filter(Q(block=block) | Q(topic__block=block) | Q(project__block=block), user=request.user)
    )
    return render_to_string("milestones/_block_panel.html", {"outputs": outputs, "block": block}, request=request)

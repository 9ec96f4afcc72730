"""Plan pages: overview, one block, resources, milestones. The plan is shared; learners' data is not here."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from apps.curriculum.models import Block, Milestone, Plan, Resource


@require_GET
def overview(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    phases = plan.phases.prefetch_related(
        Prefetch("blocks", queryset=Block.objects.annotate(topic_count=Count("topics")).order_by("number"))
    )
    slots = list(plan.slots.all())
    return render(request, "curriculum/overview.html", {
        "plan": plan, "phases": phases,
        "weekday_slots": [s for s in slots if s.days == "weekday"], "weekend_slots": [s for s in slots if s.days == "weekend"],
    })


@require_GET
def resources(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    groups = {kind: (label, []) for kind, label in Resource.Kind.choices}
    for resource in plan.resources.all():
        groups[resource.kind][1].append(resource)
    return render(request, "curriculum/resources.html", {"plan": plan, "groups": [g for g in groups.values() if g[1]]})


@require_GET
def milestones(request, slug):
    plan = get_object_or_404(Plan, slug=slug)
    rows = Milestone.objects.filter(plan=plan).prefetch_related("items")
    return render(request, "curriculum/milestones.html", {"plan": plan, "milestones": rows, "advice": plan.advice})

"""Learner pages. Everything here is read and written through request.user, never by a bare id."""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.curriculum.models import Plan
from apps.progress.forms import EnrollmentForm, SlotTimeFormSet
from apps.progress.middleware import SESSION_LANGUAGE
from apps.progress.models import Enrollment, SlotTime
from apps.progress.services import reset_slot_times


def _enrollment_for(user):
    return Enrollment.objects.select_related("plan").filter(user=user).first()


@require_GET
def home(request):
    enrollment = _enrollment_for(request.user)
    if enrollment is not None:
        return redirect(enrollment.plan)
    if Plan.objects.exists():
        messages.info(request, _("Choose your plan and its first day to begin."))
        return redirect("progress:settings")
    return render(request, "progress/no_plan.html")


@require_http_methods(["GET", "POST"])
def settings_page(request):
    enrollment = _enrollment_for(request.user)
    if enrollment is None:
        plan = Plan.objects.order_by("title").first()
        if plan is None:
            return render(request, "progress/no_plan.html")
        enrollment = Enrollment(
            user=request.user, plan=plan, start_date=timezone.localdate(), timezone=settings.TIME_ZONE,
            language=request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else "en",
        )
    old_plan_id = enrollment.plan_id if enrollment.pk else None
    form = EnrollmentForm(request.POST or None, instance=enrollment, prefix="enrollment")
    slots = SlotTimeFormSet(
        request.POST or None,
        queryset=enrollment.slots.all() if enrollment.pk else SlotTime.objects.none(),
        prefix="slots",
    )
    if request.method == "POST":
        if form.is_valid() and slots.is_valid():
            with transaction.atomic():
                enrollment = form.save()
                if old_plan_id == enrollment.plan_id:
                    slots.save()
                reset_slot_times(enrollment)
            request.session[SESSION_LANGUAGE] = enrollment.language
            messages.success(request, _("Settings saved."))
            return redirect("progress:settings")
        status = 400
    else:
        status = 200
    activities = {}
    if enrollment.pk:
        activities = {(s.days, s.number): s.activity for s in enrollment.plan.slots.all()}
    slot_rows = [(f, activities.get((f.instance.days, f.instance.number), "")) for f in slots.forms]
    return render(
        request, "progress/settings.html", {"form": form, "slots": slots, "slot_rows": slot_rows}, status=status
    )

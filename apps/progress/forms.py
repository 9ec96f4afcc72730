"""Forms for the learner's own data. The check-in form is shared by the pages and the JSON API,
so a bad value gets the same message wherever it comes from."""

from django import forms
from django.db.models import Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apps.core.jsoninput import Field
from apps.core.validators import http_only, sane_date
from apps.curriculum.models import Plan, minutes_between
from apps.progress.models import CheckIn, Enrollment, TopicNote, TopicProgress, timezone_choices
from apps.progress.summary import learner_slots, slot_key

MAX_NOTE = 20_000
DAY_MINUTES = 24 * 60
MAX_SLOT_MINUTES = 12 * 60

# The shape of a check-in and a topic's status in JSON, for the API and for a learner's document alike.
CHECKIN_JSON = {
    "date": Field("date"),
    "slot": Field("int", low=1, high=99),
    "status": Field("text", choices=tuple(CheckIn.Status.values)),
    "minutes": Field("int", required=False, low=0, high=DAY_MINUTES),
    "note": Field("text", required=False, max_length=MAX_NOTE),
    "topics": Field("list", required=False, of=Field("text", max_length=20), max_items=200),
}
TOPIC_STATUS_JSON = {"status": Field("text", choices=tuple(TopicProgress.Status.values))}


class EnrollmentForm(forms.ModelForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.order_by("title"), empty_label=None, label=_("Plan"))
    # An ISO value whatever the language: a browser's date input takes nothing else.
    start_date = forms.DateField(
        label=_("Day 1"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), validators=[sane_date]
    )
    timezone = forms.ChoiceField(label=_("Timezone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"))

    desired_retention = forms.FloatField(
        label=_("Desired retention"), min_value=0.8, max_value=0.97, initial=0.9, required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.8", "max": "0.97"}),
        help_text=_("How much of a reviewed topic you want to still recall when it comes back (0.80 to 0.97): higher means more reviews."),
    )
    daily_reviews = forms.IntegerField(label=_("Reviews a day"), min_value=1, max_value=200, initial=10, required=False)

    def clean_desired_retention(self):  # left empty: the default
        value = self.cleaned_data["desired_retention"]
        return 0.9 if value is None else value

    def clean_daily_reviews(self):
        value = self.cleaned_data["daily_reviews"]
        return 10 if value is None else value

    class Meta:
        model = Enrollment
        fields = ["plan", "start_date", "timezone", "language", "desired_retention", "daily_reviews"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = Enrollment._meta.get_field("language").choices


class SlotOverridesForm(forms.Form):
    """The learner's times for each of the plan's study slots, and the slots they don't do. Only
    differences from the plan are kept (`overrides()`): a slot at the plan's times follows the plan,
    so a re-imported plan that moves it moves it for the learner too."""

    def __init__(self, *args, plan_slots, overrides: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_slots = list(plan_slots)
        mine = {s.key: s for s in learner_slots(self.plan_slots, overrides)}
        for slot in self.plan_slots:
            key = slot_key(slot.days, slot.number)
            current = mine.get(key, slot)
            # In a table, each input names its slot itself (screen readers, and Lighthouse's label audit).
            name = f"{slot.get_days_display()} {slot.activity}"
            self.fields[f"{key}-start"] = forms.TimeField(
                label=_("Start"), required=False, initial=current.start,
                widget=forms.TimeInput(attrs={"type": "time", "aria-label": _("%(slot)s: start") % {"slot": name}}, format="%H:%M"),
            )
            self.fields[f"{key}-end"] = forms.TimeField(
                label=_("End"), required=False, initial=current.end,
                widget=forms.TimeInput(attrs={"type": "time", "aria-label": _("%(slot)s: end") % {"slot": name}}, format="%H:%M"),
            )
            self.fields[f"{key}-off"] = forms.BooleanField(
                label=_("Not for me"), required=False, initial=key not in mine,
                widget=forms.CheckboxInput(attrs={"aria-label": _("%(slot)s: not for me") % {"slot": name}}),
            )

    @property
    def rows(self):
        """(plan slot, start field, end field, off field) per slot, for the template."""
        for slot in self.plan_slots:
            key = slot_key(slot.days, slot.number)
            yield slot, self[f"{key}-start"], self[f"{key}-end"], self[f"{key}-off"]

    def clean(self):
        cleaned = super().clean()
        for slot in self.plan_slots:
            key = slot_key(slot.days, slot.number)
            if cleaned.get(f"{key}-off"):
                continue
            start, end = cleaned.get(f"{key}-start"), cleaned.get(f"{key}-end")
            if f"{key}-start" in self.errors or f"{key}-end" in self.errors:
                continue
            if start is None or end is None:
                self.add_error(f"{key}-start", _("Give the slot a start and an end, or tick “Not for me”."))
            elif start == end:
                self.add_error(f"{key}-end", _("A slot must end at a different time than it starts."))
            elif minutes_between(start, end) > MAX_SLOT_MINUTES:
                self.add_error(f"{key}-end", _(
                    "%(start)s–%(end)s would last %(hours)s hours: a slot is at most 12 hours. A slot ending after "
                    "midnight (such as 22:00–01:00) is fine and counts on the day it starts."
                ) % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "hours": minutes_between(start, end) // 60})
        self._check_overlaps(cleaned)
        return cleaned

    def _check_overlaps(self, cleaned):
        """Two slots of the same days (weekdays, or the weekend) may not overlap."""
        spans = []
        for slot in self.plan_slots:
            key = slot_key(slot.days, slot.number)
            start, end = cleaned.get(f"{key}-start"), cleaned.get(f"{key}-end")
            if cleaned.get(f"{key}-off") or start is None or end is None or self.has_error(f"{key}-end") or start == end:
                continue
            first = start.hour * 60 + start.minute
            spans.append((slot.days, first, first + minutes_between(start, end), key, slot))
        for i, (days, first, last, key, _slot) in enumerate(spans):
            for other_days, other_first, other_last, _other_key, other in spans[:i]:
                if days == other_days and first < other_last and other_first < last:
                    self.add_error(f"{key}-start", _("This slot overlaps slot %(number)s (%(activity)s).") % {
                        "number": other.number, "activity": other.activity})

    def overrides(self) -> dict:
        found = {}
        for slot in self.plan_slots:
            key = slot_key(slot.days, slot.number)
            if self.cleaned_data.get(f"{key}-off"):
                found[key] = {"off": True}
                continue
            start, end = self.cleaned_data[f"{key}-start"], self.cleaned_data[f"{key}-end"]
            if (start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0)) != (slot.start, slot.end):
                found[key] = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
        return found


class TopicKeysField(forms.Field):
    """Topic keys ("1.2") as a JSON list, repeated form fields or one comma-separated string."""

    def to_python(self, value):
        if value in (None, "", []):
            return []
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and "\x00" not in v for v in value):
            raise forms.ValidationError(_("Give topics as a list of keys such as [\"1.2\"]."))
        return [v.strip()[:20] for v in value if v.strip()]


class TopicKeysWidget(forms.SelectMultiple):
    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)


class CheckInForm(forms.Form):
    date = forms.DateField(label=_("Date"), input_formats=["%Y-%m-%d"])
    slot = forms.IntegerField(label=_("Slot"), min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=CheckIn.Status.choices)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=DAY_MINUTES, required=False)
    note = forms.CharField(label=_("Note"), max_length=MAX_NOTE, required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))
    topics = TopicKeysField(label=_("Topics"), required=False, widget=TopicKeysWidget)

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.learner.today:
            raise forms.ValidationError(_("You can't check in for a future date."))
        start = self.learner.enrollment.start_date  # not the schedule: no need to read the pauses
        if day < start:
            raise forms.ValidationError(_("Your plan starts on %(start)s; this date is before it."), params={"start": start.isoformat()})
        return day

    def clean_topics(self):
        keys = self.cleaned_data["topics"]
        if not keys:
            return []
        known = self.learner.parts.topic_by_key
        topics = {k: known[k] for k in keys if k in known}
        unknown = [k for k in keys if k not in topics]
        if unknown:
            raise forms.ValidationError(
                _("Unknown topic %(keys)s: not in your plan."), params={"keys": ", ".join(unknown[:5])}
            )
        return list(topics.values())

    def clean(self):
        cleaned = super().clean()
        day, number = cleaned.get("date"), cleaned.get("slot")
        if day is None or number is None:
            return cleaned
        numbers = [s.number for s in self.learner.slots_on(day)]
        if number not in numbers:
            self.add_error("slot", _("There is no slot %(slot)s on %(day)s (slots that day: %(numbers)s).") % {
                "slot": number, "day": date_format(day, "l"), "numbers": ", ".join(map(str, numbers)) or "-"})
            return cleaned
        if cleaned.get("minutes") is None:
            done = cleaned.get("status") == CheckIn.Status.DONE
            cleaned["minutes"] = self.learner.slot_on(day, number).minutes if done else 0
        others = (
            CheckIn.objects.filter(user=self.learner.user, local_date=day).exclude(slot=number).aggregate(total=Sum("minutes"))["total"]
            or 0
        )
        total = others + cleaned["minutes"]
        if total > DAY_MINUTES:
            message = _("That makes %(total)s minutes on %(day)s; a day has 1,440.")
            self.add_error("minutes", message % {"total": total, "day": day.isoformat()})
        return cleaned


class TopicStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TopicProgress.Status.choices)


class ProjectForm(forms.Form):
    done = forms.BooleanField(required=False)
    link = forms.URLField(required=False, max_length=500, assume_scheme="https")

    def clean_link(self):
        return http_only(self.cleaned_data["link"])


class NoteForm(forms.Form):
    text = forms.CharField(
        required=False, strip=False, max_length=TopicNote.MAX_LENGTH,
        error_messages={"max_length": _("A note can be at most 100,000 characters (this one has %(show_value)d).")},
    )


class PauseForm(forms.Form):
    start_date = forms.DateField(
        label=_("Pause from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), validators=[sane_date]
    )

    def __init__(self, *args, learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.learner = learner

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        schedule = self.learner.schedule
        if schedule.open_pause() is not None:
            raise forms.ValidationError(_("Your plan is already paused; resume it first."))
        if day < schedule.start:
            raise forms.ValidationError(_("Your plan starts on %(start)s.") % {"start": schedule.start.isoformat()})
        if day < self.learner.today:
            raise forms.ValidationError(_("A pause can start today or later, not in the past."))
        if any(p.end is not None and p.end >= day for p in schedule.pauses):
            raise forms.ValidationError(_("That overlaps a pause you already had."))
        return day


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False, help_text=_("e.g. iPhone shortcut"))

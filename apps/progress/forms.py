from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from apps.curriculum.models import Plan
from apps.progress.models import Enrollment, SlotTime, timezone_choices


class EnrollmentForm(forms.ModelForm):
    plan = forms.ModelChoiceField(queryset=Plan.objects.order_by("title"), empty_label=None, label=_("Plan"))
    start_date = forms.DateField(label=_("Day 1"), widget=forms.DateInput(attrs={"type": "date"}))
    timezone = forms.ChoiceField(label=_("Timezone"), choices=timezone_choices)
    language = forms.ChoiceField(label=_("Language"))

    class Meta:
        model = Enrollment
        fields = ["plan", "start_date", "timezone", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = Enrollment._meta.get_field("language").choices


class SlotTimeForm(forms.ModelForm):
    start = forms.TimeField(label=_("Start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("End"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    class Meta:
        model = SlotTime
        fields = ["start", "end"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") is not None and cleaned.get("start") == cleaned.get("end"):
            raise forms.ValidationError(_("A slot must end at a different time than it starts."))
        return cleaned


class BaseSlotTimeFormSet(BaseModelFormSet):
    def clean(self):
        super().clean()
        # An id outside the learner's own slots is not found in the queryset, and Django would
        # silently treat it as a new row; refuse it instead.
        if any(form.instance.pk is None for form in self.initial_forms):
            raise forms.ValidationError(_("These study slots are not yours to change."))


SlotTimeFormSet = modelformset_factory(SlotTime, form=SlotTimeForm, formset=BaseSlotTimeFormSet, extra=0, can_delete=False)

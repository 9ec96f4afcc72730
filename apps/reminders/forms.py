from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reminders.models import ReminderSettings


class ReminderSettingsForm(forms.ModelForm):
    mode = forms.ChoiceField(label=_("Reminders"), choices=ReminderSettings.Mode.choices, widget=forms.RadioSelect)
    weekends = forms.BooleanField(label=_("Also on Saturdays and Sundays"), required=False)
    enabled_slots = forms.MultipleChoiceField(label=_("Slots to be reminded of"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ReminderSettings
        fields = ["mode", "weekends"]

    def __init__(self, *args, slot_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_slots"].choices = slot_choices
        if not self.is_bound:
            self.initial["enabled_slots"] = [key for key, _ in slot_choices if key not in self.instance.disabled_slots]

    def save(self, commit=True):
        settings = super().save(commit=False)
        enabled = set(self.cleaned_data["enabled_slots"])
        settings.disabled_slots = [key for key, _ in self.fields["enabled_slots"].choices if key not in enabled]
        if commit:
            settings.save()
        return settings

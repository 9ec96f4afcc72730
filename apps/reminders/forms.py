from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reminders.models import ReminderSettings


class ReminderSettingsForm(forms.ModelForm):
    mode = forms.ChoiceField(label=_("Reminders"), choices=ReminderSettings.Mode.choices, widget=forms.RadioSelect)
    weekends = forms.BooleanField(label=_("Also on Saturdays and Sundays"), required=False)
    email = forms.BooleanField(label=_("By e-mail"), required=False)
    enabled_slots = forms.MultipleChoiceField(label=_("Slots to be reminded of by e-mail"), required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ReminderSettings
        fields = ["mode", "weekends", "email"]

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


class AppriseForm(forms.Form):
    url = forms.CharField(label=_("Apprise URL"), max_length=2000, help_text=_(
        "For example ntfy://ntfy.sh/my-topic, tgram://BOT_TOKEN/CHAT_ID, wecombot://KEY, dingtalk://TOKEN, "
        "feishu://TOKEN, json://example.com/hook. It is stored encrypted and never shown again in full."))
    label = forms.CharField(label=_("Name"), max_length=100, required=False)

    def clean_url(self):
        from apps.reminders.channels import check_apprise_url

        url = self.cleaned_data["url"].strip()
        problem = check_apprise_url(url)
        if problem:
            raise forms.ValidationError(_("This URL cannot be used: %(problem)s.") % {"problem": _(problem)})
        return url


class ChannelSlotsForm(forms.Form):
    enabled = forms.BooleanField(label=_("On"), required=False)
    enabled_slots = forms.MultipleChoiceField(label=_("Slots"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, slot_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_slots"].choices = slot_choices

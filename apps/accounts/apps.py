from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """What ties the apps together for a person: first-run setup, sign-up, the language switch, demo
    data, and a learner's data exported and imported as one document. It sits above every other app
    (apps.core is the ground floor and imports none)."""

    name = "apps.accounts"
    verbose_name = "Accounts"

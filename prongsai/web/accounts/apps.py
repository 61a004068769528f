from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "prongsai.web.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from prongsai.web.accounts import signals  # noqa: F401 - connects the sign-in receiver

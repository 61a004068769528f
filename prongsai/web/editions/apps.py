from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "prongsai.web.editions"
    label = "editions"
    verbose_name = "Framework editions"

    def ready(self) -> None:
        # Stored (uploaded) editions become loadable by key (ita-2570@2) everywhere the core loads editions.
        from prongsai.core.framework import register_provider
        from prongsai.web.editions.provider import PROVIDER

        register_provider(PROVIDER)

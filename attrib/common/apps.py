from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "attrib.common"
    label = "common"

    def ready(self) -> None:
        from attrib.common import verifications  # noqa: F401  (registers the system checks)

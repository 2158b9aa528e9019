from django.apps import AppConfig


class FluxConfig(AppConfig):
    name = "attrib.flux"
    verbose_name = "Gestion en flux"

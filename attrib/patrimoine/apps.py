from django.apps import AppConfig


class PatrimoineConfig(AppConfig):
    name = "attrib.patrimoine"
    label = "patrimoine"
    verbose_name = "Patrimoine (résidences et logements)"

from django.apps import AppConfig


class TachesConfig(AppConfig):
    name = "attrib.taches"
    label = "taches"
    verbose_name = "Travaux longs"

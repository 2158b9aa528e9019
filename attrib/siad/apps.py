from django.apps import AppConfig


class SiadConfig(AppConfig):
    name = "attrib.siad"
    label = "siad"
    verbose_name = "Accueil et information des demandeurs (SIAD)"

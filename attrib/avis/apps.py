from django.apps import AppConfig


class AvisConfig(AppConfig):
    name = "attrib.avis"
    label = "avis"
    verbose_name = "Avis aux demandeurs"

from django.apps import AppConfig


class CotationConfig(AppConfig):
    name = "attrib.cotation"
    label = "cotation"
    verbose_name = "Cotation des demandes (grilles, scores, classements)"

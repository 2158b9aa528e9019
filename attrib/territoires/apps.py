from django.apps import AppConfig


class TerritoiresConfig(AppConfig):
    name = "attrib.territoires"
    label = "territoires"

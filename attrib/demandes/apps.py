from django.apps import AppConfig


class DemandesConfig(AppConfig):
    name = "attrib.demandes"
    label = "demandes"

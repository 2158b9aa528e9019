from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "attrib.information"
    label = "information"
    verbose_name = "Information des demandeurs (score expliqué, position, délai d'attente)"

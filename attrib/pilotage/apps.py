from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "attrib.pilotage"
    label = "pilotage"
    verbose_name = "Pilotage : objectifs d'attribution, délais d'attente et refus"

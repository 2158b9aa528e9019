from django.apps import AppConfig


class RapprochementConfig(AppConfig):
    name = "attrib.rapprochement"
    label = "rapprochement"
    verbose_name = "Rapprochement offre-demande"

from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "attrib.qualification"
    label = "qualification"
    verbose_name = "Qualification du parc (campagnes de notation)"

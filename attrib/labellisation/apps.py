from django.apps import AppConfig


class LabellisationConfig(AppConfig):
    name = "attrib.labellisation"
    label = "labellisation"
    verbose_name = "Labels de priorité et accompagnement social"

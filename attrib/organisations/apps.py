from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "attrib.organisations"
    label = "organisations"

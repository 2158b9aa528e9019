from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "attrib.api"
    label = "api"

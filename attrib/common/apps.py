from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "attrib.common"
    label = "common"

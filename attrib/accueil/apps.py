from django.apps import AppConfig


class AccueilConfig(AppConfig):
    """The shell around the domain apps: the home page and the main navigation, which know every app."""

    name = "attrib.accueil"
    label = "accueil"

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo territory (CA Le Grand Narbonne) and synthetic demands. No models."""

    name = "attrib.demo"
    label = "demo"
    verbose_name = "Démonstration"

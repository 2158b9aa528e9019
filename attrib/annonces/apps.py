from django.apps import AppConfig


class AnnoncesConfig(AppConfig):
    name = "attrib.annonces"
    label = "annonces"
    verbose_name = "Location voulue (logements proposés en annonce)"

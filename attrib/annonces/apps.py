from django.apps import AppConfig


class AnnoncesConfig(AppConfig):
    name = "attrib.annonces"
    label = "annonces"
    verbose_name = "Location voulue (logements proposés en annonce)"

    def ready(self) -> None:
        from attrib.annonces.services import recepteur_bail_signe
        from attrib.commissions.models import Bail
        from attrib.commissions.signaux import bail_signe

        # The advert's outcome is written inside the lease's transaction (decision 0032).
        bail_signe.connect(recepteur_bail_signe, sender=Bail, dispatch_uid="annonces_resultat_au_bail")

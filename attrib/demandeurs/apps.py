from django.apps import AppConfig


class DemandeursConfig(AppConfig):
    name = "attrib.demandeurs"
    label = "demandeurs"
    verbose_name = "Espace des demandeurs"

    def ready(self) -> None:
        from attrib.demandeurs.acteur import demandes_du_compte
        from attrib.organisations import acteurs

        # The actor layer (organisations) knows no app above it: the applicant space tells it which users are
        # applicants and which demands they hold (decision 0026).
        acteurs.reconnaitre_demandeur(demandes_du_compte)

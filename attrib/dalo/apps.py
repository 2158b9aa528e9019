from django.apps import AppConfig


class DaloConfig(AppConfig):
    name = "attrib.dalo"
    label = "dalo"
    verbose_name = "Suivi DALO (décisions de la commission de médiation, désignations du préfet)"

    def ready(self) -> None:
        from attrib.dalo.services import decision_suivre
        from attrib.demandes.suites import ecouter_decision_dalo

        # Every write of the demand's DALO fields (the decision page, the API, the demand's forms) keeps the
        # decision's history and the DALO label, in the same transaction.
        ecouter_decision_dalo(decision_suivre)

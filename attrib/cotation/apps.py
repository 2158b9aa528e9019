from django.apps import AppConfig


class CotationConfig(AppConfig):
    name = "attrib.cotation"
    label = "cotation"
    verbose_name = "Cotation des demandes (grilles, scores, classements)"

    def ready(self) -> None:
        # A write on demands re-scores them at once, in its transaction (``attrib.demandes.suites``).
        from attrib.cotation.services import cotations_actualiser
        from attrib.demandes.suites import ecouter

        ecouter(cotations_actualiser)

        # A worker killed during a run: the run's report is closed with its job (nothing was written).
        from attrib.cotation.travaux import tache_interrompue_clore
        from attrib.taches.interruptions import travail_interrompu

        travail_interrompu.connect(tache_interrompue_clore, dispatch_uid="cotation.tache_interrompue")

from django.apps import AppConfig


class RapprochementConfig(AppConfig):
    name = "attrib.rapprochement"
    label = "rapprochement"
    verbose_name = "Rapprochement offre-demande"

    def ready(self) -> None:
        # A worker killed during a batch: the batch is closed with its job.
        from attrib.rapprochement.travaux import lot_interrompu_clore
        from attrib.taches.interruptions import travail_interrompu

        travail_interrompu.connect(lot_interrompu_clore, dispatch_uid="rapprochement.lot_interrompu")

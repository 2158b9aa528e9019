from django.apps import AppConfig


class PartenariatConfig(AppConfig):
    name = "attrib.partenariat"
    label = "partenariat"
    verbose_name = "Commission partenariale (dossiers de ménages examinés par les partenaires du territoire)"

    def ready(self) -> None:
        from attrib.commissions.models import Bail
        from attrib.commissions.signaux import bail_signe
        from attrib.partenariat.services import recepteur_bail_signe

        # A lease signed for the household closes its open cases with the motif « relogé » (decision 0035).
        bail_signe.connect(recepteur_bail_signe, sender=Bail, dispatch_uid="partenariat_cloture_au_bail")

"""The whole path of an advert, through the real services, for the tests of the alerts and the pilotage: the
rapprochement's small territory (``tests/rapprochement/conftest.py``: the Grand Narbonne, Alogea with the State and
Action Logement, hand-made scored demands wishing Narbonne), the pair rules of the three flux, more freed dwellings
when a test needs them, an advert published and applied to, closed, presented to a session of the commission, its
offer refused or accepted, the lease signed (the advert then publishes its outcome)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.services import (
    annonce_clore,
    annonce_creer,
    annonce_presenter,
    annonce_publier,
    candidature_deposer,
    regle_enregistrer,
)
from attrib.commissions.enums import MotifRefus, SensVote, TypeDecision, Voix
from attrib.commissions.models import Bail, Offre, Seance
from attrib.commissions.services import (
    bail_signer,
    decision_enregistrer,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CompteDemandeur
from attrib.flux.models import LogementLibere
from attrib.flux.services import logement_declarer_libere
from attrib.organisations.acteurs import Acteur, acteur_de, acteur_systeme, oublier
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement
from tests.factories import CompteDemandeurFactory, LiaisonFactory
from tests.rapprochement.conftest import Monde, monde_rapprochement

SYSTEME = acteur_systeme("test")


@dataclass
class MondeLV:
    monde: Monde
    horloge: time_machine.Coordinates
    action_logement: Organisation
    comptes: dict[str, CompteDemandeur] = field(default_factory=dict)
    _logements: int = 2

    @property
    def d(self) -> dict[str, Demande]:
        return self.monde.demandes

    @property
    def bailleur(self) -> Acteur:
        return acteur_de(self.monde.gestionnaire_bailleur)

    def compte(self, nom: str) -> CompteDemandeur:
        """The household of demand ``nom`` follows it in its applicant space (its own account, « titulaire »)."""
        if nom not in self.comptes:
            compte = CompteDemandeurFactory()
            LiaisonFactory(compte=compte, demande=self.d[nom])
            oublier(compte.utilisateur)
            self.comptes[nom] = compte
        return self.comptes[nom]

    def menage(self, nom: str) -> Acteur:
        return acteur_de(self.compte(nom).utilisateur)

    def liberer(self, *, nb_pieces: int = 3, loyer: str = "430") -> LogementLibere:
        """One more dwelling of Les Pins (Narbonne, outside QPV, PLUS, 62 m², ground floor) freed today; the flux
        orients it."""
        self._logements += 1
        logement = Logement.objects.create(
            residence=self.monde.residence,
            identifiant=f"PINS-{self._logements}",
            nb_pieces=nb_pieces,
            surface_habitable=Decimal("62"),
            financement=Financement.PLUS,
            loyer_principal=Decimal(loyer),
            charges=Decimal("70"),
            etage=0,
        )
        jour = timezone.localdate()
        return logement_declarer_libere(
            auteur=SYSTEME, logement=logement, date_liberation=jour, nature="relocation", aujourd_hui=jour
        )

    def publier(self, ll: LogementLibere | None = None, **kw: Any) -> Annonce:
        """The bailleur advertises ``ll`` (PINS-2, oriented to the State, by default) and publishes it now."""
        ll = ll or self.monde.ll_etat
        annonce = annonce_creer(orientation=ll.orientations.get(actuelle=True), auteur=self.bailleur, **kw)
        return annonce_publier(annonce=annonce, auteur=self.bailleur)

    def candidater(self, annonce: Annonce, *noms: str) -> list[Candidature]:
        return [candidature_deposer(annonce=annonce, demande=self.d[n], auteur=self.menage(n)) for n in noms]

    def clore(self, annonce: Annonce) -> Annonce:
        """Move the clock past the closing and close the advert (its ranking is written)."""
        assert annonce.cloture_le is not None
        self.horloge.move_to(annonce.cloture_le + timedelta(minutes=1))
        annonce_clore(annonce=annonce, auteur=self.bailleur)
        return Annonce.objects.get(pk=annonce.pk)

    def commission(self, annonce: Annonce) -> Seance:
        """Present the first ranked to a session held today: everybody present, the candidates ranked in the
        advert's order."""
        jour = timezone.localdate()
        seance = seance_creer(auteur=SYSTEME, commission=self.monde.commission, date_seance=jour)
        examens = annonce_presenter(annonce=annonce, seance=seance, auteur=SYSTEME)
        presences_enregistrer(
            auteur=SYSTEME,
            seance=seance,
            presences={m.pk: "seance" for m in self.monde.commission.membres.all()},
        )
        seance_ouvrir(auteur=SYSTEME, seance=seance)
        votants = {m.pk: SensVote.POUR for m in self.monde.commission.membres.filter(voix=Voix.DELIBERATIVE)}
        for e in examens:
            decision_enregistrer(
                auteur=SYSTEME,
                examen=e,
                type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
                rang=e.rang_propose,
                votes=votants,
            )
        return seance

    def offre(self, annonce: Annonce) -> Offre:
        return offre_emettre(auteur=SYSTEME, logement=annonce.logement, envoyee_le=timezone.localdate())

    def refuser(self, offre: Offre) -> Offre:
        return offre_repondre(
            auteur=SYSTEME,
            offre=offre,
            accepte=False,
            motif_refus=MotifRefus.LOCALISATION,
            logement_adapte=True,
            repondue_le=timezone.localdate(),
        )

    def signer(self, offre: Offre) -> Bail:
        offre = offre_repondre(auteur=SYSTEME, offre=offre, accepte=True, repondue_le=timezone.localdate())
        return bail_signer(
            auteur=SYSTEME,
            offre=offre,
            date_signature=timezone.localdate(),
            accord_collectif=False,
            deja_locataire=False,
        )

    def jusqu_au_bail(self, annonce: Annonce) -> Bail:
        """Close, present, hold the session, offer to the first, who accepts; the lease is signed."""
        annonce = self.clore(annonce)
        self.commission(annonce)
        return self.signer(self.offre(annonce))

    def refus_du_premier(self, *noms: str) -> Offre:
        """The households ``noms`` apply to an advert of a new dwelling; after the closing and the session, the one
        ranked first refuses the offer."""
        annonce = self.publier(self.liberer())
        self.candidater(annonce, *noms)
        annonce = self.clore(annonce)
        self.commission(annonce)
        return self.refuser(self.offre(annonce))


def regles(monde: Monde, action_logement: Organisation) -> None:
    """The pair rules of Alogea: 30 % of the State's flux, 20 % of Action Logement's, 50 % of its own share."""
    debut = monde.jour.replace(month=1, day=1)
    regle_enregistrer(bailleur=monde.bailleur, reservataire=monde.etat, debut=debut, part=30, auteur=SYSTEME)
    regle_enregistrer(bailleur=monde.bailleur, reservataire=action_logement, debut=debut, part=20, auteur=SYSTEME)
    regle_enregistrer(bailleur=monde.bailleur, debut=debut, part=50, auteur=SYSTEME)


def monde_lv(horloge: time_machine.Coordinates) -> MondeLV:
    monde = monde_rapprochement()
    action_logement = Organisation.objects.get(type=TypeOrganisation.RESERVATAIRE, nom="Action Logement")
    regles(monde, action_logement)
    return MondeLV(monde=monde, horloge=horloge, action_logement=action_logement)

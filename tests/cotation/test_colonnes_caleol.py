"""The cotation reads the CALEOL's outcomes: refusals of an adapted dwelling (R441-2-10 11°; no answer within
the delay counts as a refusal, R441-10) give the socle grid's malus, refusals of a dwelling recorded as not
adapted do not; being ranked 2nd or 3rd for dwellings that went to others gives the « poulidor » bonus. Every
object is written through the services of ``attrib.commissions``; the socle grid is published by the demo's
installer, and the score detail and explanation carry the reason."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from attrib.commissions.enums import ModePresence, MotifRefus, QualiteMembre, SensVote, TypeDecision, Voix
from attrib.commissions.models import Offre, Seance
from attrib.commissions.services import (
    bail_signer,
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    offre_suivante,
    offres_expirer,
    presences_enregistrer,
    seance_cloturer,
    seance_creer,
    seance_ouvrir,
)
from attrib.cotation.colonnes import colonnes_cotation, evenements_caleol
from attrib.cotation.models import Cotation
from attrib.demandes.models import Demande
from attrib.demo.cotation import cotation_demo_installer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement, SourceResidence, TypeConstruction
from attrib.patrimoine.models import Logement, Residence
from tests.cotation.conftest import Territoire, un_adulte
from tests.factories import NARBONNE, a_l_heure

pytestmark = pytest.mark.django_db

MALUS = "refus_offres_adaptees"
BONUS = "poulidor"


class Caleol:
    """A bailleur of Narbonne with a CALEOL and dwellings; decisions are « attribution par classement »."""

    def __init__(self) -> None:
        self.bailleur = Organisation.objects.create(nom="Alogea", type=TypeOrganisation.BAILLEUR, siren="272500022")
        self.residence = Residence.objects.create(
            identifiant="OUEST",
            nom="Résidence Ouest",
            commune_id=NARBONNE,
            bailleur=self.bailleur,
            numero_voie="3",
            type_voie="rue",
            nom_voie="des Peupliers",
            code_postal="11100",
            type_construction=TypeConstruction.COLLECTIF,
            source=SourceResidence.RPLS_ADRESSES,
        )
        self.commission = commission_creer(
            auteur=acteur_systeme("test"),
            bailleur=self.bailleur,
            nom="CALEOL Narbonne",
            membres=[
                {
                    "nom": "Mme Durand",
                    "qualite": QualiteMembre.ADMINISTRATEUR,
                    "voix": Voix.DELIBERATIVE,
                    "president": True,
                },
                {"nom": "M. Roux", "qualite": QualiteMembre.REPRESENTANT_LOCATAIRES, "voix": Voix.DELIBERATIVE},
            ],
        )
        self.numero = 0

    def logement(self) -> Logement:
        self.numero += 1
        return Logement.objects.create(
            residence=self.residence,
            identifiant=f"OUEST-{self.numero:03d}",
            identifiant_rpls=f"{self.numero:010d}",
            nb_pieces=2,
            surface_habitable=Decimal("48"),
            financement=Financement.PLUS,
            loyer_principal=Decimal("350"),
        )

    def seance(self, jour: date) -> Seance:
        return seance_creer(auteur=acteur_systeme("test"), commission=self.commission, date_seance=jour)

    def classer(self, seance: Seance, *ordres_du_jour: tuple[Logement, list[Demande]]) -> None:
        """Put each dwelling on the agenda, hold the session (every member present, quorum reached) and rank
        the candidates 1, 2, 3 by unanimous votes; then close the session."""
        examens = [
            examen_inscrire(auteur=acteur_systeme("test"), seance=seance, logement=lg, candidats=candidats)
            for lg, candidats in ordres_du_jour
        ]
        membres = list(self.commission.membres.all())
        presences_enregistrer(
            auteur=acteur_systeme("test"), seance=seance, presences={m.pk: ModePresence.SEANCE for m in membres}
        )
        seance_ouvrir(auteur=acteur_systeme("test"), seance=seance, ouverte_le=a_l_heure(seance.date))
        votes = {m.pk: SensVote.POUR for m in membres if m.voix == Voix.DELIBERATIVE}
        for liste in examens:
            for rang, examen in enumerate(liste, start=1):
                decision_enregistrer(
                    auteur=acteur_systeme("test"),
                    examen=examen,
                    type_decision=TypeDecision.ATTRIBUTION_CLASSEMENT,
                    rang=rang,
                    votes=votes,
                )
        seance_cloturer(auteur=acteur_systeme("test"), seance=seance)


def _refuser(offre: Offre, *, adapte: bool) -> Offre:
    return offre_repondre(
        auteur=acteur_systeme("test"),
        offre=offre,
        accepte=False,
        motif_refus=MotifRefus.LOCALISATION,
        logement_adapte=adapte,
        repondue_le=offre.envoyee_le + timedelta(days=3),
    )


def test_refus_de_logements_adaptes_et_absence_de_reponse(territoire: Territoire) -> None:
    aujourd_hui = timezone.localdate()
    c = Caleol()
    refuse_adapte = territoire.demande(mois=30, personnes=un_adulte())
    refuse_inadapte = territoire.demande(mois=30, personnes=un_adulte())
    sans_reponse = territoire.demande(mois=30, personnes=un_adulte())
    candidats = [refuse_adapte, refuse_inadapte, sans_reponse]
    # Two dwellings, each offered in turn to the three candidates of a session two months ago.
    jour = aujourd_hui - timedelta(days=60)
    seance = c.seance(jour)
    premier, second = c.logement(), c.logement()
    c.classer(seance, (premier, candidats), (second, candidats))
    envoi = jour + timedelta(days=2)
    for logement, dernier_adapte in ((premier, None), (second, True)):
        offre = _refuser(offre_emettre(auteur=acteur_systeme("test"), logement=logement, envoyee_le=envoi), adapte=True)
        offre = _refuser(
            offre_suivante(auteur=acteur_systeme("test"), offre=offre, envoyee_le=envoi + timedelta(days=4)),
            adapte=False,
        )
        offre = offre_suivante(auteur=acteur_systeme("test"), offre=offre, envoyee_le=envoi + timedelta(days=8))
        assert offre.demande == sans_reponse
        if dernier_adapte is None:
            assert offres_expirer(auteur=acteur_systeme("test"), aujourd_hui=offre.date_limite + timedelta(days=1)) == 1
        else:
            _refuser(offre, adapte=True)
    limite_expiree = Offre.objects.get(logement=premier, demande=sans_reponse).date_limite

    evenements = evenements_caleol([d.pk for d in candidats])
    reponse = envoi + timedelta(days=3)
    assert evenements[refuse_adapte.pk][MALUS] == [reponse, reponse]
    assert evenements[refuse_inadapte.pk][MALUS] == []  # refused twice, never an adapted dwelling
    # No answer counts as a refusal (R441-10), on the deadline's day.
    assert evenements[sans_reponse.pk][MALUS] == sorted([limite_expiree, envoi + timedelta(days=11)])
    frame = colonnes_cotation(Demande.objects.filter(pk=refuse_adapte.pk), jour=aujourd_hui)
    assert frame.row(0, named=True)[MALUS] == [reponse, reponse]

    cotation_demo_installer(epci_org=territoire.epci, jour=aujourd_hui, auteur=acteur_systeme("test"))
    avec_malus = Cotation.objects.get(demande=refuse_adapte)
    assert avec_malus.detail["provisoire"][MALUS] == -300  # −150 per refusal, from 2 refusals in 12 months
    assert any("Refus répétés de logements adaptés" in phrase and "−300" in phrase for phrase in avec_malus.explication)
    assert MALUS not in Cotation.objects.get(demande=refuse_inadapte).detail["provisoire"]
    assert Cotation.objects.get(demande=sans_reponse).detail["provisoire"][MALUS] == -300


def test_les_refus_hors_de_la_fenetre_de_la_grille_ne_comptent_pas(territoire: Territoire) -> None:
    aujourd_hui = timezone.localdate()
    c = Caleol()
    demande = territoire.demande(mois=40, personnes=un_adulte())
    autres = [territoire.demande(mois=40, personnes=un_adulte()) for _ in range(2)]
    # One refusal 14 months ago, one 2 months ago: the socle grid counts refusals of the last 12 months.
    for ecart in (420, 60):
        seance = c.seance(aujourd_hui - timedelta(days=ecart))
        logement = c.logement()
        c.classer(seance, (logement, [demande, *autres]))
        _refuser(
            offre_emettre(auteur=acteur_systeme("test"), logement=logement, envoyee_le=seance.date + timedelta(days=1)),
            adapte=True,
        )
    assert len(evenements_caleol([demande.pk])[demande.pk][MALUS]) == 2
    cotation_demo_installer(epci_org=territoire.epci, jour=aujourd_hui, auteur=acteur_systeme("test"))
    assert MALUS not in Cotation.objects.get(demande=demande).detail["provisoire"]


def test_classee_deuxieme_sans_attribution(territoire: Territoire) -> None:
    aujourd_hui = timezone.localdate()
    c = Caleol()
    attributaires = [territoire.demande(mois=30, personnes=un_adulte()) for _ in range(2)]
    deuxieme = territoire.demande(mois=30, personnes=un_adulte())
    troisieme = territoire.demande(mois=30, personnes=un_adulte())
    dates = []
    for attributaire, ecart in zip(attributaires, (90, 30), strict=True):
        seance = c.seance(aujourd_hui - timedelta(days=ecart))
        logement = c.logement()
        c.classer(seance, (logement, [attributaire, deuxieme, troisieme]))
        offre = offre_emettre(
            auteur=acteur_systeme("test"), logement=logement, envoyee_le=seance.date + timedelta(days=1)
        )
        offre = offre_repondre(
            auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=offre.envoyee_le + timedelta(days=2)
        )
        bail_signer(
            auteur=acteur_systeme("test"),
            offre=offre,
            date_signature=offre.repondue_le,
            accord_collectif=False,
            deja_locataire=False,
        )
        dates.append(seance.date)
    # A session whose dwelling is not attributed yet: the rank 2 may still get it.
    seance = c.seance(aujourd_hui - timedelta(days=10))
    c.classer(seance, (c.logement(), [territoire.demande(mois=30), deuxieme, troisieme]))

    evenements = evenements_caleol([deuxieme.pk, troisieme.pk])
    assert evenements[deuxieme.pk]["classements_rang_2_ou_3"] == dates
    assert evenements[troisieme.pk]["classements_rang_2_ou_3"] == dates
    cotation_demo_installer(epci_org=territoire.epci, jour=aujourd_hui, auteur=acteur_systeme("test"))
    cotation = Cotation.objects.get(demande=deuxieme)
    assert cotation.detail["provisoire"][BONUS] == 100
    assert any("classée 2e ou 3e" in phrase for phrase in cotation.explication)

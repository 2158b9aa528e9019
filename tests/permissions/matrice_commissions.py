"""Permission rows of the CALEOL screens. The bailleur's commission seats the mayor of Gruissan (the
commune's organisation, and the « commune » user as the mayor's own account, deliberative) and the
préfecture (consultative); its remote session is open. The bailleur manages everything; the commune and the
State see the commission and its sessions; only the mayor's account votes remotely; offers belong to the
bailleur. Everyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from attrib.commissions.enums import QualiteMembre, Voix
from attrib.commissions.services import (
    commission_creer,
    decision_enregistrer,
    examen_inscrire,
    offre_emettre,
    offre_repondre,
    presences_enregistrer,
    seance_creer,
    seance_ouvrir,
)
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement, Residence
from tests.factories import GRUISSAN, creer_demande, personne
from tests.permissions.outils import R, Route

SIEGENT = {"bailleur", "commune", "etat"}
BAILLEUR = {"bailleur"}

LIGNES: list[Route] = [
    R("commissions:liste", SIEGENT),
    R("commissions:nouvelle", BAILLEUR),
    R("commissions:nouvelle", BAILLEUR, methode="post", donnees={}),
    R("commissions:commission", SIEGENT, args=("caleol_commission",)),
    R("commissions:commission", BAILLEUR, methode="post", args=("caleol_commission",), donnees={}),
    R("commissions:seance", SIEGENT, args=("caleol_seance",)),
    R("commissions:presences", BAILLEUR, methode="post", args=("caleol_seance",), donnees={}),
    R("commissions:ouvrir", BAILLEUR, methode="post", args=("caleol_seance",), donnees={}),
    R("commissions:cloturer", BAILLEUR, methode="post", args=("caleol_seance",), donnees={}),
    R("commissions:proces_verbal", SIEGENT, args=("caleol_seance",)),
    R("commissions:proces_verbal_corriger", BAILLEUR, methode="post", args=("caleol_seance",), donnees={}),
    R("commissions:decision", BAILLEUR, methode="post", args=("caleol_examen",), donnees={}),
    # Remote vote: the mayor's own account only (the commune's other members see, they do not vote).
    R("commissions:vote", {"commune"}, methode="post", args=("caleol_examen",), donnees={}),
    R("commissions:offre_emettre", BAILLEUR, args=("caleol_logement",)),
    R("commissions:offre_emettre", BAILLEUR, methode="post", args=("caleol_logement",), donnees={}),
    R("commissions:offres", BAILLEUR),
    R("commissions:offre", BAILLEUR, args=("caleol_offre",)),
    # The offer is accepted: no answer form any more, for anyone.
    R("commissions:offre", set(), methode="post", args=("caleol_offre",), donnees={}),
    R("commissions:offre_suivante", BAILLEUR, methode="post", args=("caleol_offre",), donnees={}),
    R("commissions:offre_courrier", BAILLEUR, args=("caleol_offre",)),
    R("commissions:bail", BAILLEUR, args=("caleol_offre",)),
    R("commissions:bail", BAILLEUR, methode="post", args=("caleol_offre",), donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    bailleur = orgs["bailleur"]
    maire = get_user_model().objects.get(username="commune")
    commission = commission_creer(
        auteur=acteur_systeme("test"),
        bailleur=bailleur,
        nom="CALEOL Gruissan",
        membres=[
            {"nom": "Mme Blanc", "qualite": QualiteMembre.ADMINISTRATEUR, "voix": Voix.DELIBERATIVE, "president": True},
            {
                "nom": "Maire de Gruissan",
                "qualite": QualiteMembre.MAIRE,
                "voix": Voix.DELIBERATIVE,
                "organisation": orgs["commune"],
                "utilisateur": maire,
            },
            {
                "nom": "Préfecture",
                "qualite": QualiteMembre.RESERVATAIRE,
                "voix": Voix.CONSULTATIVE,
                "organisation": orgs["etat"],
            },
        ],
    )
    jour = timezone.localdate()
    seance = seance_creer(auteur=acteur_systeme("test"), commission=commission, date_seance=jour, a_distance=True)
    blanc = commission.membres.get(president=True)
    presences_enregistrer(auteur=acteur_systeme("test"), seance=seance, presences={blanc.pk: "seance"})
    seance_ouvrir(auteur=acteur_systeme("test"), seance=seance)
    residence = Residence.objects.create(
        identifiant="CALEOL-GRUISSAN",
        commune_id=GRUISSAN,
        bailleur=bailleur,
        numero_voie="1",
        type_voie="rue",
        nom_voie="du Port",
        type_construction="collectif",
        source="rpls_adresses",
    )
    logements = [
        Logement.objects.create(
            residence=residence, identifiant=f"CALEOL-GRUISSAN-{i}", nb_pieces=3, surface_habitable=60
        )
        for i in (1, 2)
    ]
    candidats = [
        ids["dans"],
        *(creer_demande(guichet_org=orgs["guichet"], personnes=[personne(nom=n)]) for n in ("Caleol", "Commission")),
    ]
    a_decider = examen_inscrire(
        auteur=acteur_systeme("test"), seance=seance, logement=logements[0], candidats=candidats
    )
    decide = examen_inscrire(auteur=acteur_systeme("test"), seance=seance, logement=logements[1], candidats=candidats)
    decision_enregistrer(
        auteur=acteur_systeme("test"), examen=decide[0], type_decision="attribution", votes={blanc.pk: "pour"}
    )
    offre = offre_emettre(auteur=acteur_systeme("test"), logement=logements[1], envoyee_le=jour)
    offre_repondre(auteur=acteur_systeme("test"), offre=offre, accepte=True, repondue_le=jour)
    return {
        "caleol_commission": commission,
        "caleol_seance": seance,
        "caleol_examen": a_decider[0],
        "caleol_logement": logements[0],
        "caleol_offre": offre,
    }

"""The applicant space (issue 13): its pages belong to the applicant's account, each demand to the accounts
linked to it; the desk's letter of a linking code belongs to the managers of a desk that sees the demand.
Staff accounts get 404 on the applicant's pages, as the applicant does on theirs."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from attrib.demandes.models import Demande, PieceJustificative
from attrib.demandes.pieces import piece_deposer
from attrib.demandeurs.models import CanalCode, CompteDemandeur, Liaison, Qualite
from attrib.demandeurs.services import code_emettre
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, User
from tests.permissions.outils import ENREGISTREURS, R

LIGNES = [
    R("demandeurs:espace", {"demandeur"}),
    R("demandeurs:lier", {"demandeur"}),
    R("demandeurs:lier", {"demandeur"}, methode="post", donnees={}),
    R("demandeurs:demande", {"demandeur"}, args=("dans",)),
    R("demandeurs:demande", set(), args=("hors",)),
    R("demandeurs:acces_donner", {"demandeur"}, methode="post", args=("dans",), donnees={}),
    R("demandeurs:acces_donner", set(), methode="post", args=("hors",), donnees={}),
    R("demandeurs:acces_retirer", {"demandeur"}, methode="post", args=("dans", "acces_dans"), donnees={}),
    R("demandeurs:acces_retirer", set(), methode="post", args=("hors", "acces_hors"), donnees={}),
    # The household's own acts (decision 0027): its documents, updates, renewal, withdrawal.
    R("demandeurs:piece_deposer", {"demandeur"}, args=("dans", "piece")),
    R("demandeurs:piece_deposer", {"demandeur"}, methode="post", args=("dans", "piece"), donnees={}),
    R("demandeurs:piece_deposer", set(), args=("hors", "piece_hors")),
    R("demandeurs:piece_deposer", set(), methode="post", args=("hors", "piece_hors"), donnees={}),
    R("demandeurs:piece_fichier", {"demandeur"}, args=("dans", "piece")),
    R("demandeurs:piece_fichier", set(), args=("hors", "piece_hors")),
    R("demandeurs:modifier", {"demandeur"}, args=("dans", "ressources")),
    R("demandeurs:modifier", {"demandeur"}, methode="post", args=("dans", "menage"), donnees={}),
    R("demandeurs:modifier", set(), args=("hors", "ressources")),
    R("demandeurs:modifier", set(), methode="post", args=("hors", "logement"), donnees={}),
    R("demandeurs:renouveler", {"demandeur"}, args=("dans",)),
    R("demandeurs:renouveler", {"demandeur"}, methode="post", args=("dans",), donnees={}),
    R("demandeurs:renouveler", set(), args=("hors",)),
    R("demandeurs:retirer", {"demandeur"}, args=("dans",)),
    R("demandeurs:retirer", {"demandeur"}, methode="post", args=("dans",), donnees={}),
    R("demandeurs:retirer", set(), args=("hors",)),
    R("demandeurs:retirer", set(), methode="post", args=("hors",), donnees={}),
    R("demandeurs_guichet:courrier_emettre", ENREGISTREURS, methode="post", args=("dans",), donnees={}),
    R("demandeurs_guichet:courrier_emettre", set(), methode="post", args=("hors",), donnees={}),
    R("demandeurs_guichet:courrier", ENREGISTREURS, args=("courrier_dans",)),
    R("demandeurs_guichet:courrier", set(), args=("courrier_hors",)),
    # Answering an offer (decision 0028): « caleol_offre » (matrice_commissions) is the offer made to « dans ».
    R("demandeurs:offre", {"demandeur"}, args=("dans", "caleol_offre")),
    R("demandeurs:offre", set(), args=("hors", "caleol_offre")),
    R("demandeurs:offre", {"demandeur"}, methode="post", args=("dans", "caleol_offre"), donnees={}),
    R("demandeurs:offre", set(), methode="post", args=("hors", "caleol_offre"), donnees={}),
    R("demandeurs:offre_courrier", {"demandeur"}, args=("dans", "caleol_offre")),
    R("demandeurs:offre_courrier", set(), args=("hors", "caleol_offre")),
    # The account's pages, used logged out (decision 0028): open to nobody logged in and to the applicant, 404 for
    # every staff account. The link's page with a made-up token says the link is no longer valid.
    R("demandeurs:mot_de_passe_oublie", {"demandeur"}, anonyme="autorise"),
    R("demandeurs:mot_de_passe_oublie", {"demandeur"}, methode="post", donnees={}, anonyme="autorise"),
    R("demandeurs:mot_de_passe_nouveau", {"demandeur"}, args=("MQ", "jeton-invente"), anonyme="autorise"),
    R("demandeurs:mot_de_passe_change", {"demandeur"}, anonyme="autorise"),
    # FranceConnect's logout return: FranceConnect is not configured here, so 404 for all (its behaviour against a
    # real provider: tests/demandeurs/test_franceconnect.py).
    R("demandeurs:franceconnect_deconnexion", set(), anonyme="refus"),
]


def demandeur_lie(demande: Demande) -> User:
    """The applicant household's account, linked to ``demande`` (its own link, as the code gives it)."""
    user = User.objects.create(username="demandeur", email="menage@example.org")
    compte = CompteDemandeur.objects.create(utilisateur=user, courriel="menage@example.org")
    Liaison.objects.create(compte=compte, demande=demande, qualite=Qualite.TITULAIRE)
    return user


def _acces(demande: Demande, titulaire: Liaison, courriel: str) -> Liaison:
    user = User.objects.create(username=courriel, email=courriel)
    compte = CompteDemandeur.objects.create(utilisateur=user, courriel=courriel)
    return Liaison.objects.create(compte=compte, demande=demande, qualite=Qualite.CODEMANDEUR, accordee_par=titulaire)


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    dans, hors = ids["dans"], ids["hors"]
    assert ids["caleol_offre"].demande_id == dans.pk, "l'offre de la matrice des commissions est faite à « dans »"
    titulaire = Liaison.objects.get(demande=dans, qualite=Qualite.TITULAIRE)
    autre = CompteDemandeur.objects.create(
        utilisateur=User.objects.create(username="autre-menage"), courriel="autre@example.org"
    )
    titulaire_hors = Liaison.objects.create(compte=autre, demande=hors, qualite=Qualite.TITULAIRE)
    systeme = acteur_systeme("test")
    piece_hors = PieceJustificative.objects.filter(demande=hors, sensible=False).first()
    assert piece_hors is not None
    piece_deposer(piece=piece_hors, fichier=ContentFile(b"%PDF-1.4 hors", name="hors.pdf"), auteur=systeme)
    return {
        "piece_hors": piece_hors,
        "acces_dans": _acces(dans, titulaire, "codemandeur@example.org"),
        "acces_hors": _acces(hors, titulaire_hors, "codemandeur-hors@example.org"),
        "courrier_dans": code_emettre(demande=dans, canal=CanalCode.COURRIER, auteur=systeme).code_liaison,
        "courrier_hors": code_emettre(demande=hors, canal=CanalCode.COURRIER, auteur=systeme).code_liaison,
    }

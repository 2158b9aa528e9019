"""The partner committee (issue 15 §2). The Grand Narbonne's committee is chaired by the EPCI, with the commune,
the bailleur, the State, Action Logement and the social service as members; the guichet, the read-only account,
the account without organisation and the applicant do not sit in it (404 everywhere). Every member reads the
committee, its sessions, its agenda and its cases (in full or redacted: ``tests/partenariat/test_visibilite.py``);
the chair manages members, sessions, presences and the agenda; the members whose qualité brings cases bring them
(not the commune); only the social service attaches an assessment; with the household's consent, the assessment's
attachment is read by the chair, the State and the social service; the case is closed by the chair or by the
organisation that brought it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from attrib.labellisation.enums import ModeConsentement, ObjetConsentement
from attrib.labellisation.services import consentement_recueillir
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from attrib.partenariat import services
from attrib.partenariat.enums import QualiteMembre
from attrib.territoires.models import EPCI
from tests.permissions.outils import R

MEMBRES = {"bailleur", "epci", "commune", "etat", "action_logement", "service_social"}
PRESIDENT = {"epci"}
SAISISSANTS = MEMBRES - {"commune"}
EVALUATION = {"epci", "etat", "service_social"}

LIGNES = [
    R("partenariat:commissions", MEMBRES),
    R("partenariat:commission", MEMBRES, args=("pc_commission",)),
    R("partenariat:membre_nouveau", PRESIDENT, methode="post", args=("pc_commission",), donnees={}),
    R("partenariat:seance_nouvelle", PRESIDENT, methode="post", args=("pc_commission",), donnees={}),
    R("partenariat:dossiers_ouverts", MEMBRES, args=("pc_commission",)),
    R("partenariat:saisir", SAISISSANTS, args=("pc_commission", "dans")),
    R("partenariat:saisir", SAISISSANTS, methode="post", args=("pc_commission", "dans"), donnees={}),
    R("partenariat:saisir", set(), args=("pc_commission", "hors")),
    R("partenariat:seance", MEMBRES, args=("pc_seance_ouverte",)),
    R("partenariat:seance", MEMBRES, args=("pc_seance_prevue",)),
    R("partenariat:seance_ouvrir", PRESIDENT, methode="post", args=("pc_seance_prevue",), donnees={}),
    R("partenariat:seance_clore", PRESIDENT, methode="post", args=("pc_seance_ouverte",), donnees={}),
    R("partenariat:seance_presences", PRESIDENT, methode="post", args=("pc_seance_ouverte",), donnees={}),
    R("partenariat:compte_rendu", MEMBRES, args=("pc_seance_close",)),
    R("partenariat:compte_rendu", set(), args=("pc_seance_ouverte",)),
    R("partenariat:dossier", MEMBRES, args=("pc_dossier",)),
    R("partenariat:dossier_inscrire", PRESIDENT, methode="post", args=("pc_dossier",), donnees={}),
    R("partenariat:evaluation_joindre", {"service_social"}, methode="post", args=("pc_dossier",), donnees={}),
    R("partenariat:evaluation_fichier", EVALUATION, args=("pc_dossier", "pc_evaluation")),
    R("partenariat:avis_donner", MEMBRES, methode="post", args=("pc_dossier",), donnees={}),
    R("partenariat:decision_prendre", MEMBRES, methode="post", args=("pc_dossier",), donnees={}),
    R("partenariat:dossier_clore", {"epci", "service_social"}, methode="post", args=("pc_dossier",), donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """The committee, a session closed two weeks ago (its minutes frozen), one open today with the case of the
    demand « dans » (brought by the social service, with the household's consent and a social assessment with its
    PDF) on the agenda, one planned next month."""
    systeme = acteur_systeme("test")
    jour = timezone.localdate()
    commission = services.commission_creer(
        epci=EPCI.objects.get(siren="241100593"),
        nom="Commission partenariale",
        competence="Ménages prioritaires sans solution.",
        auteur=systeme,
    )
    for nom, qualite in (
        ("epci", QualiteMembre.PRESIDENT),
        ("commune", QualiteMembre.COMMUNE),
        ("bailleur", QualiteMembre.BAILLEUR),
        ("etat", QualiteMembre.ETAT),
        ("action_logement", QualiteMembre.RESERVATAIRE),
        ("service_social", QualiteMembre.SERVICE_SOCIAL),
    ):
        services.membre_ajouter(commission=commission, organisation=orgs[nom], qualite=qualite, auteur=systeme)
    dans = ids["dans"]
    consentement_recueillir(
        demande=dans,
        objet=ObjetConsentement.PARTAGE_PARTENAIRES,
        mode=ModeConsentement.ECRIT,
        donne_le=dans.date_enregistrement,
        auteur=systeme,
    )
    close = services.seance_creer(
        commission=commission, date_seance=jour - timedelta(days=14), lieu="Narbonne", auteur=systeme
    )
    services.seance_ouvrir(seance=close, auteur=systeme)
    close = services.seance_clore(seance=close, auteur=systeme)
    dossier = services.dossier_saisir(
        commission=commission, demande=dans, organisation=orgs["service_social"], motif="Sans solution.", auteur=systeme
    )
    evaluation = services.evaluation_joindre(
        dossier=dossier,
        organisation=orgs["service_social"],
        texte="Évaluation.",
        date_evaluation=jour,
        fichier=SimpleUploadedFile("e.pdf", b"%PDF-1.4 evaluation", content_type="application/pdf"),
        auteur=systeme,
    )
    ouverte = services.seance_creer(commission=commission, date_seance=jour, lieu="Narbonne", auteur=systeme)
    services.dossier_inscrire(dossier=dossier, seance=ouverte, auteur=systeme)
    ouverte = services.seance_ouvrir(seance=ouverte, auteur=systeme)
    prevue = services.seance_creer(
        commission=commission, date_seance=jour + timedelta(days=30), lieu="Narbonne", auteur=systeme
    )
    return {
        "pc_commission": commission,
        "pc_seance_close": close,
        "pc_seance_ouverte": ouverte,
        "pc_seance_prevue": prevue,
        "pc_dossier": dossier,
        "pc_evaluation": evaluation,
    }

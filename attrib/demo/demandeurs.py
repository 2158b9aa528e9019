"""Applicant accounts of the demo (issue 13): households linked to demo demands, and a social worker to whom
both households gave access, so that « Mon espace » can be tried at once. Printed beside the staff accounts
by ``charger_demo`` (same public password, for the demo only). The demo also opens the Grand Narbonne's online desk
(decision 0029), so that a household can file a demand from its space."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from attrib.demandes.enums import StatutDemande
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.demandeurs.services_depot import guichet_en_ligne_ouvrir
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation, User
from attrib.territoires.models import EPCI

#: The code guichet of the demo's online desk (in the numéro unique of the demands filed online).
CODE_GUICHET_EN_LIGNE = "GNWEB"


@dataclass(frozen=True)
class CompteDemandeurDemo:
    courriel: str
    libelle: str
    #: Indexes of the demo demands (oldest active demands first) the account reaches, and how.
    demandes: tuple[int, ...]
    qualite: str


COMPTES_DEMANDEURS_DEMO = (
    CompteDemandeurDemo("menage1.demo@example.org", "Ménage demandeur", (0,), Qualite.TITULAIRE),
    CompteDemandeurDemo("menage2.demo@example.org", "Ménage demandeur", (1,), Qualite.TITULAIRE),
    CompteDemandeurDemo(
        "travailleur.social.demo@example.org",
        "Travailleur social (accès donné par les deux ménages)",
        (0, 1),
        Qualite.TRAVAILLEUR_SOCIAL,
    ),
)


@dataclass(frozen=True)
class LigneDemandeurDemo:
    libelle: str
    courriel: str
    numeros: tuple[str, ...]


def demandes_des_comptes(demandes: models.QuerySet[Demande], premiere: Demande | None = None) -> list[Demande]:
    """The demo demands the households' own accounts reach, in the accounts' order: the active demand an account is
    already linked to; else, for the first account, ``premiere`` when given (the demand the demo's open advert of
    location voulue was fitted to); else the first active demand not chosen yet. Empty when there are too few."""
    actives = demandes.filter(statut=StatutDemande.ACTIVE).order_by("pk")
    reservees = {premiere.pk} if premiere is not None else set()
    choisies: list[Demande] = []
    for i, spec in enumerate(s for s in COMPTES_DEMANDEURS_DEMO if s.qualite == Qualite.TITULAIRE):
        prises = [d.pk for d in choisies]
        demande = (
            actives.filter(
                liaisons_demandeurs__compte__courriel=spec.courriel,
                liaisons_demandeurs__qualite=Qualite.TITULAIRE,
                liaisons_demandeurs__retiree_le__isnull=True,
            )
            .exclude(pk__in=prises)
            .first()
        )
        if demande is None and i == 0 and premiere is not None:
            demande = premiere
        if demande is None:
            demande = actives.exclude(pk__in=prises + sorted(reservees)).first()
        if demande is None:
            return []
        choisies.append(demande)
    return choisies


@transaction.atomic
def demandeurs_demo_creer(
    demandes: models.QuerySet[Demande], *, mot_de_passe: str, premiere: Demande | None = None
) -> list[LigneDemandeurDemo]:
    """Create (or reset) the demo's applicant accounts and their links to active demo demands
    (:func:`demandes_des_comptes`: the first ones, ``premiere`` for the first account when given, the links already
    made kept). Nothing when the demo holds fewer demands than the accounts need."""
    choisies = demandes_des_comptes(demandes, premiere)
    if not choisies:
        return []
    empreinte = make_password(mot_de_passe)
    maintenant = timezone.now()
    comptes: dict[str, CompteDemandeur] = {}
    for spec in COMPTES_DEMANDEURS_DEMO:
        user, _ = User.objects.update_or_create(
            username=f"demandeur-demo-{spec.courriel.split('@')[0]}",
            defaults={"email": spec.courriel, "password": empreinte, "is_active": True},
        )
        compte, _ = CompteDemandeur.objects.update_or_create(
            utilisateur=user, defaults={"courriel": spec.courriel, "courriel_verifie_le": maintenant}
        )
        comptes[spec.courriel] = compte
    lignes = []
    for spec in COMPTES_DEMANDEURS_DEMO:
        compte = comptes[spec.courriel]
        for i in spec.demandes:
            demande = choisies[i]
            if Liaison.objects.filter(compte=compte, demande=demande, retiree_le__isnull=True).exists():
                continue
            accordee_par = None
            if spec.qualite != Qualite.TITULAIRE:
                accordee_par = Liaison.objects.get(demande=demande, qualite=Qualite.TITULAIRE, retiree_le__isnull=True)
            Liaison.objects.create(compte=compte, demande=demande, qualite=spec.qualite, accordee_par=accordee_par)
        lignes.append(
            LigneDemandeurDemo(spec.libelle, spec.courriel, tuple(choisies[i].numero_unique for i in spec.demandes))
        )
    return lignes


def guichet_en_ligne_demo_ouvrir(epci: EPCI) -> Organisation:
    """The Grand Narbonne's online desk (idempotent)."""
    return guichet_en_ligne_ouvrir(
        epci=epci,
        code_guichet=CODE_GUICHET_EN_LIGNE,
        nom="Guichet en ligne du Grand Narbonne",
        auteur=acteur_systeme("démonstration (charger_demo)"),
    )


def tableau_demandeurs(
    lignes: list[LigneDemandeurDemo], *, mot_de_passe: str, adresse: str, guichet_en_ligne: Organisation | None = None
) -> str:
    """The applicant logins of the demo, printed after the staff's, and how to file a demand online."""
    depot = (
        [
            f"Dépôt en ligne : créez un compte sur {adresse.rstrip('/')}/mon-espace/inscription/ (ou connectez-vous), "
            f"puis « Déposer une demande » ; la demande est enregistrée par « {guichet_en_ligne} » "
            f"(code guichet {guichet_en_ligne.code_guichet})."
        ]
        if guichet_en_ligne is not None
        else []
    )
    if not lignes:
        return "\n".join(["Aucun compte demandeur de démonstration : la démo ne contient pas de demande.", *depot])
    entetes = ("Espace demandeur", "Courriel (identifiant)", "Mot de passe", "Demande(s)")
    rangs = [entetes, *((x.libelle, x.courriel, mot_de_passe, ", ".join(x.numeros)) for x in lignes)]
    largeurs = [max(len(r[i]) for r in rangs) for i in range(4)]
    return "\n".join(
        [
            "Comptes demandeurs de démonstration (ménages ; mots de passe publics : pour la démo uniquement) :",
            *("  " + "  ".join(c.ljust(w) for c, w in zip(r, largeurs, strict=True)).rstrip() for r in rangs),
            f"Ouvrez {adresse.rstrip('/')}/mon-espace/connexion/ et connectez-vous avec l'une de ces adresses.",
            *depot,
        ]
    )

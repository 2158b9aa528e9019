"""Online filing (issue 13, point 3; decision 0029): a household files its demand itself, from its applicant space,
and the demand is registered by the very service of the desk (``attrib.demandes.services.demande_enregistrer``):
same rules, same numéro unique, same cotation, same expected documents, same attestation.

- :func:`guichet_en_ligne_ouvrir`: the territory's online desk, an organisation of one EPCI flagged
  ``guichet_en_ligne`` with its own code guichet (the SNE's online portal is its own registration point too).
- :func:`guichet_en_ligne_de`: the online desk that registers a demand wishing these communes (the EPCI of the
  first one).
- :func:`demande_deposer_en_ligne`: the filing. Only a verified applicant account, with the household's consent;
  a household whose applicant or co-applicant is already on an active demand is refused, told to link that demand,
  and the desk of that demand is told (an entry of its business trail). The new demand is linked to the account
  at once (the household's own link, ``Liaison`` « titulaire »).

The registration is made by the system on behalf of the online desk (« dépôt en ligne »), once this module has
checked the household's right: the change journal still names the household's account (the request's context,
``attrib.journal.middleware``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from attrib.common.limites import CompteurEchecs
from attrib.common.services import evenement_enregistrer
from attrib.demandes import enums
from attrib.demandes.doublons import demandes_actives_de_la_personne
from attrib.demandes.models import Demande
from attrib.demandes.services import demande_enregistrer
from attrib.demandeurs.models import CompteDemandeur, Liaison, Qualite
from attrib.demandeurs.services import PORTEE, _echec, _exiger_demandeur, _verrou
from attrib.organisations.acteurs import Acteur, Refus, acteur_de, acteur_systeme, oublier
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.territoires.models import EPCI, Commune

MOTIF = "dépôt en ligne"
REFUS_NON_VERIFIE = (
    "Confirmez d'abord l'adresse de courriel de votre compte (lien reçu par courriel) : une demande ne se dépose "
    "qu'avec un compte confirmé."
)
REFUS_OUVRIR = "Seul un administrateur de l'installation ouvre le guichet en ligne d'un EPCI."
MESSAGE_CONSENTEMENT = (
    "Cochez cette case pour déposer votre demande : sans votre accord, elle ne peut pas être enregistrée."
)
#: Action of the business trail that tells the desk of an active demand that a household tried to file another one.
ACTION_DOUBLE = "depot_en_ligne_refuse"
_CODE_GUICHET = re.compile(r"^[A-Z0-9]{1,5}$")


class DemandeDejaActive(ValidationError):
    """The household already has an active demand: it is told to link it (one demand per household), nothing is
    registered. ``numero`` is given only for a demand the account already holds."""

    def __init__(self, message: str, *, numero: str = "", demande_id: int | None = None) -> None:
        super().__init__({"personnes": [message]})
        self.numero = numero
        self.demande_id = demande_id


# --- the online desk -----------------------------------------------------------------------------------------


@transaction.atomic
def guichet_en_ligne_ouvrir(*, epci: EPCI, code_guichet: str, auteur: Acteur, nom: str = "") -> Organisation:
    """Open (or update) the online desk of ``epci``: a registration desk with its own code guichet whose perimeter
    is the EPCI's communes. Idempotent: run again, it keeps the same organisation."""
    auteur = acteur_de(auteur)
    auteur.exiger(auteur.voit_tout, REFUS_OUVRIR)
    code = (code_guichet or "").strip().upper()
    if not _CODE_GUICHET.match(code):
        raise ValidationError(
            {"code_guichet": ["Le code guichet compte de 1 à 5 lettres ou chiffres, par exemple « WEB01 »."]}
        )
    nom = (nom or "").strip() or f"Guichet en ligne — {epci.nom}"
    org = Organisation.objects.select_for_update().filter(guichet_en_ligne=True, epci=epci).first()
    autres = Organisation.objects.filter(code_guichet=code)
    autre = (autres.exclude(pk=org.pk) if org is not None else autres).first()
    if autre is not None:
        raise ValidationError({"code_guichet": [f"Le code guichet « {code} » est déjà celui de « {autre} »."]})
    if org is None:
        org = Organisation(guichet_en_ligne=True, epci=epci)
    org.nom = nom
    org.type = TypeOrganisation.GUICHET
    org.code_guichet = code
    org.full_clean(validate_unique=False)
    org.save()
    communes = list(Commune.objects.filter(epci=epci).values_list("code_insee", flat=True))
    org.perimetre.set(communes)  # type: ignore[arg-type]
    return org


def guichet_en_ligne_de(communes: Sequence[str]) -> Organisation | None:
    """The online desk that registers a demand wishing ``communes``: the one of the first commune's EPCI."""
    if not communes:
        return None
    epci_id = Commune.objects.filter(code_insee=communes[0]).values_list("epci_id", flat=True).first()
    if epci_id is None:
        return None
    return Organisation.objects.filter(guichet_en_ligne=True, epci_id=epci_id).first()


def communes_ouvertes() -> list[tuple[str, str]]:
    """The communes a household may wish online (those of the EPCIs that have an online desk), by name."""
    epcis = Organisation.objects.filter(guichet_en_ligne=True).values("epci_id")
    return [
        (code, f"{nom} ({code})")
        for code, nom in Commune.objects.filter(epci_id__in=epcis).order_by("nom").values_list("code_insee", "nom")
    ]


def depot_ouvert() -> bool:
    return Organisation.objects.filter(guichet_en_ligne=True).exists()


# --- the filing ----------------------------------------------------------------------------------------------


def demande_active_du_compte(compte: CompteDemandeur) -> Demande | None:
    """The active demand the account holds as the household (its own link), if any."""
    return (
        Demande.objects.filter(
            liaisons_demandeurs__compte=compte,
            liaisons_demandeurs__qualite=Qualite.TITULAIRE,
            liaisons_demandeurs__retiree_le__isnull=True,
            statut=enums.StatutDemande.ACTIVE,
        )
        .order_by("pk")
        .first()
    )


def _compte_verifie(auteur: Acteur) -> CompteDemandeur:
    compte = _exiger_demandeur(auteur)
    if not compte.verifie:
        raise Refus(REFUS_NON_VERIFIE)
    return compte


def _refuser_si_deja_active(
    compte: CompteDemandeur, personnes: Sequence[dict[str, Any]], *, adresse: str, jour: date | None
) -> None:
    """One demand per household: refuse a filing whose applicant or co-applicant is already on an active demand.

    The household is told to link its demand with its numéro unique (the number of a demand it does not hold is
    never shown); the desk of each demand found is told by an entry of its trail, which the household does not see
    (the other demand may be another household's, e.g. a former partner's). Each such refusal counts as a failure of
    the linking scope (``liaison_demandeur``): a verified account cannot probe many names."""
    propre = demande_active_du_compte(compte)
    if propre is not None:
        raise DemandeDejaActive(
            f"Votre compte est déjà lié à une demande en cours, n° {propre.numero_unique} : un ménage n'a qu'une "
            "demande de logement social. Mettez-la à jour depuis « Ma demande ».",
            numero=propre.numero_unique,
            demande_id=propre.pk,
        )
    roles = (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR)
    trouvees: dict[int, str] = {}
    for p in personnes:
        if p.get("role") not in roles or not p.get("date_naissance") or not p.get("nom"):
            continue
        for demande_id in demandes_actives_de_la_personne(
            nom=str(p["nom"]),
            prenoms=str(p.get("prenoms") or ""),
            nom_naissance=str(p.get("nom_naissance") or ""),
            date_naissance=p["date_naissance"],
            jour=jour,
        ):
            trouvees.setdefault(demande_id, f"{p.get('prenoms') or ''} {p['nom']}".strip())
    if not trouvees:
        return
    compteur = CompteurEchecs(PORTEE)
    idents = [f"compte:{compte.pk}", f"adresse:{adresse}"]
    _verrou(compteur, idents)
    with transaction.atomic():
        for demande in Demande.objects.filter(pk__in=sorted(trouvees)).select_related("guichet"):
            evenement_enregistrer(
                objet=demande,
                action=ACTION_DOUBLE,
                auteur=compte.utilisateur,
                organisation=demande.guichet,
                visible_demandeur=False,
                resume=(
                    f"Dépôt en ligne refusé (compte demandeur n° {compte.pk}) : une personne de cette demande y "
                    "figurait. Le ménage est invité à lier cette demande à son compte par son numéro unique."
                ),
                details={"compte": compte.pk},
            )
    _echec(compteur, idents)
    nom = next(iter(trouvees.values()))
    raise DemandeDejaActive(
        f"Une demande de logement social est déjà en cours pour {nom} : un ménage n'a qu'une demande. Liez-la à "
        "votre compte avec son numéro unique (il figure sur l'attestation d'enregistrement) au lieu d'en déposer une "
        "nouvelle ; si vous ne l'avez plus, votre guichet peut vous le redonner. Le guichet de cette demande est "
        "prévenu de votre démarche."
    )


def demande_deposer_en_ligne(
    *,
    auteur: Acteur,
    donnees: dict[str, Any],
    personnes: Sequence[dict[str, Any]],
    communes: Sequence[str],
    motifs_secondaires: Sequence[str] = (),
    priorites: Sequence[str] = (),
    consentement: bool,
    adresse: str = "",
    aujourd_hui: date | None = None,
) -> Demande:
    """File a demand online for the household of the verified applicant account ``auteur`` and link it to that
    account. The registration is the desk's own (``demande_enregistrer``) at the online desk of the first wished
    commune's EPCI, channel « en ligne », filed today. Errors are located as the desk's are (``personnes[1].nom``,
    ``communes[0]``…), plus ``consentement``; :class:`DemandeDejaActive` when the household already has a demand."""
    auteur = acteur_de(auteur)
    compte = _compte_verifie(auteur)
    erreurs: dict[str, list[str]] = {}
    if not consentement:
        erreurs["consentement"] = [MESSAGE_CONSENTEMENT]
    guichet = guichet_en_ligne_de(communes)
    if guichet is None and communes:
        erreurs["communes[0]"] = [
            "Le dépôt en ligne n'est pas ouvert pour cette commune : choisissez en premier une commune proposée, ou "
            "déposez votre demande à un guichet enregistreur."
        ]
    if erreurs:
        raise ValidationError(erreurs)
    _refuser_si_deja_active(compte, personnes, adresse=adresse, jour=aujourd_hui)
    if guichet is None:  # no commune: the service names the field
        guichet = Organisation.objects.filter(guichet_en_ligne=True).order_by("pk").first()
        if guichet is None:
            raise ValidationError({"communes": ["Le dépôt en ligne n'est pas ouvert sur ce territoire."]})
    with transaction.atomic():
        demande = demande_enregistrer(
            guichet=guichet,
            auteur=acteur_systeme(MOTIF),
            donnees={**donnees, "canal": enums.Canal.EN_LIGNE},
            personnes=personnes,
            communes=communes,
            motifs_secondaires=motifs_secondaires,
            priorites=priorites,
            aujourd_hui=aujourd_hui,
        )
        Liaison.objects.create(compte=compte, demande=demande, qualite=Qualite.TITULAIRE)
    if auteur.utilisateur is not None:
        oublier(auteur.utilisateur)
    return demande

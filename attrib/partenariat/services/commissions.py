"""The committee and its members."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.partenariat import permissions
from attrib.partenariat.enums import QualiteMembre
from attrib.partenariat.models import CommissionPartenariale, MembreCommissionPartenariale
from attrib.partenariat.services._commun import _texte, _utilisateur, lever
from attrib.territoires.models import EPCI

#: The qualité an organisation may hold, by its type (an organisation holding reservation rights may also sit as
#: a réservataire; the State is a réservataire of category « État »).
QUALITES_PAR_TYPE: dict[str, frozenset[str]] = {
    TypeOrganisation.EPCI: frozenset({QualiteMembre.PRESIDENT, QualiteMembre.EPCI, QualiteMembre.RESERVATAIRE}),
    TypeOrganisation.COMMUNE: frozenset({QualiteMembre.COMMUNE, QualiteMembre.RESERVATAIRE}),
    TypeOrganisation.BAILLEUR: frozenset({QualiteMembre.BAILLEUR}),
    TypeOrganisation.RESERVATAIRE: frozenset({QualiteMembre.RESERVATAIRE, QualiteMembre.ETAT}),
    TypeOrganisation.SERVICE_SOCIAL: frozenset({QualiteMembre.SERVICE_SOCIAL}),
    TypeOrganisation.SIAO: frozenset({QualiteMembre.SIAO}),
    TypeOrganisation.GUICHET: frozenset(),
}


def _qualite_admise(organisation: Organisation, qualite: str) -> str | None:
    if qualite not in QualiteMembre.values:
        return f"Qualité « {qualite} » inconnue."
    if qualite == QualiteMembre.ETAT and organisation.categorie_reservataire != "etat":
        return f"{organisation.nom} ne représente pas l'État."
    if qualite not in QUALITES_PAR_TYPE.get(organisation.type, frozenset()):
        return (
            f"{organisation.nom} ({organisation.get_type_display().lower()}) ne peut pas siéger en qualité de "
            f"« {QualiteMembre(qualite).label} »."
        )
    return None


@transaction.atomic
def commission_creer(*, epci: EPCI, nom: str, competence: str, auteur: Acteur) -> CommissionPartenariale:
    """Create the partner committee of ``epci``. Its members are added after (``membre_ajouter``), the chair first."""
    auteur.exiger(permissions.peut_creer_commission(auteur, epci), permissions.REFUS_CREER)
    erreurs: dict[str, list[str]] = {}
    nom = _texte(nom, "nom", "le nom de la commission", erreurs, longueur=200, requis=True)
    competence = _texte(competence, "competence", "la compétence de la commission", erreurs, requis=True)
    if nom and CommissionPartenariale.objects.filter(epci=epci, nom=nom).exists():
        erreurs.setdefault("nom", []).append("Ce territoire a déjà une commission partenariale de ce nom.")
    lever(erreurs)
    commission = CommissionPartenariale.objects.create(epci=epci, nom=nom, competence=competence)
    evenement_enregistrer(
        objet=commission,
        action="commission_partenariale_creee",
        resume=f"Commission partenariale « {nom} » créée pour {epci.nom}.",
        auteur=_utilisateur(auteur),
    )
    return commission


@transaction.atomic
def membre_ajouter(
    *, commission: CommissionPartenariale, organisation: Organisation, qualite: str, auteur: Acteur
) -> MembreCommissionPartenariale:
    """Seat ``organisation`` in the committee. The chair is seated by the EPCI's managers when the committee has
    none; the other members by the chair's managers."""
    sans_president = not commission.membres.filter(qualite=QualiteMembre.PRESIDENT).exists()
    if sans_president and qualite == QualiteMembre.PRESIDENT:
        auteur.exiger(
            permissions.peut_creer_commission(auteur, commission.epci_id)
            or permissions.peut_gerer_commission(auteur, commission),
            permissions.REFUS_CREER,
        )
    else:
        auteur.exiger(permissions.peut_gerer_commission(auteur, commission), permissions.REFUS_GERER)
    erreurs: dict[str, list[str]] = {}
    if (erreur := _qualite_admise(organisation, qualite)) is not None:
        erreurs.setdefault("qualite", []).append(erreur)
    if commission.membres.filter(organisation=organisation).exists():
        erreurs.setdefault("organisation", []).append(f"{organisation.nom} est déjà membre de la commission.")
    if qualite == QualiteMembre.PRESIDENT and not sans_president:
        erreurs.setdefault("qualite", []).append("La commission a déjà un président.")
    if (
        qualite == QualiteMembre.PRESIDENT
        and organisation.epci_id is not None
        and organisation.epci_id != commission.epci_id
    ):
        erreurs.setdefault("organisation", []).append(
            "Une organisation d'un autre territoire ne préside pas la commission."
        )
    lever(erreurs)
    try:
        with transaction.atomic():
            membre = MembreCommissionPartenariale.objects.create(
                commission=commission, organisation=organisation, qualite=qualite
            )
    except IntegrityError as exc:  # a concurrent addition of the same member or chair
        raise ValidationError({"organisation": [f"{organisation.nom} est déjà membre de la commission."]}) from exc
    evenement_enregistrer(
        objet=commission,
        action="commission_partenariale_membre",
        resume=f"{organisation.nom} siège à la commission en qualité de « {membre.get_qualite_display()} ».",
        auteur=_utilisateur(auteur),
        organisation=organisation,
    )
    return membre

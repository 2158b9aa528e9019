"""Read-only questions about labels, consents and social follow-ups (the public API other apps call).

- :func:`validateur_de`: the organisation holding the right to validate a kind of label in an EPCI on a day
  (the local rule in force, else the data file's default kind of organisation for that EPCI);
- :func:`peut_valider`: whether an actor may validate (or record a decision on) a kind of label for a demand;
- :func:`labels_en_vigueur`: the labels in force on a day for many demands at once (one query);
- :func:`consentement_en_vigueur` / :func:`consentements`: the household's consents in force.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q

from attrib.engine import labellisation as moteur
from attrib.labellisation import parametres
from attrib.labellisation.enums import ObjetConsentement, StatutLabel
from attrib.labellisation.models import Accompagnement, Consentement, Label, RegleLabellisation
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation

if TYPE_CHECKING:
    from attrib.demandes.models import Demande
    from attrib.territoires.models import EPCI


@dataclass(frozen=True, slots=True)
class LabelEnVigueur:
    code: str
    libelle: str
    valide_jusqu_au: date | None


def _siren(epci: EPCI | str | None) -> str | None:
    if epci is None:
        return None
    return epci if isinstance(epci, str) else epci.pk


def epci_de_demande(demande: Demande) -> str | None:
    """The EPCI whose rules apply to a demand: its registration desk's, else that of its first wished commune."""
    guichet = demande.guichet
    if guichet is not None and guichet.epci_id:
        return str(guichet.epci_id)
    premiere = demande.communes_souhaitees.select_related("commune").order_by("rang").first()
    if premiere is not None and premiere.commune.epci_id:
        return str(premiere.commune.epci_id)
    return None


def regle_de(epci: EPCI | str | None, type_label: str, jour: date) -> RegleLabellisation | None:
    """The local rule in force (the latest started among those covering ``jour``)."""
    siren = _siren(epci)
    if siren is None:
        return None
    regles = list(
        RegleLabellisation.objects.filter(epci_id=siren, type_label=type_label).en_vigueur(jour).order_by("debut")
    )
    choisie = moteur.regle_en_vigueur(
        [
            moteur.RegleDatee(
                validateur_id=r.validateur_id, debut=r.debut, fin=r.fin, duree_mois=r.duree_mois, ident=r.pk
            )
            for r in regles
        ],
        jour,
    )
    if choisie is None:
        return None
    return next(r for r in regles if r.pk == choisie.ident)


def _validateur_par_defaut(siren: str, nature: str) -> Organisation | None:
    if nature == "etat":
        etat = Organisation.objects.filter(categorie_reservataire=CategorieReservataire.ETAT)
        return (
            etat.filter(epci_id=siren).order_by("pk").first()
            or etat.filter(perimetre__epci_id=siren).distinct().order_by("pk").first()
        )
    types = {"epci": TypeOrganisation.EPCI, "commune": TypeOrganisation.COMMUNE, "bailleur": TypeOrganisation.BAILLEUR}
    if nature not in types:
        return None
    return Organisation.objects.filter(type=types[nature], epci_id=siren).order_by("pk").first()


def validateur_de(epci: EPCI | str | None, type_label: str, jour: date) -> Organisation | None:
    """Who validates ``type_label`` in ``epci`` on ``jour``: the local rule's organisation, else the default kind
    of organisation of the data file for this EPCI (the State's services for DALO and the L441-1 letters, the
    EPCI for its local priorities), else nobody (the system and superusers only)."""
    siren = _siren(epci)
    if siren is None:
        return None
    regle = regle_de(siren, type_label, jour)
    if regle is not None:
        return regle.validateur
    t = parametres.type_label(type_label, jour)
    if t is None:
        return None
    return _validateur_par_defaut(siren, t.validateur)


def duree_de(epci: EPCI | str | None, type_label: str, jour: date) -> int | None:
    """Validity in months of a label validated on ``jour`` (the local rule's, else the data file's)."""
    t = parametres.type_label(type_label, jour)
    regle = regle_de(epci, type_label, jour)
    par_defaut = t.duree_mois if t is not None else None
    if regle is not None and regle.duree_mois is not None:
        return regle.duree_mois
    return par_defaut


def peut_valider(acteur: Acteur, demande: Demande, type_label: str, jour: date) -> bool:
    """A manager of the organisation holding the right (or the system, a superuser)."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    if not acteur.est_agent:
        return False
    validateur = validateur_de(epci_de_demande(demande), type_label, jour)
    return validateur is not None and acteur.est_membre(validateur.pk, ecriture=True)


def labels_en_vigueur(demande_ids: Iterable[int], jour: date) -> dict[int, list[LabelEnVigueur]]:
    """``{demande_id: [label in force]}`` for the given demands (absent: none), in one query."""
    ids = list(demande_ids)
    resultat: dict[int, list[LabelEnVigueur]] = defaultdict(list)
    if not ids:
        return {}
    lignes = (
        Label.objects.filter(demande_id__in=ids)
        .en_vigueur(jour)
        .order_by("demande_id", "type_label")
        .values_list("demande_id", "type_label", "valide_jusqu_au")
    )
    for demande_id, code, fin in lignes:
        resultat[demande_id].append(LabelEnVigueur(code=code, libelle=parametres.libelle(code), valide_jusqu_au=fin))
    return dict(resultat)


def consentement_en_vigueur(
    demande: Demande | int, objet: str, jour: date, organisation: Organisation | int | None = None
) -> Consentement | None:
    """The consent of ``objet`` given on or before ``jour`` and not withdrawn then (for a social follow-up: the
    one given to ``organisation``)."""
    demande_id = demande if isinstance(demande, int) else demande.pk
    qs = Consentement.objects.filter(demande_id=demande_id, objet=objet).en_vigueur(jour)
    if organisation is not None:
        qs = qs.filter(organisation_id=organisation if isinstance(organisation, int) else organisation.pk)
    return qs.order_by("-donne_le", "-id").first()


def consentements(demande_ids: Iterable[int], objet: str, jour: date) -> dict[int, Consentement]:
    """``{demande_id: consent in force}`` (the latest given) for many demands, in one query."""
    resultat: dict[int, Consentement] = {}
    qs = Consentement.objects.filter(demande_id__in=list(demande_ids), objet=objet).en_vigueur(jour)
    for c in qs.order_by("demande_id", "donne_le", "id"):
        resultat[c.demande_id] = c
    return resultat


def labels_a_examiner(acteur: Acteur, jour: date) -> list[Label]:
    """The proposals waiting for the actor's organisations: those whose validator in force is one of them."""
    acteur = acteur_de(acteur)
    qs = Label.objects.filter(statut=StatutLabel.PROPOSE).select_related("demande", "demande__guichet", "organisation")
    if acteur.voit_tout:
        return list(qs.order_by("propose_le", "id"))
    ids = set(acteur.organisation_ids(ecriture=True))
    if not ids:
        return []
    return [lab for lab in qs.order_by("propose_le", "id") if peut_valider(acteur, lab.demande, lab.type_label, jour)]


def accompagnements_en_cours(acteur: Acteur, jour: date) -> list[Accompagnement]:
    """The households followed by the actor's social services, with their consent in force."""
    acteur = acteur_de(acteur)
    qs = Accompagnement.objects.en_cours(jour).select_related("demande", "referent", "organisation", "consentement")
    if not acteur.voit_tout:
        ids = acteur.organisation_ids(types=(TypeOrganisation.SERVICE_SOCIAL,))
        if not ids:
            return []
        qs = qs.filter(organisation_id__in=ids)
    qs = qs.filter(Q(consentement__retire_le__isnull=True) | Q(consentement__retire_le__gt=jour))
    return list(qs.order_by("demande__numero_unique"))


def suit_le_menage(acteur: Acteur, demande: Demande | int, jour: date) -> bool:
    """A social service of the actor follows this household today, with its consent."""
    acteur = acteur_de(acteur)
    demande_id = demande if isinstance(demande, int) else demande.pk
    ids = acteur.organisation_ids(types=(TypeOrganisation.SERVICE_SOCIAL,))
    if not ids:
        return False
    return (
        Accompagnement.objects.en_cours(jour)
        .filter(demande_id=demande_id, organisation_id__in=ids)
        .filter(Q(consentement__retire_le__isnull=True) | Q(consentement__retire_le__gt=jour))
        .exists()
    )


__all__ = [
    "LabelEnVigueur",
    "ObjetConsentement",
    "accompagnements_en_cours",
    "consentement_en_vigueur",
    "consentements",
    "duree_de",
    "epci_de_demande",
    "labels_a_examiner",
    "labels_en_vigueur",
    "peut_valider",
    "regle_de",
    "suit_le_menage",
    "validateur_de",
]

"""The dated rules of a bailleur × réservataire pair: the share of the réservataire's flux (or of the bailleur's own
share) put in location voulue, which dwellings qualify, how long an advert stays open.

A pair has at most one rule in force on a given day. A new rule that starts after an open-ended one replaces it:
the earlier rule is closed the day before (a territory changes a rule by adding a dated one, as for every dated
value); any other overlap is refused. For a réservataire, the rule lives within the life of the pair's reservation
agreements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from attrib.annonces import permissions
from attrib.annonces.models import RegleLocationVoulue
from attrib.annonces.services._commun import _utilisateur
from attrib.common.services import evenement_enregistrer
from attrib.flux.models import ConventionReservation
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import Financement

#: Financings a rule may retain (those with a resource ceiling: the eligibility of an advert is checked on them).
FINANCEMENTS = (Financement.PLAI.value, Financement.PLUS.value, Financement.PLS.value)
TYPOLOGIE_MAX = 6


def _periode(debut: date, fin: date | None) -> str:
    return f"du {debut:%d/%m/%Y} au {fin:%d/%m/%Y}" if fin else f"à partir du {debut:%d/%m/%Y}"


def _verifier_conventions(
    bailleur: Organisation, reservataire: Organisation, debut: date, fin: date | None, erreurs: dict[str, list[str]]
) -> None:
    conventions = list(
        ConventionReservation.objects.filter(bailleur=bailleur, reservataire=reservataire).order_by("debut")
    )
    if not conventions:
        erreurs.setdefault("reservataire", []).append(
            f"{reservataire} n'a pas de convention de réservation avec {bailleur} : il n'a pas de flux à publier."
        )
        return
    vies = ", ".join(_periode(c.debut, c.fin) for c in conventions)
    if not any(c.en_vigueur_le(debut) for c in conventions):
        erreurs.setdefault("debut", []).append(
            f"La règle commence le {debut:%d/%m/%Y}, hors de la vie des conventions de réservation de "
            f"{reservataire} avec {bailleur} ({vies})."
        )
    fins = [c.fin for c in conventions]
    if all(f is not None for f in fins):
        derniere = max(f for f in fins if f is not None)
        if fin is None or fin > derniere:
            erreurs.setdefault("fin", []).append(
                f"Les conventions de réservation de {reservataire} avec {bailleur} prennent fin le "
                f"{derniere:%d/%m/%Y} : la règle se termine au plus tard ce jour-là."
            )


@transaction.atomic
def regle_enregistrer(
    *,
    bailleur: Organisation,
    reservataire: Organisation | None = None,
    debut: date,
    fin: date | None = None,
    part: int,
    typologie_min: int | None = None,
    typologie_max: int | None = None,
    hors_qpv_seulement: bool = False,
    financements: Iterable[str] = (),
    duree_publication_jours: int | None = None,
    auteur: Acteur,
) -> RegleLocationVoulue:
    """Record the rule of the pair ``bailleur`` × ``reservataire`` (``None``: the bailleur's own share) from
    ``debut`` (to ``fin``, or open-ended): ``part`` % of the dwellings oriented to it put in location voulue,
    qualifying by typology (``typologie_min``…``typologie_max``, 6 = six rooms and more), outside QPV only or not,
    by financing (empty: all), open ``duree_publication_jours`` days (empty: the territory's default)."""
    auteur.exiger(permissions.peut_gerer_regles(auteur, bailleur), permissions.REFUS_REGLES)
    # One writer of the pair's rules at a time: the overlap check reads what the others wrote.
    bailleur = Organisation.objects.select_for_update().get(pk=bailleur.pk)
    erreurs: dict[str, list[str]] = {}
    if bailleur.type != TypeOrganisation.BAILLEUR:
        erreurs["bailleur"] = [f"{bailleur} n'est pas un bailleur."]
    if reservataire is not None and reservataire.pk == bailleur.pk:
        erreurs["reservataire"] = [
            "Le bailleur n'est pas son propre réservataire : laissez le réservataire vide pour sa part non réservée."
        ]
    if isinstance(part, bool) or not isinstance(part, int) or not 0 <= part <= 100:
        erreurs["part"] = ["La part de location voulue est un pourcentage entier, de 0 à 100."]
    if fin is not None and fin < debut:
        erreurs["fin"] = ["La fin de la règle précède son début."]
    for cle, valeur in (("typologie_min", typologie_min), ("typologie_max", typologie_max)):
        if valeur is not None and (isinstance(valeur, bool) or not 1 <= valeur <= TYPOLOGIE_MAX):
            erreurs[cle] = [f"Une typologie va de 1 à {TYPOLOGIE_MAX} pièces (6 : six pièces et plus)."]
    if typologie_min is not None and typologie_max is not None and typologie_max < typologie_min:
        erreurs["typologie_max"] = ["La typologie maximale est inférieure à la typologie minimale."]
    financements = sorted(set(financements))
    if inconnus := [f for f in financements if f not in FINANCEMENTS]:
        erreurs["financements"] = [
            f"Financement(s) inconnu(s) : {', '.join(inconnus)} (attendu : {', '.join(FINANCEMENTS)})."
        ]
    if duree_publication_jours is not None and (
        isinstance(duree_publication_jours, bool) or duree_publication_jours < 1
    ):
        erreurs["duree_publication_jours"] = ["Une annonce reste publiée au moins un jour."]
    if reservataire is not None and not erreurs.get("reservataire"):
        _verifier_conventions(bailleur, reservataire, debut, fin, erreurs)
    du_couple = RegleLocationVoulue.objects.select_for_update().filter(bailleur=bailleur, reservataire=reservataire)
    remplacee = du_couple.filter(fin__isnull=True, debut__lt=debut).order_by("-debut").first()
    chevauchent = du_couple.filter(Q(fin__isnull=True) | Q(fin__gte=debut))
    if fin is not None:
        chevauchent = chevauchent.filter(debut__lte=fin)
    if remplacee is not None:
        chevauchent = chevauchent.exclude(pk=remplacee.pk)
    if (autre := chevauchent.order_by("debut").first()) is not None:
        pour = reservataire or "la part du bailleur"
        erreurs.setdefault("debut", []).append(
            f"Une règle de {bailleur} pour {pour} est déjà en vigueur {_periode(autre.debut, autre.fin)} : "
            "deux règles d'un même couple ne s'appliquent pas le même jour."
        )
    if erreurs:
        raise ValidationError(erreurs)
    if remplacee is not None:
        remplacee.fin = debut - timedelta(days=1)
        remplacee.save(update_fields=["fin"])
    regle = RegleLocationVoulue.objects.create(
        bailleur=bailleur,
        reservataire=reservataire,
        debut=debut,
        fin=fin,
        part=part,
        typologie_min=typologie_min,
        typologie_max=typologie_max,
        hors_qpv_seulement=hors_qpv_seulement,
        financements=financements,
        duree_publication_jours=duree_publication_jours,
        cree_par=_utilisateur(auteur),
    )
    evenement_enregistrer(
        objet=regle,
        action="regle_location_voulue",
        resume=f"Règle de location voulue : {regle}"
        + (f" (la règle précédente prend fin le {remplacee.fin:%d/%m/%Y})" if remplacee is not None else "")
        + ".",
        auteur=_utilisateur(auteur),
        organisation=bailleur,
        details={"regle": regle.pk, "remplacee": remplacee.pk if remplacee is not None else None},
    )
    return regle

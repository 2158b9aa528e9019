"""The demand list's search: the communes offered in its filter and the demands its search and filters select
for an actor, shared by the list page, its exports and the export job run by the worker."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from attrib.demandes import selectors
from attrib.demandes.comptes import fraicheur_perimetres
from attrib.demandes.forms import RechercheForm
from attrib.demandes.models import Demande
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.territoires.models import Commune


def communes_proposees(organisations: Iterable[Organisation]) -> QuerySet[Commune]:
    """Communes of the EPCI(s) the organisations belong to, plus their own perimeter."""
    orgs = list(organisations)
    ids = [o.pk for o in orgs]
    # Uncorrelated IN lists, no join: the 35,000 communes of the referential are not joined to the
    # perimeters then made distinct (decision 0018).
    perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=ids).values("commune_id")
    sieges = [o.commune_id for o in orgs if o.commune_id]
    epcis_perimetre = (
        Commune.objects.filter(Q(code_insee__in=perimetre) | Q(code_insee__in=sieges))
        .exclude(epci=None)
        .values("epci_id")
    )
    epcis_directs = [o.epci_id for o in orgs if o.epci_id]
    return Commune.objects.filter(
        Q(epci_id__in=epcis_perimetre) | Q(epci_id__in=epcis_directs) | Q(code_insee__in=perimetre)
    ).order_by("nom")


def _choix_communes(qs: QuerySet[Commune]) -> list[tuple[str, str]]:
    return [(code, f"{nom} ({code})") for code, nom in qs.values_list("code_insee", "nom")]


#: Choices of the commune filter already read: (organisations, state of the perimeters) → choices.
_CHOIX: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
_CHOIX_MAX = 512
_VERROU = threading.Lock()


def _etat_perimetres() -> tuple[Any, ...]:
    """What changes when a perimeter changes (the journal's generation of the organisations: one index step). The
    referential of communes itself is loaded at installation (``importer_territoires``), never by the service."""
    return fraicheur_perimetres()


def _communes_filtre(user: Any) -> list[tuple[str, str]]:
    acteur = acteur_de(user)
    orgs = acteur.organisations()
    if orgs:
        # The same choices on every page of the list: read once per set of organisations and state of the
        # perimeters (reading them joins the 35,000 communes of the referential).
        cle = (tuple(sorted((o.pk, o.commune_id, o.epci_id) for o in orgs)), _etat_perimetres())
        with _VERROU:
            connus = _CHOIX.get(cle)
        if connus is None:
            connus = _choix_communes(communes_proposees(orgs))
            with _VERROU:
                if len(_CHOIX) >= _CHOIX_MAX:
                    _CHOIX.clear()
                _CHOIX[cle] = connus
        return connus
    if acteur.est_superutilisateur:
        return _choix_communes(
            # The deployed territory: the communes of some perimeter.
            Commune.objects.filter(code_insee__in=Organisation.perimetre.through.objects.values("commune_id")).order_by(
                "nom"
            )
        )
    return []


def demandes_filtrees(user: Any, donnees: Any) -> QuerySet[Demande]:
    """The demands the list's search and filters ``donnees`` select for ``user`` (an export run by the worker)."""
    return _formulaire_et_demandes(user, donnees)[1]


def _formulaire_et_demandes(
    user: Any, donnees: Any, *, par_ligne: bool = False
) -> tuple[RechercheForm, QuerySet[Demande]]:
    form = RechercheForm(donnees or None, communes=_communes_filtre(user))
    try:
        qs = selectors.demandes_liste(
            user=user, recherche=form.recherche(), filtres=form.filtres(), par_ligne=par_ligne
        )
    except ValidationError as exc:
        for champ, messages_champ in exc.message_dict.items():
            form.add_error(champ if champ in form.fields else None, messages_champ)
        qs = Demande.objects.none()
    return form, qs

"""Reads on demands: lists, detail, history and what a user may see of sensitive situations.

Every selector starts from ``Demande.objects.visible_to(user)``: a demand outside the user's
perimeter behaves exactly like a missing one (``Http404`` for the detail).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.demandes import enums, regles
from attrib.demandes.models import (
    CommuneSouhaitee,
    Demande,
    DoublonPotentiel,
    Personne,
    PieceJustificative,
    PrioriteLegale,
    SituationPrioritaire,
)
from attrib.demandes.normalisation import normaliser_nom
from attrib.organisations.permissions import peut_voir_situations_sensibles

#: Filters understood by ``demandes_liste`` (key → what it selects).
FILTRES = {
    "statut": "statut de la demande (active, radiee)",
    "commune": "code INSEE d'une commune souhaitée (à n'importe quel rang)",
    "typologie": "nombre de pièces compris entre la typologie minimale et maximale",
    "guichet": "identifiant de l'organisation qui a enregistré la demande",
    "dalo": "reconnue prioritaire DALO (oui / non)",
    "priorite": "code d'une priorité L441-1 déclarée (ex. l441_k)",
    "mutation": "demande de mutation d'un locataire HLM (oui / non)",
    "echeance_proche": "active et arrivant à échéance dans le délai de préavis de renouvellement (oui)",
}

_VRAI = {"1", "true", "oui", "on", "yes", "vrai"}
_FAUX = {"0", "false", "non", "off", "no", "faux"}


def _booleen(cle: str, valeur: Any) -> bool | None:
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, bool):
        return valeur
    texte = str(valeur).strip().lower()
    if texte in _VRAI:
        return True
    if texte in _FAUX:
        return False
    raise ValidationError({cle: [f"Valeur « {valeur} » non comprise : attendu oui ou non."]})


def _entier(cle: str, valeur: Any) -> int:
    try:
        return int(valeur)
    except (TypeError, ValueError):
        raise ValidationError({cle: [f"Valeur « {valeur} » non comprise : attendu un nombre entier."]}) from None


def priorites_visibles(user: Any, *, jour: date | None = None) -> QuerySet[PrioriteLegale]:
    """The priorities in force that the user may see (choices of a filter or a form)."""
    jour = jour or timezone.localdate()
    qs = PrioriteLegale.objects.filter(date_debut__lte=jour).exclude(date_fin__lt=jour)
    if not peut_voir_situations_sensibles(user):
        qs = qs.filter(sensible=False)
    return qs


def _annoter_liste(qs: QuerySet[Demande]) -> QuerySet[Demande]:
    demandeur = Personne.objects.filter(demande=OuterRef("pk"), role=enums.RolePersonne.DEMANDEUR)
    premiere_commune = CommuneSouhaitee.objects.filter(demande=OuterRef("pk")).order_by("rang")
    nb_personnes = (
        Personne.objects.filter(demande=OuterRef("pk")).order_by().values("demande").annotate(n=Count("pk")).values("n")
    )
    return qs.select_related("guichet").annotate(
        demandeur_nom=Subquery(demandeur.values("nom")[:1]),
        demandeur_prenoms=Subquery(demandeur.values("prenoms")[:1]),
        nb_personnes=Coalesce(Subquery(nb_personnes, output_field=IntegerField()), Value(0)),
        commune_principale=Subquery(premiere_commune.values("commune__nom")[:1]),
        commune_principale_code=Subquery(premiere_commune.values("commune_id")[:1]),
    )


def _filtre_recherche(recherche: str) -> Q | None:
    texte = recherche.strip()
    if not texte:
        return None
    compact = "".join(texte.split()).upper()
    avec_chiffre = compact.isalnum() and any(c.isdigit() for c in compact)
    condition = Q(numero_unique__startswith=compact) if avec_chiffre else Q(pk__in=[])
    jetons = normaliser_nom(texte).split()
    if jetons:
        personnes = Personne.objects.filter(demande=OuterRef("pk"))
        for jeton in jetons:
            personnes = personnes.filter(Q(nom_normalise__contains=jeton) | Q(nom_naissance_normalise__contains=jeton))
        condition = condition | Q(Exists(personnes))
    return condition


def demandes_liste(
    *,
    user: Any,
    recherche: str = "",
    filtres: Mapping[str, Any] | None = None,
    aujourd_hui: date | None = None,
    par_ligne: bool = False,
) -> QuerySet[Demande]:
    """Demands of the user's perimeter matching a search and filters, annotated for a list.

    ``recherche``: start of a numéro unique, or words of the name (usage or birth name, first
    names) of any person of the household, accents and case ignored.
    ``filtres``: keys of ``FILTRES``; empty values are ignored; a value that cannot be understood
    raises ``ValidationError`` keyed by the filter name.

    Each row carries ``demandeur_nom``, ``demandeur_prenoms``, ``nb_personnes``,
    ``commune_principale`` (name of the commune wished first) and ``commune_principale_code``;
    ``guichet`` is joined. ``par_ligne``: the list is read by pages (``DemandeQuerySet.visible_to``).
    """
    filtres = {k: v for k, v in (filtres or {}).items() if v not in (None, "")}
    inconnus = set(filtres) - set(FILTRES)
    if inconnus:
        raise ValidationError({k: [f"Filtre inconnu : « {k} »."] for k in sorted(inconnus)})
    jour = aujourd_hui or timezone.localdate()
    qs = Demande.objects.visible_to(user, par_ligne=par_ligne)

    condition = _filtre_recherche(recherche)
    if condition is not None:
        qs = qs.filter(condition)

    if "statut" in filtres:
        if filtres["statut"] not in enums.StatutDemande.values:
            raise ValidationError({"statut": [f"Statut inconnu : « {filtres['statut']} »."]})
        qs = qs.filter(statut=filtres["statut"])
    if "commune" in filtres:
        qs = qs.souhaitant_commune(str(filtres["commune"]))
    if "typologie" in filtres:
        pieces = _entier("typologie", filtres["typologie"])
        qs = qs.filter(typologie_min__lte=pieces, typologie_max__gte=pieces)
    if "guichet" in filtres:
        qs = qs.filter(guichet_id=_entier("guichet", filtres["guichet"]))
    dalo = _booleen("dalo", filtres.get("dalo"))
    if dalo is not None:
        qs = qs.filter(dalo_reconnu=dalo)
    if "priorite" in filtres:
        code = str(filtres["priorite"])
        if not priorites_visibles(user, jour=jour).filter(code=code).exists():
            raise ValidationError({"priorite": [f"Priorité inconnue : « {code} »."]})
        qs = qs.filter(
            Exists(SituationPrioritaire.objects.filter(demande=OuterRef("pk"), priorite_id=code)),
        )
    mutation = _booleen("mutation", filtres.get("mutation"))
    if mutation is not None:
        est_mutation = Q(statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL)
        qs = qs.filter(est_mutation if mutation else ~est_mutation)
    if _booleen("echeance_proche", filtres.get("echeance_proche")):
        limite = regles.ajouter_mois(jour, regles.parametre("preavis_renouvellement", jour))
        qs = qs.actives().filter(date_echeance__gte=jour, date_echeance__lte=limite)

    return _annoter_liste(qs)


def lignes_de_page(demandes: QuerySet[Demande], tranche: Any) -> list[Demande]:
    """The rows of one page (``tranche``, a slice of ``demandes``, a :func:`demandes_liste`), annotated.

    The page's ids are chosen first with the filters and the order alone (a walk along the list's index, however
    deep the page: the names and counts are not computed for the rows skipped before it); then only these rows
    are read with their annotations, by their ids alone, in the page's order. The first page skips nothing: read
    as it is."""
    if tranche.query.low_mark == 0:
        return list(tranche)
    ids = list(tranche.values_list("pk", flat=True))
    # The ids come from the user's list: their rows are read by id alone, without the perimeter and the filters
    # again (each reading of the perimeter hashes every demand wishing one of its communes).
    par_id = {d.pk: d for d in _annoter_liste(Demande.objects.filter(pk__in=ids))}
    return [par_id[pk] for pk in ids if pk in par_id]


def demande_detail(*, user: Any, pk: Any) -> Demande:
    """One demand of the user's perimeter with everything its page shows; ``Http404`` otherwise."""
    qs = (
        Demande.objects.visible_to(user, par_ligne=True)  # one demand: its own communes looked up (decision 0023)
        .select_related("guichet", "guichet__commune")
        .prefetch_related(
            Prefetch("personnes", queryset=Personne.objects.order_by("id")),
            Prefetch("communes_souhaitees", queryset=CommuneSouhaitee.objects.select_related("commune")),
            "motifs_secondaires",
            Prefetch(
                "situations_prioritaires",
                queryset=SituationPrioritaire.objects.select_related("priorite", "validee_par").order_by(
                    "priorite__ordre", "priorite__code"
                ),
            ),
            Prefetch("pieces", queryset=PieceJustificative.objects.select_related("validee_par")),
        )
    )
    try:
        return qs.get(pk=pk)
    except (Demande.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404("Demande introuvable.") from None


def historique(demande: Demande, *, user: Any = None) -> QuerySet[Evenement]:
    """The audit trail of a demand, newest first. Given a ``user`` who may not see sensitive
    situations, the events that reveal one (``details["sensible"]``) are left out."""
    # An applicant's own act is signed by its account of the applicant space (decision 0027).
    qs = Evenement.objects.pour(demande).select_related("auteur__compte_demandeur", "organisation")
    if user is not None and not peut_voir_situations_sensibles(user):
        qs = qs.filter(Q(details__sensible__isnull=True) | Q(details__sensible=False))
    return qs


@dataclass
class SituationsVisibles:
    """What a user may see of a demand's priorities and motives. Iterating gives the priorities."""

    priorites: list[SituationPrioritaire]
    motif_principal: str | None
    motifs_secondaires: list[str]
    pieces: list[PieceJustificative] = field(default_factory=list)

    @property
    def motif_principal_libelle(self) -> str:
        if self.motif_principal is None:
            return "Non communiqué (information réservée aux services instructeurs)"
        return str(enums.Motif(self.motif_principal).label)

    @property
    def motifs_secondaires_libelles(self) -> list[str]:
        return [str(enums.Motif(m).label) for m in self.motifs_secondaires]

    def __iter__(self) -> Iterator[SituationPrioritaire]:
        return iter(self.priorites)

    def __len__(self) -> int:
        return len(self.priorites)


def situations_visibles(demande: Demande, user: Any) -> SituationsVisibles:
    """Priorities, motives and supporting documents of ``demande`` that ``user`` may see.

    Without ``peut_voir_situations_sensibles``: sensitive priorities (``PrioriteLegale.sensible``),
    sensitive motives (``enums.MOTIFS_SENSIBLES``) and sensitive documents are left out; a
    sensitive main motive becomes ``None``. Uses the prefetched relations when present.
    """
    situations = sorted(
        (s for s in demande.situations_prioritaires.all()),
        key=lambda s: (s.priorite.ordre, s.priorite_id),
    )
    motifs = sorted(m.motif for m in demande.motifs_secondaires.all())
    pieces = list(demande.pieces.all())
    if peut_voir_situations_sensibles(user):
        return SituationsVisibles(situations, demande.motif_principal, motifs, pieces=pieces)
    visibles = [s for s in situations if not s.priorite.sensible]
    motifs_visibles = [m for m in motifs if m not in enums.MOTIFS_SENSIBLES]
    principal = None if demande.motif_principal in enums.MOTIFS_SENSIBLES else demande.motif_principal
    pieces_visibles = [p for p in pieces if not p.sensible]
    return SituationsVisibles(visibles, principal, motifs_visibles, pieces=pieces_visibles)


def doublons_liste(
    *, user: Any, statut: str | None = enums.StatutDoublon.A_EXAMINER, les_deux_visibles: bool = False
) -> QuerySet[DoublonPotentiel]:
    """Potential duplicates where one of the two demands (both with ``les_deux_visibles``) is in the user's
    perimeter.

    The pairs are few beside the demands: they are read first and only their demands are checked against the
    perimeter (a join of every pair on the perimeter's subquery took seconds on SQLite with 5,000 demands)."""
    paires = DoublonPotentiel.objects.all()
    if statut:
        paires = paires.filter(statut=statut)
    lignes = list(paires.values_list("pk", "demande_a_id", "demande_b_id"))
    concernees = {a for _, a, _ in lignes} | {b for _, _, b in lignes}
    # A few hundred demands, looked up one by one (never the whole perimeter hashed: decision 0023).
    visibles = set(
        Demande.objects.visible_to(user, par_ligne=True).filter(pk__in=concernees).values_list("pk", flat=True)
    )
    gardees = [
        pk
        for pk, a, b in lignes
        if ((a in visibles and b in visibles) if les_deux_visibles else (a in visibles or b in visibles))
    ]
    return (
        DoublonPotentiel.objects.filter(pk__in=gardees)
        .select_related("demande_a", "demande_b", "decide_par")
        .order_by("-score", "-detecte_le")
    )

"""Detection of potential duplicates: the same person on several active demands.

One demand per household and per département (DOMAIN.md §1.7 [S]): a person who is applicant or
co-applicant on two active demands is a case for a registration desk. The detection only
*proposes* pairs (``DoublonPotentiel``); a human decides (``doublon_decider``); nothing is ever
merged.

Method: persons are blocked by birth date (the same date, or the same date with day and month
swapped, a frequent typing error), so that only a handful of persons are compared per block and
100k demands are processed in seconds. Inside a block the normalised names (accents, case,
hyphens removed; usage name and birth name; all first names or the first one only) are compared
with rapidfuzz's ``token_sort_ratio``, which tolerates typos and first/last names typed in
reverse order. The threshold is the dated parameter ``doublons_seuil_similarite`` of
``data/parametres/cycle_demande.yaml``.

Identical rows (the same person typed the same way on many demands, e.g. an import run twice) are grouped
first: a group of n demands yields n - 1 pairs, each with the group's oldest demand, and only one member per
group is scored against the others (two matching groups: each member paired with the other group's first); each block keeps at most ``ATTRIB_DOUBLONS_PAIRES_PAR_BLOC_MAX`` pairs
(settings), so that the work and the pairs grow linearly with the rows (decision 0016).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rapidfuzz import fuzz, process

from attrib.common.services import evenement_enregistrer
from attrib.demandes import enums, regles
from attrib.demandes.models import Demande, DoublonPotentiel, Personne
from attrib.demandes.normalisation import normaliser_nom
from attrib.organisations import permissions
from attrib.organisations.acteurs import Acteur

ROLES_COMPARES = (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR)
_SEPARATEURS_PRENOMS = re.compile(r"[\s,]+")
_LOT = 500
_TRANCHE = 512


def seuil(jour: date | None = None) -> float:
    """Similarity threshold (0–100) in force on ``jour``."""
    return float(regles.valeur("doublons_seuil_similarite", jour or timezone.localdate()))


def date_inversee(d: date) -> date | None:
    """The same date with day and month swapped, when that is another valid date."""
    if d.day > 12 or d.day == d.month:
        return None
    return d.replace(day=d.month, month=d.day)


def _cle_bloc(d: date) -> date:
    inverse = date_inversee(d)
    return min(d, inverse) if inverse else d


@dataclass
class _Fiche:
    demande_id: int
    date_naissance: date
    nom: str
    prenoms: str
    formes: tuple[tuple[str, bool], ...]  # (normalised name, uses the birth name)

    @property
    def affichage(self) -> str:
        return f"{self.nom.upper()} {self.prenoms}".strip()


@lru_cache(maxsize=100_000)
def _formes(nom: str, prenoms: str, nom_naissance: str) -> tuple[tuple[str, bool], ...]:
    """Ways the same person's name may be written: usage or birth name, spaces in a compound name
    kept or removed, all first names or the first one only (names repeat a lot: cached)."""
    prenoms_n = normaliser_nom(prenoms)
    premier = normaliser_nom(_SEPARATEURS_PRENOMS.split(prenoms.strip())[0]) if prenoms.strip() else ""
    noms = [(normaliser_nom(nom), False)]
    if nom_naissance.strip():
        noms.append((normaliser_nom(nom_naissance), True))
    formes: dict[str, bool] = {}
    for n, naissance in noms:
        for variante in (n, n.replace(" ", "")):
            for p in (prenoms_n, premier):
                formes.setdefault(f"{variante} {p}".strip(), naissance)
    return tuple(formes.items())


def _motif(x: _Fiche, y: _Fiche, score: float, naissance: bool) -> str:
    if x.date_naissance == y.date_naissance:
        dates = f"Même date de naissance ({x.date_naissance:%d/%m/%Y})"
    else:
        dates = (
            f"Dates de naissance aux jour et mois inversés ({x.date_naissance:%d/%m/%Y} / {y.date_naissance:%d/%m/%Y})"
        )
    noms = f"{x.affichage} / {y.affichage}"
    if naissance:
        noms += " (avec le nom de naissance)"
    return f"{dates}, noms proches : {noms} (score {round(score)})"[:300]


Ligne = tuple[int, date, str, str, str]


def _lignes(filtre: Q) -> list[Ligne]:
    """(demande, birth date, name, first names, birth name) of the applicants and co-applicants
    of active demands, in one query."""
    qs = (
        Personne.objects.filter(filtre, role__in=ROLES_COMPARES, demande__statut=enums.StatutDemande.ACTIVE)
        .order_by()
        .values_list("demande_id", "date_naissance", "nom", "prenoms", "nom_naissance")
    )
    return list(qs.iterator(chunk_size=5000))


def _groupes(fiches: list[_Fiche]) -> list[list[_Fiche]]:
    """The block's persons grouped when written identically (same birth date, same normalised names), each
    group in demand order (its first member is the oldest demand), one member per demand."""
    groupes: dict[tuple[date, tuple[tuple[str, bool], ...]], dict[int, _Fiche]] = {}
    for f in sorted(fiches, key=lambda f: f.demande_id):
        groupes.setdefault((f.date_naissance, f.formes), {}).setdefault(f.demande_id, f)
    return [list(g.values()) for g in groupes.values()]


def _comparer_bloc(
    fiches: list[_Fiche], cibles: set[int] | None, limite: float, paires_max: int
) -> dict[tuple[int, int], tuple[float, str]]:
    """The pairs of one block, linear in its size when persons repeat.

    Identical persons (:func:`_groupes`) are not compared with each other: each member of a group is paired
    with the group's oldest demand (n - 1 pairs for n identical rows, not n(n - 1)/2). Only the groups' first
    members (and, with ``cibles``, the target demands' persons) are scored against each other with rapidfuzz,
    in slices to bound memory; when two groups match, every member of each is paired with the other's first
    demand (|Gx| + |Gy| pairs, not |Gx| × |Gy|). At most ``paires_max`` pairs are kept per block, the best scores first."""
    trouvees: dict[tuple[int, int], tuple[float, str]] = {}

    def retenir(x: _Fiche, y: _Fiche, score: float, naissance: bool) -> None:
        if x.demande_id > y.demande_id:
            x, y = y, x
        paire = (x.demande_id, y.demande_id)
        if paire not in trouvees or score > trouvees[paire][0]:
            trouvees[paire] = (score, _motif(x, y, score, naissance))

    groupes = _groupes(fiches)
    comparees: list[tuple[_Fiche, int]] = []  # (person, its group)
    for g, groupe in enumerate(groupes):
        premiere = groupe[0]
        if cibles is None or premiere.demande_id in cibles:
            for autre in groupe[1:]:
                retenir(premiere, autre, 100.0, False)
        elif any(f.demande_id in cibles for f in groupe):
            for autre in groupe[1:]:
                if autre.demande_id in cibles:
                    retenir(premiere, autre, 100.0, False)
        comparees.append((premiere, g))
        if cibles is not None:
            comparees.extend((f, g) for f in groupe[1:] if f.demande_id in cibles)
    textes = [t for f, _ in comparees for t, _ in f.formes]
    proprietaire = [(i, naissance) for i, (f, _) in enumerate(comparees) for _, naissance in f.formes]
    lignes = [u for u, (i, _) in enumerate(proprietaire) if cibles is None or comparees[i][0].demande_id in cibles]
    for debut in range(0, len(lignes), _TRANCHE):
        tranche = lignes[debut : debut + _TRANCHE]
        matrice = process.cdist([textes[u] for u in tranche], textes, scorer=fuzz.token_sort_ratio, score_cutoff=limite)
        for r, v in zip(*matrice.nonzero(), strict=True):
            i, naissance_u = proprietaire[tranche[r]]
            j, naissance_v = proprietaire[v]
            (x, gx), (y, gy) = comparees[i], comparees[j]
            if gx == gy or x.demande_id == y.demande_id:
                continue
            score, naissance = float(matrice[r, v]), naissance_u or naissance_v
            # Each member of one group is paired with the other group's first demand (|Gx| + |Gy| pairs).
            for membres, premiere in ((groupes[gx], groupes[gy][0]), (groupes[gy], groupes[gx][0])):
                for m in membres:
                    if m.demande_id != premiere.demande_id and (
                        cibles is None or m.demande_id in cibles or premiere.demande_id in cibles
                    ):
                        retenir(m, premiere, score, naissance)
    if len(trouvees) > paires_max:
        meilleures = sorted(trouvees.items(), key=lambda p: (-p[1][0], p[0]))[:paires_max]
        trouvees = dict(meilleures)
    return trouvees


def doublons_detecter(
    *, auteur: Acteur, demandes: Iterable[Demande] | None = None, aujourd_hui: date | None = None
) -> int:
    """Propose the pairs of active demands that seem to share a person; returns how many new
    pairs were created. With ``demandes``, only their persons are compared with the others (cheap:
    used at registration). A pair already known — to examine or decided — is never recreated."""
    auteur.exiger(permissions.peut_traiter_doublons(auteur), permissions.REFUS_DOUBLONS)
    limite = seuil(aujourd_hui)
    paires_max = int(settings.ATTRIB_DOUBLONS_PAIRES_PAR_BLOC_MAX)
    if demandes is None:
        cibles = None
        lignes = _lignes(Q())
    else:
        cibles = {d.pk for d in demandes}
        dates = {ligne[1] for ligne in _lignes(Q(demande_id__in=cibles))}
        if not dates:
            return 0
        dates |= {inv for d in list(dates) if (inv := date_inversee(d))}
        lignes = _lignes(Q(date_naissance__in=sorted(dates)))
    blocs: dict[date, list[Ligne]] = defaultdict(list)
    for ligne in lignes:
        blocs[_cle_bloc(ligne[1])].append(ligne)
    meilleures: dict[tuple[int, int], tuple[float, str]] = {}
    for bloc in blocs.values():
        demandes_du_bloc = {ligne[0] for ligne in bloc}
        if len(demandes_du_bloc) < 2 or (cibles is not None and not demandes_du_bloc & cibles):
            continue
        fiches = [
            _Fiche(d, n, nom, prenoms, _formes(nom, prenoms, naissance)) for d, n, nom, prenoms, naissance in bloc
        ]
        for paire, (score, motif) in _comparer_bloc(fiches, cibles, limite, paires_max).items():
            if paire not in meilleures or score > meilleures[paire][0]:
                meilleures[paire] = (score, motif)
    if not meilleures:
        return 0
    connues = DoublonPotentiel.objects.all()
    if cibles is not None:
        connues = connues.filter(Q(demande_a_id__in=cibles) | Q(demande_b_id__in=cibles))
    deja = set(connues.values_list("demande_a_id", "demande_b_id"))
    nouvelles = [
        DoublonPotentiel(demande_a_id=a, demande_b_id=b, score=round(score, 1), motif=motif)
        for (a, b), (score, motif) in sorted(meilleures.items())
        if (a, b) not in deja
    ]
    DoublonPotentiel.objects.bulk_create(nouvelles, batch_size=_LOT, ignore_conflicts=True)
    return len(nouvelles)


def demandes_actives_de_la_personne(
    *, nom: str, prenoms: str, date_naissance: date, nom_naissance: str = "", jour: date | None = None
) -> list[int]:
    """The active demands on which this person is applicant or co-applicant, by the detection's own method (same
    birth date, or day and month swapped; one written form of the names at or above the threshold). Used before a
    demand is filed online, so that a household with an active demand is not given a second one silently."""
    inverse = date_inversee(date_naissance)
    dates = [date_naissance, *([inverse] if inverse else [])]
    formes = [texte for texte, _ in _formes(nom, prenoms, nom_naissance)]
    limite = seuil(jour)
    trouvees: set[int] = set()
    for demande_id, _, autre_nom, autres_prenoms, autre_naissance in _lignes(Q(date_naissance__in=dates)):
        autres = [texte for texte, _ in _formes(autre_nom, autres_prenoms, autre_naissance or "")]
        if any(fuzz.token_sort_ratio(a, b) >= limite for a in formes for b in autres):
            trouvees.add(demande_id)
    return sorted(trouvees)


@transaction.atomic
def doublon_decider(
    *, doublon: DoublonPotentiel, auteur: Acteur, statut: str, commentaire: str = "", organisation: Any = None
) -> DoublonPotentiel:
    """Record a human decision on a potential duplicate: ``confirme`` (same person) or ``ecarte``
    (different persons). The two demands are left untouched: nothing is merged."""
    decisions = (enums.StatutDoublon.CONFIRME, enums.StatutDoublon.ECARTE)
    if statut not in decisions:
        raise ValidationError(
            {
                "statut": [
                    f"Décision inconnue : « {statut} ». Choisissez « doublon confirmé » ou « personnes différentes »."
                ]
            }
        )
    auteur.exiger(permissions.peut_traiter_doublons(auteur), permissions.REFUS_DOUBLONS)
    doublon = DoublonPotentiel.objects.select_for_update().select_related("demande_a", "demande_b").get(pk=doublon.pk)
    avant = doublon.statut
    doublon.statut = statut
    doublon.commentaire = (commentaire or "").strip()
    doublon.decide_par = auteur.utilisateur
    doublon.decide_le = timezone.now()
    doublon.save(update_fields=["statut", "commentaire", "decide_par", "decide_le"])
    libelle = enums.StatutDoublon(statut).label
    for demande, autre in ((doublon.demande_a, doublon.demande_b), (doublon.demande_b, doublon.demande_a)):
        evenement_enregistrer(
            objet=demande,
            action="doublon_decide",
            auteur=auteur.utilisateur,
            organisation=organisation,
            resume=f"Doublon potentiel avec la demande {autre.numero_unique} : {libelle.lower()}.",
            details={
                "doublon": doublon.pk,
                "autre_demande": autre.pk,
                "avant": avant,
                "apres": statut,
                "commentaire": doublon.commentaire,
            },
        )
    return doublon

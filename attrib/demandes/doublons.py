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
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

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


def _comparer_bloc(
    fiches: list[_Fiche], cibles: set[int] | None, limite: float, meilleures: dict[tuple[int, int], tuple[float, str]]
) -> None:
    """Compare the persons of one block that sit on two different demands (with ``cibles``, only
    the pairs involving one of those demands). Rows are scored in slices to bound memory."""
    textes = [t for f in fiches for t, _ in f.formes]
    proprietaire = [(i, naissance) for i, f in enumerate(fiches) for _, naissance in f.formes]
    lignes = [u for u, (i, _) in enumerate(proprietaire) if cibles is None or fiches[i].demande_id in cibles]
    for debut in range(0, len(lignes), _TRANCHE):
        tranche = lignes[debut : debut + _TRANCHE]
        matrice = process.cdist([textes[u] for u in tranche], textes, scorer=fuzz.token_sort_ratio, score_cutoff=limite)
        for r, v in zip(*matrice.nonzero(), strict=True):
            i, naissance_u = proprietaire[tranche[r]]
            j, naissance_v = proprietaire[v]
            x, y = fiches[i], fiches[j]
            if x.demande_id == y.demande_id:
                continue
            score = float(matrice[r, v])
            if x.demande_id > y.demande_id:
                x, y = y, x
            paire = (x.demande_id, y.demande_id)
            if paire not in meilleures or score > meilleures[paire][0]:
                meilleures[paire] = (score, _motif(x, y, score, naissance_u or naissance_v))


def doublons_detecter(
    *, auteur: Acteur, demandes: Iterable[Demande] | None = None, aujourd_hui: date | None = None
) -> int:
    """Propose the pairs of active demands that seem to share a person; returns how many new
    pairs were created. With ``demandes``, only their persons are compared with the others (cheap:
    used at registration). A pair already known — to examine or decided — is never recreated."""
    auteur.exiger(permissions.peut_traiter_doublons(auteur), permissions.REFUS_DOUBLONS)
    limite = seuil(aujourd_hui)
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
        _comparer_bloc(fiches, cibles, limite, meilleures)
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

"""Bridge between the stored agreements and orientations and the pure engine ``attrib.engine.flux``.

**Territories.** An agreement with a territory (a commune, an EPCI) only covers the dwellings of its
communes; one without covers the whole stock of the bailleur. A freed dwelling is therefore oriented
among the agreements *applicable to its commune*. The engine runs one sequence per **zone** — the set of
agreements in force for the dwelling (``Orientation.zone``: their ids) — and per period of orientation
(agreements in force constant, calendar year): within it, every contingent stays within one dwelling of
its share (``docs/flux-orientation.md``). A contingent covering several zones is within one dwelling in
each (``docs/flux.md`` states what that gives over the whole flux).

**State.** The engine's state only holds counts: :func:`contexte_orientation` rebuilds it from the
stored orientations of the zone and period (``etat_depuis``), under the caller's lock on the bailleur.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from attrib.engine import flux as moteur
from attrib.engine.erreurs import EntreeInvalide
from attrib.flux.enums import Arbitrage
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation, ReglageFlux
from attrib.flux.parametres import TauxMobilite, taux_mobilite_rpls
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement, Residence
from attrib.territoires.models import Commune

#: Form fields of an agreement named by the engine's located errors (``conventions[2].part``).
CHAMPS_MOTEUR = {
    "part": "part",
    "nombre_logements": "nombre_logements",
    "debut": "debut",
    "fin": "fin",
    "delai_proposition_jours": "delai_proposition_jours",
    "reservataire": "reservataire",
}


def parametres_flux() -> moteur.ParametresFlux:
    return moteur.charger_parametres_flux()


def convention_moteur(c: ConventionReservation, territoire: Iterable[str] = ()) -> moteur.Convention:
    return moteur.Convention(
        reservataire=c.cle,
        libelle=c.libelle_affiche,
        categorie=moteur.Categorie(c.categorie),
        debut=c.debut,
        fin=c.fin,
        part=None if c.part is None else c.part / 100,
        nombre_logements=c.nombre_logements,
        mixite=frozenset(moteur.Critere(x) for x in (c.mixite or [])),
        delai_proposition_jours=c.delai_proposition_jours,
        echec_compte=c.echec_compte,
        territoire=", ".join(sorted(territoire)),
    )


def groupe_typologie(typologie: int, jour: date) -> str:
    """Label of the typology group of ``flux.yaml`` (``T1-T2``, ``T3``, ``T4 et plus``)."""
    for g in parametres_flux().groupes_typologie(jour):
        if g.contient(typologie):
            return g.libelle
    return f"T{typologie}"


@dataclass
class ConventionsBailleur:
    """All the agreements of one bailleur with their territories (INSEE codes; empty = whole stock)."""

    bailleur: Organisation
    conventions: list[ConventionReservation]
    territoires: dict[int, frozenset[str]] = field(default_factory=dict)
    arbitrage: moteur.Arbitrage = moteur.Arbitrage.STRATES

    @classmethod
    def charger(cls, bailleur: Organisation) -> ConventionsBailleur:
        conventions = list(
            ConventionReservation.objects.filter(bailleur=bailleur)
            .select_related("reservataire")
            .prefetch_related("territoire")
            .order_by("debut", "pk")
        )
        reglage = ReglageFlux.objects.filter(bailleur=bailleur).first()
        return cls(
            bailleur=bailleur,
            conventions=conventions,
            territoires={c.pk: frozenset(t.code_insee for t in c.territoire.all()) for c in conventions},
            arbitrage=moteur.Arbitrage(reglage.arbitrage if reglage else Arbitrage.STRATES),
        )

    def territoire(self, c: ConventionReservation) -> frozenset[str]:
        return self.territoires.get(id(c) if c.pk is None else c.pk, frozenset())

    def remplacer(self, cible: ConventionReservation, territoire: Iterable[str]) -> None:
        """Put ``cible`` (new, or an edited copy of a stored one) in the set, for validation."""
        self.conventions = [c for c in self.conventions if cible.pk is None or c.pk != cible.pk] + [cible]
        self.territoires[id(cible) if cible.pk is None else cible.pk] = frozenset(territoire)

    def applicables(self, commune: str) -> list[ConventionReservation]:
        return [c for c in self.conventions if not self.territoire(c) or commune in self.territoire(c)]

    def jeu(self, conventions: Sequence[ConventionReservation]) -> moteur.JeuConventions:
        return moteur.JeuConventions(
            self.bailleur.nom,
            tuple(convention_moteur(c, self.territoire(c)) for c in conventions),
            self.arbitrage,
        )

    def communes_du_parc(self) -> set[str]:
        return set(Residence.objects.filter(bailleur=self.bailleur).values_list("commune_id", flat=True).distinct())

    def ensembles(self) -> dict[tuple[int, ...], list[str]]:
        """Each distinct set of applicable agreements (indices in ``conventions``) with the communes it
        applies to (the bailleur's stock and the agreements' territories); the set of agreements without
        territory is always present."""
        communes = self.communes_du_parc() | {code for t in self.territoires.values() for code in t}
        ensembles: dict[tuple[int, ...], list[str]] = {
            tuple(i for i, c in enumerate(self.conventions) if not self.territoire(c)): []
        }
        for code in sorted(communes):
            cle = tuple(
                i for i, c in enumerate(self.conventions) if not self.territoire(c) or code in self.territoire(c)
            )
            ensembles.setdefault(cle, []).append(code)
        return ensembles

    def valider(self, cible: ConventionReservation | None = None, *, annee: int) -> dict[str, list[str]]:
        """Whole-set validation by the engine, on every set of agreements that applies together (shares of
        the bailleur ≤ 100 %, State ≤ 30 % with its agents ≤ 5 %, no overlap of one contingent…). Errors of
        ``cible`` go to its fields; the others to ``__all__``."""
        erreurs: dict[str, list[str]] = defaultdict(list)
        noms = dict(Commune.objects.filter(code_insee__in=self._codes_territoriaux()).values_list("code_insee", "nom"))
        for indices, communes in self.ensembles().items():
            if not indices:
                continue
            conventions = [self.conventions[i] for i in indices]
            flux_prevu = None
            if any(c.nombre_logements is not None for c in conventions):
                flux_prevu = flux_prevu_communes(self.bailleur, communes or None, annee=annee)
            territoriales = [c for c in conventions if self.territoire(c)]
            suffixe = ""
            if territoriales:
                lieux = sorted({noms.get(code, code) for c in territoriales for code in self.territoire(c)})
                suffixe = f" (logements de : {', '.join(lieux[:5])}{'…' if len(lieux) > 5 else ''})"
            for e in moteur.valider_conventions(self.jeu(conventions), parametres_flux(), flux_prevu=flux_prevu):
                cle, message = _placer_erreur(e, conventions, cible, suffixe)
                if message not in erreurs[cle]:
                    erreurs[cle].append(message)
        return dict(erreurs)

    def _codes_territoriaux(self) -> set[str]:
        return {code for t in self.territoires.values() for code in t}


def _placer_erreur(
    e: moteur.ErreurConvention,
    conventions: Sequence[ConventionReservation],
    cible: ConventionReservation | None,
    suffixe: str,
) -> tuple[str, str]:
    """Where an engine error goes: a field of ``cible`` when it is about it, else the whole form. Errors
    on the sums of a set say which dwellings they concern (``suffixe``, territorial sets only)."""
    concerne_cible = cible is not None and any(c is cible for c in conventions)
    ensemble = e.champ == "conventions" or e.message.startswith(("La part de l'État", "La part des agents"))
    if ensemble:
        message = e.message.rstrip(".") + suffixe + "."
        if not concerne_cible or cible is None:
            return "__all__", message
        if e.champ == "conventions":
            return ("part" if cible.part is not None else "nombre_logements"), message
        return ("part" if cible.categorie in ("etat", "etat_agents") else "__all__"), message
    if e.champ.startswith("conventions[") and "]." in e.champ:
        index = int(e.champ[len("conventions[") : e.champ.index("]")])
        nom_champ = e.champ.split("].", 1)[1]
        convention = conventions[index]
        if convention is cible and nom_champ in CHAMPS_MOTEUR:
            prefixe = f"Convention n° {index + 1} ({convention.libelle_affiche}) : "
            message = e.message.removeprefix(prefixe)
            return CHAMPS_MOTEUR[nom_champ], _sans_numero(message[:1].upper() + message[1:])
    return "__all__", _sans_numero(e.message)


def _sans_numero(message: str) -> str:
    """The engine numbers the agreements of the set it checked; on screen, their labels suffice."""
    return re.sub(r"([Cc]onvention) n° \d+ \(", r"\1 (", message)


# --- forecast -------------------------------------------------------------------------------------


def _codes_exclusion(jour: date) -> tuple[set[str], set[str]]:
    p = parametres_flux()
    return {m.code for m in p.exclusions(jour)}, {m.code for m in p.stock(jour)}


def cadre_liberes(liberes: Iterable[LogementLibere]) -> pl.DataFrame:
    """Freed dwellings in the engine's columns (``assiette``)."""
    lignes = []
    for ll in liberes:
        exclusions, stock = _codes_exclusion(ll.date_liberation)
        lignes.append(
            {
                "logement": ll.logement.identifiant if hasattr(ll, "logement") else str(ll.logement_id),
                "date_liberation": ll.date_liberation,
                "nature": ll.nature,
                "motif_sortie": ll.motif_exclusion if ll.motif_exclusion in exclusions else "",
                "reserve_stock": ll.motif_exclusion if ll.motif_exclusion in stock else "",
                "typologie": ll.typologie,
            }
        )
    return pl.DataFrame(
        lignes,
        schema={
            "logement": pl.String(),
            "date_liberation": pl.Date(),
            "nature": pl.String(),
            "motif_sortie": pl.String(),
            "reserve_stock": pl.String(),
            "typologie": pl.Int64(),
        },
    )


def assiette_annuelle(bailleur: Organisation, annee: int, communes: Iterable[str] | None = None) -> moteur.Assiette:
    """The engine's assiette of ``annee`` from the freed dwellings the bailleur declared."""
    qs = LogementLibere.objects.filter(bailleur=bailleur, date_liberation__year=annee).select_related("logement")
    if communes is not None:
        qs = qs.filter(commune_id__in=list(communes))
    return moteur.assiette(cadre_liberes(qs), parametres_flux(), annee=annee)


def historique(bailleur: Organisation, annee: int, communes: Iterable[str] | None = None) -> pl.DataFrame:
    """Assiette per complete past year (before ``annee`` and before the current year) and typology, from
    the first year declared; a year without a dwelling of some typology counts 0 for it."""
    derniere = min(annee, timezone.localdate().year) - 1
    qs = LogementLibere.objects.filter(bailleur=bailleur, date_liberation__year__lte=derniere)
    if communes is not None:
        communes = list(communes)
        qs = qs.filter(commune_id__in=communes)
    premiere = qs.order_by("date_liberation").values_list("date_liberation", flat=True).first()
    par_annee: dict[int, dict[int, int]] = {}
    if premiere is not None:
        for an in range(premiere.year, derniere + 1):
            par_annee[an] = assiette_annuelle(bailleur, an, communes).par_typologie()
    typologies = sorted({t for comptes in par_annee.values() for t in comptes})
    lignes = [(an, t, comptes.get(t, 0)) for an, comptes in par_annee.items() for t in typologies]
    return pl.DataFrame(
        lignes, schema={"annee": pl.Int64(), "typologie": pl.Int64(), "logements": pl.Int64()}, orient="row"
    )


def parc_par_typologie(bailleur: Organisation, communes: Iterable[str] | None = None) -> dict[int, int]:
    """The bailleur's dwellings managed in flux (not kept in stock), by number of rooms."""
    qs = Logement.objects.filter(residence__bailleur=bailleur, reserve_stock="")
    if communes is not None:
        qs = qs.filter(residence__commune_id__in=list(communes))
    return {int(t): int(n) for t, n in qs.values_list("nb_pieces").annotate(n=Count("pk")).order_by("nb_pieces")}


def taux_mobilite_bailleur(bailleur: Organisation) -> TauxMobilite:
    """RPLS mobility rate of the territory where most of the bailleur's dwellings are (its EPCI, else its
    département or région)."""
    communes = Counter(
        dict(
            Logement.objects.filter(residence__bailleur=bailleur)
            .values_list("residence__commune_id")
            .annotate(n=Count("pk"))
        )
    )
    if not communes and bailleur.commune_id:
        communes[bailleur.commune_id] = 1
    infos = {c.code_insee: c for c in Commune.objects.filter(code_insee__in=list(communes))}
    epci: Counter[str] = Counter()
    departement: Counter[str] = Counter()
    region: Counter[str] = Counter()
    for code, n in communes.items():
        commune = infos.get(code)
        if commune is None:
            continue
        if commune.epci_id:
            epci[commune.epci_id] += n
        departement[commune.departement] += n
        region[commune.region] += n
    if bailleur.epci_id and not epci:
        epci[bailleur.epci_id] = 1

    def premier(compte: Counter[str]) -> str | None:
        return compte.most_common(1)[0][0] if compte else None

    return taux_mobilite_rpls(epci=premier(epci), departement=premier(departement), region=premier(region))


def prevision_communes(
    bailleur: Organisation,
    annee: int,
    communes: Iterable[str] | None = None,
    *,
    parts: dict[str, Fraction] | None = None,
) -> tuple[moteur.Prevision, TauxMobilite]:
    communes = None if communes is None else list(communes)
    taux = taux_mobilite_bailleur(bailleur)
    prevision = moteur.prevision(
        historique(bailleur, annee, communes), taux.valeur, parc_par_typologie(bailleur, communes), parts=parts
    )
    return prevision, taux


def flux_prevu_communes(
    bailleur: Organisation,
    communes: Iterable[str] | None,
    *,
    annee: int,
    conventions: ConventionsBailleur | None = None,
) -> int | None:
    """Forecast yearly flux (whole dwellings) on these communes; None when nothing is expected."""
    prevision, _ = prevision_communes(bailleur, annee, communes)
    total = prevision.total
    return max(1, round(total)) if total > 0 else None


# --- the state of a sequence --------------------------------------------------------------------


@dataclass
class Contexte:
    """The engine's state for one freed dwelling: its zone, the agreements in force by contingent key."""

    etat: moteur.EtatFlux
    zone: str
    conventions: dict[str, ConventionReservation]
    flux_prevu: int | None

    @property
    def periode(self) -> moteur.Periode:
        return self.etat.periode


def erreurs_conventions(exc: moteur.ConventionsInvalides, bailleur: Organisation) -> ValidationError:
    return ValidationError(
        {
            "conventions": [
                f"Les conventions de {bailleur} en vigueur à cette date ne permettent pas d'orienter le logement : "
                f"{e.message}"
                for e in exc.erreurs
            ]
        }
    )


def contexte_orientation(bailleur: Organisation, *, commune: str, jour: date, exclure: int | None = None) -> Contexte:
    """The state of the sequence a dwelling of ``commune`` freed on ``jour`` joins (``exclure``: an
    orientation left out, the one an override replaces)."""
    cb = ConventionsBailleur.charger(bailleur)
    applicables = cb.applicables(commune)
    en_vigueur = [c for c in applicables if c.en_vigueur_le(jour)]
    zone = ",".join(str(pk) for pk in sorted(c.pk for c in en_vigueur))
    flux_prevu: int | None = None
    if any(c.nombre_logements is not None for c in en_vigueur):
        flux_prevu = (
            Orientation.objects.filter(
                bailleur=bailleur, zone=zone, periode_debut__lte=jour, periode_fin__gte=jour, flux_prevu__isnull=False
            )
            .values_list("flux_prevu", flat=True)
            .first()
        )
        if flux_prevu is None:
            memes = [code for code in cb.communes_du_parc() | {commune} if _zone_de(cb, code, jour) == zone]
            flux_prevu = flux_prevu_communes(bailleur, memes, annee=jour.year)
    try:
        etat = moteur.ouvrir_periode(
            cb.jeu(applicables), jour=jour, parametres=parametres_flux(), flux_prevu=flux_prevu
        )
    except moteur.ConventionsInvalides as exc:
        raise erreurs_conventions(exc, bailleur) from None
    comptes = list(
        Orientation.objects.decomptees()
        .filter(bailleur=bailleur, zone=zone, periode_debut=etat.periode.debut)
        .exclude(pk=exclure)  # type: ignore[misc]
        .values("reservataire_cle", "strate")
        .annotate(n=Count("pk"))
        .order_by("reservataire_cle", "strate")
        .values_list("reservataire_cle", "strate", "n")
    )
    # One row per stored orientation, as the engine counts them (expanded from the database's counts).
    cadre = (
        pl.DataFrame(
            comptes,
            schema={"reservataire": pl.String(), "strate": pl.String(), "n": pl.Int64()},
            orient="row",
        )
        .select(pl.col("reservataire", "strate").repeat_by(pl.col("n")))
        .explode("reservataire", "strate")
    )
    try:
        etat = moteur.etat_depuis(etat, cadre)
    except EntreeInvalide as exc:
        raise ValidationError(
            {"conventions": [f"Historique des orientations incompatible avec les conventions en vigueur : {exc}"]}
        ) from None
    return Contexte(etat=etat, zone=zone, conventions={c.cle: c for c in en_vigueur}, flux_prevu=flux_prevu)


def _zone_de(cb: ConventionsBailleur, commune: str, jour: date) -> str:
    return ",".join(str(pk) for pk in sorted(c.pk for c in cb.applicables(commune) if c.en_vigueur_le(jour)))


def logement_moteur(ll: LogementLibere) -> moteur.LogementLibere:
    return moteur.LogementLibere(
        identifiant=ll.logement.identifiant,
        date_liberation=ll.date_liberation,
        typologie=ll.typologie,
        qpv=ll.en_qpv,
        commune=ll.commune_id,
    )


def fractions_json(valeurs: dict[str, Fraction] | Any) -> dict[str, str]:
    return {str(k): str(Fraction(v)) for k, v in dict(valeurs).items()}

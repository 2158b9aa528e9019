"""Orientation of every freed dwelling to a réservataire, with a proven fairness bound.

Per dwelling, on an immutable state: :func:`ouvrir_periode` → :class:`EtatFlux` (empty counts);
:func:`orienter` proposes and records the réservataire (:class:`Orientation`, with the French reason and
the state after); :func:`forcer` records a bailleur's override (a reason is required) and says by when
the engine will have compensated; :func:`constater_echec` records a proposal that lapsed (counted or not
against the réservataire's share, as its agreement says).

Batch: :func:`orienter_sequence` orients a whole frame of freed dwellings and gives the same choices.

Guarantee (``docs/flux-orientation.md``): with n positive shares, at every point of the period each
réservataire's count differs from its exact share of the dwellings oriented so far by at most
1 − 1/(2(n − 1)) < 1 (Tijdeman) — over the whole flux, or in every stratum when a mix is requested with the arbitrage
``STRATES`` (the global deviation is then below the number of strata). Overrides and lapses excepted,
and the docs bound how fast the engine comes back within the bound after them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import polars as pl

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.flux import texte
from attrib.engine.flux.conventions import (
    RESERVATAIRE_BAILLEUR,
    Critere,
    JeuConventions,
    Periode,
    periode,
)
from attrib.engine.flux.parametres import ParametresFlux
from attrib.engine.flux.sequenceur import Regle, sequence_rapide

#: Label of the single stratum when no mix is requested.
STRATE_UNIQUE = ""


@dataclass(frozen=True, slots=True)
class LogementLibere:
    """A freed dwelling. ``typologie`` (number of rooms), ``qpv`` and ``commune`` (INSEE code) are
    needed only when an agreement in force asks for a mix on that criterion."""

    identifiant: str
    date_liberation: date
    typologie: int | None = None
    qpv: bool | None = None
    commune: str = ""


@dataclass(frozen=True, slots=True)
class Compteurs:
    """Dwellings oriented in one sequence (the whole flux or one stratum) and, aligned with the period's
    parts, those each réservataire received."""

    total: int
    recus: tuple[int, ...]

    def plus(self, i: int, delta: int = 1) -> Compteurs:
        recus = list(self.recus)
        recus[i] += delta
        return Compteurs(self.total + delta, tuple(recus))


@dataclass(frozen=True)
class EtatFlux:
    """Counts of one period of orientation: the whole flux and each stratum met so far."""

    periode: Periode
    flux: Compteurs
    strates: Mapping[str, Compteurs]

    @property
    def total(self) -> int:
        return self.flux.total

    def strate(self, logement: LogementLibere) -> str:
        return strate_de(self.periode, logement)

    def compteurs(self, strate: str | None = None) -> Compteurs:
        if strate is None:
            return self.flux
        return self.strates.get(strate, Compteurs(0, (0,) * len(self.periode.parts)))

    def recus(self, reservataire: str, strate: str | None = None) -> int:
        return self.compteurs(strate).recus[self.periode.index(reservataire)]

    def ecart(self, reservataire: str, strate: str | None = None) -> Fraction:
        """Received minus exact share of the dwellings oriented so far (negative: behind)."""
        c = self.compteurs(strate)
        i = self.periode.index(reservataire)
        return c.recus[i] - self.periode.parts[i].part * c.total

    def ecarts(self, strate: str | None = None) -> dict[str, Fraction]:
        c = self.compteurs(strate)
        return {p.reservataire: c.recus[i] - p.part * c.total for i, p in enumerate(self.periode.parts)}


@dataclass(frozen=True)
class Orientation:
    """One dwelling oriented. ``rang``: its position in the period's flux. ``regle``: ``"echeance"``
    (earliest deadline), ``"equilibre"`` (safe choice balancing the other level) or ``"force"``.
    ``ecarts`` / ``ecarts_strate``: received minus exact share after this dwelling, per réservataire.
    ``compensation_au_plus_tard`` (overrides): rank (in the flux, or in the stratum with per-stratum
    sequences) by which the deviation this override creates is absorbed, barring further overrides."""

    logement: str
    rang: int
    strate: str
    reservataire: str
    libelle: str
    propose: str
    regle: str
    raison_fr: str
    ecarts: Mapping[str, Fraction]
    ecarts_strate: Mapping[str, Fraction]
    date_limite_proposition: date | None
    motif_force: str | None
    compensation_au_plus_tard: int | None
    etat: EtatFlux

    @property
    def force(self) -> bool:
        return self.regle == "force"


@dataclass(frozen=True)
class Echec:
    """A lapsed proposal: the dwelling came back to the bailleur for this turn."""

    reservataire: str
    strate: str
    decompte: bool
    raison_fr: str
    etat: EtatFlux


def ouvrir_periode(
    conventions: JeuConventions,
    *,
    jour: date,
    parametres: ParametresFlux | None = None,
    flux_prevu: int | None = None,
) -> EtatFlux:
    """Empty state of the period of orientation containing ``jour`` (agreements in force that day).

    Raises :class:`~attrib.engine.flux.conventions.ConventionsInvalides` (French, located) when they are
    not valid."""
    p = periode(conventions, jour=jour, parametres=parametres, flux_prevu=flux_prevu)
    return EtatFlux(periode=p, flux=Compteurs(0, (0,) * len(p.parts)), strates=MappingProxyType({}))


def strate_de(p: Periode, logement: LogementLibere) -> str:
    """Stratum label of a dwelling, e.g. ``"T3 · hors QPV"``; ``""`` when no mix is requested."""
    morceaux: list[str] = []
    for critere in p.criteres:
        if critere is Critere.TYPOLOGIE:
            if logement.typologie is None or logement.typologie < 1:
                raise EntreeInvalide(
                    f"Logement {logement.identifiant} : typologie (nombre de pièces ≥ 1) requise, une convention "
                    "demande une mixité par typologie."
                )
            morceaux.append(next(g.libelle for g in p.groupes_typologie if g.contient(logement.typologie)))
        elif critere is Critere.QPV:
            if logement.qpv is None:
                raise EntreeInvalide(
                    f"Logement {logement.identifiant} : situation en QPV (oui / non) requise, une convention demande "
                    "une mixité QPV / hors QPV."
                )
            morceaux.append("QPV" if logement.qpv else "hors QPV")
        else:
            if not logement.commune.strip():
                raise EntreeInvalide(
                    f"Logement {logement.identifiant} : commune requise, une convention demande une répartition par "
                    "commune."
                )
            morceaux.append(logement.commune.strip())
    return " · ".join(morceaux)


# --- one step ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Decision:
    choisi: int
    propose: int
    regle: str
    echeance: int  # deadline of the unit served (in the sequence that decides)
    a_compenser: bool = False  # an override the guarantee does not cover


def _regle(p: Periode) -> Regle:
    return Regle.de([part.part for part in p.parts])


def _decider(
    p: Periode, regle: Regle, flux: Compteurs, strate: Compteurs, force: int | None
) -> tuple[_Decision, Compteurs]:
    """The decision for the next dwelling; returns it with the sequence counters that decided."""
    parts = [part.part for part in p.parts]
    preference: Callable[[int], Any] | None
    if p.par_strate:
        sequence = strate
        preference = _preference(parts, flux)
    else:
        sequence = flux
        preference = _preference(parts, strate) if p.criteres else None
    choisi, _, oriente = regle.choisir(sequence.recus, sequence.total, preference)
    if force is not None:
        echeance = regle.echeance(force, sequence.recus[force])
        a_compenser = not regle.sur(sequence.recus, sequence.total, force)
        return _Decision(force, choisi, "force", echeance, a_compenser), sequence
    return (
        _Decision(
            choisi, choisi, "equilibre" if oriente else "echeance", regle.echeance(choisi, sequence.recus[choisi])
        ),
        sequence,
    )


def _preference(parts: list[Fraction], autre: Compteurs) -> Callable[[int], Fraction]:
    """Largest deficit first on the other level, counting the dwelling being oriented."""
    t = autre.total + 1
    return lambda i: autre.recus[i] - parts[i] * t


def _appliquer(etat: EtatFlux, strate: str, i: int, delta: int) -> EtatFlux:
    strates = dict(etat.strates)
    if etat.periode.criteres:
        strates[strate] = etat.compteurs(strate).plus(i, delta)
    return replace(etat, flux=etat.flux.plus(i, delta), strates=MappingProxyType(strates))


def _verifier_date(etat: EtatFlux, logement: LogementLibere) -> None:
    p = etat.periode
    if not p.debut <= logement.date_liberation <= p.fin:
        raise EntreeInvalide(
            f"Logement {logement.identifiant} libéré le {texte.jour(logement.date_liberation)}, hors de la période "
            f"d'orientation du {texte.jour(p.debut)} au {texte.jour(p.fin)} (conventions en vigueur constantes, "
            "année civile) : ouvrez la période qui contient cette date."
        )


def orienter(etat: EtatFlux, logement: LogementLibere) -> Orientation:
    """Orient a freed dwelling: the réservataire chosen by the rule, the reason in French, the state after."""
    _verifier_date(etat, logement)
    strate = etat.strate(logement)
    p = etat.periode
    decision, sequence = _decider(p, _regle(p), etat.flux, etat.compteurs(strate), None)
    return _orientation(etat, logement, strate, decision, sequence, None)


def forcer(etat: EtatFlux, logement: LogementLibere, reservataire: str, raison: str) -> Orientation:
    """Record the bailleur's override: ``logement`` goes to ``reservataire`` whatever the rule proposes.

    ``raison`` is required (it is audited). The réservataire must hold a positive share in the period.
    The engine compensates afterwards (docs: the deviation this creates is absorbed by the deadline
    reported in ``compensation_au_plus_tard``, barring further overrides)."""
    if not raison.strip():
        raise EntreeInvalide(
            f"Logement {logement.identifiant} : le motif de la dérogation est obligatoire pour orienter le logement "
            "vers un autre réservataire que celui proposé."
        )
    _verifier_date(etat, logement)
    i = etat.periode.index(reservataire)
    strate = etat.strate(logement)
    p = etat.periode
    decision, sequence = _decider(p, _regle(p), etat.flux, etat.compteurs(strate), i)
    return _orientation(etat, logement, strate, decision, sequence, raison.strip())


def constater_echec(etat: EtatFlux, *, reservataire: str, strate: str = STRATE_UNIQUE) -> Echec:
    """A réservataire did not propose candidates in time: the dwelling goes back to the bailleur for
    this turn. If its agreement says a lapse counts (``echec_compte``), nothing changes in the counts;
    otherwise the dwelling leaves the apportionment (the réservataire is still owed it): the flux and the
    réservataire's count both lose one (docs: the next dwelling restores every bound)."""
    p = etat.periode
    i = p.index(reservataire)
    part = p.parts[i]
    if part.reservataire == RESERVATAIRE_BAILLEUR:
        raise EntreeInvalide("La part non réservée du bailleur ne donne pas lieu à proposition : pas d'échec possible.")
    if p.criteres and strate not in etat.strates:
        raise EntreeInvalide(f"Strate « {strate} » inconnue pour cette période (strates : {', '.join(etat.strates)}).")
    if etat.recus(reservataire, strate if p.criteres else None) < 1:
        raise EntreeInvalide(
            f"{part.libelle} n'a reçu aucun logement{_dans(strate)} : aucun échec de proposition à constater."
        )
    if part.echec_compte:
        raison = (
            f"Échec de proposition de {part.libelle} : le logement revient au bailleur pour ce tour ; la convention "
            "prévoit qu'il est décompté de la part du réservataire."
        )
        return Echec(reservataire, strate, True, raison, etat)
    raison = (
        f"Échec de proposition de {part.libelle} : le logement revient au bailleur pour ce tour ; la convention "
        "prévoit qu'il n'est pas décompté : il sort de la répartition et reste dû au réservataire."
    )
    return Echec(reservataire, strate, False, raison, _appliquer(etat, strate, i, -1))


def _dans(strate: str) -> str:
    return f" dans la strate {strate}" if strate else ""


def _orientation(
    etat: EtatFlux,
    logement: LogementLibere,
    strate: str,
    decision: _Decision,
    sequence: Compteurs,
    motif: str | None,
) -> Orientation:
    p = etat.periode
    apres = _appliquer(etat, strate, decision.choisi, 1)
    part = p.parts[decision.choisi]
    delai = part.delai_proposition_jours
    compensation: int | None = None
    if decision.a_compenser:
        compensation = decision.echeance
    return Orientation(
        logement=logement.identifiant,
        rang=apres.total,
        strate=strate,
        reservataire=part.reservataire,
        libelle=part.libelle,
        propose=p.parts[decision.propose].reservataire,
        regle=decision.regle,
        raison_fr=_raison(etat, strate, decision, sequence, motif),
        ecarts=MappingProxyType(apres.ecarts()),
        ecarts_strate=MappingProxyType(apres.ecarts(strate) if p.criteres else apres.ecarts()),
        date_limite_proposition=None if delai is None else logement.date_liberation + timedelta(days=delai),
        motif_force=motif,
        compensation_au_plus_tard=compensation,
        etat=apres,
    )


def _situation(p: Periode, c: Compteurs, i: int) -> str:
    deficit = p.parts[i].part * c.total - c.recus[i]
    affiche = texte.nombre(abs(deficit))
    mot = "avance" if deficit < 0 and affiche != texte.nombre(Fraction(0)) else "déficit"
    return f"reçu {c.recus[i]} sur {c.total}, {mot} {affiche}"


def _raison(etat: EtatFlux, strate: str, d: _Decision, sequence: Compteurs, motif: str | None) -> str:
    p = etat.periode
    part = p.parts[d.choisi]
    phrases = [
        f"Orienté vers {part.libelle} : part {texte.pourcentage(part.part)}, {_situation(p, etat.flux, d.choisi)}."
    ]
    if p.criteres:
        phrases.append(f"Strate {strate} : {_situation(p, etat.compteurs(strate), d.choisi)}.")
    de_la = " de la strate" if p.par_strate else " du flux"
    rang = f"{texte.ordinal(sequence.recus[d.choisi] + 1)} logement"
    if d.regle == "echeance":
        phrases.append(
            f"Règle : échéance la plus proche — son {rang}{de_la if p.par_strate else ''} lui est dû au plus tard au "
            f"{texte.ordinal(d.echeance)} logement{de_la}."
        )
    elif d.regle == "equilibre":
        niveau = "sur l'ensemble du flux" if p.par_strate else f"dans la strate {strate}"
        phrases.append(
            "Règle : parmi les réservataires qu'on peut servir sans qu'aucune part ne s'écarte d'un logement ou "
            f"plus{' dans la strate' if p.par_strate else ''}, celui qui a le plus fort déficit {niveau}."
        )
    else:
        propose = "la même orientation" if d.propose == d.choisi else p.parts[d.propose].libelle
        phrases.append(f"Orientation imposée par le bailleur (le moteur proposait {propose}) — motif : « {motif} ».")
        if d.a_compenser:
            phrases.append(
                f"Compensation : l'écart créé est résorbé au plus tard au {texte.ordinal(d.echeance)} logement{de_la}, "
                "sauf nouvelle dérogation."
            )
        else:
            phrases.append("Ce choix reste dans la garantie d'équité : aucun écart à compenser.")
    return " ".join(phrases)


# --- batch ------------------------------------------------------------------------------------------

COLONNES_LOGEMENTS: dict[str, pl.DataType] = {
    "logement": pl.String(),
    "date_liberation": pl.Date(),
    "typologie": pl.Int64(),
    "qpv": pl.Boolean(),
    "commune": pl.String(),
    "force_vers": pl.String(),
    "motif_force": pl.String(),
}
COLONNES_SEQUENCE: dict[str, pl.DataType] = {
    "rang": pl.Int64(),
    "logement": pl.String(),
    "strate": pl.String(),
    "reservataire": pl.String(),
    "propose": pl.String(),
    "regle": pl.String(),
    "motif_force": pl.String(),
    "date_limite_proposition": pl.Date(),
}


def orienter_sequence(
    conventions: JeuConventions | EtatFlux,
    logements: pl.DataFrame,
    *,
    jour: date | None = None,
    parametres: ParametresFlux | None = None,
    flux_prevu: int | None = None,
    avec_raisons: bool = False,
) -> pl.DataFrame:
    """Orient the freed dwellings of ``logements`` in row order; same choices as :func:`orienter` /
    :func:`forcer` called row after row.

    Columns: ``logement``, ``date_liberation`` (required); ``typologie``, ``qpv``, ``commune`` when a mix
    asks for them; optional ``force_vers`` (réservataire imposed by the bailleur) with ``motif_force``.
    ``conventions``: the agreements (the period containing ``jour``, default the first date) or a state to
    continue from. Returns :data:`COLONNES_SEQUENCE` (plus ``raison`` with ``avec_raisons``).
    """
    manquantes = [c for c in ("logement", "date_liberation") if c not in logements.columns]
    if manquantes:
        raise EntreeInvalide(f"Colonnes manquantes : {', '.join(manquantes)}.")
    if isinstance(conventions, EtatFlux):
        etat = conventions
    else:
        if logements.height == 0 and jour is None:
            raise EntreeInvalide("Aucun logement : indiquez le jour de la période d'orientation.")
        debut = jour or logements["date_liberation"][0]
        etat = ouvrir_periode(conventions, jour=debut, parametres=parametres, flux_prevu=flux_prevu)
    p = etat.periode
    lignes = logements.with_columns(
        pl.lit(None, dtype=t).alias(c) for c, t in COLONNES_LOGEMENTS.items() if c not in logements.columns
    ).select(pl.col(c).cast(t) for c, t in COLONNES_LOGEMENTS.items())
    hors = lignes.with_row_index("ligne").filter(
        pl.col("date_liberation").is_null() | ~pl.col("date_liberation").is_between(p.debut, p.fin)
    )
    if hors.height:
        premiere = hors.row(0, named=True)
        raise EntreeInvalide(
            f"Ligne {premiere['ligne'] + 1} (logement {premiere['logement']}) : date de libération "
            f"{'absente' if premiere['date_liberation'] is None else texte.jour(premiere['date_liberation'])}, hors de "
            f"la période d'orientation du {texte.jour(p.debut)} au {texte.jour(p.fin)}."
        )
    forces = [_index_force(p, k, v) for k, v in enumerate(lignes["force_vers"].to_list())]
    for k, (f, m) in enumerate(zip(forces, lignes["motif_force"].to_list(), strict=True)):
        if f is not None and not (m or "").strip():
            raise EntreeInvalide(f"Ligne {k + 1} : motif de dérogation obligatoire (colonne motif_force).")
    if not p.criteres and not avec_raisons:
        return _sequence_rapide(etat, lignes, forces)
    return _sequence_pas_a_pas(etat, lignes, avec_raisons)


def _index_force(p: Periode, k: int, valeur: str | None) -> int | None:
    if valeur is None or not valeur.strip():
        return None
    try:
        return p.index(valeur.strip())
    except EntreeInvalide as exc:
        raise EntreeInvalide(f"Ligne {k + 1}, colonne force_vers : {exc}") from None


def _sequence_rapide(etat: EtatFlux, lignes: pl.DataFrame, forces: list[int | None]) -> pl.DataFrame:
    p = etat.periode
    recus = list(etat.flux.recus)
    servis, proposes = sequence_rapide(_regle(p), recus, etat.flux.total, forces)
    cles = pl.Series([q.reservataire for q in p.parts], dtype=pl.String())
    delais = pl.Series([q.delai_proposition_jours for q in p.parts], dtype=pl.Int64())
    servis_s = pl.Series(servis, dtype=pl.Int64())
    return (
        pl.DataFrame(
            {
                "rang": pl.int_range(etat.flux.total + 1, etat.flux.total + lignes.height + 1, eager=True),
                "logement": lignes["logement"],
                "strate": pl.Series([STRATE_UNIQUE] * lignes.height, dtype=pl.String()),
                "reservataire": cles.gather(servis_s),
                "propose": cles.gather(pl.Series(proposes, dtype=pl.Int64())),
                "regle": pl.Series(["echeance" if f is None else "force" for f in forces], dtype=pl.String()),
                "motif_force": lignes["motif_force"].str.strip_chars(),
                "delai": delais.gather(servis_s),
                "date_liberation": lignes["date_liberation"],
            }
        )
        .select(
            *(c for c in COLONNES_SEQUENCE if c != "date_limite_proposition"),
            (pl.col("date_liberation") + pl.duration(days=pl.col("delai"))).alias("date_limite_proposition"),
        )
        .with_columns(pl.when(pl.col("regle") == "force").then(pl.col("motif_force")).alias("motif_force"))
    )


def _sequence_pas_a_pas(etat: EtatFlux, lignes: pl.DataFrame, avec_raisons: bool) -> pl.DataFrame:
    sortie: dict[str, list[Any]] = {c: [] for c in COLONNES_SEQUENCE}
    raisons: list[str] = []
    for ligne in lignes.iter_rows(named=True):
        logement = LogementLibere(
            identifiant=ligne["logement"],
            date_liberation=ligne["date_liberation"],
            typologie=ligne["typologie"],
            qpv=ligne["qpv"],
            commune=ligne["commune"] or "",
        )
        force = (ligne["force_vers"] or "").strip()
        o = forcer(etat, logement, force, ligne["motif_force"] or "") if force else orienter(etat, logement)
        etat = o.etat
        for c, v in (
            ("rang", o.rang),
            ("logement", o.logement),
            ("strate", o.strate),
            ("reservataire", o.reservataire),
            ("propose", o.propose),
            ("regle", o.regle),
            ("motif_force", o.motif_force),
            ("date_limite_proposition", o.date_limite_proposition),
        ):
            sortie[c].append(v)
        raisons.append(o.raison_fr)
    cadre = pl.DataFrame(sortie, schema=COLONNES_SEQUENCE)
    return cadre.with_columns(pl.Series("raison", raisons, dtype=pl.String())) if avec_raisons else cadre


def etat_depuis(etat: EtatFlux, orientations: pl.DataFrame) -> EtatFlux:
    """``etat`` plus recorded orientations (columns ``reservataire``, ``strate``; optional ``decompte``:
    False for a lapsed proposal taken out of the apportionment). The state only holds counts, so the
    order of the rows does not matter: this rebuilds the state of a period from the stored history."""
    p = etat.periode
    cadre = orientations
    if "strate" not in cadre.columns:
        if p.criteres:
            raise EntreeInvalide("Colonne « strate » requise : les conventions en vigueur demandent une mixité.")
        cadre = cadre.with_columns(pl.lit(STRATE_UNIQUE).alias("strate"))
    if "decompte" in cadre.columns:
        cadre = cadre.filter(pl.col("decompte").fill_null(True))
    comptes = cadre.group_by("strate", "reservataire").len().sort("strate", "reservataire")
    for strate, reservataire, nombre in comptes.iter_rows():
        etat = _appliquer(etat, strate or STRATE_UNIQUE, p.index(reservataire), int(nombre))
    return etat

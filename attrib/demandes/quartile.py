"""First-quartile threshold (seuil de ressources des demandeurs du premier quartile, L441-1 CCH).

:func:`seuil_q1` gives the threshold that applies to an EPCI for a year:

* the **official** value of the yearly ministerial arrêté when ``data/parametres/seuils_q1.yaml`` holds it
  (``origine="officiel"``), read through the parameter tree (:mod:`attrib.engine.parametres.arbre`);
* otherwise the system's **own computation** (:func:`quartile_calcule`), said as such in ``libelle``
  (``origine="calcule"``). It is never presented as the official value.

The rule (the choice official / computed, the rank rule, membership) is the engine's
(:mod:`attrib.engine.q1`); this module reads the data file and the demand file for it. The demands ranked:
those active on 31 December of the previous year that wish at least one commune of the EPCI.

The module lives in ``demandes`` (the threshold is a fact of the demand file) so that the dashboard and the
matching both read it without one importing the other.

* Income: the household's monthly resources as the single bridge defines them
  (``attrib.demandes.moteur.revenus_mensuels_menage``, also read by the cotation and the ceilings: resources of
  the applicant and the co-applicant, minus the alimony they pay). Whether the SNE rubric nets the alimony paid
  is to be confirmed [K] (``docs/pilotage.md``).
* Consumption units: the engine's scale (``attrib.engine.menage.unites_consommation``,
  ``data/parametres/unites_consommation.yaml``), ages on the reference day.
* Stored incomes are the current ones: a demand's income as it was on 31 December is not kept when it
  changed since (limit stated in ``docs/pilotage.md``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from attrib.demandes.models import CommuneSouhaitee, Demande
from attrib.demandes.moteur import menage_de, menages_colonnes
from attrib.engine import Menage, q1
from attrib.engine.derivations import lignes_invalides
from attrib.engine.erreurs import ParametreNonRenseigne, ParametresInvalides
from attrib.engine.menage import COLONNES_ENTREE, unites_consommation
from attrib.engine.parametres.arbre import DOSSIER_PAR_DEFAUT, Arbre, Valeur, charger_arbre
from attrib.engine.q1 import revenus_par_uc_tableau
from attrib.engine.sources import NON_PUBLIE
from attrib.journal.generation import RACINE_DEMANDE, Generation, generation

#: The data file; its folder's parameter tree is read (tests point it at a folder of their own).
FICHIER = DOSSIER_PAR_DEFAUT / "seuils_q1.yaml"

OFFICIEL = q1.OFFICIEL
CALCULE = q1.CALCULE


class SeuilsQ1Invalides(ValueError):
    """``seuils_q1.yaml`` cannot be read (message in French, with the entry at fault)."""


@dataclass(frozen=True)
class SeuilQ1:
    """The threshold applied for ``epci`` and ``annee`` (€ per year and per consumption unit)."""

    epci: str
    annee: int
    valeur: float | None
    origine: str
    source: str
    libelle: str

    @property
    def officiel(self) -> bool:
        return self.origine == OFFICIEL


@dataclass(frozen=True)
class ArreteQ1:
    annee: int
    intitule: str | None
    date_arrete: date | None
    journal_officiel: str | None
    date_effet: date | None
    source: str
    fiabilite: str
    manque: str


@dataclass(frozen=True)
class EntreeSeuil:
    """One line of ``seuils_q1.yaml``: the official value, or ``None`` with what is missing."""

    epci: str
    nom: str
    annee: int
    valeur: float | None
    fiabilite: str
    manque: str
    arrete: ArreteQ1 | None

    def reference(self) -> str:
        """ "Arrêté du 3 juin 2025 …, JO …" or what is known of it."""
        a = self.arrete
        if a is None or a.intitule is None:
            return f"Arrêté {self.annee} {NON_PUBLIE}"
        jo = f", {a.journal_officiel}" if a.journal_officiel else ""
        return f"{' '.join(a.intitule.split())}{jo}"


@dataclass(frozen=True)
class QuartileCalcule:
    valeur: float | None
    demandes: int
    ecartees: int
    date_reference: date


def _date(valeur: Any, ou: str) -> date | None:
    if valeur is None or isinstance(valeur, date):
        return valeur
    raise SeuilsQ1Invalides(f"seuils_q1.yaml, {ou} : date attendue (AAAA-MM-JJ), lu « {valeur} ».")


def _arbre(fichier: Path | None) -> Arbre:
    """The parameter tree of the data file's folder (``FICHIER`` unless told), read once per folder; the
    thresholds checked (an official value is a positive amount with a V or S source)."""
    chemin = fichier or FICHIER
    try:
        arbre = charger_arbre(chemin.parent)
        seuils = arbre.brut(chemin.name).get("seuils") or []
    except ParametresInvalides as e:
        raise SeuilsQ1Invalides(str(e)) from None
    for i, s in enumerate(seuils, start=1):
        valeur = s.get("valeur")
        try:
            if valeur is not None and (not isinstance(valeur, int | float) or isinstance(valeur, bool) or valeur <= 0):
                raise ValueError(f"valeur « {valeur} » : montant positif en euros attendu")
            if valeur is not None and str(s.get("fiabilite")) not in {"V", "S"}:
                raise ValueError("une valeur officielle doit être sourcée (fiabilité V ou S)")
        except ValueError as e:
            raise SeuilsQ1Invalides(f"seuils_q1.yaml, seuil n° {i} : champ manquant ou invalide ({e}).") from e
    return arbre


def _entree(arbre: Arbre, chemin: str, annee: int) -> Valeur | None:
    """The entry of ``chemin`` for the calendar year ``annee`` (None when the file has none)."""
    try:
        return arbre.entree(chemin, date(annee, 1, 1))
    except ParametreNonRenseigne:  # no such leaf: the file lists nothing for it
        return None


def seuil_officiel(*, epci_siren: str, annee: int, fichier: Path | None = None) -> EntreeSeuil | None:
    """The line of ``seuils_q1.yaml`` for this EPCI and year (its ``valeur`` may be ``None``)."""
    arbre = _arbre(fichier)
    v = _entree(arbre, f"seuils_q1.seuils.{epci_siren}", annee)
    if v is None:
        return None
    noms = (s.get("nom") for s in arbre.brut("seuils_q1.yaml").get("seuils") or [] if str(s.get("epci")) == epci_siren)
    return EntreeSeuil(
        epci=epci_siren,
        nom=str(next((n for n in noms if n), epci_siren)),
        annee=annee,
        valeur=float(v.valeur) if v.valeur is not None else None,
        fiabilite=v.fiabilite,
        manque=v.manque,
        arrete=_arrete(arbre, annee),
    )


def arrete(annee: int, *, fichier: Path | None = None) -> ArreteQ1 | None:
    return _arrete(_arbre(fichier), annee)


def _arrete(arbre: Arbre, annee: int) -> ArreteQ1 | None:
    v = _entree(arbre, "seuils_q1.arretes", annee)
    if v is None:
        return None
    ou = f"arrêté {annee}"
    a = v.valeur
    return ArreteQ1(
        annee=annee,
        intitule=a.get("intitule"),
        date_arrete=_date(a.get("date_arrete"), ou),
        journal_officiel=a.get("journal_officiel"),
        date_effet=_date(a.get("date_effet"), ou),
        source=v.source,
        fiabilite=v.fiabilite,
        manque=v.manque,
    )


def demandes_de_reference(*, epci_siren: str, date_reference: date) -> QuerySet[Demande]:
    """Demands registered on ``date_reference`` and not struck off then, wishing a commune of the EPCI."""
    souhait = CommuneSouhaitee.objects.filter(demande=OuterRef("pk"), commune__epci_id=epci_siren)
    return Demande.objects.filter(
        Exists(souhait),
        Q(date_radiation__isnull=True) | Q(date_radiation__gt=date_reference),
        date_enregistrement__lte=date_reference,
    )


def ressources_par_uc(menage: Menage, *, jour: date) -> float:
    """SNE monthly income × 12 / consumption units of one household (the first-quartile measure)."""
    return q1.revenu_par_uc(menage, jour=jour)


def ressources_par_uc_demande(demande: Demande, *, jour: date) -> float:
    """:func:`ressources_par_uc` of a stored demand, household as composed on ``jour``."""
    return ressources_par_uc(menage_de(demande, jour), jour=jour)


def calcul_quartile(*, epci_siren: str, date_reference: date) -> QuartileCalcule:
    """:func:`quartile_calcule` with the number of demands used and set aside (invalid household)."""
    return calcul_quartile_valeurs(epci_siren=epci_siren, date_reference=date_reference)[0]


def calcul_quartile_valeurs(*, epci_siren: str, date_reference: date) -> tuple[QuartileCalcule, list[float]]:
    """:func:`calcul_quartile` and the resources per UC it ranked.

    On columns: the households the engine refuses are found in one vectorised pass
    (:func:`attrib.engine.derivations.lignes_invalides`) and set aside; the consumption units are computed once
    per household shape (persons, children under 14) with the engine's scale, then spread to every row."""
    frame = menages_colonnes(
        demandes_de_reference(epci_siren=epci_siren, date_reference=date_reference), date_reference
    )
    if frame.height == 0:
        return QuartileCalcule(None, 0, 0, date_reference), []
    invalides = [i for i, _ in lignes_invalides(frame.select(COLONNES_ENTREE), date_reference=date_reference)]
    valides = frame.filter(~pl.int_range(pl.len()).is_in(invalides)) if invalides else frame
    forme = ["nb_personnes", "nb_moins_14_ans"]
    unites = pl.DataFrame(
        [
            {
                **{k: ligne[k] for k in forme},
                "_uc": unites_consommation(Menage.depuis_ligne(ligne), date_reference=date_reference),
            }
            for ligne in valides.unique(subset=forme, keep="first").iter_rows(named=True)
        ],
        schema={"nb_personnes": pl.Int64, "nb_moins_14_ans": pl.Int64, "_uc": pl.Float64},
        orient="row",
    )
    avec_uc = valides.join(unites, on=forme, how="left", maintain_order="left")
    valeurs = revenus_par_uc_tableau(
        avec_uc.get_column("revenus_mensuels").cast(pl.Float64).to_numpy(), avec_uc.get_column("_uc").to_numpy()
    ).tolist()
    calcul = QuartileCalcule(q1.premier_quartile(valeurs), len(valeurs), len(invalides), date_reference)
    return calcul, valeurs


def quartile_calcule(*, epci_siren: str, date_reference: date) -> float | None:
    """First quartile of the resources per UC of the EPCI's demands active on ``date_reference``."""
    return calcul_quartile(epci_siren=epci_siren, date_reference=date_reference).valeur


def euros(valeur: float) -> str:
    entier = f"{round(valeur):,}".replace(",", "\u202f")
    return f"{entier} €"


#: Computed thresholds already known: (EPCI, year, data file, state of the demand file) → threshold. A few
#: entries per territory and year; the state is the cheap generation of :mod:`attrib.journal.generation`.
_CALCULES: dict[tuple[str, int, str, Generation], SeuilQ1] = {}
_CALCULES_MAX = 256
_VERROU = threading.Lock()


def vider_cache() -> None:
    """Forget the computed thresholds (each is recomputed on its next read)."""
    with _VERROU:
        _CALCULES.clear()
    for fichier in dossier_garde().glob("*.json"):
        fichier.unlink(missing_ok=True)


def seuil_q1(*, epci_siren: str, annee: int, fichier: Path | None = None) -> SeuilQ1:
    """The threshold of ``annee`` for the EPCI: official when the data file holds it, else computed
    (:func:`attrib.engine.q1.seuil_retenu`).

    A computed threshold is computed once per EPCI, year and state of the demand file: the state is the last
    journal entry under a demand (any write to a demand, its persons or its wished communes moves it), read
    in one index step; every reader (the shortlist, the matching, the pilotage) then gets the kept value."""
    entree = seuil_officiel(epci_siren=epci_siren, annee=annee, fichier=fichier)
    if entree is not None and entree.valeur is not None:
        return _seuil_q1(epci_siren=epci_siren, annee=annee, entree=entree)
    cle = (epci_siren, annee, str(fichier or FICHIER), generation(RACINE_DEMANDE))
    with _VERROU:
        connu = _CALCULES.get(cle)
    if connu is not None:
        return connu
    # Another process of the installation may have computed it for the same state (decision 0023).
    garde = _fichier_garde(epci_siren, annee, str(fichier or FICHIER))
    etat = repr(cle)
    seuil = _lire_garde(garde, etat)
    if seuil is None:
        seuil = _seuil_q1(epci_siren=epci_siren, annee=annee, entree=entree)
        _ecrire_garde(garde, etat, seuil)
    with _VERROU:
        if len(_CALCULES) >= _CALCULES_MAX:
            _CALCULES.clear()
        _CALCULES[cle] = seuil
    return seuil


#: Prefix of the kept thresholds' files; any other file of the folder is a leftover of an earlier format.
PREFIXE_GARDE = "seuil-"


def dossier_garde() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "quartile"


def _fichier_garde(epci_siren: str, annee: int, fichier: str) -> Path:
    """The file of the computed threshold of an EPCI and year shared by the processes of the installation
    (``ATTRIB_VAR_DIR``): one file per database, EPCI, year and data file, holding the state it was computed
    from (:func:`_lire_garde`), replaced by the next state's: the folder never grows with the states."""
    nom = hashlib.sha256(repr((connection.settings_dict["NAME"], epci_siren, annee, fichier)).encode()).hexdigest()
    return dossier_garde() / f"{PREFIXE_GARDE}{nom[:32]}.json"


def _lire_garde(fichier: Path, etat: str) -> SeuilQ1 | None:
    """The threshold kept in ``fichier`` when it was computed from ``etat``; ``None`` otherwise."""
    try:
        garde = json.loads(fichier.read_text(encoding="utf-8"))
        if not isinstance(garde, dict) or garde.get("etat") != etat:
            return None
        return SeuilQ1(**garde["seuil"])
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _ecrire_garde(fichier: Path, etat: str, seuil: SeuilQ1) -> None:
    """Written whole then renamed over the previous state's (a reader sees a file complete or not at all); the
    files of an earlier format (one per state, never replaced) are removed. A threshold is no personal data."""
    try:
        fichier.parent.mkdir(parents=True, exist_ok=True)
        provisoire = fichier.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        provisoire.write_text(json.dumps({"etat": etat, "seuil": asdict(seuil)}), encoding="utf-8")
        os.replace(provisoire, fichier)
        for perime in fichier.parent.glob("*.json"):
            if not perime.name.startswith(PREFIXE_GARDE):
                perime.unlink(missing_ok=True)
    except OSError:
        return  # kept in memory only


def _seuil_q1(*, epci_siren: str, annee: int, entree: EntreeSeuil | None) -> SeuilQ1:
    reference = date(annee - 1, 12, 31)
    calculs: list[tuple[QuartileCalcule, list[float]]] = []

    def revenus() -> list[float]:
        calculs.append(calcul := calcul_quartile_valeurs(epci_siren=epci_siren, date_reference=reference))
        return calcul[1]

    retenu = q1.seuil_retenu(officiel=entree.valeur if entree is not None else None, revenus_par_uc=revenus)
    if retenu.officiel:
        assert entree is not None and retenu.valeur is not None
        return SeuilQ1(
            epci=epci_siren,
            annee=annee,
            valeur=retenu.valeur,
            origine=OFFICIEL,
            source=entree.reference(),
            libelle=f"Seuil officiel {annee} : {euros(retenu.valeur)} par an et par UC ({entree.reference()})",
        )
    calcul = calculs[0][0]
    source = (
        f"Calcul Attrib : premier quartile des ressources mensuelles × 12 / UC des {calcul.demandes} demandes "
        f"actives au {reference:%d/%m/%Y} souhaitant une commune de l'EPCI"
    )
    if calcul.ecartees:
        source += f" ({calcul.ecartees} demande(s) écartée(s) : composition du ménage invalide)"
    if retenu.valeur is None:
        libelle = (
            f"Seuil officiel {annee} {NON_PUBLIE} ; seuil calculé impossible : aucune demande "
            f"active au {reference:%d/%m/%Y} sur l'EPCI"
        )
    else:
        libelle = (
            f"Seuil calculé par Attrib (seuil officiel {annee} {NON_PUBLIE}) : {euros(retenu.valeur)} par an et par UC"
        )
    return SeuilQ1(epci=epci_siren, annee=annee, valeur=retenu.valeur, origine=CALCULE, source=source, libelle=libelle)

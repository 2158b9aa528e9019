"""Grids, demands and demand files for the cotation tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from attrib.demo.generateur import generer_menages, generer_personnes
from attrib.engine.cotation import Critere, Grille, Points, Section, colonnes_lues, evaluer, evaluer_un
from attrib.engine.cotation.catalogue import GENRES_CONNUS
from attrib.engine.cotation.conditions import Champ, Comparaison, Condition, Constante
from attrib.engine.formats.demandes_csv import COLONNES, COLONNES_PAR_NOM, formater

RACINE = Path(__file__).resolve().parents[3]
GRILLES = RACINE / "data" / "grilles"
JOUR = date(2026, 7, 1)


NEUTRES = {"nombre": None, "texte": "", "booleen": False, "date": None, "liste": [], "liste_dates": []}


def demande_socle(socle: Grille, **valeurs: Any) -> dict[str, Any]:
    """A demand with every column the socle grid reads, all empty or false, overridden by ``valeurs``."""
    neutre = {nom: NEUTRES[GENRES_CONNUS[nom]] for nom in colonnes_lues(socle)}
    return neutre | {"unites_consommation": 1.0, "revenus_mensuels": 1500.0} | valeurs


def dalo_en_attente(socle: Grille) -> dict[str, Any]:
    """Golden demand: DALO awaiting validation, hosted by family, 26 months of seniority."""
    return demande_socle(socle, dalo_reconnu=True, anciennete_mois=26, statut_logement_actuel="heberge_famille")


def plafonds_exclusivite_et_malus(socle: Grille) -> dict[str, Any]:
    """Golden demand: a section's ceiling, an exclusive section, the seniority's ceiling and refusals."""
    return demande_socle(
        socle,
        anciennete_mois=70,
        statut_logement_actuel="heberge_tiers",
        priorites=["l441_d", "l441_k"],
        motif_principal="separation",
        motifs_secondaires=["regroupement_familial", "handicap_sante"],
        nb_personnes_a_charge=1,
        refus_offres_adaptees=[date(2026, 1, 5), date(2026, 3, 1), date(2026, 6, 30)],
        criteres_valides=["l441_k_sans_logement"],
    )


def fausse_declaration(socle: Grille) -> dict[str, Any]:
    """Golden demand: a false declaration brings the total down to the floor."""
    return demande_socle(socle, fausses_declarations=[date(2026, 1, 1)], anciennete_mois=2)


def sans_critere(socle: Grille) -> dict[str, Any]:
    """Golden demand: no criterion of the grid applies."""
    return demande_socle(socle, anciennete_mois=None)


def critere(ident: str, points: int | Points, condition: Condition | None = None, **champs: Any) -> Critere:
    return Critere(
        id=ident,
        libelle=champs.pop("libelle", f"Critère {ident}"),
        base_legale=champs.pop("base_legale", "PPGD"),
        points=points if isinstance(points, Points) else Points(fixe=points),
        condition=condition,
        **champs,
    )


def si(champ: str, valeur: Any = True, operateur: str = "egal") -> Comparaison:
    return Comparaison(Champ(champ), operateur, Constante(valeur))  # type: ignore[arg-type]


def section(ident: str, *criteres: Critere, **champs: Any) -> Section:
    return Section(id=ident, libelle=champs.pop("libelle", f"Section {ident}"), criteres=criteres, **champs)


BLOC_LEGAL = section(
    "legal",
    critere("dalo", 1000, si("dalo_reconnu"), priorites_legales=("dalo",)),
    critere("prioritaire", 300, si("prioritaire"), priorites_legales=("l441_a",)),
)


def grille(*sections: Section, legal: bool = True, **champs: Any) -> Grille:
    return Grille(
        identifiant=champs.pop("identifiant", "essai"),
        libelle=champs.pop("libelle", "Grille d'essai"),
        date_effet=champs.pop("date_effet", date(2026, 1, 1)),
        sections=((BLOC_LEGAL,) if legal else ()) + sections,
        **champs,
    )


def demande(**valeurs: Any) -> dict[str, Any]:
    """A demand of the golden tests: no legal priority, overridden by ``valeurs``."""
    return {"dalo_reconnu": False, "prioritaire": False, "criteres_valides": []} | valeurs


def coter(g: Grille, demandes: Sequence[Mapping[str, Any]], *, jour: date = JOUR) -> list[dict[str, int]]:
    """Both evaluators on ``demandes``; asserts they agree and returns the rows (scores and detail)."""
    cadre = pl.DataFrame(list(demandes), infer_schema_length=None)
    vectoriel = evaluer(g, cadre, date_reference=jour).to_dicts()
    for ligne, d in zip(vectoriel, demandes, strict=True):
        r = evaluer_un(g, d, date_reference=jour)
        attendu = {"score": r.score, "score_provisoire": r.score_provisoire, "score_valide": r.score_valide}
        assert ligne == attendu | r.detail()
    return vectoriel


# --- demand files of the interchange format, from the demo generator --------------------------------


def _personne(p: Mapping[str, Any], suffixe: str) -> dict[str, Any]:
    champs = (
        "civilite",
        "nom",
        "nom_naissance",
        "prenoms",
        "date_naissance",
        "nationalite",
        "situation_familiale",
        "situation_professionnelle",
        "employeur_cotisant_action_logement",
        "handicap",
        "salaires",
        "indemnites_chomage",
        "pensions_retraite",
        "minima_sociaux",
        "prestations_familiales",
        "pension_alimentaire_recue",
        "autres_revenus",
    )
    return {f"{c}_{suffixe}": p[c] for c in champs}


def lignes_demo(n: int, *, seed: int, jour: date = JOUR) -> list[dict[str, Any]]:
    """``n`` demands of the demo generator, as typed values of the interchange format's columns."""
    menages = generer_menages(n, seed=seed, date_reference=jour)
    personnes = generer_personnes(menages, seed=seed, date_reference=jour)
    par_menage: dict[int, list[dict[str, Any]]] = {}
    for p in personnes.iter_rows(named=True):
        par_menage.setdefault(p["menage"], []).append(p)
    lignes = []
    for m in menages.iter_rows(named=True):
        membres = par_menage[m["menage"]]
        demandeur = next(p for p in membres if p["role"] == "demandeur")
        codemandeur = next((p for p in membres if p["role"] == "codemandeur"), None)
        ligne: dict[str, Any] = {c.nom: None for c in COLONNES}
        ligne |= {k: m[k] for k in ligne if k in m and k not in ("priorites",)}
        ligne |= _personne(demandeur, "demandeur")
        ligne |= {"adresse_demandeur": demandeur["adresse"], "telephone_demandeur": demandeur["telephone"]}
        if codemandeur is not None:
            ligne |= _personne(codemandeur, "codemandeur") | {"lien_codemandeur": codemandeur["lien"]}
        ligne |= {
            "numero_unique": f"011262600{m['menage']:05d}DEMO",
            "statut": "active",
            "sensibles_masques": False,
            "personnes": [
                {
                    "lien": p["lien"],
                    "date_naissance": p["date_naissance"],
                    "prenoms": p["prenoms"],
                    "nom": p["nom"],
                    "a_charge": p["a_charge"],
                    "garde_alternee": False,
                    "enfant_a_naitre": False,
                    "handicap": p["handicap"],
                }
                for p in membres
                if p["role"] == "personne_a_loger"
            ],
            "priorites": ["dalo"] * bool(m["dalo_reconnu"]) + [f"l441_{lettre}" for lettre in m["priorites"]],
        }
        lignes.append(ligne)
    return lignes


def csv_demandes(lignes: Sequence[Mapping[str, Any]]) -> str:
    """CSV text of the interchange format (every column) for typed rows."""
    flux = io.StringIO()
    sortie = csv.writer(flux, delimiter=";")
    sortie.writerow([c.nom for c in COLONNES])
    for ligne in lignes:
        sortie.writerow([formater(COLONNES_PAR_NOM[c.nom], ligne.get(c.nom)) for c in COLONNES])
    return flux.getvalue()

"""Benchmark: cotation of the national stock (2.76M demands) with a 25-criterion grid.

- Demands come from the demo generator (``attrib.demo.generateur.generer_menages``), seeded, plus the
  engine's derivations the grid reads (``anciennete_mois``, ``revenu_annuel_par_uc``) and seeded
  application columns (refusals of adapted offers, committee rankings, validated criteria, up-to-date
  file). The generator's L441-1 letters become the codes of the reference (``a`` → ``l441_a``).
- The grid (:data:`GRILLE`, 25 criteria) uses every feature: named values, exclusive sections, section
  and total caps, fixed and proportional capped points, validation needs, event windows, malus.
- ``engine_s``: best of 5 runs of :func:`attrib.engine.cotation.evaluer` (scores and detail of both
  scores), after a warm-up on 10,000 rows.
- ``polars_handwritten_s``: best of 5 runs of :func:`a_la_main`, the same grid written directly in polars
  (same output), the runs interleaved with the engine's. Both outputs are checked equal (every column,
  every row) on the warm-up rows and on the whole frame.
- ``reference_s``: :func:`attrib.engine.cotation.evaluer_un` on a seeded sample of 100,000 demands,
  extrapolated linearly (``reference_sample=``); turning rows into dicts is excluded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from attrib.demo.generateur import generer_menages
from attrib.engine.cotation import charger_grille, colonnes_lues, evaluer, evaluer_un, preparer

LIGNES = 2_760_000
GRAINE = 20260501
DATE_REFERENCE = date(2026, 3, 1)
ECHANTILLON = 100_000
PAQUET = 20_000
ECHAUFFEMENT = 10_000

GRILLE = """
identifiant: bench_25
libelle: Grille de mesure (25 critères)
date_effet: 2026-01-01
plancher_total: 0
valeurs:
  - id: taux_effort
    libelle: Taux d'effort
    calcul: {quotient: [{difference: [{somme: [loyer_actuel, charges_actuelles]}, allocation_logement]}, revenus_mensuels]}
  - id: seuil_surpeuplement
    libelle: Seuil de suroccupation
    calcul: {max: [9, {difference: [{produit: [9, nb_personnes]}, 2]}]}
sections:
  - id: dalo
    libelle: DALO
    criteres:
      - {id: dalo, libelle: DALO, base_legale: L441-2-3 CCH, priorites_legales: [dalo], validation: justificatif,
         condition: {champ: dalo_reconnu, egal: true}, points: 1000}
  - id: priorites
    libelle: Priorités L441-1
    exclusive: true
    criteres:
      - {id: p_a, libelle: Handicap, base_legale: L441-1 a), priorites_legales: [l441_a], validation: justificatif,
         condition: {un_de: [{champ: priorites, contient: l441_a}, {champ: nb_handicap, sup: 0}]}, points: 400}
      - {id: p_d, libelle: Hébergement temporaire, base_legale: L441-1 d), priorites_legales: [l441_d],
         condition: {un_de: [{champ: priorites, contient: l441_d},
                             {champ: statut_logement_actuel, parmi: [structure_hebergement, logement_foyer, hotel]}]},
         points: 400}
      - {id: p_g, libelle: Violences, base_legale: L441-1 g), priorites_legales: [l441_g], validation: travailleur_social,
         condition: {un_de: [{champ: priorites, contient: l441_g}, {champ: motif_principal, egal: violences}]}, points: 500}
      - {id: p_k, libelle: Sans logement, base_legale: L441-1 k), priorites_legales: [l441_k],
         condition: {un_de: [{champ: priorites, contient: l441_k},
                             {champ: statut_logement_actuel, parmi: [sans_abri, squat, habitat_mobile, heberge_tiers]}]},
         points: 450}
      - {id: p_l, libelle: Expulsion, base_legale: L441-1 l), priorites_legales: [l441_l],
         condition: {un_de: [{champ: priorites, contient: l441_l},
                             {champ: procedure_expulsion, parmi: [jugement, concours_force_publique]}]}, points: 450}
      - {id: p_autres, libelle: Autres priorités, base_legale: L441-1 CCH, validation: justificatif,
         priorites_legales: [l441_b, l441_c, l441_e, l441_f, l441_h, l441_i, l441_j, l441_m],
         condition: {champ: priorites, contient_un_de: [l441_b, l441_c, l441_e, l441_f, l441_h, l441_i, l441_j, l441_m]},
         points: 300}
  - id: logement
    libelle: Logement
    exclusive: true
    criteres:
      - {id: commandement, libelle: Commandement, base_legale: PPGD, condition: {champ: procedure_expulsion, egal: commandement}, points: 250}
      - {id: conge, libelle: Congé, base_legale: PPGD,
         condition: {un_de: [{champ: motif_principal, egal: logement_repris}, {champ: motifs_secondaires, contient: logement_repris}]},
         points: 200}
      - {id: non_decent, libelle: Non décent, base_legale: PPGD, validation: justificatif, condition: {champ: logement_non_decent, egal: true}, points: 200}
      - {id: suroccupation, libelle: Suroccupation, base_legale: PPGD, condition: {champ: surface_actuelle, inf: {champ: seuil_surpeuplement}}, points: 200}
      - {id: heberge_famille, libelle: Hébergé en famille, base_legale: PPGD, condition: {champ: statut_logement_actuel, egal: heberge_famille}, points: 120}
      - {id: sous_occupation, libelle: Sous-occupation, base_legale: PPGD,
         condition: {calcul: {difference: [nb_pieces_actuel, nb_personnes]}, sup: 1}, points: 50}
  - id: ressources
    libelle: Ressources
    exclusive: true
    criteres:
      - {id: effort_40, libelle: Taux d'effort > 40 %, base_legale: PPGD, condition: {champ: taux_effort, sup: 0.4}, points: 200}
      - {id: effort_30, libelle: Taux d'effort > 30 %, base_legale: PPGD, condition: {champ: taux_effort, sup: 0.3}, points: 100}
      - {id: q1, libelle: Premier quartile, base_legale: PPGD, condition: {champ: revenu_annuel_par_uc, inf: 9243}, points: 150}
  - id: situation
    libelle: Situation
    plafond: 250
    criteres:
      - {id: separation, libelle: Séparation, base_legale: PPGD, validation: justificatif,
         condition: {un_de: [{champ: motif_principal, egal: separation}, {champ: motifs_secondaires, contient: separation}]},
         points: 100}
      - {id: monoparentale, libelle: Famille monoparentale, base_legale: PPGD,
         condition: {tous: [{champ: couple, egal: false}, {champ: nb_personnes_a_charge, sup: 0}]}, points: 80}
      - {id: sante, libelle: Santé, base_legale: PPGD, validation: justificatif,
         condition: {un_de: [{champ: motif_principal, egal: handicap_sante}, {champ: besoin_logement_adapte, egal: true},
                             {champ: besoin_fauteuil, egal: true}]}, points: 120}
      - {id: voisinage, libelle: Voisinage, base_legale: PPGD,
         condition: {un_de: [{champ: motif_principal, egal: voisinage}, {champ: motifs_secondaires, contient: voisinage}]},
         points: 50}
  - id: anciennete
    libelle: Ancienneté
    criteres:
      - {id: anciennete, libelle: Ancienneté, base_legale: PPGD, points: {par_unite: 10, valeur: anciennete_mois, plafond: 600, unite: mois}}
      - {id: dalo_non_reloge, libelle: DALO non relogé depuis six mois, nature: bonus, base_legale: PPGD,
         condition: {mois_depuis: dalo_date_decision, sup_egal: 6}, points: 200}
  - id: bonus_malus
    libelle: Bonus et malus
    criteres:
      - {id: refus, libelle: Refus répétés, nature: malus, base_legale: R441-2-10 CCH,
         condition: {evenements: refus_offres_adaptees, mois: 12, sup_egal: 2},
         points: {par_unite: -150, valeur: {evenements: refus_offres_adaptees, mois: 12}, plafond: 450, unite: refus}}
      - {id: poulidor, libelle: Classé 2e ou 3e, nature: bonus, base_legale: PPGD,
         condition: {evenements: classements_rang_2_ou_3, mois: 12, sup_egal: 2}, points: 100}
      - {id: dossier_a_jour, libelle: Dossier à jour, nature: bonus, base_legale: PPGD, condition: {champ: pieces_a_jour, egal: true}, points: 30}
"""

#: Criteria needing validation (their share of validated demands is drawn with the seed).
A_VALIDER = ("dalo", "p_a", "p_g", "p_autres", "non_decent", "separation", "sante")


# --- demands ---------------------------------------------------------------------------------------


def _dates_recentes(rng: np.random.Generator, n: int, part: float, maximum: int) -> pl.Expr:
    """List of dates: ``part`` of the rows get 1 to ``maximum`` dates within the last 24 months."""
    nombre = np.where(rng.random(n) < part, rng.integers(1, maximum + 1, n), 0)
    debut = (DATE_REFERENCE - date(1970, 1, 1)).days
    dates = [pl.lit(pl.Series((debut - rng.integers(0, 730, n)).astype("int32")).cast(pl.Date)) for _ in range(maximum)]
    return pl.concat_list(dates).list.head(pl.lit(pl.Series(nombre)))


def demandes(n: int, graine: int) -> pl.DataFrame:
    brut = generer_menages(n, seed=graine, date_reference=DATE_REFERENCE)
    rng = np.random.default_rng(graine)
    valides = [pl.when(pl.lit(pl.Series(rng.random(n) < 0.6))).then(pl.lit(ident)) for ident in A_VALIDER]
    return brut.with_columns(
        pl.col("priorites").cast(pl.List(pl.String)).list.eval(pl.lit("l441_") + pl.element()).alias("priorites"),
        _dates_recentes(rng, n, 0.06, 4).alias("refus_offres_adaptees"),
        _dates_recentes(rng, n, 0.04, 3).alias("classements_rang_2_ou_3"),
        pl.Series(rng.random(n) < 0.4).alias("pieces_a_jour"),
        pl.concat_list(valides).list.drop_nulls().alias("criteres_valides"),
    )


# --- the same grid, written by hand in polars --------------------------------------------------------


def a_la_main(df: pl.DataFrame) -> pl.DataFrame:
    """The grid written directly in polars: criteria, best of each exclusive section, kept points, totals."""
    c = pl.col
    ref = DATE_REFERENCE

    def mois(depuis: pl.Expr) -> pl.Expr:
        ecart = (ref.year * 12 + ref.month) - (depuis.dt.year().cast(pl.Int64) * 12 + depuis.dt.month().cast(pl.Int64))
        return ecart - (depuis.dt.day() > ref.day).cast(pl.Int64)

    def evenements(colonne: str) -> pl.Expr:
        m = mois(pl.element())
        return c(colonne).list.eval(((m >= 0) & (m < 12)).cast(pl.Int64)).list.sum().fill_null(0)

    def contient(code: str) -> pl.Expr:
        return c("priorites").list.contains(code)

    cout = c("loyer_actuel") + c("charges_actuelles") - c("allocation_logement")
    taux = pl.when(c("revenus_mensuels") != 0).then(cout / c("revenus_mensuels"))
    seuil = pl.max_horizontal(pl.lit(9), 9 * c("nb_personnes") - 2)
    statut, motif, secondaires = c("statut_logement_actuel"), c("motif_principal"), c("motifs_secondaires")
    nb_refus = evenements("refus_offres_adaptees")
    autres = ["l441_b", "l441_c", "l441_e", "l441_f", "l441_h", "l441_i", "l441_j", "l441_m"]
    conditions: dict[str, pl.Expr] = {
        "dalo": c("dalo_reconnu"),
        "p_a": contient("l441_a") | (c("nb_handicap") > 0),
        "p_d": contient("l441_d") | statut.is_in(["structure_hebergement", "logement_foyer", "hotel"]),
        "p_g": contient("l441_g") | (motif == "violences"),
        "p_k": contient("l441_k") | statut.is_in(["sans_abri", "squat", "habitat_mobile", "heberge_tiers"]),
        "p_l": contient("l441_l") | c("procedure_expulsion").is_in(["jugement", "concours_force_publique"]),
        "p_autres": c("priorites").list.eval(pl.element().is_in(autres)).list.any(),
        "commandement": c("procedure_expulsion") == "commandement",
        "conge": (motif == "logement_repris") | secondaires.list.contains("logement_repris"),
        "non_decent": c("logement_non_decent"),
        "suroccupation": c("surface_actuelle") < seuil,
        "heberge_famille": statut == "heberge_famille",
        "sous_occupation": (c("nb_pieces_actuel") - c("nb_personnes")) > 1,
        "effort_40": taux > 0.4,
        "effort_30": taux > 0.3,
        "q1": c("revenu_annuel_par_uc") < 9243,
        "separation": (motif == "separation") | secondaires.list.contains("separation"),
        "monoparentale": ~c("couple") & (c("nb_personnes_a_charge") > 0),
        "sante": (motif == "handicap_sante") | c("besoin_logement_adapte") | c("besoin_fauteuil"),
        "voisinage": (motif == "voisinage") | secondaires.list.contains("voisinage"),
        "anciennete": c("anciennete_mois").is_not_null(),
        "dalo_non_reloge": mois(c("dalo_date_decision")) >= 6,
        "refus": nb_refus >= 2,
        "poulidor": evenements("classements_rang_2_ou_3") >= 2,
        "dossier_a_jour": c("pieces_a_jour"),
    }
    fixes = {"dalo": 1000, "p_a": 400, "p_d": 400, "p_g": 500, "p_k": 450, "p_l": 450, "p_autres": 300}
    fixes |= {"commandement": 250, "conge": 200, "non_decent": 200, "suroccupation": 200, "heberge_famille": 120}
    fixes |= {"sous_occupation": 50, "effort_40": 200, "effort_30": 100, "q1": 150, "separation": 100}
    fixes |= {"monoparentale": 80, "sante": 120, "voisinage": 50, "dalo_non_reloge": 200, "poulidor": 100}
    fixes |= {"dossier_a_jour": 30}
    variables = {"anciennete": (10 * c("anciennete_mois")).clip(-600, 600), "refus": (-150 * nb_refus).clip(-450, 450)}
    travail = []
    for i, condition in conditions.items():
        applique = condition.fill_null(False)
        points = pl.lit(fixes[i], dtype=pl.Int64) if i in fixes else variables[i]
        travail += [applique.alias(f"a:{i}"), pl.when(applique).then(points).otherwise(0).alias(f"p:{i}")]
    travail += [c("criteres_valides").list.contains(i).fill_null(False).alias(f"ok:{i}") for i in A_VALIDER]

    sections: list[tuple[str, list[str], bool, int | None]] = [
        ("dalo", ["dalo"], False, None),
        ("priorites", ["p_a", "p_d", "p_g", "p_k", "p_l", "p_autres"], True, None),
        (
            "logement",
            ["commandement", "conge", "non_decent", "suroccupation", "heberge_famille", "sous_occupation"],
            True,
            None,
        ),
        ("ressources", ["effort_40", "effort_30", "q1"], True, None),
        ("situation", ["separation", "monoparentale", "sante", "voisinage"], False, 250),
        ("anciennete", ["anciennete", "dalo_non_reloge"], False, None),
        ("bonus_malus", ["refus", "poulidor", "dossier_a_jour"], False, None),
    ]

    def cle(i: str, rang: int, n: int, valide: bool) -> pl.Expr:
        applique = c(f"a:{i}") & c(f"ok:{i}") if valide and i in A_VALIDER else c(f"a:{i}")
        return pl.when(applique).then(c(f"p:{i}") * n + (n - 1 - rang))

    maxima, retenus = [], []
    colonne: dict[tuple[str, bool], str] = {}
    for valide in (False, True):
        v = "v" if valide else ""
        for nom, ids, exclusive, _ in sections:
            if exclusive:
                n = len(ids)
                maxima.append(pl.max_horizontal(cle(i, r, n, valide) for r, i in enumerate(ids)).alias(f"m{v}:{nom}"))
                for r, i in enumerate(ids):
                    garde = cle(i, r, n, valide) == c(f"m{v}:{nom}")
                    retenus.append(pl.when(garde).then(c(f"p:{i}")).otherwise(0).alias(f"r{v}:{i}"))
                    colonne[i, valide] = f"r{v}:{i}"
            else:
                for i in ids:
                    if valide and i in A_VALIDER:
                        retenus.append(pl.when(c(f"ok:{i}")).then(c(f"p:{i}")).otherwise(0).alias(f"rv:{i}"))
                        colonne[i, valide] = f"rv:{i}"
                    else:
                        colonne[i, valide] = f"p:{i}"

    def score(valide: bool) -> tuple[pl.Expr, list[pl.Expr]]:
        prefixe = "valide:" if valide else ""
        detail: list[pl.Expr] = []
        totaux = []
        for nom, ids, _, plafond in sections:
            points = [c(colonne[i, valide]) for i in ids]
            detail += [p.alias(prefixe + i) for i, p in zip(ids, points, strict=True)]
            somme = pl.sum_horizontal(points)
            if plafond is not None:
                detail.append((somme.clip(upper_bound=plafond) - somme).alias(f"{prefixe}plafond:{nom}"))
                somme = somme.clip(upper_bound=plafond)
            totaux.append(somme)
        total = pl.sum_horizontal(totaux)
        detail.append((total.clip(lower_bound=0) - total).alias(f"{prefixe}plafond:total"))
        return total.clip(lower_bound=0), detail

    provisoire, detail_p = score(False)
    valide, detail_v = score(True)
    return (
        df.lazy()
        .with_columns(travail)
        .with_columns(maxima)
        .with_columns(retenus)
        .select(
            provisoire.alias("score"),
            provisoire.alias("score_provisoire"),
            valide.alias("score_valide"),
            *detail_p,
            *detail_v,
        )
        .collect()
    )


# --- measure -------------------------------------------------------------------------------------


def _mesurer(*fonctions: Callable[[], pl.DataFrame], tours: int = 5) -> list[tuple[float, pl.DataFrame]]:
    """Best time of each function over ``tours`` interleaved rounds (the machine is shared and noisy)."""
    meilleurs = [float("inf")] * len(fonctions)
    resultats = [pl.DataFrame()] * len(fonctions)
    for _ in range(tours):
        for k, fonction in enumerate(fonctions):
            debut = time.perf_counter()
            resultats[k] = fonction()
            meilleurs[k] = min(meilleurs[k], time.perf_counter() - debut)
    return list(zip(meilleurs, resultats, strict=True))


def _reference(lignes: list[dict[str, Any]], grille: Any) -> float:
    debut = time.perf_counter()
    for ligne in lignes:
        evaluer_un(grille, ligne, date_reference=DATE_REFERENCE)
    return time.perf_counter() - debut


def run() -> None:
    grille = charger_grille(GRILLE, origine="bench_cotation")
    if sum(1 for _ in grille.criteres()) != 25:
        raise AssertionError("La grille de mesure doit compter 25 critères.")
    df = preparer(demandes(LIGNES, GRAINE), grille, date_reference=DATE_REFERENCE, annee_plafonds=2024)
    lues = sorted(colonnes_lues(grille))
    df = df.select(lues)

    moteur = evaluer(grille, df.head(ECHAUFFEMENT), date_reference=DATE_REFERENCE)
    main = a_la_main(df.head(ECHAUFFEMENT))
    if not moteur.equals(main.select(moteur.columns)) or set(moteur.columns) != set(main.columns):
        raise AssertionError("Le moteur et l'expression écrite à la main ne donnent pas les mêmes points.")

    (engine_s, moteur), (handwritten_s, main) = _mesurer(
        lambda: evaluer(grille, df, date_reference=DATE_REFERENCE), lambda: a_la_main(df)
    )
    if not moteur.equals(main.select(moteur.columns)):
        raise AssertionError("Le moteur et l'expression écrite à la main ne donnent pas les mêmes points.")
    del main

    echantillon = sorted(random.Random(GRAINE).sample(range(LIGNES), ECHANTILLON))
    attendus = moteur[echantillon].to_dicts()
    del moteur
    reference_s = 0.0
    sous_cadre = df[echantillon]
    for debut in range(0, ECHANTILLON, PAQUET):
        lignes = sous_cadre.slice(debut, PAQUET).to_dicts()
        reference_s += _reference(lignes, grille)
        for ligne, attendu in zip(lignes[:50], attendus[debut : debut + 50], strict=True):
            r = evaluer_un(grille, ligne, date_reference=DATE_REFERENCE)
            if (
                attendu
                != {"score": r.score, "score_provisoire": r.score_provisoire, "score_valide": r.score_valide}
                | r.detail()
            ):
                raise AssertionError("Le moteur et la référence ne donnent pas les mêmes points.")
    reference_s *= LIGNES / ECHANTILLON
    print(
        f"BENCH cotation rows={LIGNES} criteria=25 engine_s={engine_s:.3f} polars_handwritten_s={handwritten_s:.3f} "
        f"reference_s={reference_s:.1f} vs_handwritten={engine_s / handwritten_s:.2f} "
        f"vs_reference={reference_s / engine_s:.0f} reference_sample={ECHANTILLON}"
    )

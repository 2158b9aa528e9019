"""Grid lint (rule 10): overlapping bands of an additive section, a legal block the grid predates, a
criterion whose value is unknown for every demand (the délai anormalement long not published for the
territory's département), a criterion no demand meets. Golden cases, each warning located."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from attrib.engine.cotation import GrilleInvalide, charger_grille, valider
from attrib.engine.cotation.conditions import Champ, Comparaison, Constante, Entre, Tous
from attrib.engine.cotation.lint import controler_sur_demandes
from attrib.engine.cotation.tranches import chevauchements, tranche
from tests.engine.cotation.fabriques import JOUR, critere, grille, section, si
from tests.engine.cotation.test_grille import ENTETE, avertissements, document


def _anciennete(operateur: str, valeur: int) -> Comparaison:
    return Comparaison(Champ("anciennete_mois"), operateur, Constante(valeur))  # type: ignore[arg-type]


# --- overlapping bands ---------------------------------------------------------------------------


def test_tranche_d_un_tous_sur_la_meme_valeur() -> None:
    sujet, intervalle = tranche(Tous((_anciennete("sup_egal", 12), _anciennete("inf", 24))))  # type: ignore[misc]
    assert sujet == Champ("anciennete_mois")
    assert intervalle.texte() == "de 12 jusqu'à moins de 24"


def test_tranches_disjointes_ne_se_chevauchent_pas() -> None:
    conditions = [
        Tous((_anciennete("sup_egal", 12), _anciennete("inf", 24))),
        Tous((_anciennete("sup_egal", 24), _anciennete("inf", 36))),
        _anciennete("sup_egal", 36),
    ]
    assert chevauchements(conditions) == []


def test_tranches_qui_partagent_une_borne_se_chevauchent() -> None:
    conditions = [Entre(Champ("anciennete_mois"), 12, 24), _anciennete("sup_egal", 24), si("dalo_reconnu")]
    (ch,) = chevauchements(conditions)
    assert (ch.premier, ch.second, ch.valeur) == (0, 1, "anciennete_mois")
    assert ch.commun.texte() == "exactement 24"


def test_chevauchement_signale_en_section_cumulative_avec_sa_ligne() -> None:
    texte = document(
        """\
        - id: anc_12_24
          libelle: Ancienneté de 12 à 24 mois
          base_legale: PPGD
          condition: {champ: anciennete_mois, entre: [12, 24]}
          points: 20
        - id: anc_24
          libelle: Ancienneté de 24 mois et plus
          base_legale: PPGD
          condition: {champ: anciennete_mois, sup_egal: 24}
          points: 40
        """
    )
    (message,) = avertissements(texte)
    assert message == (
        "essai.yaml, ligne 31 (sections[1].criteres[1].condition) : section « Critères locaux » (points cumulés) : "
        "les tranches des critères « anc_12_24 » (anciennete_mois de 12 à 24) et « anc_24 » (anciennete_mois 24 et "
        "plus) se chevauchent (anciennete_mois exactement 24) : une demande dans cet intervalle reçoit les points "
        "des deux. Rendez les tranches disjointes ou déclarez la section « exclusive »"
    )


def test_chevauchement_admis_en_section_exclusive() -> None:
    g = grille(
        section(
            "anciennete",
            critere("a", 20, Entre(Champ("anciennete_mois"), 12, 24)),
            critere("b", 40, _anciennete("sup_egal", 24)),
            exclusive=True,
        )
    )
    assert not any("tranches" in m.message for m in valider(g))


def test_chevauchement_de_criteres_jamais_en_vigueur_ensemble_ignore() -> None:
    g = grille(
        section(
            "anciennete",
            critere("a", 20, _anciennete("sup_egal", 12), date_fin=date(2026, 6, 30)),
            critere("b", 40, _anciennete("sup_egal", 12), date_debut=date(2026, 7, 1)),
        )
    )
    assert not any("tranches" in m.message for m in valider(g))


# --- legal block the grid predates ------------------------------------------------------------------


def test_grille_anterieure_au_bloc_l441_1_dit_lequel_et_pourquoi() -> None:
    texte = ENTETE.replace("date_effet: 2026-01-01", "date_effet: 2015-01-01").replace(
        "priorites_legales: [l441_a, l441_b, l441_c, l441_d, l441_e, l441_f, l441_g, l441_h, l441_i, l441_j, "
        "l441_k, l441_l, l441_m]",
        "priorites_legales: [l441_c]",
    )
    messages = avertissements(texte)
    assert any(
        "la grille prend effet le 01/01/2015, avant l'existence du bloc légal « priorités de l'article L441-1 CCH » "
        "dans sa rédaction actuelle (à partir du 27/01/2017 : a), c), d), e), f), g), h), i), j), k), l) ; à partir "
        "du 23/11/2018 : b) ; à partir du 07/02/2022 : m))" in m
        for m in messages
    ), messages
    # The criterion citing l441_c (from 27/01/2017) is said to implement nothing before that date.
    assert any(
        "(sections[0].criteres[1].priorites_legales[0]) : la priorité légale c) (l441_c) n'existe qu'à partir du "
        "27/01/2017 (L441-1 c) CCH)" in m
        for m in messages
    ), messages
    assert not any("parmi )" in m for m in messages)


def test_grille_recente_sans_bloc_l441_1_reste_refusee() -> None:
    texte = "\n".join(ligne for ligne in ENTETE.splitlines() if "l441_a" not in ligne)
    with pytest.raises(GrilleInvalide, match="aucun critère ne met en œuvre les priorités de l'article L441-1 CCH"):
        charger_grille(texte, origine="essai.yaml")


def test_priorite_posterieure_a_la_grille_signalee() -> None:
    texte = ENTETE.replace("date_effet: 2026-01-01", "date_effet: 2021-01-01")
    messages = avertissements(texte)
    assert messages == [
        "essai.yaml, ligne 17 (sections[0].criteres[1].priorites_legales[12]) : la priorité légale m) (l441_m) "
        "n'existe qu'à partir du 07/02/2022 (L441-1 m) CCH) : le critère « priorites » s'applique dès le 01/01/2021 "
        "et ne met en œuvre aucune priorité légale avant cette date"
    ]


# --- against the demands of the territory -----------------------------------------------------------


def _demandes(**colonnes: list[object]) -> pl.DataFrame:
    n = len(next(iter(colonnes.values())))
    base: dict[str, list[object]] = {
        "dalo_reconnu": [True] + [False] * (n - 1),
        "prioritaire": [True] + [False] * (n - 1),
        "departement": ["11"] * n,
    }
    return pl.DataFrame(base | colonnes, strict=False)


def test_critere_dal_inconnu_pour_toutes_les_demandes_nomme_le_departement() -> None:
    g = grille(section("dal", critere("delai_depasse", 100, si("dal_depasse"), libelle="Délai anormalement long")))
    demandes = _demandes(
        dal_depasse=pl.Series([None, None, None], dtype=pl.Boolean),
        delai_anormalement_long_mois=pl.Series([None, None, None], dtype=pl.Int64),
    )
    (message,) = controler_sur_demandes(g, demandes, date_reference=JOUR)
    assert str(message) == (
        "grille essai (sections[1].criteres[0].condition) : section « Section dal », critère « delai_depasse » : "
        "la valeur lue (dal_depasse) est inconnue pour les 3 demandes du territoire : délai anormalement long non "
        "publié à ce jour pour le département 11 (Aude). Ce critère ne peut rapporter de points à aucune demande"
    )
    assert message.niveau == "avertissement"


def test_critere_que_personne_ne_remplit() -> None:
    g = grille(section("locale", critere("tres_ancien", 50, _anciennete("sup", 240), libelle="Plus de 20 ans")))
    demandes = _demandes(anciennete_mois=[3, 30, 120])
    messages = [str(m) for m in controler_sur_demandes(g, demandes, date_reference=JOUR)]
    assert messages == [
        "grille essai (sections[1].criteres[0].condition) : section « Section locale », critère « tres_ancien » : "
        "aucune des 3 demandes du territoire ne remplit « Plus de 20 ans ». Vérifiez sa condition (seuils, codes) "
        "ou retirez-le"
    ]


def test_criteres_remplis_et_valeurs_connues_sans_avertissement() -> None:
    g = grille(
        section("locale", critere("ancien", 50, _anciennete("sup", 24))),
    )
    demandes = _demandes(anciennete_mois=[3, 30, 120]).with_columns(pl.Series("dalo_reconnu", [True, False, False]))
    assert controler_sur_demandes(g, demandes, date_reference=JOUR) == []


def test_valeur_nommee_inconnue_remonte_a_sa_colonne() -> None:
    texte = document(
        """\
        - id: effort_eleve
          libelle: Taux d'effort élevé
          base_legale: PPGD
          condition: {champ: effort, sup: 0.3}
          points: 50
        """
    ).replace(
        "sections:\n",
        "valeurs:\n  - id: effort\n    libelle: Effort\n    calcul: {quotient: [loyer_actuel, revenus_mensuels]}\nsections:\n",
        1,
    )
    g = charger_grille(texte, origine="essai.yaml")
    demandes = _demandes(
        loyer_actuel=pl.Series([None, None], dtype=pl.Float64), revenus_mensuels=[1000.0, 1200.0]
    ).with_columns(pl.Series("priorites", [["l441_a"], []]), pl.Series("dalo_reconnu", [True, False]))
    messages = [str(m) for m in controler_sur_demandes(g, demandes, date_reference=JOUR)]
    assert len(messages) == 1
    assert messages[0].startswith("essai.yaml, ligne ")
    assert "critère « effort_eleve » : la valeur lue (loyer_actuel) est inconnue pour les 2 demandes" in messages[0]


def test_territoire_sans_demande() -> None:
    g = grille()
    (message,) = controler_sur_demandes(g, _demandes(x=[1]).clear(), date_reference=JOUR)
    assert "aucune demande sur le territoire" in message.message


def test_priorite_legale_que_personne_ne_remplit_reste_obligatoire() -> None:
    g = grille(section("locale", critere("ancien", 50, _anciennete("sup", 24))))
    demandes = _demandes(anciennete_mois=[3, 30, 120]).with_columns(pl.Series("prioritaire", [False] * 3))
    (message,) = controler_sur_demandes(g, demandes, date_reference=JOUR)
    assert message.chemin == "sections[0].criteres[1].condition"
    assert message.message.endswith(
        "aucune des 3 demandes du territoire ne remplit « Critère prioritaire ». Priorité légale : le critère reste "
        "obligatoire même sans demande concernée"
    )

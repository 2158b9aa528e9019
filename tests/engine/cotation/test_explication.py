"""The score of one demand in plain French (demand page, applicant)."""

from __future__ import annotations

from attrib.engine.cotation import Grille, evaluer_un, expliquer
from tests.engine.cotation.fabriques import (
    JOUR,
    dalo_en_attente,
    fausse_declaration,
    plafonds_exclusivite_et_malus,
    sans_critere,
)


def test_explication_d_un_menage_dalo_en_attente_de_validation(socle: Grille):
    d = dalo_en_attente(socle)

    phrases = expliquer(evaluer_un(socle, d, date_reference=JOUR))

    assert phrases == [
        "Grille « Grille socle de cotation — CA Le Grand Narbonne (démonstration) », version 2026-1, calcul au "
        "01/07/2026. La cotation est une aide à la décision : la commission d'attribution reste souveraine.",
        "Ménage reconnu prioritaire et urgent par la commission de médiation du droit au logement opposable "
        "(DALO) : +1\u00a0000 points "
        "(provisoire : en attente de validation par un justificatif)",
        "Hébergé chez ses parents ou ses enfants : +120 points",
        "Ancienneté de la demande : 26 mois × 10 points : +260 points",
        "Score provisoire : 1\u00a0380 points ; score validé : 380 points (les critères en attente de validation "
        "comptent dans le score provisoire seulement).",
    ]


def test_plafonds_exclusivite_et_malus_expliques(socle: Grille):
    d = plafonds_exclusivite_et_malus(socle)

    phrases = expliquer(evaluer_un(socle, d, date_reference=JOUR))

    assert (
        "Personne dépourvue de logement, y compris hébergée par des tiers : +450 points (validé par un justificatif)"
        in phrases
    )
    assert (
        "Personne hébergée ou logée temporairement dans un établissement ou un logement de transition : +400 points, "
        "non retenu : dans la section « Publics prioritaires de l'article L441-1 CCH », seul le critère le plus "
        "favorable compte"
    ) in phrases
    assert "Section « Situation personnelle et familiale » plafonnée à 250 points : −130 points" in phrases
    assert "Ancienneté de la demande : 70 mois × 10 points, plafonné à 600 : +600 points" in phrases
    assert "Refus répétés de logements adaptés : 3 refus × −150 points : −450 points" in phrases


def test_plancher_du_total_et_demande_sans_critere(socle: Grille):
    fraude = fausse_declaration(socle)
    rien = sans_critere(socle)

    phrases_fraude = expliquer(evaluer_un(socle, fraude, date_reference=JOUR))
    phrases_rien = expliquer(evaluer_un(socle, rien, date_reference=JOUR))

    assert "Fausse déclaration établie : −300 points" in phrases_fraude
    assert "Score total ramené au plancher de 0 points : +280 points" in phrases_fraude
    assert phrases_fraude[-1] == "Score : 0 points."
    assert phrases_rien[1:] == ["Aucun critère de la grille ne s'applique à cette demande.", "Score : 0 points."]

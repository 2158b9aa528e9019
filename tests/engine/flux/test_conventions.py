"""Agreements: validation messages (French, located, naming the rule) and the frozen period of orientation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from attrib.engine.erreurs import EntreeInvalide
from attrib.engine.flux import (
    RESERVATAIRE_BAILLEUR,
    Categorie,
    Convention,
    ConventionsInvalides,
    Critere,
    GroupeTypologie,
    JeuConventions,
    periode,
    valider_conventions,
)

DEBUT = date(2026, 1, 1)


def convention(
    reservataire: str, categorie: Categorie, part: Fraction | Decimal | None, libelle: str = "", **autres: Any
) -> Convention:
    return Convention(reservataire, libelle or reservataire.capitalize(), categorie, DEBUT, part=part, **autres)


def demo() -> JeuConventions:
    """The issue's demo set: State 25 % of which 5 % agents, Action Logement, Ville de Narbonne, EPCI."""
    return JeuConventions(
        "Habitat Audois",
        (
            convention("etat", Categorie.ETAT, Fraction(20, 100), libelle="Préfecture de l'Aude (prioritaires)"),
            convention("etat-agents", Categorie.ETAT_AGENTS, Fraction(5, 100), libelle="Préfecture de l'Aude (agents)"),
            convention("action-logement", Categorie.ACTION_LOGEMENT, Decimal("0.32"), libelle="Action Logement"),
            convention("narbonne", Categorie.COMMUNE, Fraction(10, 100), libelle="Ville de Narbonne"),
            convention("grand-narbonne", Categorie.EPCI, Fraction(8, 100), libelle="Le Grand Narbonne"),
        ),
    )


def test_le_jeu_de_demonstration_est_valide() -> None:
    assert valider_conventions(demo()) == []


def test_etat_a_35_pourcent_refuse_en_nommant_la_regle() -> None:
    jeu = JeuConventions(
        "Habitat Audois",
        (
            convention("action-logement", Categorie.ACTION_LOGEMENT, Fraction(30, 100)),
            convention("etat", Categorie.ETAT, Fraction(35, 100), libelle="Préfecture de l'Aude"),
        ),
    )
    erreurs = valider_conventions(jeu)
    assert [e.champ for e in erreurs] == ["conventions[1].part"]
    assert erreurs[0].message.startswith(
        "La part de l'État (35 %) dépasse le plafond de 30 % du flux annuel (R441-5 CCH)"
    )
    with pytest.raises(ConventionsInvalides, match=r"La part de l'État \(35 %\) dépasse le plafond de 30 %"):
        periode(jeu, jour=DEBUT)


def test_les_deux_contingents_de_l_etat_s_additionnent() -> None:
    jeu = JeuConventions(
        "B",
        (
            convention("etat", Categorie.ETAT, Fraction(26, 100)),
            convention("etat-agents", Categorie.ETAT_AGENTS, Fraction(5, 100)),
        ),
    )
    (erreur,) = valider_conventions(jeu)
    assert "La part de l'État (31 %) dépasse le plafond de 30 %" in erreur.message
    assert erreur.champ == "conventions[0].part"


def test_part_des_agents_de_l_etat_plafonnee() -> None:
    jeu = JeuConventions(
        "B",
        (
            convention("etat", Categorie.ETAT, Fraction(20, 100)),
            convention("etat-agents", Categorie.ETAT_AGENTS, Fraction(6, 100)),
        ),
    )
    (erreur,) = valider_conventions(jeu)
    assert erreur.champ == "conventions[1].part"
    assert "La part des agents de l'État (6 %) dépasse le plafond de 5 % du flux annuel (R441-5 CCH)" in erreur.message


def test_somme_des_parts_au_plus_100_pourcent() -> None:
    jeu = JeuConventions(
        "B",
        (
            convention("action-logement", Categorie.ACTION_LOGEMENT, Fraction(60, 100)),
            convention("narbonne", Categorie.COMMUNE, Fraction(45, 100)),
        ),
    )
    (erreur,) = valider_conventions(jeu)
    assert erreur.champ == "conventions"
    assert "atteint 105 % du flux annuel" in erreur.message
    assert "ne peut dépasser 100 %" in erreur.message
    assert "à partir du 01/01/2026" in erreur.message


def test_chaque_convention_est_verifiee_avec_son_emplacement() -> None:
    jeu = JeuConventions(
        "B",
        (
            convention("narbonne", Categorie.COMMUNE, Fraction(-5, 100), libelle="Ville de Narbonne"),
            convention("epci", Categorie.EPCI, None, libelle="Le Grand Narbonne"),
            convention("al", Categorie.ACTION_LOGEMENT, Fraction(1, 10), nombre_logements=12, libelle="AL"),
            convention("autre", Categorie.AUTRE, Fraction(1, 10), delai_proposition_jours=0, fin=date(2025, 6, 1)),
            convention(RESERVATAIRE_BAILLEUR, Categorie.AUTRE, Fraction(1, 10)),
            convention("grand", Categorie.AUTRE, Fraction(3, 2)),
        ),
    )
    messages = {(e.champ, e.message) for e in valider_conventions(jeu)}
    assert (
        "conventions[0].part",
        "Convention n° 1 (Ville de Narbonne) : part négative (−5 %) ; une part du flux est comprise entre 0 et 100 %.",
    ) in messages
    assert (
        "conventions[1].part",
        "Convention n° 2 (Le Grand Narbonne) : indiquez la part du flux (en %) ou le nombre de logements par an.",
    ) in messages
    assert (
        "conventions[2].part",
        "Convention n° 3 (AL) : indiquez soit une part du flux (10 %), soit un nombre de logements (12), pas les deux.",
    ) in messages
    champs = {champ for champ, _ in messages}
    assert {"conventions[3].fin", "conventions[3].delai_proposition_jours", "conventions[4].reservataire"} <= champs
    assert any(c == "conventions[5].part" and "150 %" in m for c, m in messages)


def test_deux_conventions_du_meme_reservataire_ne_se_chevauchent_pas() -> None:
    jeu = JeuConventions(
        "B",
        (
            Convention(
                "al", "Action Logement", Categorie.ACTION_LOGEMENT, DEBUT, date(2026, 6, 30), part=Fraction(1, 4)
            ),
            Convention("al", "Action Logement", Categorie.ACTION_LOGEMENT, date(2026, 6, 1), part=Fraction(1, 5)),
            Convention(
                "al",
                "Action Logement",
                Categorie.ACTION_LOGEMENT,
                date(2025, 1, 1),
                date(2025, 12, 31),
                part=Fraction(1, 5),
            ),
        ),
    )
    (erreur,) = valider_conventions(jeu)
    assert erreur.champ == "conventions[1].debut"
    assert "chevauche la convention n° 1 (Action Logement) du 01/06/2026 au 30/06/2026" in erreur.message


def test_les_plafonds_s_appliquent_periode_par_periode() -> None:
    # 25 % + 10 % only overlap in June: the State's share exceeds 30 % during that month only.
    jeu = JeuConventions(
        "B",
        (
            Convention("etat", "Préfet", Categorie.ETAT, DEBUT, date(2026, 6, 30), part=Fraction(25, 100)),
            Convention("etat-agents", "Agents", Categorie.ETAT_AGENTS, date(2026, 6, 1), part=Fraction(5, 100) * 2),
        ),
    )
    messages = [e.message for e in valider_conventions(jeu)]
    assert any("(35 %)" in m and "du 01/06/2026 au 30/06/2026" in m for m in messages)
    assert not any("(25 %)" in m for m in messages)


def test_part_en_nombre_de_logements_convertie_avec_le_flux_prevu() -> None:
    jeu = JeuConventions(
        "B",
        (
            convention("etat", Categorie.ETAT, None, nombre_logements=70, libelle="Préfet"),
            convention("al", Categorie.ACTION_LOGEMENT, Fraction(1, 2)),
        ),
    )
    assert valider_conventions(jeu) == []  # without the forecast, the number cannot be checked
    (erreur,) = valider_conventions(jeu, flux_prevu=200)
    assert "La part de l'État (35 %)" in erreur.message
    with pytest.raises(ConventionsInvalides, match="indiquez le flux prévisionnel"):
        periode(jeu, jour=DEBUT)
    parts = periode(jeu, jour=DEBUT, flux_prevu=280).parts_par_reservataire()
    assert parts == {"al": Fraction(1, 2), "etat": Fraction(1, 4), RESERVATAIRE_BAILLEUR: Fraction(1, 4)}


def test_periode_part_implicite_du_bailleur_et_ordre_stable() -> None:
    p = periode(demo(), jour=date(2026, 3, 2))
    assert [(q.reservataire, q.part) for q in p.parts] == [
        ("action-logement", Fraction(32, 100)),
        (RESERVATAIRE_BAILLEUR, Fraction(25, 100)),
        ("etat", Fraction(20, 100)),
        ("narbonne", Fraction(10, 100)),
        ("grand-narbonne", Fraction(8, 100)),
        ("etat-agents", Fraction(5, 100)),
    ]
    bailleur = p.parts[1]
    assert bailleur.libelle == "Habitat Audois (part non réservée)"
    assert bailleur.delai_proposition_jours is None
    assert p.parts[0].delai_proposition_jours == 30  # flux.yaml default
    assert (p.debut, p.fin) == (date(2026, 1, 1), date(2026, 12, 31))
    assert p.delta == Fraction(1, 10)  # Tijdeman: 1/(2(6 − 1)) for six shares


def test_periode_bornee_par_les_changements_de_conventions() -> None:
    jeu = JeuConventions(
        "B",
        (
            Convention("al", "AL", Categorie.ACTION_LOGEMENT, date(2025, 1, 1), date(2026, 4, 30), part=Fraction(1, 4)),
            Convention(
                "ville",
                "Ville",
                Categorie.COMMUNE,
                date(2026, 9, 1),
                part=Fraction(1, 10),
                mixite=frozenset({Critere.QPV}),
            ),
        ),
    )
    avant = periode(jeu, jour=date(2026, 2, 1))
    assert (avant.debut, avant.fin) == (date(2026, 1, 1), date(2026, 4, 30))
    assert avant.criteres == ()
    entre = periode(jeu, jour=date(2026, 6, 1))
    assert (entre.debut, entre.fin) == (date(2026, 5, 1), date(2026, 8, 31))
    assert [q.reservataire for q in entre.parts] == [RESERVATAIRE_BAILLEUR]
    apres = periode(jeu, jour=date(2026, 10, 1))
    assert apres.criteres == (Critere.QPV,)


def test_une_part_nulle_ne_recoit_jamais_de_logement() -> None:
    jeu = JeuConventions("B", (convention("al", Categorie.ACTION_LOGEMENT, Fraction(0)),))
    p = periode(jeu, jour=DEBUT)
    assert p.sans_part == ("al",)
    with pytest.raises(EntreeInvalide, match="n'a pas de part du flux"):
        p.index("al")


def test_part_en_virgule_flottante_refusee() -> None:
    with pytest.raises(EntreeInvalide, match="virgule flottante"):
        Convention("al", "AL", Categorie.ACTION_LOGEMENT, DEBUT, part=0.32)  # type: ignore[arg-type]


def test_groupes_de_typologie_du_jeu_verifies() -> None:
    with pytest.raises(EntreeInvalide, match="commence à T3, attendu T2"):
        JeuConventions(
            "B",
            (),
            groupes_typologie=(GroupeTypologie("T1", 1, 1), GroupeTypologie("T3 et plus", 3)),
        )

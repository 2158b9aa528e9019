"""The ``parametres`` template tags: templates ask the tree for legal values instead of writing them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.template import Context, Template

from attrib.engine.erreurs import ParametreNonRenseigne


def _rendre(gabarit: str, **contexte: object) -> str:
    return Template("{% load parametres %}" + gabarit).render(Context(contexte))


def test_la_valeur_en_vigueur() -> None:
    assert _rendre('{% parametre "caleol.candidats_minimum" %}') == "3"


def test_en_lettres_avec_l_unite_de_la_feuille() -> None:
    assert _rendre('{% parametre_lettres "caleol.delai_reponse_offre_jours" %}') == "dix jours"
    assert _rendre('{% parametre_lettres "caleol.candidats_minimum" %}') == "trois"
    assert _rendre('{% parametre_lettres "cycle_demande.validite" %}') == "un an"
    assert _rendre('{% parametre_lettres "cycle_demande.preavis_renouvellement" %}') == "un mois"


def test_pourcentage() -> None:
    rendu = _rendre(
        '{% parametre_pourcent "flux.plafond_part_etat" %} dont {% parametre_pourcent "flux.plafond_part_agents_etat" %}'
    )
    assert rendu == "30 % dont 5 %"


def test_la_source_sans_etiquette_ni_fichier() -> None:
    rendu = _rendre('{% parametre_source "objectifs_attribution.prioritaires_par_reservataire" %}')
    assert rendu
    assert "[K]" not in rendu and "DOMAIN.md" not in rendu and ".yaml" not in rendu


def test_le_jour_d_un_document() -> None:
    """A document passes its own day (a date or an aware datetime); before the first value: the engine's error."""
    assert (
        _rendre('{% parametre_lettres "caleol.delai_reponse_offre_jours" jour=j %}', j=date(2011, 4, 1)) == "dix jours"
    )
    assert _rendre('{% parametre "caleol.candidats_minimum" jour=j %}', j=datetime(2026, 1, 1, 12, 0)) == "3"
    with pytest.raises(ParametreNonRenseigne, match="non renseigné au 31/03/2011"):
        _rendre('{% parametre "caleol.delai_reponse_offre_jours" jour=j %}', j=date(2011, 3, 31))


def test_par_defaut_le_jour_d_aujourd_hui() -> None:
    with (
        time_machine.travel(datetime(2015, 8, 31, 12, 0), tick=False),
        pytest.raises(ParametreNonRenseigne, match="caleol.candidats_minimum.*31/08/2015"),
    ):
        _rendre('{% parametre "caleol.candidats_minimum" %}')
    with time_machine.travel(datetime(2015, 9, 1, 12, 0), tick=False):
        assert _rendre('{% parametre "caleol.candidats_minimum" %}') == "3"


def test_les_pages_disent_la_valeur_de_l_arbre() -> None:
    """The pages that used to write the values now render the same words from the tree."""
    from django.template.loader import get_template

    offres = get_template("commissions/offres.html").template.source
    assert "dix jours" not in offres and 'parametre_lettres "caleol.delai_reponse_offre_jours"' in offres
    rendu = _rendre(
        'le demandeur a {% parametre_lettres "caleol.delai_reponse_offre_jours" %} pour répondre ; '
        'au moins {% parametre_lettres "caleol.candidats_minimum" %} candidats'
    )
    assert rendu == "le demandeur a dix jours pour répondre ; au moins trois candidats"

"""The key figures never show a count below the minimum, nor anything that reveals one (issue 13 acceptance:
« a test shows that no figure below the minimum count is displayed »).

The territory: Narbonne has many demands and dwellings; Gruissan has **2 demands for a T1** (a cell of 1–2) and 2
dwellings; Coursan a dozen demands. The published pages (the whole territory, then each commune) are read as a
visitor reads them; the figures gathered from all of them must (1) never be a count between 1 and 10, and (2) not
let anybody compute the hidden small count from the totals: every hidden figure that is truly small still has
several possible values given everything shown (the linear programmes of :func:`attrib.engine.secret.intervalles`).
"""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from attrib.engine.secret import Tableau, intervalles
from attrib.patrimoine.models import Logement, Residence
from attrib.siad.chiffres import TYPOLOGIES, chiffres_cles_calculer
from attrib.siad.models import ChiffresCles
from tests.factories import COURSAN, GRUISSAN, NARBONNE, creer_demande
from tests.siad.conftest import SIREN, SYSTEME, MondeSiad

pytestmark = pytest.mark.django_db

MINIMUM = 11
#: The demands of the territory, by first wished commune and minimal typology (T1…T5+).
DEMANDES = {
    NARBONNE: [0, 13, 12, 0, 0],
    GRUISSAN: [2, 0, 0, 0, 0],
    COURSAN: [0, 12, 0, 0, 0],
}
#: Dwellings by commune and number of rooms.
LOGEMENTS = {NARBONNE: [0, 12, 30, 0, 0], GRUISSAN: [0, 0, 0, 2, 0]}


def _territoire(monde: MondeSiad) -> None:
    for commune, par_typologie in DEMANDES.items():
        for j, n in enumerate(par_typologie):
            for _ in range(n):
                creer_demande(guichet_org=monde.guichet, communes=(commune,), typologie_min=j + 1, typologie_max=j + 1)
    for commune, par_typologie in LOGEMENTS.items():
        residence = Residence.objects.create(
            identifiant=f"R-{commune}", commune_id=commune, type_construction="collectif", source="rpls_adresses"
        )
        Logement.objects.bulk_create(
            Logement(residence=residence, identifiant=f"L-{commune}-{j}-{k}", nb_pieces=j + 1, surface_habitable=50)
            for j, n in enumerate(par_typologie)
            for k in range(n)
        )


def _nombre(texte: str) -> int | None:
    texte = " ".join(texte.split())
    if texte.startswith("—"):
        return None
    return int(texte.replace("\u202f", "").replace(" ", ""))


def _lire(html: str) -> dict[str, list[tuple[str, list[int | None]]]]:
    """Each table of the key figures: its caption → rows (header, [logements, demandes, attributions])."""
    arbre = lxml.html.fromstring(html)
    (section,) = arbre.xpath('//*[@id="chiffres-cles"]')
    tables = {}
    for table in section.xpath(".//table"):
        legende = " ".join(table.xpath("string(.//caption)").split())
        lignes = []
        for tr in table.xpath(".//tbody/tr"):
            entete = " ".join(tr.xpath("string(./th)").split())
            valeurs = [_nombre(td.text_content()) for td in tr.xpath("./td")[:3]]
            lignes.append((entete, valeurs))
        tables[legende] = lignes
    return tables


def _chiffres_affiches(html: str) -> list[str]:
    arbre = lxml.html.fromstring(html)
    (section,) = arbre.xpath('//*[@id="chiffres-cles"]')
    return [" ".join(td.text_content().split()) for td in section.xpath(".//td")]


def test_aucun_petit_effectif_ni_rien_qui_le_revele(monde: MondeSiad) -> None:
    _territoire(monde)
    chiffres_cles_calculer(epci=monde.epci, auteur=SYSTEME)
    client = Client()
    url = reverse("siad:chiffres", args=[SIREN])
    territoire = client.get(url)
    assert territoire.status_code == 200
    pages = {"": territoire.content.decode()}
    communes = [c["code"] for c in ChiffresCles.objects.get().donnees["communes"]]
    assert communes == [COURSAN, GRUISSAN, NARBONNE]  # by name
    for code in communes:
        pages[code] = client.get(url, {"commune": code}).content.decode()

    # (1) No figure between 1 and 10 anywhere: the « 2 » demands of Gruissan are never written.
    for code, html in pages.items():
        for texte in _chiffres_affiches(html):
            valeur = texte.split(" ")[0]
            if valeur.isdigit():
                assert int(valeur) == 0 or int(valeur) >= MINIMUM, (code, texte)
        assert 'id="legende-chiffres"' in html and f"moins de {MINIMUM}" in html

    # (2) Gather the published demand table (cells from each commune's page, totals from the territory's page)…
    tables = {code: _lire(html) for code, html in pages.items()}
    n, m = len(communes), len(TYPOLOGIES)
    publie: dict[tuple[int, int], int | None] = {}
    for i, code in enumerate(communes):
        (lignes,) = [v for k, v in tables[code].items() if "par taille" in k]
        for j in range(m):
            assert lignes[j][0] == TYPOLOGIES[j]
            publie[(i, j)] = lignes[j][1][1]
        publie[(i, m)] = lignes[m][1][1]
    par_typologie = next(v for k, v in tables[""].items() if "par taille" in k)
    par_commune = next(v for k, v in tables[""].items() if "Par commune" in k)
    for j in range(m):
        publie[(n, j)] = par_typologie[j][1][1]
    publie[(n, m)] = par_typologie[m][1][1]
    for i in range(n):
        assert par_commune[i][1][1] == publie[(i, m)]  # the same figure on both pages
    # … the true one …
    vrai = Tableau.de([DEMANDES[c] for c in communes])
    for case, valeur in publie.items():
        assert valeur is None or valeur == vrai[case], case
    # … the small cell is hidden, and so is every figure it could be subtracted from …
    gruissan = communes.index(GRUISSAN)
    assert publie[(gruissan, 0)] is None and publie[(gruissan, m)] is None and publie[(n, 0)] is None
    # … and no hidden small figure can be computed from what is shown, whatever the combination of pages.
    caches = {c for c, v in publie.items() if v is None}
    petits = [c for c in caches if 1 <= vrai[c] < MINIMUM]
    assert (gruissan, 0) in petits
    for case, (bas, haut) in intervalles(vrai, caches, petits).items():
        assert haut - bas >= 1, f"{case} se déduit des chiffres publiés"


def test_la_verification_voit_une_soustraction(monde: MondeSiad) -> None:
    """The check of the previous test can fail: showing every figure but the small one lets it be subtracted."""
    vrai = Tableau.de([DEMANDES[c] for c in (COURSAN, GRUISSAN, NARBONNE)])
    ((bas, haut),) = intervalles(vrai, {(1, 0)}, [(1, 0)]).values()
    assert bas == haut == 2


def test_sans_calcul_la_page_le_dit(monde: MondeSiad) -> None:
    texte = Client().get(reverse("siad:chiffres", args=[SIREN])).content.decode()
    assert "ne sont pas encore calculés" in texte


def test_le_calcul_est_en_quelques_requetes(monde: MondeSiad, django_assert_max_num_queries: Any) -> None:
    """One grouped query per measure and one for the communes' names (then the write, in its savepoints): the
    same number of queries for 40 demands or 100,000, and the page reads one row."""
    _territoire(monde)
    with django_assert_max_num_queries(12):
        chiffres_cles_calculer(epci=monde.epci, auteur=SYSTEME)
    with django_assert_max_num_queries(12):
        Client().get(reverse("siad:chiffres", args=[SIREN]), {"commune": NARBONNE})


def test_seul_le_systeme_calcule(monde: MondeSiad) -> None:
    from attrib.organisations.acteurs import Refus, acteur_de

    with pytest.raises(Refus):
        chiffres_cles_calculer(epci=monde.epci, auteur=acteur_de(monde.agent))
    assert not ChiffresCles.objects.exists()

"""The bridge from stored demands to the engine: one demand and a whole queryset give the same households."""

from datetime import date

import pytest

from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandes.moteur import menage_de, menages_colonnes, situation_plafonds
from attrib.engine import deriver
from attrib.engine.menage import derivations_menage
from tests.factories import creer_demande, guichet, personne, territoire_minimal

pytestmark = pytest.mark.django_db
JOUR = date(2026, 6, 1)
DEPOT = date(2026, 1, 15)


@pytest.fixture
def demandes():
    territoire_minimal()
    org = guichet()
    jeune_couple = creer_demande(
        guichet_org=org,
        date_depot=DEPOT,
        aujourd_hui=DEPOT,
        personnes=[
            personne(date_naissance=date(2000, 1, 1), salaires=1200),
            personne(
                role=enums.RolePersonne.CODEMANDEUR,
                lien=enums.LienParente.CONJOINT,
                prenoms="Hugo",
                date_naissance=date(2001, 3, 3),
                salaires=900,
            ),
        ],
        revenu_fiscal_reference=30000,
    )
    parent_seul = creer_demande(
        guichet_org=org,
        date_depot=DEPOT,
        aujourd_hui=DEPOT,
        personnes=[
            personne(prenoms="Inès", date_naissance=date(1985, 2, 2), salaires=1400),
            personne(
                role=enums.RolePersonne.PERSONNE_A_LOGER,
                lien=enums.LienParente.ENFANT,
                prenoms="Lina",
                date_naissance=date(2018, 4, 4),
                a_charge=True,
                salaires=0,
            ),
        ],
        revenu_fiscal_reference=40000,
    )
    return jeune_couple, parent_seul


def test_categories_jeune_menage_et_parent_isole(demandes):
    jeune_couple, parent_seul = demandes
    d1 = derivations_menage(
        menage_de(jeune_couple, JOUR), date_reference=JOUR, annee_plafonds=2026, financements=("PLUS",)
    )
    d2 = derivations_menage(
        menage_de(parent_seul, JOUR), date_reference=JOUR, annee_plafonds=2026, financements=("PLUS",)
    )
    assert d1.categorie_menage == 3  # jeune ménage : 26 + 25 ans ≤ 55
    assert d2.categorie_menage == 3  # une personne avec une personne à charge
    assert d1.unites_consommation == pytest.approx(1.5)
    assert d2.unites_consommation == pytest.approx(1.3)
    assert d1.eligible["PLUS"] is True  # 30 000 € ≤ 37 584 € (PLUS 2026, autres régions, catégorie 3)
    assert d2.eligible["PLUS"] is False  # 40 000 € > 37 584 €


def test_colonnes_et_demande_seule_concordent(demandes):
    df = menages_colonnes(Demande.objects.all(), JOUR)
    assert df.height == 2
    derivees = deriver(
        df.drop("demande_id", "numero_unique"), date_reference=JOUR, annee_plafonds=2026, financements=("PLUS",)
    )
    for ligne, demande in zip(derivees.iter_rows(named=True), Demande.objects.order_by("pk"), strict=True):
        seule = derivations_menage(
            menage_de(demande, JOUR), date_reference=JOUR, annee_plafonds=2026, financements=("PLUS",)
        )
        assert ligne["categorie_menage"] == seule.categorie_menage
        assert ligne["eligible_plus"] == seule.eligible["PLUS"]
        assert ligne["unites_consommation"] == pytest.approx(seule.unites_consommation)


def test_plafond_non_renseigne_dit_sans_deviner(demandes):
    situation = situation_plafonds(demandes[0], JOUR)
    assert situation.eligible["PLAI"] is None  # PLAI 2026 : aucune source officielle chargée
    assert situation.eligible["PLUS"] is True
    assert any("PLAI" in phrase and "non publié à ce jour" in phrase for phrase in situation.phrases)

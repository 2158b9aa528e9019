"""Publishing a version re-scores every active demand of the territory, stores the detail and the version,
ranks the demands, keeps the history; a failure publishes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.cotation import services
from attrib.cotation.enums import StatutTache, StatutVersion, TypeGrille
from attrib.cotation.models import Cotation, CotationHistorique, TacheCotation
from attrib.demandes import enums
from attrib.demandes.models import PieceJustificative
from attrib.demandes.pieces import piece_deposer, piece_valider
from attrib.demandes.services import demande_radier
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from tests.cotation.conftest import GRILLE, GRILLE_MUTATION, Territoire, importer, mois_avant
from tests.factories import CARCASSONNE, GRUISSAN, NARBONNE, creer_demande

pytestmark = pytest.mark.django_db

DALO = {"dalo_reconnu": True, "dalo_date_decision": date(2025, 6, 1)}


def _scores(demande: object) -> tuple[int, int, int]:
    c = Cotation.objects.get(demande=demande)
    return c.score, c.score_provisoire, c.score_valide


def test_publier_recote_toutes_les_demandes_actives_du_territoire(territoire: Territoire) -> None:
    a = territoire.demande(mois=12, **DALO)
    b = territoire.demande(mois=30, priorites=("l441_k",))
    c = territoire.demande(mois=5, communes=(GRUISSAN, NARBONNE))
    mutation = territoire.demande(mois=10, statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL)
    hors = creer_demande(guichet_org=territoire.guichet_carcassonne, communes=(CARCASSONNE,))
    # Carcassonne wished second: the first wished commune decides the territory.
    ailleurs = territoire.demande(mois=3, communes=(CARCASSONNE, NARBONNE))
    radiee = territoire.demande(mois=8)
    demande_radier(demande=radiee, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.RENONCIATION)
    version = importer(territoire)
    etapes: list[tuple[int, int, int]] = []

    tache = services.version_publier(
        version=version,
        auteur=acteur_de(territoire.gestionnaire),
        progression=lambda e, _, f, t: etapes.append((e, f, t)),
    )

    assert tache.statut == StatutTache.TERMINEE, tache.message
    assert tache.message.startswith("4 demandes cotées au ")
    version.refresh_from_db()
    assert version.statut == StatutVersion.PUBLIEE and version.publiee_par == territoire.gestionnaire
    assert set(Cotation.objects.values_list("demande_id", flat=True)) == {a.pk, b.pk, c.pk, mutation.pk}
    assert not Cotation.objects.filter(demande__in=[hors, ailleurs, radiee]).exists()
    # DALO waits for its document: provisional 1000 + 12 months × 10; validated 120.
    assert _scores(a) == (1120, 1120, 120)
    assert _scores(b) == (600, 600, 600)
    assert _scores(c) == (50, 50, 50)
    assert _scores(mutation) == (100, 100, 100)
    cotation = Cotation.objects.get(demande=a)
    assert cotation.version == version and cotation.date_reference == timezone.localdate()
    assert cotation.detail == {"provisoire": {"dalo": 1000, "anciennete": 120}, "valide": {"anciennete": 120}}
    assert (
        "Ménage reconnu prioritaire DALO : +1\u00a0000 points (provisoire : en attente de validation par un justificatif)"
        in cotation.explication
    )
    # The three steps reported their progress up to the four demands.
    assert {e for e, _, _ in etapes} == {1, 2, 3} and (3, 4, 4) in etapes
    assert (tache.etape, tache.faites, tache.total, tache.pourcentage) == (3, 4, 4, 100)
    assert Evenement.objects.pour(version).filter(action="grille_publiee", auteur=territoire.gestionnaire).exists()
    assert CotationHistorique.objects.count() == 4


def test_le_detail_fait_le_score_et_le_rang_suit_le_score_puis_le_depot(territoire: Territoire) -> None:
    six_mois = mois_avant(timezone.localdate(), 6)
    ancien = territoire.demande(mois=20)
    recent = territoire.demande(mois=0, priorites=("l441_k",))
    egal_apres = creer_demande(guichet_org=territoire.guichet, communes=(NARBONNE,), date_depot=six_mois)
    egal_avant = creer_demande(
        guichet_org=territoire.guichet, communes=(NARBONNE,), date_depot=six_mois - timedelta(days=3)
    )
    t3 = territoire.demande(mois=1, typologie_min=3, typologie_max=3)
    gruissan = territoire.demande(mois=40, communes=(GRUISSAN,))
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))

    for cotation in Cotation.objects.all():
        assert sum(cotation.detail["provisoire"].values()) == cotation.score_provisoire
        assert sum(cotation.detail["valide"].values()) == cotation.score_valide
    assert [_scores(d)[0] for d in (recent, ancien, egal_avant, egal_apres, gruissan)] == [300, 200, 60, 60, 400]
    rangs = {
        c.demande_id: (c.rang, c.effectif, c.rang_territoire, c.effectif_territoire) for c in Cotation.objects.all()
    }
    # T2 in Narbonne: 300, 200, then the two demands at 60 points, the older filing first.
    assert rangs[recent.pk] == (1, 4, 2, 5)
    assert rangs[ancien.pk] == (2, 4, 3, 5)
    assert rangs[egal_avant.pk] == (3, 4, 4, 5)
    assert rangs[egal_apres.pk] == (4, 4, 5, 5)
    # Gruissan is another sector of the same typology: first of its sector and of the territory.
    assert rangs[gruissan.pk] == (1, 1, 1, 5)
    assert rangs[t3.pk] == (1, 1, 1, 1)


def test_une_situation_validee_compte_dans_le_score_valide(territoire: Territoire) -> None:
    demande = territoire.demande(mois=2, priorites=("dalo",), **DALO)
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    assert _scores(demande) == (1020, 1020, 20)
    piece = PieceJustificative.objects.get(demande=demande, critere="dalo")
    piece_deposer(
        piece=piece, fichier=ContentFile(b"%PDF-1.4", name="decision.pdf"), auteur=acteur_de(territoire.agent_guichet)
    )
    piece_valider(piece=piece, auteur=acteur_de(territoire.agent_guichet))
    tache = services.cotations_recalculer(organisation=territoire.epci, auteur=acteur_systeme("test"))
    assert tache.statut == StatutTache.TERMINEE
    assert _scores(demande) == (1020, 1020, 1020)
    cotation = Cotation.objects.get(demande=demande)
    assert "Ménage reconnu prioritaire DALO : +1\u00a0000 points (validé par un justificatif)" in cotation.explication
    # The change of validated score is in the history.
    assert list(CotationHistorique.objects.filter(demande=demande).values_list("score_valide", flat=True)) == [1020, 20]


def test_une_nouvelle_version_archive_la_precedente_et_recote(territoire: Territoire) -> None:
    demande = territoire.demande(mois=10)
    v1 = importer(territoire)
    services.version_publier(version=v1, auteur=acteur_systeme("test"))
    v2 = services.version_copier(version=v1, auteur=acteur_systeme("test"))
    anciennete = {"id": "anciennete", "libelle": "Ancienneté de la demande", "base_legale": "PPGD"}
    anciennete["points"] = {"par_unite": 25, "valeur": "anciennete_mois", "plafond": 600, "unite": "mois"}
    v2 = services.critere_enregistrer(
        version=v2, section_id="anciennete", critere_id="anciennete", donnees=anciennete, auteur=acteur_systeme("test")
    )
    tache = services.version_publier(version=v2, auteur=acteur_systeme("test"))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.statut, v2.statut) == (StatutVersion.ARCHIVEE, StatutVersion.PUBLIEE)
    assert v1.archivee_le is not None
    cotation = Cotation.objects.get(demande=demande)
    assert (cotation.version, cotation.score) == (v2, 250)
    assert tache.version == v2
    historique = CotationHistorique.objects.filter(demande=demande)
    assert [(h.version_id, h.score) for h in historique] == [(v2.pk, 250), (v1.pk, 100)]


def test_grille_des_mutations_pour_les_locataires_du_parc_social(territoire: Territoire) -> None:
    locataire = territoire.demande(mois=10, statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL)
    autre = territoire.demande(mois=10)
    generale = importer(territoire)
    mutation = importer(territoire, GRILLE_MUTATION, TypeGrille.MUTATION)
    tache = services.versions_publier(versions=[generale, mutation], auteur=acteur_systeme("test"))
    assert "1 avec la grille générale (version 1), 1 avec la grille des mutations (version 1)" in tache.message
    assert Cotation.objects.get(demande=locataire).version == mutation
    assert _scores(locataire) == (10, 10, 10)  # 1 point per month in the mutation grid
    assert Cotation.objects.get(demande=autre).version == generale and _scores(autre) == (100, 100, 100)


def test_la_progression_d_une_publication_de_deux_grilles_ne_revient_jamais_en_arriere(
    territoire: Territoire,
) -> None:
    for mois in range(6):
        territoire.demande(mois=10 + mois)
        territoire.demande(mois=10 + mois, statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL)
    generale = importer(territoire)
    mutation = importer(territoire, GRILLE_MUTATION, TypeGrille.MUTATION)
    vus: list[tuple[int, int, int]] = []
    services.versions_publier(
        versions=[generale, mutation],
        auteur=acteur_systeme("test"),
        progression=lambda etape, _libelle, faites, total: vus.append((etape, faites, total)),
    )
    assert [e for e, _, _ in vus] == sorted(e for e, _, _ in vus), vus  # the step never goes back
    for etape in (1, 2, 3):
        comptes = [f for e, f, _ in vus if e == etape]
        assert comptes == sorted(comptes) and comptes[-1] == 12, (etape, vus)
    assert {t for _, _, t in vus} == {12}


def test_un_echec_de_calcul_ne_publie_rien(territoire: Territoire) -> None:
    creer_demande(guichet_org=territoire.guichet, communes=(NARBONNE,), date_depot=date(2015, 1, 5))
    v1 = importer(territoire)
    services.version_publier(version=v1, auteur=acteur_systeme("test"))
    avant = list(Cotation.objects.values_list("demande_id", "score", "version_id"))
    # A grid reading the PLAI ceilings, computed in 2016: the ceilings start in 2017.
    plai = GRILLE.replace(
        "condition: {champ: priorites, contient: l441_k}", "condition: {champ: eligible_plai, egal: true}"
    )
    v2 = importer(territoire, plai)
    tache = services.version_publier(version=v2, jour=date(2016, 6, 1), auteur=acteur_systeme("test"))
    assert tache.statut == StatutTache.ECHEC
    assert tache.message.startswith("Calcul impossible, rien n'a été modifié : ")
    assert "PLAI" in tache.message and "2016" in tache.message, tache.message
    v2.refresh_from_db()
    assert v2.statut == StatutVersion.BROUILLON
    assert list(Cotation.objects.values_list("demande_id", "score", "version_id")) == avant
    assert not Evenement.objects.pour(v2).filter(action="grille_publiee").exists()


def test_une_demande_incoherente_est_nommee_et_n_arrete_pas_la_publication(territoire: Territoire) -> None:
    # Computed on a date before its filing: the engine refuses the row; the task names the demand and
    # scores the others.
    jour = timezone.localdate()
    ancienne = creer_demande(
        guichet_org=territoire.guichet, communes=(NARBONNE,), date_depot=jour - timedelta(days=800)
    )
    demande = creer_demande(guichet_org=territoire.guichet, communes=(NARBONNE,), date_depot=jour - timedelta(days=10))
    tache = services.version_publier(
        version=importer(territoire), jour=jour - timedelta(days=400), auteur=acteur_systeme("test")
    )
    assert tache.statut == StatutTache.TERMINEE, tache.message
    assert "1 demande cotée" in tache.message and "1 demande non cotée" in tache.message, tache.message
    assert [e["numero_unique"] for e in tache.ecartees] == [demande.numero_unique]
    assert "postérieure à la date de référence" in tache.ecartees[0]["motif"]
    assert list(Cotation.objects.values_list("demande_id", flat=True)) == [ancienne.pk]


def test_recalcul_sans_grille_publiee_refuse(territoire: Territoire) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="aucune grille"):
        services.cotations_recalculer(organisation=territoire.epci, auteur=acteur_systeme("test"))
    assert not TacheCotation.objects.exists()


def test_une_version_publiee_ne_se_republie_pas(territoire: Territoire) -> None:
    from django.core.exceptions import ValidationError

    version = importer(territoire)
    services.version_publier(version=version, auteur=acteur_systeme("test"))
    version.refresh_from_db()
    with pytest.raises(ValidationError, match="seul un brouillon"):
        services.version_publier(version=version, auteur=acteur_systeme("test"))


def test_une_demande_radiee_perd_sa_cotation_au_calcul_suivant(territoire: Territoire) -> None:
    garde, radiee = territoire.demande(mois=3), territoire.demande(mois=6)
    services.version_publier(version=importer(territoire), auteur=acteur_systeme("test"))
    assert Cotation.objects.count() == 2
    demande_radier(demande=radiee, auteur=acteur_systeme("test"), motif=enums.MotifRadiation.ATTRIBUTION)
    services.cotations_recalculer(organisation=territoire.epci, auteur=acteur_systeme("test"))
    assert list(Cotation.objects.values_list("demande_id", flat=True)) == [garde.pk]
    # Its history stays.
    assert CotationHistorique.objects.filter(demande=radiee).count() == 1

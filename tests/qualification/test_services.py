"""Rating campaigns: opening, rating, closing (classification stored), harmonisation, enjeux de mixité."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.qualification import selectors
from attrib.qualification.enums import Partie, StatutCampagne
from attrib.qualification.models import EnjeuMixite, Notation, NoteHarmonisee, ResultatResidence
from attrib.qualification.services import (
    campagne_cloturer,
    campagne_ouvrir,
    enjeu_mixite_marquer,
    notations_enregistrer,
    note_harmonisee_enregistrer,
)
from tests.factories import CARCASSONNE, COURSAN, GRUISSAN, NARBONNE
from tests.qualification.conftest import Territoire, hier

# Frozen clock (tests/conftest.py): expectations computed from today hold on any day the suite runs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("horloge")]


# --- opening ------------------------------------------------------------------------------------


def test_une_campagne_couvre_par_defaut_les_communes_de_l_epci(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()

    assert campagne.statut == StatutCampagne.OUVERTE
    assert set(campagne.communes.values_list("code_insee", flat=True)) == {NARBONNE, GRUISSAN, COURSAN}
    assert set(selectors.residences_du_perimetre(campagne).values_list("identifiant", flat=True)) == {
        "A",
        "B",
        "C",
        "D",
        "E",
        "G",
        "K",
    }
    assert campagne.ouverte_par == territoire.users["epci"]
    assert Evenement.objects.pour(campagne).get().action == "campagne_ouverte"


def test_une_seule_campagne_par_epci_et_par_an(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    with pytest.raises(ValidationError) as exc:
        territoire.ouvrir(annee=campagne.annee)
    assert exc.value.message_dict["annee"] == [f"Une campagne {campagne.annee} existe déjà pour CA Le Grand Narbonne."]


def test_une_commune_hors_du_territoire_est_refusee_et_nommee(territoire: Territoire) -> None:
    with pytest.raises(ValidationError) as exc:
        territoire.ouvrir(communes=[NARBONNE, CARCASSONNE])
    assert exc.value.message_dict["communes"] == ["Hors du territoire de CA Le Grand Narbonne : Carcassonne (11069)."]


def test_date_limite_passee_et_organisation_non_epci_refusees(territoire: Territoire) -> None:
    with pytest.raises(ValidationError) as exc:
        campagne_ouvrir(
            organisation=territoire.epci,
            annee=timezone.localdate().year,
            date_limite=hier(),
            auteur=acteur_systeme("test"),
        )
    assert "date_limite" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        campagne_ouvrir(
            organisation=territoire.narbonne,
            annee=2026,
            date_limite=timezone.localdate() + timedelta(days=3),
            auteur=acteur_systeme("test"),
        )
    assert "n'est pas un EPCI" in exc.value.message_dict["organisation"][0]


def test_seuls_les_gestionnaires_de_l_epci_ouvrent(territoire: Territoire) -> None:
    with pytest.raises(PermissionDenied):
        campagne_ouvrir(
            organisation=territoire.epci,
            annee=timezone.localdate().year,
            date_limite=timezone.localdate() + timedelta(days=3),
            auteur=acteur_de(territoire.users["narbonne"]),
        )


# --- rating -------------------------------------------------------------------------------------


def test_qui_note_quoi(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()

    def ids(org: object) -> set[str]:
        return set(selectors.residences_a_noter(campagne, org).values_list("identifiant", flat=True))  # type: ignore[arg-type]

    assert ids(territoire.narbonne) == {"A", "B", "C", "D", "E"}
    assert ids(territoire.gruissan) == {"G"}
    # The bailleur rates its own residences of the perimeter, estimated ones included, never outside.
    assert ids(territoire.alogea) == {"A", "B", "C", "K"}
    assert ids(territoire.domitia) == {"D", "G"}
    assert ids(territoire.guichet) == set()


def test_une_commune_note_ses_residences_et_pas_celles_d_une_autre(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    notation = territoire.noter(campagne, "narbonne", "a", 2, "Tensions de voisinage")

    assert (notation.note, notation.partie, notation.commentaire) == (2, Partie.COMMUNE, "Tensions de voisinage")
    with pytest.raises(ValidationError) as exc:
        territoire.noter(campagne, "narbonne", "g", 3)
    assert exc.value.message_dict["residence"] == [
        "La résidence G n'est pas à noter par Ville de Narbonne dans cette campagne."
    ]


def test_note_hors_echelle_refusee(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    with pytest.raises(ValidationError) as exc:
        territoire.noter(campagne, "alogea", "a", 5)
    assert exc.value.message_dict["note"] == ["La note doit être un nombre entier de 1 à 4 (reçu : « 5 »)."]
    assert not Notation.objects.exists()


def test_la_base_refuse_une_note_hors_echelle(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notation.objects.create(
            campagne=campagne,
            residence=territoire.residences["a"],
            organisation=territoire.alogea,
            partie=Partie.BAILLEUR,
            note=0,
            notee_le=timezone.now(),
        )


def test_modifier_puis_retirer_une_note_est_journalise(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    territoire.noter(campagne, "alogea", "a", 2)
    modifiee = territoire.noter(campagne, "alogea", "a", 3)
    assert modifiee.note == 3
    evenement = Evenement.objects.pour(modifiee).first()
    assert evenement is not None and evenement.details["avant"]["note"] == 2

    assert territoire.noter(campagne, "alogea", "a", None) is None
    assert not Notation.objects.exists()
    assert Evenement.objects.pour(campagne).filter(action="notation_retiree").count() == 1


def test_une_personne_en_consultation_ne_note_pas(territoire: Territoire) -> None:
    from attrib.qualification.services import notation_enregistrer

    campagne = territoire.ouvrir()
    with pytest.raises(PermissionDenied):
        notation_enregistrer(
            campagne=campagne,
            organisation=territoire.narbonne,
            residence=territoire.residences["a"],
            note=3,
            auteur=acteur_de(territoire.users["lecteur_narbonne"]),
        )


def test_une_page_de_notes_est_enregistree_entierement_ou_pas_du_tout(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    r = territoire.residences
    with pytest.raises(ValidationError) as exc:
        notations_enregistrer(
            campagne=campagne,
            organisation=territoire.narbonne,
            saisies={r["a"].pk: (3, ""), r["g"].pk: (2, "")},
            auteur=acteur_de(territoire.users["narbonne"]),
        )
    assert f"note_{r['g'].pk}" in exc.value.message_dict
    assert not Notation.objects.exists()

    comptes = notations_enregistrer(
        campagne=campagne,
        organisation=territoire.narbonne,
        saisies={r["a"].pk: (3, ""), r["b"].pk: (1, "Dégradations")},
        auteur=acteur_de(territoire.users["narbonne"]),
    )
    assert comptes == {"creee": 2, "modifiee": 0, "retiree": 0, "inchangee": 0}


# --- confidentiality ----------------------------------------------------------------------------


def test_avant_la_cloture_chacun_ne_voit_que_ses_notes(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    territoire.noter(campagne, "narbonne", "a", 1, "Avis de la ville")
    territoire.noter(campagne, "alogea", "a", 4, "Avis du bailleur")

    lignes = {r.identifiant: r for r in selectors.lignes_notation(campagne, territoire.narbonne)}
    assert (lignes["A"].ma_note, lignes["A"].mon_commentaire) == (1, "Avis de la ville")
    for user, attendu in [("narbonne", {1}), ("alogea", {4}), ("epci", set()), ("gruissan", set())]:
        notes = set(selectors.notations_visibles(territoire.users[user], campagne).values_list("note", flat=True))
        assert notes == attendu, user
    historique = selectors.historique_residence(territoire.users["narbonne"], territoire.residences["a"])
    assert [(h.note_commune, h.note_bailleur, h.statut) for h in historique] == [(1, None, "")]
    # Before the close there are no results, no indicators, no agenda.
    with pytest.raises(Exception, match="après sa clôture"):
        selectors.agenda(campagne)


def test_apres_la_cloture_tout_le_territoire_voit_les_deux_parties(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    territoire.noter(campagne, "narbonne", "a", 1)
    territoire.noter(campagne, "alogea", "a", 4)
    campagne_cloturer(campagne=campagne, auteur=acteur_de(territoire.users["epci"]))

    for user in ("narbonne", "alogea", "epci", "gruissan"):
        assert set(selectors.notations_visibles(territoire.users[user], campagne).values_list("note", flat=True)) == {
            1,
            4,
        }
    historique = selectors.historique_residence(territoire.users["gruissan"], territoire.residences["a"])
    assert [(h.note_commune, h.note_bailleur, h.statut, h.ecart) for h in historique] == [(1, 4, "divergent", 3)]


# --- closing ------------------------------------------------------------------------------------


def _campagne_notee(territoire: Territoire):  # type: ignore[no-untyped-def]
    """A: 1/4 (gap 3, 10 dw.), B: 2/3 (gap 1, 20), C: 3/3, D: 2/4 (gap 2, 40), G: 3/2 (gap 1, 8),
    E: commune only (no bailleur), K: bailleur only (no commune organisation)."""
    campagne = territoire.ouvrir()
    for qui, residence, note in [
        ("narbonne", "a", 1),
        ("alogea", "a", 4),
        ("narbonne", "b", 2),
        ("alogea", "b", 3),
        ("narbonne", "c", 3),
        ("alogea", "c", 3),
        ("narbonne", "d", 2),
        ("domitia", "d", 4),
        ("gruissan", "g", 3),
        ("domitia", "g", 2),
        ("narbonne", "e", 2),
        ("alogea", "k", 4),
    ]:
        territoire.noter(campagne, qui, residence, note)
    return campagne


def test_la_cloture_stocke_le_classement_de_chaque_residence(territoire: Territoire) -> None:
    campagne = _campagne_notee(territoire)
    resume = campagne_cloturer(campagne=campagne, auteur=acteur_de(territoire.users["epci"]))

    assert resume.par_statut == {"concordant": 1, "divergent": 4, "une_seule_partie": 2, "non_notee": 0}
    resultats = {
        r.residence.identifiant: (r.note_commune, r.note_bailleur, r.statut, r.ecart, r.nb_logements)
        for r in ResultatResidence.objects.filter(campagne=campagne).select_related("residence")
    }
    assert resultats == {
        "A": (1, 4, "divergent", 3, 10),
        "B": (2, 3, "divergent", 1, 20),
        "C": (3, 3, "concordant", 0, 30),
        "D": (2, 4, "divergent", 2, 40),
        "E": (2, None, "une_seule_partie", None, 5),
        "G": (3, 2, "divergent", 1, 8),
        "K": (None, 4, "une_seule_partie", None, 12),
    }
    campagne.refresh_from_db()
    assert campagne.est_close and campagne.close_par == territoire.users["epci"] and campagne.close_le is not None


def test_une_residence_que_personne_ne_note_est_non_notee(territoire: Territoire) -> None:
    campagne = territoire.ouvrir(communes=[GRUISSAN])
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))
    assert list(ResultatResidence.objects.values_list("residence__identifiant", "statut")) == [("G", "non_notee")]


def test_apres_la_cloture_plus_aucune_note_ne_change(territoire: Territoire) -> None:
    campagne = _campagne_notee(territoire)
    campagne_cloturer(campagne=campagne, auteur=acteur_de(territoire.users["epci"]))
    with pytest.raises(ValidationError, match="est close"):
        territoire.noter(campagne, "narbonne", "c", 1)
    with pytest.raises(ValidationError, match="déjà close"):
        campagne_cloturer(campagne=campagne, auteur=acteur_de(territoire.users["epci"]))


def test_seul_l_epci_de_la_campagne_cloture(territoire: Territoire) -> None:
    campagne = territoire.ouvrir()
    with pytest.raises(PermissionDenied):
        campagne_cloturer(campagne=campagne, auteur=acteur_de(territoire.users["narbonne"]))
    assert not ResultatResidence.objects.exists()


def test_agenda_par_ecart_puis_par_nombre_de_logements(territoire: Territoire) -> None:
    campagne = _campagne_notee(territoire)
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))

    agenda = [(r.residence.identifiant, r.ecart, r.nb_logements, r.rang_agenda) for r in selectors.agenda(campagne)]
    assert agenda == [("A", 3, 10, 1), ("D", 2, 40, 2), ("B", 1, 20, 3), ("G", 1, 8, 4)]


def test_indicateurs_calcules_a_la_main(territoire: Territoire) -> None:
    campagne = _campagne_notee(territoire)
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))
    indicateurs = selectors.indicateurs(campagne)

    t = indicateurs.territoire
    # 125 dwellings; rated by both: A, B, C, D, G = 108; divergent A, B, D, G = 4 of 5 residences, 78 of 108 dwellings.
    assert (t.residences, t.logements) == (7, 125)
    assert t.part_logements_notes_deux_parties == pytest.approx(108 / 125)
    assert t.part_residences_notees_deux_parties == pytest.approx(5 / 7)
    assert t.part_residences_divergentes == pytest.approx(4 / 5)
    assert t.part_logements_divergents == pytest.approx(78 / 108)
    communes = {li.libelle: li for li in indicateurs.communes}
    assert set(communes) == {"Narbonne", "Gruissan", "Coursan"}
    assert communes["Coursan"].part_logements_notes_deux_parties == 0
    assert communes["Coursan"].part_residences_divergentes is None
    bailleurs = {li.libelle: li for li in indicateurs.bailleurs}
    assert [li.libelle for li in indicateurs.bailleurs] == ["Alogea", "Domitia Habitat", "Bailleur inconnu"]
    assert bailleurs["Domitia Habitat"].part_residences_divergentes == 1
    assert bailleurs["Bailleur inconnu"].residences == 1


# --- harmonisation ------------------------------------------------------------------------------


def test_la_note_harmonisee_est_enregistree_avec_qui_et_pourquoi(territoire: Territoire) -> None:
    campagne = _campagne_notee(territoire)
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))
    a = territoire.residences["a"]

    harmonisee = note_harmonisee_enregistrer(
        campagne=campagne,
        residence=a,
        note=2,
        participants="Mme Roux (Ville de Narbonne), M. Bel (Alogea)",
        motif="Incivilités récentes signalées par la ville, travaux prévus par le bailleur.",
        organisations=[territoire.narbonne, territoire.alogea],
        auteur=acteur_de(territoire.users["epci"]),
    )
    assert harmonisee.note == 2
    assert set(harmonisee.organisations.all()) == {territoire.narbonne, territoire.alogea}
    assert selectors.agenda(campagne).get(residence=a).note_harmonisee == 2
    [ligne] = selectors.historique_residence(territoire.users["alogea"], a)
    assert ligne.note_retenue == 2
    assert selectors.note_retenue(a) == (2, campagne)
    assert selectors.note_retenue(territoire.residences["c"]) == (3, campagne)
    assert selectors.note_retenue(territoire.residences["b"]) is None
    # Many residences at once (the objectives of a shortlist): the same notes, in one query.
    residences = list(territoire.residences.values())
    with CaptureQueriesContext(connection) as requetes:
        notes = selectors.notes_retenues(r.pk for r in residences)
    assert len(requetes) == 1
    assert notes == {r.pk: (None if (n := selectors.note_retenue(r)) is None else n[0]) for r in residences}
    assert notes[a.pk] == 2

    note_harmonisee_enregistrer(
        campagne=campagne,
        residence=a,
        note=3,
        participants="Mêmes",
        motif="Correction",
        auteur=acteur_de(territoire.users["epci"]),
    )
    assert NoteHarmonisee.objects.get().note == 3
    assert Evenement.objects.filter(action="note_harmonisee").count() == 2


def test_harmonisation_refusee_hors_des_residences_divergentes(territoire: Territoire) -> None:
    campagne = _campagne_notee(territoire)
    with pytest.raises(ValidationError, match="commence à la clôture"):
        note_harmonisee_enregistrer(
            campagne=campagne,
            residence=territoire.residences["a"],
            note=2,
            participants="x",
            motif="y",
            auteur=acteur_systeme("test"),
        )
    campagne_cloturer(campagne=campagne, auteur=acteur_systeme("test"))
    with pytest.raises(ValidationError) as exc:
        note_harmonisee_enregistrer(
            campagne=campagne,
            residence=territoire.residences["c"],
            note=2,
            participants="x",
            motif="y",
            auteur=acteur_systeme("test"),
        )
    assert exc.value.message_dict["residence"] == [
        "La résidence C n'est pas divergente (concordante) : pas de note à harmoniser."
    ]
    with pytest.raises(ValidationError) as exc:
        note_harmonisee_enregistrer(
            campagne=campagne,
            residence=territoire.residences["a"],
            note=2,
            participants=" ",
            motif="",
            auteur=acteur_systeme("test"),
        )
    assert set(exc.value.message_dict) == {"participants", "motif"}
    with pytest.raises(PermissionDenied):
        note_harmonisee_enregistrer(
            campagne=campagne,
            residence=territoire.residences["a"],
            note=2,
            participants="x",
            motif="y",
            auteur=acteur_de(territoire.users["narbonne"]),
        )


def test_l_historique_donne_les_notes_par_annee(territoire: Territoire) -> None:
    annee = timezone.localdate().year
    ancienne = territoire.ouvrir(annee=annee - 1)
    territoire.noter(ancienne, "narbonne", "a", 2)
    territoire.noter(ancienne, "alogea", "a", 2)
    campagne_cloturer(campagne=ancienne, auteur=acteur_systeme("test"))
    recente = territoire.ouvrir(annee=annee)
    territoire.noter(recente, "narbonne", "a", 1)
    territoire.noter(recente, "alogea", "a", 4)

    lignes = selectors.historique_residence(territoire.users["alogea"], territoire.residences["a"])
    assert [(h.campagne.annee, h.note_commune, h.note_bailleur, h.note_retenue) for h in lignes] == [
        (annee, None, 4, None),
        (annee - 1, 2, 2, 2),
    ]


# --- enjeux de mixité ---------------------------------------------------------------------------


def test_l_epci_marque_puis_retire_une_residence_a_enjeux(territoire: Territoire) -> None:
    a = territoire.residences["a"]
    enjeu_mixite_marquer(
        residence=a,
        motif="Forte concentration de ménages du premier quartile.",
        auteur=acteur_de(territoire.users["epci"]),
        organisation=territoire.epci,
    )
    a.refresh_from_db()
    assert a.enjeu_mixite and a.enjeu_mixite_motif == "Forte concentration de ménages du premier quartile."

    enjeu_mixite_marquer(
        residence=a, marquee=False, motif="Objectif atteint.", auteur=acteur_de(territoire.users["epci"])
    )
    a.refresh_from_db()
    assert (a.enjeu_mixite, a.enjeu_mixite_motif) == (False, "")
    assert [(e.marquee, e.motif) for e in selectors.enjeux_de(a)] == [
        (False, "Objectif atteint."),
        (True, "Forte concentration de ménages du premier quartile."),
    ]
    assert Evenement.objects.pour(a).count() == 2


def test_enjeu_sans_motif_ou_hors_epci_refuse(territoire: Territoire) -> None:
    a = territoire.residences["a"]
    with pytest.raises(ValidationError) as exc:
        enjeu_mixite_marquer(residence=a, motif="  ", auteur=acteur_de(territoire.users["epci"]))
    assert exc.value.message_dict == {"motif": ["Indiquez le motif de la décision."]}
    with pytest.raises(PermissionDenied):
        enjeu_mixite_marquer(residence=a, motif="x", auteur=acteur_de(territoire.users["narbonne"]))
    with pytest.raises(PermissionDenied):
        enjeu_mixite_marquer(
            residence=territoire.residences["x"], motif="x", auteur=acteur_de(territoire.users["epci"])
        )
    assert not EnjeuMixite.objects.exists()

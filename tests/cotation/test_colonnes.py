"""The bridge from stored demands to the cotation columns: the same values as the interchange file, and the
application's facts (validated criteria, documents up to date, the lists not recorded yet)."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from attrib.cotation.colonnes import SECTEUR, colonnes_cotation, correspondances_pieces, preparer_pour
from attrib.demandes import enums
from attrib.demandes.importexport import exporter_demandes_csv
from attrib.demandes.models import Demande, PieceJustificative, SituationPrioritaire
from attrib.demandes.pieces import piece_deposer, piece_valider
from attrib.engine.cotation import charger_grille, evaluer
from attrib.engine.formats.demandes_csv import completer_menages, lire_demandes_polars
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import User
from tests.cotation.conftest import GRILLE, Territoire
from tests.factories import GRUISSAN, NARBONNE, personne
from tests.menages import hugo_et_lina

pytestmark = pytest.mark.django_db

COMPAREES = (
    "numero_unique",
    "statut_logement_actuel",
    "typologie_min",
    "typologie_max",
    "motif_principal",
    "motifs_secondaires",
    "priorites",
    "communes_souhaitees",
    "dalo_reconnu",
    "loyer_actuel",
    "salaires_demandeur",
    "salaires_codemandeur",
    "handicap_codemandeur",
    "nb_personnes",
    "nb_personnes_a_charge",
    "couple",
    "age_demandeur",
    "age_codemandeur",
    "nb_handicap",
    "revenus_mensuels",
    "codemandeur",
    "zone_plafond",
    "nb_moins_14_ans",
)


def _menage_complet(territoire: Territoire) -> Demande:
    return territoire.demande(
        mois=14,
        communes=(GRUISSAN, NARBONNE),
        personnes=[
            personne(salaires=1400, pension_alimentaire_versee=150, date_naissance=date(1980, 2, 3)),
            *hugo_et_lina(salaires_hugo=900, salaires_lina=0),
        ],
        priorites=("l441_g", "l441_k"),
        motifs_secondaires=("violences",),
        loyer_actuel=640,
        statut_logement_actuel=enums.StatutLogementActuel.LOCATAIRE_PARC_PRIVE,
    )


def test_les_colonnes_de_la_base_sont_celles_du_fichier_d_echange(territoire: Territoire) -> None:
    """The application and the offline command read the same household from a demand and from its export."""
    _menage_complet(territoire)
    territoire.demande(mois=2)
    jour = timezone.localdate()
    base = colonnes_cotation(Demande.objects.all(), jour=jour).sort("numero_unique")
    admin = User.objects.create_superuser("admin.test", "a@example.org", "x")
    flux = io.StringIO()
    exporter_demandes_csv(demandes=Demande.objects.order_by("pk"), flux=flux, auteur=acteur_de(admin))
    fichier = completer_menages(
        lire_demandes_polars(io.BytesIO(flux.getvalue().encode("utf-8")), jour=jour), date_reference=jour
    ).sort("numero_unique")
    assert base.select(COMPAREES).to_dicts() == fichier.select(COMPAREES).to_dicts()
    premiere = base.row(0, named=True) if base["codemandeur"][0] else base.row(1, named=True)
    assert premiere["revenus_mensuels"] == 1400 + 900 - 150
    assert premiere[SECTEUR] == GRUISSAN


def test_faits_de_l_application(territoire: Territoire) -> None:
    demande = territoire.demande(mois=3, priorites=("l441_k",))
    frame = colonnes_cotation(Demande.objects.all(), jour=timezone.localdate())
    ligne = frame.row(0, named=True)
    # Not recorded yet: offers, committees, false declarations; no profession to derive essential workers.
    for nom in ("refus_offres_adaptees", "classements_rang_2_ou_3", "fausses_declarations"):
        assert ligne[nom] == [] and frame.schema[nom] == pl.List(pl.Date)
    assert ligne["emploi_essentiel"] is False
    # The documents expected at registration are missing.
    assert PieceJustificative.objects.filter(demande=demande).exists()
    assert ligne["pieces_a_jour"] is False
    for piece in PieceJustificative.objects.filter(demande=demande):
        piece_deposer(
            piece=piece, fichier=ContentFile(b"%PDF-1.4", name="p.pdf"), auteur=acteur_de(territoire.agent_guichet)
        )
    frame = colonnes_cotation(Demande.objects.all(), jour=timezone.localdate())
    assert frame.row(0, named=True)["pieces_a_jour"] is True


def test_criteres_valides_par_situation_ou_par_pieces(territoire: Territoire) -> None:
    grille = charger_grille(GRILLE)
    sans_validation = territoire.demande(mois=1, priorites=("l441_g",))
    par_situation = territoire.demande(mois=1, priorites=("l441_g",))
    SituationPrioritaire.objects.filter(demande=par_situation).update(statut=enums.StatutValidation.VALIDEE)
    dalo = territoire.demande(mois=1, dalo_reconnu=True, dalo_date_decision=date(2025, 1, 1))
    piece = PieceJustificative.objects.get(demande=dalo, critere="dalo")
    piece_deposer(
        piece=piece, fichier=ContentFile(b"%PDF-1.4", name="d.pdf"), auteur=acteur_de(territoire.agent_guichet)
    )
    piece_valider(piece=piece, auteur=acteur_de(territoire.agent_guichet))
    assert correspondances_pieces()["dalo"] == ("dalo",)
    jour = timezone.localdate()
    frame = preparer_pour(colonnes_cotation(Demande.objects.all(), jour=jour), grille, jour=jour)
    valides = dict(zip(frame["demande_id"].to_list(), frame["criteres_valides"].to_list(), strict=True))
    assert valides == {sans_validation.pk: [], par_situation.pk: ["violences"], dalo.pk: ["dalo"]}
    scores = evaluer(grille, frame, date_reference=jour)
    valide = dict(zip(frame["demande_id"].to_list(), scores["score_valide"].to_list(), strict=True))
    assert valide == {sans_validation.pk: 10, par_situation.pk: 510, dalo.pk: 1010}

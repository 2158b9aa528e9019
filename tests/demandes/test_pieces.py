import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import PieceJustificative, SituationPrioritaire
from attrib.demandes.pieces import piece_deposer, piece_refuser, piece_valider
from attrib.demandes.services import demande_modifier, demande_radier
from attrib.organisations.acteurs import ANONYME, Refus, acteur_de
from tests.factories import creer_demande, guichet, membre, personne, territoire_minimal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def org():
    territoire_minimal()
    return guichet()


@pytest.fixture
def agent(org):
    return membre(org)


def scan(nom="justificatif.pdf", contenu=b"%PDF-1.4 justificatif"):
    return SimpleUploadedFile(nom, contenu, content_type="application/pdf")


def pieces(demande, critere=None):
    qs = PieceJustificative.objects.filter(demande=demande)
    return list(qs.filter(critere=critere) if critere else qs)


def test_pieces_attendues_selon_la_situation_declaree(org):
    d = creer_demande(
        guichet_org=org,
        personnes=[
            personne(nationalite=enums.Nationalite.HORS_UE),
            personne(role=enums.RolePersonne.CODEMANDEUR, prenoms="Marc", nom="Durand"),
        ],
        priorites=("l441_g",),
        statut_logement_actuel=enums.StatutLogementActuel.HEBERGE_TIERS,
    )
    libelles = {(p.critere, p.libelle) for p in pieces(d)}
    assert ("identite", "Pièce d'identité du co-demandeur") in libelles
    assert any(c == "identite" and "Titre de séjour" in lib for c, lib in libelles)
    assert ("logement_actuel", "Attestation d'hébergement signée par l'hébergeant") in libelles
    assert not any("Bail" in lib for _, lib in libelles), "pas de bail pour un ménage hébergé"
    assert not any(c == "expulsion" for c, _ in libelles)
    violences = pieces(d, "l441_g")
    assert violences and all(p.sensible and p.statut == enums.StatutPiece.MANQUANTE for p in violences)
    assert not any(p.sensible for p in pieces(d, "identite"))


def test_modification_ajoute_et_retire_les_pieces_manquantes_mais_garde_les_fournies(org, agent):
    d = creer_demande(guichet_org=org, priorites=("l441_k",))
    (attestation_k,) = pieces(d, "l441_k")
    piece_deposer(piece=attestation_k, fichier=scan(), auteur=acteur_de(agent))
    demande_modifier(
        demande=d,
        auteur=acteur_de(agent),
        donnees={"procedure_expulsion": enums.ProcedureExpulsion.JUGEMENT},
        priorites=["l441_l"],
    )
    assert len(pieces(d, "expulsion")) == 1
    assert len(pieces(d, "l441_l")) == 1
    assert [p.statut for p in pieces(d, "l441_k")] == [enums.StatutPiece.FOURNIE], "pièce fournie conservée"
    demande_modifier(
        demande=d, auteur=acteur_de(agent), donnees={"procedure_expulsion": enums.ProcedureExpulsion.AUCUNE}
    )
    assert pieces(d, "expulsion") == []
    assert Evenement.objects.pour(d).filter(action="pieces_attendues").count() == 3


def test_depot_validation_et_validation_de_la_situation(org, agent, media):
    d = creer_demande(guichet_org=org, priorites=("l441_k",))
    (piece,) = pieces(d, "l441_k")
    with pytest.raises(ValidationError) as exc:
        piece_valider(piece=piece, auteur=acteur_de(agent))
    assert "pas encore fournie" in exc.value.messages[0]

    piece = piece_deposer(piece=piece, fichier=scan("Attestation Mme Martin.PDF"), auteur=acteur_de(agent))
    assert piece.statut == enums.StatutPiece.FOURNIE and piece.fournie_le
    assert piece.fichier.name.endswith(".pdf") and "Martin" not in piece.fichier.name
    assert (media / piece.fichier.name).read_bytes() == b"%PDF-1.4 justificatif"

    piece = piece_valider(piece=piece, auteur=acteur_de(agent))
    assert piece.statut == enums.StatutPiece.VALIDEE and piece.validee_par == agent
    situation = SituationPrioritaire.objects.get(demande=d, priorite_id="l441_k")
    assert situation.statut == enums.StatutValidation.VALIDEE and situation.validee_par == agent
    actions = set(Evenement.objects.pour(d).values_list("action", flat=True))
    assert {"piece_deposee", "piece_validee", "situation_validee"} <= actions

    with pytest.raises(ValidationError):
        piece_deposer(piece=piece, fichier=scan(), auteur=acteur_de(agent))
    with pytest.raises(ValidationError):
        piece_valider(piece=piece, auteur=acteur_de(agent))


def test_situation_validee_seulement_quand_toutes_ses_pieces_le_sont(org, agent):
    d = creer_demande(guichet_org=org, priorites=("l441_e",))
    premiere, seconde = pieces(d, "l441_e")
    for p in (premiere, seconde):
        piece_deposer(piece=p, fichier=scan(), auteur=acteur_de(agent))
    piece_valider(piece=premiere, auteur=acteur_de(agent))
    situation = SituationPrioritaire.objects.get(demande=d, priorite_id="l441_e")
    assert situation.statut == enums.StatutValidation.DECLAREE
    piece_valider(piece=seconde, auteur=acteur_de(agent))
    situation.refresh_from_db()
    assert situation.statut == enums.StatutValidation.VALIDEE


def test_refus_avec_motif_retour_a_manquante_et_situation_a_justifier(org, agent):
    d = creer_demande(guichet_org=org, priorites=("l441_k",))
    (piece,) = pieces(d, "l441_k")
    with pytest.raises(ValidationError) as exc:
        piece_refuser(piece=piece, auteur=acteur_de(agent), motif="Illisible")
    assert "n'a pas été fournie" in exc.value.messages[0]
    piece = piece_deposer(piece=piece, fichier=scan(), auteur=acteur_de(agent))
    piece_valider(piece=piece, auteur=acteur_de(agent))
    with pytest.raises(ValidationError) as exc:
        piece_refuser(piece=piece, auteur=acteur_de(agent), motif="  ")
    assert "motif" in exc.value.message_dict

    piece = piece_refuser(piece=piece, auteur=acteur_de(agent), motif="Attestation de plus de trois mois")
    assert piece.statut == enums.StatutPiece.MANQUANTE
    assert piece.motif_refus == "Attestation de plus de trois mois" and not piece.fichier
    situation = SituationPrioritaire.objects.get(demande=d, priorite_id="l441_k")
    assert situation.statut == enums.StatutValidation.DECLAREE and situation.validee_par is None
    assert Evenement.objects.pour(d).filter(action="piece_refusee", resume__contains="trois mois").exists()
    assert Evenement.objects.pour(d).filter(action="situation_invalidee").exists()


@pytest.mark.django_db(transaction=True)
def test_fichier_refuse_supprime_du_stockage(media):
    territoire_minimal()
    org = guichet()
    agent = membre(org)
    d = creer_demande(guichet_org=org)
    piece = pieces(d, "identite")[0]
    piece = piece_deposer(piece=piece, fichier=scan(), auteur=acteur_de(agent))
    chemin = media / piece.fichier.name
    assert chemin.exists()
    piece_refuser(piece=piece, auteur=acteur_de(agent), motif="Pièce expirée")
    assert not chemin.exists()


def test_depots_invalides_refuses(org, agent):
    d = creer_demande(guichet_org=org)
    piece = pieces(d, "identite")[0]
    with pytest.raises(ValidationError) as exc:
        piece_deposer(piece=piece, fichier=scan(contenu=b""), auteur=acteur_de(agent))
    assert "vide" in exc.value.message_dict["fichier"][0]
    with pytest.raises(ValidationError) as exc:
        piece_deposer(piece=piece, fichier=scan("programme.exe"), auteur=acteur_de(agent))
    assert "Format non accepté (.exe)" in exc.value.message_dict["fichier"][0]
    with pytest.raises(Refus):
        piece_valider(piece=piece_deposer(piece=piece, fichier=scan(), auteur=acteur_de(agent)), auteur=ANONYME)
    demande_radier(demande=d, auteur=acteur_de(agent), motif=enums.MotifRadiation.RENONCIATION)
    with pytest.raises(ValidationError) as exc:
        piece_valider(piece=piece, auteur=acteur_de(agent))
    assert "radiée" in exc.value.messages[0]

"""Import, export, copy and edit of grid versions: every document checked by the engine, errors located."""

from __future__ import annotations

import pytest
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from attrib.common.models import Evenement
from attrib.cotation import services
from attrib.cotation.enums import StatutVersion, TypeGrille
from attrib.cotation.forms import CritereForm, placer_erreurs_grille
from attrib.cotation.models import GrilleCotation, VersionGrille
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, TypeOrganisation
from tests.cotation.conftest import GRILLE, GRILLE_MUTATION, Territoire, importer

pytestmark = pytest.mark.django_db


def _erreurs(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_import_cree_un_brouillon_avec_ses_avertissements_et_une_trace(territoire: Territoire) -> None:
    version = importer(territoire)
    assert version.statut == StatutVersion.BROUILLON and version.numero == 1
    assert version.libelle == "Grille de test" and version.version_document == "T1"
    assert str(version.date_effet) == "2020-01-01"
    assert version.document == GRILLE  # the imported text is kept, comments included
    # L441-1 priorities not implemented by any criterion are a warning, with their path.
    assert any(
        "priorités de l'article L441-1" in a["message"] and a["chemin"] == "sections" for a in version.avertissements
    )
    assert Evenement.objects.pour(version).get().action == "grille_importee"
    deuxieme = importer(territoire)
    assert deuxieme.numero == 2 and GrilleCotation.objects.count() == 1


def test_import_refuse_un_yaml_illisible_avec_la_ligne(territoire: Territoire) -> None:
    texte = "identifiant: x\nlibelle: [non fermé\ndate_effet: 2020-01-01\n"
    with pytest.raises(ValidationError) as exc:
        importer(territoire, texte)
    (message,) = _erreurs(exc)["fichier"]
    assert message.startswith("grille.yaml, ligne ") and "YAML illisible" in message
    assert not VersionGrille.objects.exists()


def test_import_refuse_une_grille_sans_bloc_dalo_avec_un_message_localise(territoire: Territoire) -> None:
    donnees = yaml.safe_load(GRILLE)
    donnees["sections"] = donnees["sections"][1:]  # no DALO criterion left
    with pytest.raises(ValidationError) as exc:
        importer(territoire, yaml.safe_dump(donnees, allow_unicode=True, sort_keys=False))
    messages = _erreurs(exc)["fichier"]
    assert any("grille.yaml, ligne" in m and "(sections)" in m and "DALO" in m for m in messages)
    assert not GrilleCotation.objects.exists()


def test_import_signale_chaque_erreur_a_sa_ligne(territoire: Territoire) -> None:
    texte = GRILLE.replace("points: 300", "points: trois cents").replace(
        "{champ: dalo_reconnu, egal: true}", "{champ: dalo_reconu, egal: true}"
    )
    with pytest.raises(ValidationError) as exc:
        importer(territoire, texte)
    messages = _erreurs(exc)["fichier"]
    ligne_points = next(i for i, ligne in enumerate(texte.splitlines(), start=1) if "trois cents" in ligne)
    assert any(f"ligne {ligne_points} (sections[1].criteres[0].points)" in m for m in messages)


def test_le_type_de_grille_doit_correspondre_au_public_du_document(territoire: Territoire) -> None:
    with pytest.raises(ValidationError, match="public: mutations"):
        importer(territoire, GRILLE, TypeGrille.MUTATION)
    with pytest.raises(ValidationError, match="grille des mutations"):
        importer(territoire, GRILLE_MUTATION, TypeGrille.GENERALE)
    assert importer(territoire, GRILLE_MUTATION, TypeGrille.MUTATION).grille.type == TypeGrille.MUTATION


def test_seul_un_epci_et_ses_gestionnaires_importent(territoire: Territoire) -> None:
    with pytest.raises(ValidationError, match="Seul un EPCI"):
        services.grille_importer_yaml(
            organisation=territoire.guichet,
            type_grille=TypeGrille.GENERALE,
            contenu=GRILLE,
            nom_fichier="g.yaml",
            auteur=acteur_systeme("test"),
        )
    for auteur in (territoire.consultation, territoire.agent_guichet):
        with pytest.raises(PermissionDenied):
            services.grille_importer_yaml(
                organisation=territoire.epci,
                type_grille=TypeGrille.GENERALE,
                contenu=GRILLE,
                nom_fichier="g.yaml",
                auteur=acteur_de(auteur),
            )
    version = services.grille_importer_yaml(
        organisation=territoire.epci,
        type_grille=TypeGrille.GENERALE,
        contenu=GRILLE.encode(),
        nom_fichier="g.yaml",
        auteur=acteur_de(territoire.gestionnaire),
    )
    assert version.cree_par == territoire.gestionnaire


def test_fichier_non_utf8_refuse(territoire: Territoire) -> None:
    with pytest.raises(ValidationError, match="UTF-8"):
        importer(territoire, "libelle: Grille équitable\n".encode("latin-1"))  # type: ignore[arg-type]


def test_export_rend_le_document_et_la_copie_cree_un_nouveau_brouillon(territoire: Territoire) -> None:
    version = importer(territoire)
    nom, contenu = services.grille_exporter_yaml(version=version)
    assert nom == "grille-generale-v1.yaml" and contenu.decode() == GRILLE
    copie = services.version_copier(version=version, auteur=acteur_systeme("test"))
    assert (copie.numero, copie.statut, copie.document) == (2, StatutVersion.BROUILLON, GRILLE)
    assert copie.origine == "Copie de la version 1"


def test_une_seule_version_publiee_par_grille(territoire: Territoire) -> None:
    a, b = importer(territoire), importer(territoire)
    maintenant = timezone.now()
    VersionGrille.objects.filter(pk=a.pk).update(statut=StatutVersion.PUBLIEE, publiee_le=maintenant)
    with pytest.raises(IntegrityError), transaction.atomic():
        VersionGrille.objects.filter(pk=b.pk).update(statut=StatutVersion.PUBLIEE, publiee_le=maintenant)


def test_une_grille_par_epci_et_par_type(territoire: Territoire) -> None:
    GrilleCotation.objects.create(organisation=territoire.epci, type=TypeGrille.GENERALE, nom="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        GrilleCotation.objects.create(organisation=territoire.epci, type=TypeGrille.GENERALE, nom="B")


# --- editor ------------------------------------------------------------------------------------------


def _critere(version: VersionGrille, critere_id: str) -> dict:
    doc = services.document(version)
    i, j = services.position_critere(doc, critere_id)
    return doc["sections"][i]["criteres"][j]


def test_modifier_les_points_d_un_critere_revalide_et_enregistre(territoire: Territoire) -> None:
    version = importer(territoire)
    critere = _critere(version, "anciennete")
    critere["points"] = {"par_unite": 20, "valeur": "anciennete_mois", "plafond": 1200, "unite": "mois"}
    version = services.critere_enregistrer(
        version=version,
        section_id="anciennete",
        critere_id="anciennete",
        donnees=critere,
        auteur=acteur_systeme("test"),
    )
    assert version.charger().sections[2].criteres[0].points.par_unite == 20
    # A local criterion that can bring more than DALO is a warning of the engine.
    assert any("plus que le critère DALO" in a["message"] for a in version.avertissements)
    assert Evenement.objects.pour(version).filter(action="grille_modifiee").exists()


def test_une_modification_refusee_n_enregistre_rien_et_nomme_le_chemin(territoire: Territoire) -> None:
    version = importer(territoire)
    critere = _critere(version, "sans_logement")
    critere["nature"] = "malus"  # a malus with positive points
    with pytest.raises(ValidationError) as exc:
        services.critere_enregistrer(
            version=version,
            section_id="priorites",
            critere_id="sans_logement",
            donnees=critere,
            auteur=acteur_systeme("test"),
        )
    assert "un malus retire des points" in " ".join(_erreurs(exc)["sections[1].criteres[0].points"])
    version.refresh_from_db()
    assert version.document == GRILLE


def test_retirer_le_bloc_dalo_est_refuse(territoire: Territoire) -> None:
    version = importer(territoire)
    with pytest.raises(ValidationError) as exc:
        services.critere_supprimer(version=version, critere_id="dalo", auteur=acteur_systeme("test"))
    assert "seul critère de la section « Ménages reconnus DALO »" in _erreurs(exc)["sections[0].criteres"][0]
    dalo = _critere(version, "dalo")
    del dalo["priorites_legales"]
    with pytest.raises(ValidationError) as exc:
        services.critere_enregistrer(
            version=version, section_id="dalo", critere_id="dalo", donnees=dalo, auteur=acteur_systeme("test")
        )
    assert any("bloc « priorités légales »" in m for m in _erreurs(exc)["sections"])
    version.refresh_from_db()
    assert version.document == GRILLE
    version = services.critere_supprimer(version=version, critere_id="violences", auteur=acteur_systeme("test"))
    assert [c.id for _, c in version.charger().criteres()] == ["dalo", "sans_logement", "anciennete"]


def test_ajouter_un_critere_et_plafonner_une_section(territoire: Territoire) -> None:
    version = importer(territoire)
    nouveau = {
        "id": "hebergement",
        "libelle": "Hébergé chez un tiers",
        "base_legale": "PPGD (critère local)",
        "condition": {"champ": "statut_logement_actuel", "parmi": ["heberge_tiers", "heberge_famille"]},
        "points": 120,
    }
    version = services.critere_enregistrer(
        version=version, section_id="priorites", critere_id=None, donnees=nouveau, auteur=acteur_systeme("test")
    )
    version = services.section_modifier(
        version=version,
        section_id="priorites",
        donnees={"plafond": 400, "exclusive": True},
        auteur=acteur_systeme("test"),
    )
    section = version.charger().sections[1]
    assert [c.id for c in section.criteres] == ["sans_logement", "violences", "hebergement"]
    assert section.plafond == 400 and section.exclusive


def test_un_code_inconnu_est_refuse_avec_une_suggestion(territoire: Territoire) -> None:
    version = importer(territoire)
    nouveau = {
        "id": "sans_abri",
        "libelle": "Sans abri",
        "base_legale": "PPGD",
        "condition": {"champ": "statut_logement_actuel", "egal": "sans_abris"},
        "points": 50,
    }
    with pytest.raises(ValidationError) as exc:
        services.critere_enregistrer(
            version=version, section_id="priorites", critere_id=None, donnees=nouveau, auteur=acteur_systeme("test")
        )
    (message,) = _erreurs(exc)["sections[1].criteres[2].condition.egal"]
    assert "sans_abris" in message and "sans_abri" in message


def test_seul_un_brouillon_se_modifie(territoire: Territoire) -> None:
    version = importer(territoire)
    VersionGrille.objects.filter(pk=version.pk).update(statut=StatutVersion.ARCHIVEE, publiee_le=timezone.now())
    version.refresh_from_db()
    with pytest.raises(ValidationError, match="seul un brouillon se modifie"):
        services.critere_supprimer(version=version, critere_id="violences", auteur=acteur_systeme("test"))
    with pytest.raises(ValidationError, match="seul un brouillon"):
        services.version_supprimer(version=version, auteur=acteur_systeme("test"))


def test_en_tete_modifiable(territoire: Territoire) -> None:
    version = importer(territoire)
    version = services.entete_modifier(
        version=version,
        donnees={"libelle": "Grille 2027", "plancher_total": 0, "score_classement": "valide"},
        auteur=acteur_systeme("test"),
    )
    grille = version.charger()
    assert (grille.libelle, grille.plancher_total, grille.score_classement) == ("Grille 2027", 0, "valide")
    assert version.libelle == "Grille 2027"


# --- the criterion form ------------------------------------------------------------------------------


def _formulaire(donnees: dict, existant: dict | None = None) -> CritereForm:
    base = {
        "critere-id": "hebergement",
        "critere-libelle": "Hébergé chez un tiers",
        "critere-nature": "critere",
        "critere-base_legale": "PPGD",
        "critere-validation": "aucune",
        "critere-type_points": "fixes",
        "critere-points_fixes": "120",
        "critere-mode_condition": "simple",
    }
    base.update({f"critere-{k}": v for k, v in donnees.items()})
    return CritereForm(base, existant=existant, valeurs_nommees=["taux_effort"], prefix="critere")


def test_formulaire_condition_simple_typee_selon_la_colonne(territoire: Territoire) -> None:
    form = _formulaire({"champ": "dalo_reconnu", "operateur": "egal", "valeur_condition": "oui"})
    assert form.is_valid(), form.errors
    assert form.critere_donnees["condition"] == {"champ": "dalo_reconnu", "egal": True}
    form = _formulaire(
        {"champ": "statut_logement_actuel", "operateur": "parmi", "valeur_condition": "squat ; sans_abri"}
    )
    assert form.is_valid() and form.critere_donnees["condition"]["parmi"] == ["squat", "sans_abri"]
    form = _formulaire({"champ": "taux_effort", "operateur": "sup", "valeur_condition": "0,4"})
    assert form.is_valid() and form.critere_donnees["condition"] == {"champ": "taux_effort", "sup": 0.4}
    form = _formulaire({"champ": "nb_personnes", "operateur": "sup", "valeur_condition": "beaucoup"})
    assert not form.is_valid() and form.errors["valeur_condition"] == ["« beaucoup » n'est pas un nombre."]


def test_formulaire_points_proportionnels_et_condition_ecrite(territoire: Territoire) -> None:
    refus = {"evenements": "refus_offres_adaptees", "mois": 12}
    existant = {
        "id": "refus",
        "libelle": "Refus",
        "base_legale": "R441-2-10",
        "points": {"par_unite": -100, "valeur": refus},
    }
    assert CritereForm.initial_de(existant)["valeur"] == "{evenements: refus_offres_adaptees, mois: 12}"
    form = _formulaire(
        {
            "type_points": "proportionnels",
            "par_unite": "-150",
            "valeur": "{evenements: refus_offres_adaptees, mois: 12}",
            "plafond_points": "450",
            "nature": "malus",
            "mode_condition": "ecrite",
            "condition_ecrite": "{evenements: refus_offres_adaptees, mois: 12, sup_egal: 2}",
        },
        existant,
    )
    assert form.is_valid(), form.errors
    assert form.critere_donnees["points"] == {
        "par_unite": -150,
        "valeur": {"evenements": "refus_offres_adaptees", "mois": 12},
        "plafond": 450,
    }
    form = _formulaire({"mode_condition": "ecrite", "condition_ecrite": "{champ: [non fermé"})
    assert not form.is_valid() and "Condition illisible" in form.errors["condition_ecrite"][0]
    # Typed YAML goes through the bounded loader: an alias bomb or a deep nesting is a located field error.
    bombe = "{a: &a [x, x, x], b: &b [*a, *a, *a], c: [*b, *b, *b]}"
    form = _formulaire({"mode_condition": "ecrite", "condition_ecrite": bombe})
    assert not form.is_valid() and "références (& et *) ne sont pas admises" in form.errors["condition_ecrite"][0]
    form = _formulaire({"mode_condition": "ecrite", "condition_ecrite": "[" * 5_000})
    assert (
        not form.is_valid()
        and "Condition illisible (ligne 1) : imbrication trop profonde" in (form.errors["condition_ecrite"][0])
    )


def test_formulaire_prerempli_depuis_le_document(territoire: Territoire) -> None:
    version = importer(territoire)
    initial = CritereForm.initial_de(_critere(version, "anciennete"))
    assert (initial["type_points"], initial["par_unite"], initial["valeur"], initial["plafond_points"]) == (
        "proportionnels",
        10,
        "anciennete_mois",
        600,
    )
    assert initial["mode_condition"] == "aucune"
    initial = CritereForm.initial_de(_critere(version, "sans_logement"))
    assert (initial["champ"], initial["operateur"], initial["valeur_condition"]) == ("priorites", "contient", "l441_k")


def test_les_erreurs_du_moteur_vont_sur_les_champs(territoire: Territoire) -> None:
    version = importer(territoire)
    form = _formulaire({"nature": "malus", "mode_condition": "aucune"})
    assert form.is_valid(), form.errors
    with pytest.raises(ValidationError) as exc:
        services.critere_enregistrer(
            version=version,
            section_id="priorites",
            critere_id=None,
            donnees=form.critere_donnees,
            auteur=acteur_systeme("test"),
        )
    placer_erreurs_grille(exc.value, form, "sections[1].criteres[2]")
    assert "un malus retire des points" in form.errors["points_fixes"][0]


def test_les_organisations_non_epci_ne_gerent_rien(territoire: Territoire) -> None:
    autre = Organisation.objects.create(nom="Bailleur", type=TypeOrganisation.BAILLEUR)
    assert autre.type != TypeOrganisation.EPCI
    version = importer(territoire)
    with pytest.raises(PermissionDenied):
        services.version_copier(version=version, auteur=acteur_de(territoire.agent_guichet))

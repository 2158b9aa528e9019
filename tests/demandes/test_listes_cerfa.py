"""The CERFA closed lists are declared once (attrib.engine.listes_cerfa): the models and forms, the interchange
format and the API show the same codes with the same labels, in the same order."""

from __future__ import annotations

import pytest
from rest_framework import serializers as drf

from attrib.api import serializers
from attrib.demandes import enums
from attrib.demandes.models import Demande, MotifSecondaire, Personne
from attrib.engine import listes_cerfa
from attrib.engine.formats.demandes_csv import COLONNES_PAR_NOM, Cible

#: (list, model field, columns of the interchange format, API serializer and its field)
VUES = [
    (listes_cerfa.StatutDemande, Demande._meta.get_field("statut"), ["statut"], None),
    (
        listes_cerfa.Canal,
        Demande._meta.get_field("canal"),
        ["canal"],
        (serializers.DemandeCreationEntreeSerializer, "canal"),
    ),
    (
        listes_cerfa.LienParente,
        Personne._meta.get_field("lien"),
        ["lien_codemandeur", "personnes"],
        (serializers.PersonneEntreeSerializer, "lien"),
    ),
    *[
        (
            liste,
            Personne._meta.get_field(champ),
            [f"{champ}_demandeur", f"{champ}_codemandeur"],
            (serializers.PersonneEntreeSerializer, champ),
        )
        for liste, champ in (
            (listes_cerfa.Civilite, "civilite"),
            (listes_cerfa.Nationalite, "nationalite"),
            (listes_cerfa.SituationFamiliale, "situation_familiale"),
            (listes_cerfa.SituationProfessionnelle, "situation_professionnelle"),
        )
    ],
    (
        listes_cerfa.StatutLogementActuel,
        Demande._meta.get_field("statut_logement_actuel"),
        ["statut_logement_actuel"],
        (serializers.LogementActuelSerializer, "statut_logement_actuel"),
    ),
    (
        listes_cerfa.TypeLogement,
        Demande._meta.get_field("type_logement_actuel"),
        ["type_logement_actuel"],
        (serializers.LogementActuelSerializer, "type_logement_actuel"),
    ),
    (
        listes_cerfa.TypeLogement,
        Demande._meta.get_field("type_logement_recherche"),
        ["type_logement_recherche"],
        (serializers.LogementRechercheSerializer, "type_logement_recherche"),
    ),
    (
        listes_cerfa.ProcedureExpulsion,
        Demande._meta.get_field("procedure_expulsion"),
        ["procedure_expulsion"],
        (serializers.LogementActuelSerializer, "procedure_expulsion"),
    ),
    (
        listes_cerfa.Motif,
        Demande._meta.get_field("motif_principal"),
        ["motif_principal", "motifs_secondaires"],
        (serializers.SituationSerializer, "motif_principal"),
    ),
    (listes_cerfa.Motif, MotifSecondaire._meta.get_field("motif"), [], None),
]


def _choix_api(serialiseur: type[drf.Serializer], champ: str) -> list[tuple[str, str]]:
    field = serialiseur().fields[champ]
    if isinstance(field, drf.ListField):
        field = field.child
    assert isinstance(field, drf.ChoiceField), (serialiseur, champ)
    return [(str(k), str(v)) for k, v in field.choices.items()]


@pytest.mark.parametrize(("liste", "champ", "colonnes", "api"), VUES, ids=lambda v: getattr(v, "name", None))
def test_les_trois_vues_d_une_liste_fermee_concordent(liste, champ, colonnes, api) -> None:
    attendu = [(m.value, m.libelle) for m in liste]
    assert attendu and len({code for code, _ in attendu}) == len(attendu)

    assert [(str(k), str(v)) for k, v in champ.choices] == attendu, f"modèle {champ}"
    for nom in colonnes:
        assert list(COLONNES_PAR_NOM[nom].choix) == attendu, f"format d'échange, colonne {nom}"
    if api is not None:
        assert _choix_api(*api) == attendu, f"API {api[0].__name__}.{api[1]}"


def test_les_enumerations_de_l_application_sont_celles_du_moteur() -> None:
    for liste in listes_cerfa.LISTES:
        assert getattr(enums, liste.__name__) is liste


def test_chaque_liste_est_couverte_par_une_vue() -> None:
    assert {v[0] for v in VUES} == set(listes_cerfa.LISTES)
    colonnes_a_choix = {c.nom for c in COLONNES_PAR_NOM.values() if c.choix and c.cible != Cible.LISTE}
    assert colonnes_a_choix <= {nom for v in VUES for nom in v[2]}


def test_un_membre_vaut_son_code_et_porte_son_libelle() -> None:
    assert listes_cerfa.Motif.TROP_CHER == "trop_cher" and str(listes_cerfa.Motif.TROP_CHER) == "trop_cher"
    assert listes_cerfa.Motif("violences").label == "Violences familiales"
    assert listes_cerfa.Civilite.values == ["mme", "m"] and listes_cerfa.Civilite.labels == ["Madame", "Monsieur"]
    with pytest.raises(ValueError):
        listes_cerfa.Motif("inconnu")

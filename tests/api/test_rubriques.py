"""Every field a guichet fills in on the CERFA form can be read and written through the API."""

from __future__ import annotations

from attrib.api.serializers import CHAMPS_PERSONNE, SECTION_DU_CHAMP, chemin_dans_la_requete
from attrib.demandes.models import Demande, Personne
from attrib.demandes.services import CHAMPS_NON_MODIFIABLES


def _editables(modele) -> set[str]:
    return {f.name for f in modele._meta.concrete_fields if f.editable and not f.primary_key}


def test_chaque_champ_modifiable_de_la_demande_est_dans_une_rubrique():
    hors_rubriques = _editables(Demande) - CHAMPS_NON_MODIFIABLES - {"canal"}
    assert hors_rubriques == set(SECTION_DU_CHAMP)


def test_chaque_champ_d_une_personne_est_expose():
    assert _editables(Personne) - {"demande"} == set(CHAMPS_PERSONNE)


def test_cles_du_service_rapportees_au_corps_de_la_requete():
    assert chemin_dans_la_requete("typologie_max") == "logement_recherche.typologie_max"
    assert chemin_dans_la_requete("dalo_date_decision") == "situation.dalo_date_decision"
    assert chemin_dans_la_requete("personnes[1].date_naissance") == "personnes[1].date_naissance"
    assert chemin_dans_la_requete("communes[0]") == "communes[0]"
    assert chemin_dans_la_requete("__all__") == "__all__"

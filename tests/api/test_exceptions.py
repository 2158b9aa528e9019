"""The one error format of the API, whatever raised the error."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions

from attrib.api.demandes import DemandeCollectionApi
from attrib.api.exceptions import MESSAGE_ERREUR_INTERNE, aplatir, exception_handler


def test_aplatir_les_erreurs_imbriquees_du_serializer():
    detail = {
        "personnes": [{}, {"date_naissance": ["Date invalide."]}],
        "communes": {1: ["Trop long."]},
        "logement_recherche": {"typologie_max": ["Trop grand."], "non_field_errors": ["Incohérent."]},
        "non_field_errors": ["Requête incohérente."],
    }
    assert aplatir(detail) == [
        {"champ": "personnes[1].date_naissance", "message": "Date invalide."},
        {"champ": "communes[1]", "message": "Trop long."},
        {"champ": "logement_recherche.typologie_max", "message": "Trop grand."},
        {"champ": "logement_recherche", "message": "Incohérent."},
        {"champ": "__all__", "message": "Requête incohérente."},
    ]


def test_validation_error_du_service_garde_ses_cles():
    exc = DjangoValidationError({"personnes[1].date_naissance": ["Ce champ ne peut pas être vide."]})
    reponse = exception_handler(exc, {})
    assert reponse.status_code == 400
    assert reponse.data == {
        "erreurs": [{"champ": "personnes[1].date_naissance", "message": "Ce champ ne peut pas être vide."}]
    }
    sans_cle = exception_handler(DjangoValidationError("Refusé."), {})
    assert sans_cle.data == {"erreurs": [{"champ": "__all__", "message": "Refusé."}]}


def test_erreur_d_authentification_au_meme_format():
    reponse = exception_handler(exceptions.NotAuthenticated(), {})
    assert reponse.status_code == 401
    assert reponse.data["erreurs"][0]["champ"] == "__all__"


def test_erreur_inattendue_500_sans_trace(caplog):
    reponse = exception_handler(RuntimeError("connexion perdue"), {"view": DemandeCollectionApi()})
    assert reponse.status_code == 500
    assert reponse.data == {"erreurs": [{"champ": "__all__", "message": MESSAGE_ERREUR_INTERNE}]}
    assert "connexion perdue" not in str(reponse.data)
    assert "connexion perdue" in caplog.text and "DemandeCollectionApi" in caplog.text, "journalisé pour l'exploitant"

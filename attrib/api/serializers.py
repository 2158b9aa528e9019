"""Serializers of the demand API, section by section of the CERFA 14069 form.

The same sections are read (GET) and written (POST, PATCH), so that a partner can send back what
it read. Sensitive situations (violences, santé) are left out of the detail for users who may not
see them, by the selector the screens use (``attrib.demandes.selectors.situations_visibles``,
computed for the user of the request in the serializer context; no request means nothing sensitive).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from attrib.common.models import Evenement
from attrib.demandes import enums
from attrib.demandes.models import CommuneSouhaitee, Demande, Personne, PieceJustificative, SituationPrioritaire
from attrib.demandes.selectors import situations_visibles
from attrib.engine import validation
from attrib.engine.travailleurs_essentiels import tous_les_secteurs

MESSAGE_CHAMP_INCONNU = "Champ inconnu ou non modifiable : retirez-le de la requête."

SECTIONS: dict[str, tuple[str, ...]] = {
    "logement_actuel": (
        "statut_logement_actuel",
        "bailleur_actuel",
        "rpls_logement_actuel",
        "type_logement_actuel",
        "nb_pieces_actuel",
        "surface_actuelle",
        "loyer_actuel",
        "charges_actuelles",
        "allocation_logement",
        "logement_actuel_depuis",
        "procedure_expulsion",
        "expulsion_date_etape",
        "logement_non_decent",
        "arrete_insalubrite",
    ),
    "logement_recherche": (
        "typologie_min",
        "typologie_max",
        "type_logement_recherche",
        "loyer_max",
        "besoin_fauteuil",
        "besoin_logement_adapte",
        "besoin_rdc_ou_ascenseur",
        "besoin_parking",
    ),
    "ressources": ("revenu_fiscal_reference", "annee_revenu_fiscal", "revenu_n1_si_baisse"),
    "situation": ("motif_principal", "dalo_reconnu", "dalo_date_decision", "dalo_commission"),
}
SECTION_DU_CHAMP = {champ: section for section, champs in SECTIONS.items() for champ in champs}

CHAMPS_PERSONNE = (
    "role",
    "lien",
    "civilite",
    "nom",
    "nom_naissance",
    "prenoms",
    "date_naissance",
    "lieu_naissance",
    "nationalite",
    "titre_sejour_type",
    "titre_sejour_fin",
    "situation_familiale",
    "situation_professionnelle",
    "employeur_nom",
    "employeur_commune",
    "employeur_siret",
    "employeur_cotisant_action_logement",
    "emploi_non_teletravaillable",
    "secteur_essentiel",
    "a_charge",
    "garde_alternee",
    "enfant_a_naitre",
    "handicap",
    "adresse",
    "code_postal",
    "ville",
    "telephone",
    "email",
    *Personne.RESSOURCES,
    "pension_alimentaire_versee",
)


def chemin_dans_la_requete(cle: str) -> str:
    """Where a service error key (``typologie_max``) sits in the request body (``logement_recherche.typologie_max``)."""
    racine = cle.split(".", 1)[0].split("[", 1)[0]
    section = SECTION_DU_CHAMP.get(racine)
    return f"{section}.{cle}" if section else cle


# --- Writing and reading helpers ---------------------------------------------------------------


# Docstrings of serializers are published in the OpenAPI schema: they are written in French.


# Refuses unknown keys instead of silently ignoring them (a typo must not pass unnoticed).
class ChampsConnusMixin:
    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        inconnus: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            modifiables = {nom for nom, champ in self.fields.items() if not champ.read_only}
            inconnus = {str(cle): [MESSAGE_CHAMP_INCONNU] for cle in data if cle not in modifiables}
        try:
            valeur = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            if inconnus and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **inconnus}) from exc
            raise
        if inconnus:
            raise serializers.ValidationError(inconnus)
        return valeur


def _valeur_brute(champ: serializers.Field, brute: Any) -> Any:
    """The value the rule set reads, taken leniently from the request (its type is checked by the field)."""
    if isinstance(champ, serializers.CharField):
        return brute if isinstance(brute, str) else None
    if isinstance(brute, bool):
        return None
    if isinstance(champ, serializers.IntegerField):
        if isinstance(brute, int):
            return brute
        return int(brute) if isinstance(brute, str) and brute.strip().isdigit() and len(brute) < 30 else None
    if isinstance(champ, serializers.DecimalField) and isinstance(brute, (int, float, str)) and len(str(brute)) < 100:
        try:
            return Decimal(str(brute).strip())
        except InvalidOperation:
            return None
    if isinstance(champ, serializers.DateField) and isinstance(brute, str):
        try:
            return date.fromisoformat(brute)
        except ValueError:
            return None
    return None


class ReglesMoteurMixin:
    """The rule set of the object (``attrib.engine.validation``) gives the message of its fields, the same
    one as the screens and the CSV import, in place of the field's own range or length message."""

    fields: Any
    objet_regles = "demande"

    def to_internal_value(self, data: Any) -> Any:
        erreurs: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            regis = validation.champs_regles(self.objet_regles)
            valeurs = {
                nom: v
                for nom in regis & set(self.fields) & set(data)
                if (v := _valeur_brute(self.fields[nom], data[nom])) is not None
            }
            jour = timezone.localdate()
            if self.objet_regles == "personne":
                valeurs["enfant_a_naitre"] = data.get("enfant_a_naitre") is True
                erreurs = validation.erreurs_personne(valeurs, jour=jour)
            else:
                erreurs = validation.erreurs_demande(valeurs, jour=jour)
        try:
            valeur = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            if erreurs and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **erreurs}) from exc
            raise
        if erreurs:
            raise serializers.ValidationError(erreurs)
        return valeur


class LogementActuelSerializer(ReglesMoteurMixin, ChampsConnusMixin, serializers.ModelSerializer):
    """Logement actuel du ménage (CERFA 14069, rubrique « Votre logement actuel »)."""

    class Meta:
        model = Demande
        fields = SECTIONS["logement_actuel"]


class LogementRechercheSerializer(ReglesMoteurMixin, ChampsConnusMixin, serializers.ModelSerializer):
    """Logement recherché : typologies (nombre de pièces, 6 = T6 et plus), type, loyer maximum, besoins."""

    class Meta:
        model = Demande
        fields = SECTIONS["logement_recherche"]


class RessourcesSerializer(ReglesMoteurMixin, ChampsConnusMixin, serializers.ModelSerializer):
    """Ressources du ménage retenues pour l'éligibilité (revenu fiscal de référence N-2)."""

    class Meta:
        model = Demande
        fields = SECTIONS["ressources"]


class SituationSerializer(ReglesMoteurMixin, ChampsConnusMixin, serializers.ModelSerializer):
    """Motif principal de la demande et reconnaissance DALO."""

    class Meta:
        model = Demande
        fields = SECTIONS["situation"]


class SituationSortieSerializer(serializers.ModelSerializer):
    """Motif principal de la demande et reconnaissance DALO."""

    motif_principal = serializers.ChoiceField(
        choices=enums.Motif.choices,
        allow_null=True,
        source="visibles.motif_principal",
        help_text="null si le motif relève d'une situation sensible que votre organisation ne peut pas voir.",
    )

    class Meta:
        model = Demande
        fields = SECTIONS["situation"]


class PersonneEntreeSerializer(ReglesMoteurMixin, ChampsConnusMixin, serializers.ModelSerializer):
    """Une personne à loger : le demandeur, le co-demandeur ou une autre personne du ménage.

    Ressources : montants mensuels en euros. Travailleur essentiel (L441-1 CCH, 35e alinéa ; pas une
    priorité) : ``emploi_non_teletravaillable`` (personne en emploi seulement) et ``secteur_essentiel``
    (liste arrêtée par la CIL, ``travailleurs_essentiels.yaml``)."""

    objet_regles = "personne"

    secteur_essentiel = serializers.ChoiceField(
        choices=[(s.code, s.libelle) for s in tous_les_secteurs()],
        required=False,
        allow_blank=True,
        help_text="Secteur essentiel de l'emploi non télétravaillable (liste de la CIL) ; vide sinon.",
    )

    class Meta:
        model = Personne
        fields = CHAMPS_PERSONNE


class PersonneSortieSerializer(serializers.ModelSerializer):
    """Une personne à loger ; ressources mensuelles en euros."""

    revenus_mensuels = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text="Somme des ressources moins la pension versée."
    )

    class Meta:
        model = Personne
        fields = (*CHAMPS_PERSONNE, "revenus_mensuels")


class CommuneSouhaiteeSortieSerializer(serializers.ModelSerializer):
    """Une commune souhaitée, avec son rang de préférence (1 = premier choix)."""

    code_insee = serializers.CharField(source="commune_id")
    nom = serializers.CharField(source="commune.nom")

    class Meta:
        model = CommuneSouhaitee
        fields = ("rang", "code_insee", "nom")


class CodesCommunesSortie(serializers.ListField):
    """The wished communes as INSEE codes, in the order of preference."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.CharField(), **kwargs)

    def to_representation(self, data: Any) -> list[str]:
        return [c.commune_id for c in sorted(data.all(), key=lambda c: c.rang)]


class PrioriteDeclareeSortieSerializer(serializers.ModelSerializer):
    """Une priorité L441-1 déclarée par le ménage, à valider sur pièces."""

    code = serializers.CharField(source="priorite_id")
    lettre = serializers.CharField(source="priorite.lettre")
    libelle = serializers.CharField(source="priorite.libelle")

    class Meta:
        model = SituationPrioritaire
        fields = ("code", "lettre", "libelle", "statut", "validee_le")


class PieceSortieSerializer(serializers.ModelSerializer):
    """Une pièce justificative attendue et son état."""

    class Meta:
        model = PieceJustificative
        fields = ("critere", "libelle", "statut", "fournie_le", "validee_le", "motif_refus")


class GuichetSortieSerializer(serializers.Serializer):
    """Guichet enregistreur de la demande."""

    code = serializers.CharField(source="code_guichet")
    nom = serializers.CharField()


# --- Demand outputs ----------------------------------------------------------------------------


class DemandeResumeSortieSerializer(serializers.ModelSerializer):
    """Une ligne de la liste des demandes."""

    guichet = serializers.CharField(source="guichet.code_guichet", help_text="Code du guichet enregistreur.")
    demandeur_nom = serializers.CharField(allow_null=True)
    demandeur_prenoms = serializers.CharField(allow_null=True)
    nb_personnes = serializers.IntegerField(help_text="Nombre de personnes à loger.")
    communes = CodesCommunesSortie(source="communes_souhaitees", help_text="Codes INSEE, par ordre de préférence.")
    est_mutation = serializers.BooleanField(help_text="Le ménage est déjà locataire du parc social.")

    class Meta:
        model = Demande
        fields = (
            "numero_unique",
            "statut",
            "guichet",
            "date_depot_initiale",
            "date_echeance",
            "demandeur_nom",
            "demandeur_prenoms",
            "nb_personnes",
            "typologie_min",
            "typologie_max",
            "communes",
            "dalo_reconnu",
            "est_mutation",
            "modifie_le",
        )


class DemandeDetailSortieSerializer(serializers.ModelSerializer):
    """Une demande, avec toutes les rubriques du formulaire CERFA 14069."""

    guichet = GuichetSortieSerializer()
    est_mutation = serializers.BooleanField(help_text="Le ménage est déjà locataire du parc social.")
    logement_actuel = LogementActuelSerializer(source="*")
    logement_recherche = LogementRechercheSerializer(source="*")
    ressources = RessourcesSerializer(source="*")
    situation = SituationSortieSerializer(source="*")
    personnes = PersonneSortieSerializer(many=True)
    communes = CommuneSouhaiteeSortieSerializer(source="communes_souhaitees", many=True)
    motifs_secondaires = serializers.ListField(
        child=serializers.ChoiceField(choices=enums.Motif.choices), source="visibles.motifs_secondaires"
    )
    priorites = PrioriteDeclareeSortieSerializer(source="visibles.priorites", many=True)
    pieces = PieceSortieSerializer(source="visibles.pieces", many=True)

    class Meta:
        model = Demande
        fields = (
            "numero_unique",
            "statut",
            "canal",
            "guichet",
            "departement",
            "date_depot_initiale",
            "date_enregistrement",
            "date_dernier_renouvellement",
            "date_echeance",
            "date_avis_renouvellement",
            "date_radiation",
            "motif_radiation",
            "commentaire_radiation",
            "est_mutation",
            "logement_actuel",
            "logement_recherche",
            "ressources",
            "situation",
            "personnes",
            "communes",
            "motifs_secondaires",
            "priorites",
            "pieces",
            "cree_le",
            "modifie_le",
        )

    def to_representation(self, instance: Demande) -> dict[str, Any]:
        # What the caller may see of sensitive situations: the same selector as the screens.
        requete = self.context.get("request")
        instance.visibles = situations_visibles(instance, getattr(requete, "user", None))  # type: ignore[attr-defined]
        donnees: dict[str, Any] = super().to_representation(instance)
        return donnees


# --- Demand inputs -----------------------------------------------------------------------------


class DemandeModificationEntreeSerializer(ChampsConnusMixin, serializers.Serializer):
    """Rubriques d'une demande. En mise à jour, seules les rubriques envoyées changent ; une liste envoyée
    remplace la liste entière."""

    logement_actuel = LogementActuelSerializer(source="*")
    logement_recherche = LogementRechercheSerializer(source="*")
    ressources = RessourcesSerializer(source="*")
    situation = SituationSerializer(source="*")
    personnes = PersonneEntreeSerializer(
        many=True, allow_empty=False, help_text="Tout le ménage : le demandeur, le co-demandeur éventuel, les autres."
    )
    communes = serializers.ListField(
        child=serializers.CharField(max_length=5),
        allow_empty=False,
        help_text="Codes INSEE des communes souhaitées, par ordre de préférence.",
    )
    motifs_secondaires = serializers.ListField(
        child=serializers.ChoiceField(choices=enums.Motif.choices), required=False
    )
    priorites = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        help_text="Codes des priorités L441-1 déclarées (voir /api/v1/priorites/).",
    )


class DemandeCreationEntreeSerializer(DemandeModificationEntreeSerializer):
    """Nouvelle demande : toutes les rubriques, le ménage complet et au moins une commune souhaitée."""

    guichet = serializers.CharField(
        max_length=5,
        required=False,
        help_text="Code du guichet enregistreur ; obligatoire si vous êtes membre de plusieurs guichets.",
    )
    canal = serializers.ChoiceField(choices=enums.Canal.choices, default=enums.Canal.GUICHET)
    date_depot_initiale = serializers.DateField(
        required=False, help_text="Date du dépôt (par défaut aujourd'hui) ; point de départ de l'ancienneté."
    )


class DecisionDaloEntreeSerializer(ChampsConnusMixin, serializers.Serializer):
    """Décision de la commission de médiation DALO (article L441-2-3 du CCH), enregistrée après l'enregistrement
    de la demande par un guichet enregistreur ou par l'État réservataire."""

    reconnu = serializers.BooleanField(help_text="true : reconnu prioritaire et urgent ; false : non reconnu.")
    date_decision = serializers.DateField(help_text="Date de la décision de la commission de médiation.")
    commission = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text="Commission de médiation."
    )


class RadiationEntreeSerializer(ChampsConnusMixin, serializers.Serializer):
    """Radiation : un motif de l'article R441-2-8 du CCH et un commentaire facultatif."""

    motif = serializers.ChoiceField(choices=enums.MotifRadiation.choices)
    commentaire = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="2 000 caractères au plus."
    )


# --- Audit trail -------------------------------------------------------------------------------


class EvenementSortieSerializer(serializers.ModelSerializer):
    """Une entrée du journal d'audit : qui a fait quoi, quand."""

    auteur = serializers.StringRelatedField(
        allow_null=True, help_text="Agent auteur ; null pour un traitement automatique."
    )
    organisation = serializers.CharField(allow_null=True, source="organisation.nom", default=None)
    details = serializers.JSONField(
        help_text="Détails de l'événement (par exemple les champs modifiés, avant et après)."
    )

    class Meta:
        model = Evenement
        fields = ("horodatage", "action", "resume", "auteur", "organisation", "details")


# --- Errors (documentation of the error body) --------------------------------------------------


class ErreurSortieSerializer(serializers.Serializer):
    """Une erreur, localisée dans la requête."""

    champ = serializers.CharField(
        help_text="Où est l'erreur : « logement_recherche.typologie_max », « personnes[1].date_naissance », "
        "ou « __all__ » pour la requête entière."
    )
    message = serializers.CharField(help_text="Message en français.")


class ErreursSortieSerializer(serializers.Serializer):
    """Corps de toute réponse d'erreur."""

    erreurs = ErreurSortieSerializer(many=True)

"""API of the shared demand file: list, register, read, update, renew, strike off, audit trail.

Same rules as the screens: demands are read through ``Demande.objects.visible_to(user)``; a demand
outside the perimeter answers 404 exactly like a missing one; writes follow the predicates of
``attrib.organisations.permissions``; every write goes through ``attrib.demandes.services``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from attrib.api.base import ApiView, reponse_paginee
from attrib.api.exceptions import GLOBAL
from attrib.api.selectors import demande_detail, demande_evenements, demande_liste, demande_relire
from attrib.api.serializers import (
    SECTIONS,
    DecisionDaloEntreeSerializer,
    DemandeCreationEntreeSerializer,
    DemandeDetailSortieSerializer,
    DemandeModificationEntreeSerializer,
    DemandeResumeSortieSerializer,
    ErreursSortieSerializer,
    EvenementSortieSerializer,
    RadiationEntreeSerializer,
    chemin_dans_la_requete,
)
from attrib.demandes import enums
from attrib.demandes.comptes import compter
from attrib.demandes.models import Demande
from attrib.demandes.services import (
    demande_decision_dalo_enregistrer,
    demande_enregistrer,
    demande_modifier,
    demande_radier,
    demande_renouveler,
)
from attrib.engine.parametres.arbre import charger_arbre
from attrib.engine.parametres.nombres import valeur_en_lettres
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation
from attrib.organisations.permissions import (
    guichets_de,
    peut_enregistrer_decision_dalo,
    peut_enregistrer_demande,
    peut_modifier_demande,
    peut_radier_demande,
)

TAG = ["Demandes"]
ERREURS = OpenApiResponse(ErreursSortieSerializer, description="Erreurs localisées (voir « Format des erreurs »).")
NUMERO = OpenApiParameter(
    "numero_unique",
    str,
    OpenApiParameter.PATH,
    description="Numéro unique départemental de la demande (ex. 01126030000001NAR01).",
)
INTROUVABLE = OpenApiResponse(ErreursSortieSerializer, description="Demande absente ou hors de votre périmètre.")
CHAMPS_LISTES = ("personnes", "communes", "motifs_secondaires", "priorites")


class DemandeFiltresSerializer(serializers.Serializer):
    statut = serializers.ChoiceField(choices=enums.StatutDemande.choices, required=False)
    commune = serializers.CharField(
        max_length=5, required=False, help_text="Code INSEE : demandes souhaitant cette commune."
    )
    typologie = serializers.IntegerField(
        min_value=1, max_value=6, required=False, help_text="Nombre de pièces compris dans la typologie recherchée."
    )
    dalo = serializers.BooleanField(
        required=False, help_text="true : reconnues prioritaires DALO ; false : les autres."
    )
    mutation = serializers.BooleanField(
        required=False, help_text="true : ménages déjà locataires du parc social ; false : les autres."
    )
    priorite = serializers.CharField(
        max_length=20, required=False, help_text="Code d'une priorité L441-1 déclarée (voir /api/v1/priorites/)."
    )
    echeance_proche = serializers.BooleanField(
        required=False, help_text="true : demandes actives arrivant à échéance dans le délai de préavis."
    )
    modifie_depuis = serializers.DateTimeField(
        required=False,
        help_text="Date et heure ISO 8601 : demandes modifiées depuis, triées de la plus ancienne modification à la plus récente.",
    )


class DemandeRechercheEntreeSerializer(DemandeFiltresSerializer):
    recherche = serializers.CharField(
        min_length=2, max_length=100, required=False, help_text="Numéro unique (ou son début) ou nom d'une personne."
    )


#: A name, a birth date or a numéro unique never travels in a URL (access logs, proxies, histories): the search
#: is sent in the body of a POST (docs/decisions/0014-csp-no-store-recherches.md).
RECHERCHE_PAR_POST = (
    "La recherche ne s'envoie pas dans l'adresse (elle finirait dans les journaux d'accès) : envoyez-la dans le "
    "corps JSON d'un POST sur /api/v1/demandes/recherche/, avec les mêmes filtres."
)


def _contexte(request: Request) -> dict[str, Any]:
    return {"request": request}


def _introuvable(numero_unique: str) -> NotFound:
    return NotFound(f"Aucune demande n'a le numéro « {numero_unique} » dans votre périmètre.")


def _demande_visible(request: Request, numero_unique: str) -> Demande:
    demande = demande_detail(user=request.user, numero_unique=numero_unique)
    if demande is None:
        raise _introuvable(numero_unique)
    return demande


def _organisation_agissante(user: Any, demande: Demande | None = None) -> Organisation | None:
    """The organisation recorded in the audit trail: the demand's desk if the user belongs to it."""
    guichets = guichets_de(user)
    for guichet in guichets:
        if demande is not None and guichet.pk == demande.guichet_id:
            return guichet
    if guichets:
        return guichets[0]
    organisations = acteur_de(user).organisations()
    return organisations[0] if organisations else None


@contextmanager
def erreurs_localisees(renommer: Mapping[str, str] | None = None) -> Iterator[None]:
    """Service errors (keys like ``typologie_max``) → API errors located in the request body."""
    try:
        yield
    except DjangoValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise serializers.ValidationError({GLOBAL: exc.messages}) from exc
        renommer = renommer or {}
        raise serializers.ValidationError(
            {renommer.get(cle, chemin_dans_la_requete(cle)): messages for cle, messages in exc.message_dict.items()}
        ) from exc


def _arguments_modification(valides: Mapping[str, Any]) -> dict[str, Any]:
    """Validated input → keyword arguments of ``demande_modifier`` (only what was sent)."""
    champs_sections = {champ for champs in SECTIONS.values() for champ in champs}
    arguments: dict[str, Any] = {cle: list(valides[cle]) for cle in CHAMPS_LISTES if cle in valides}
    donnees = {cle: valeur for cle, valeur in valides.items() if cle in champs_sections}
    if donnees:
        arguments["donnees"] = donnees
    return arguments


def _detail(request: Request, demande: Demande, statut: int = status.HTTP_200_OK) -> Response:
    donnees = DemandeDetailSortieSerializer(demande_relire(demande=demande), context=_contexte(request)).data
    return Response(donnees, status=statut)


class DemandeCollectionApi(ApiView):
    """Demandes de votre périmètre : celles de votre guichet et celles qui souhaitent une commune de votre périmètre."""

    @extend_schema(
        operation_id="demandes_lister",
        summary="Lister les demandes de votre périmètre",
        tags=TAG,
        parameters=[DemandeFiltresSerializer],
        responses={200: DemandeResumeSortieSerializer(many=True), 400: ERREURS},
    )
    def get(self, request: Request) -> Response:
        if "recherche" in request.query_params:
            raise serializers.ValidationError({"recherche": [RECHERCHE_PAR_POST]})
        filtres = DemandeFiltresSerializer(data=request.query_params.dict())
        filtres.is_valid(raise_exception=True)
        # The page is read with the perimeter checked along the walk; the whole perimeter is counted (hashed).
        qs = demande_liste(user=request.user, par_ligne=True, **filtres.validated_data)
        tous = demande_liste(user=request.user, **filtres.validated_data)
        return reponse_paginee(
            queryset=qs,
            serializer_class=DemandeResumeSortieSerializer,
            request=request,
            view=self,
            compte=lambda: compter(tous),
        )

    @extend_schema(
        operation_id="demandes_enregistrer",
        summary="Enregistrer une nouvelle demande",
        description=(
            "Le guichet enregistreur est l'organisation de l'appelant ; s'il est gestionnaire de plusieurs "
            "guichets, le champ `guichet` (code guichet) est obligatoire. Réservé aux gestionnaires d'un "
            "guichet enregistreur."
        ),
        tags=TAG,
        request=DemandeCreationEntreeSerializer,
        responses={201: DemandeDetailSortieSerializer, 400: ERREURS, 403: ERREURS},
    )
    def post(self, request: Request) -> Response:
        if not peut_enregistrer_demande(acteur_de(request.user)):
            raise PermissionDenied("Seuls les gestionnaires d'un guichet enregistreur peuvent enregistrer une demande.")
        entree = DemandeCreationEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        valides = dict(entree.validated_data)
        guichet = _guichet_choisi(request.user, valides.pop("guichet", None))
        date_depot = valides.pop("date_depot_initiale", None)
        canal = valides.pop("canal")
        arguments = _arguments_modification(valides)
        with erreurs_localisees():
            demande = demande_enregistrer(
                guichet=guichet,
                auteur=acteur_de(request.user),
                donnees={**arguments.get("donnees", {}), "canal": canal},
                personnes=arguments["personnes"],
                communes=arguments["communes"],
                motifs_secondaires=arguments.get("motifs_secondaires", ()),
                priorites=arguments.get("priorites", ()),
                date_depot=date_depot,
            )
        reponse = _detail(request, demande, status.HTTP_201_CREATED)
        reponse["Location"] = reverse("api-demande", kwargs={"numero_unique": demande.numero_unique})
        return reponse


class DemandeRechercheApi(ApiView):
    """Recherche de demandes de votre périmètre par numéro unique ou nom, envoyée dans le corps de la requête
    pour qu'aucun nom n'apparaisse dans une adresse."""

    recherche_nominative = True

    @extend_schema(
        operation_id="demandes_rechercher",
        summary="Rechercher des demandes par numéro unique ou nom",
        description=(
            "Mêmes filtres et même réponse paginée que la liste ; la recherche et les filtres vont dans le corps "
            "JSON (un nom ne doit pas figurer dans l'adresse : journaux d'accès, historiques). Les pages "
            "suivantes : renvoyer le même corps à l'adresse `next` (paramètres `limit` et `offset`)."
        ),
        tags=TAG,
        request=DemandeRechercheEntreeSerializer,
        responses={200: DemandeResumeSortieSerializer(many=True), 400: ERREURS},
    )
    def post(self, request: Request) -> Response:
        entree = DemandeRechercheEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        qs = demande_liste(user=request.user, **entree.validated_data)
        return reponse_paginee(queryset=qs, serializer_class=DemandeResumeSortieSerializer, request=request, view=self)


def _guichet_choisi(user: Any, code: str | None) -> Organisation:
    guichets = guichets_de(user)
    codes = ", ".join(sorted(g.code_guichet for g in guichets))
    if code:
        for guichet in guichets:
            if guichet.code_guichet.upper() == code.upper():
                return guichet
        raise serializers.ValidationError(
            {"guichet": [f"Vous ne pouvez pas enregistrer pour le guichet « {code} » (vos guichets : {codes})."]}
        )
    if len(guichets) > 1:
        raise serializers.ValidationError(
            {"guichet": [f"Vous êtes gestionnaire de plusieurs guichets ({codes}) : indiquez le code du guichet."]}
        )
    return guichets[0]


class DemandeDetailApi(ApiView):
    """Une demande de votre périmètre, identifiée par son numéro unique."""

    @extend_schema(
        operation_id="demandes_lire",
        parameters=[NUMERO],
        summary="Lire une demande",
        tags=TAG,
        responses={200: DemandeDetailSortieSerializer, 404: INTROUVABLE},
    )
    def get(self, request: Request, numero_unique: str) -> Response:
        demande = _demande_visible(request, numero_unique)
        return Response(DemandeDetailSortieSerializer(demande, context=_contexte(request)).data)

    @extend_schema(
        operation_id="demandes_modifier",
        parameters=[NUMERO],
        summary="Mettre à jour une demande",
        description=(
            "Mise à jour partielle : seules les rubriques envoyées changent ; dans une rubrique, seuls les "
            "champs envoyés changent. Une liste envoyée (`personnes`, `communes`, `motifs_secondaires`, "
            "`priorites`) remplace la liste entière."
        ),
        tags=TAG,
        request=DemandeModificationEntreeSerializer,
        responses={200: DemandeDetailSortieSerializer, 400: ERREURS, 404: INTROUVABLE},
    )
    def patch(self, request: Request, numero_unique: str) -> Response:
        return _modifier_par(request, numero_unique, demande_modifier)


def _modifier_par(request: Request, numero_unique: str, service: Any) -> Response:
    """PATCH and renewal share their checks and body: the service differs (``demande_modifier`` or
    ``demande_renouveler``)."""
    demande = _demande_visible(request, numero_unique)
    if not peut_modifier_demande(acteur_de(request.user), demande):
        raise _introuvable(numero_unique)
    entree = DemandeModificationEntreeSerializer(data=request.data, partial=True)
    entree.is_valid(raise_exception=True)
    with erreurs_localisees():
        demande = service(
            demande=demande,
            auteur=acteur_de(request.user),
            organisation=_organisation_agissante(request.user, demande),
            **_arguments_modification(entree.validated_data),
        )
    return _detail(request, demande)


class DemandeRenouvelerApi(ApiView):
    """Renouvellement annuel d'une demande."""

    @extend_schema(
        operation_id="demandes_renouveler",
        parameters=[NUMERO],
        summary=f"Renouveler une demande pour {valeur_en_lettres(charger_arbre().serie('cycle_demande.validite')[-1])}",
        description=(
            "L'ancienneté (date de dépôt initiale) est conservée. Le corps est facultatif : il peut porter les "
            "mises à jour faites à l'occasion du renouvellement, comme pour PATCH."
        ),
        tags=TAG,
        request=DemandeModificationEntreeSerializer,
        responses={200: DemandeDetailSortieSerializer, 400: ERREURS, 404: INTROUVABLE},
    )
    def post(self, request: Request, numero_unique: str) -> Response:
        return _modifier_par(request, numero_unique, demande_renouveler)


class DemandeRadierApi(ApiView):
    """Radiation d'une demande."""

    @extend_schema(
        operation_id="demandes_radier",
        parameters=[NUMERO],
        summary="Radier une demande",
        tags=TAG,
        request=RadiationEntreeSerializer,
        responses={200: DemandeDetailSortieSerializer, 400: ERREURS, 404: INTROUVABLE},
    )
    def post(self, request: Request, numero_unique: str) -> Response:
        demande = _demande_visible(request, numero_unique)
        if not peut_radier_demande(acteur_de(request.user), demande):
            raise _introuvable(numero_unique)
        entree = RadiationEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        with erreurs_localisees(renommer={"motif_radiation": "motif", "commentaire_radiation": "commentaire"}):
            demande = demande_radier(
                demande=demande,
                auteur=acteur_de(request.user),
                organisation=_organisation_agissante(request.user, demande),
                motif=entree.validated_data["motif"],
                commentaire=entree.validated_data["commentaire"],
            )
        return _detail(request, demande)


class DemandeDecisionDaloApi(ApiView):
    """Décision DALO sur une demande."""

    @extend_schema(
        operation_id="demandes_decision_dalo",
        parameters=[NUMERO],
        summary="Enregistrer la décision de la commission de médiation DALO",
        description=(
            "Réservé aux gestionnaires d'un guichet enregistreur et à ceux de l'État réservataire, sur une demande "
            "active de leur périmètre. La décision précédente reste dans l'historique (avant / après)."
        ),
        tags=TAG,
        request=DecisionDaloEntreeSerializer,
        responses={200: DemandeDetailSortieSerializer, 400: ERREURS, 403: ERREURS, 404: INTROUVABLE},
    )
    def post(self, request: Request, numero_unique: str) -> Response:
        demande = _demande_visible(request, numero_unique)
        if not peut_enregistrer_decision_dalo(acteur_de(request.user), demande):
            raise PermissionDenied(
                "Seuls les gestionnaires d'un guichet enregistreur et ceux de l'État réservataire peuvent "
                "enregistrer une décision DALO."
            )
        entree = DecisionDaloEntreeSerializer(data=request.data)
        entree.is_valid(raise_exception=True)
        with erreurs_localisees(
            renommer={"dalo_date_decision": "date_decision", "dalo_commission": "commission", "dalo_reconnu": "reconnu"}
        ):
            demande = demande_decision_dalo_enregistrer(
                demande=demande,
                auteur=acteur_de(request.user),
                organisation=_organisation_agissante(request.user, demande),
                reconnu=entree.validated_data["reconnu"],
                date_decision=entree.validated_data["date_decision"],
                commission=entree.validated_data["commission"],
            )
        return _detail(request, demande)


class DemandeHistoriqueApi(ApiView):
    """Journal d'audit d'une demande."""

    @extend_schema(
        operation_id="demandes_historique",
        parameters=[NUMERO],
        summary="Historique d'une demande (journal d'audit)",
        description="Qui a fait quoi et quand, du plus récent au plus ancien.",
        tags=TAG,
        responses={200: EvenementSortieSerializer(many=True), 404: INTROUVABLE},
    )
    def get(self, request: Request, numero_unique: str) -> Response:
        demande = _demande_visible(request, numero_unique)
        return reponse_paginee(
            queryset=demande_evenements(demande=demande, user=request.user),
            serializer_class=EvenementSortieSerializer,
            request=request,
            view=self,
        )

"""Read-only referentials: communes, EPCI, QPV, L441-1 priorities, organisations."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from attrib.api.base import ApiView, reponse_paginee
from attrib.api.serializers import ErreursSortieSerializer
from attrib.demandes.models import PrioriteLegale
from attrib.organisations.acteurs import acteur_de
from attrib.organisations.models import Organisation, Role, TypeOrganisation
from attrib.territoires.models import EPCI, QPV, Commune

TAG = ["Référentiels"]
ERREURS = OpenApiResponse(ErreursSortieSerializer, description="Filtre invalide.")


def _filtres(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    filtres = serializer_class(data=request.query_params.dict())
    filtres.is_valid(raise_exception=True)
    return dict(filtres.validated_data)


# --- Communes ----------------------------------------------------------------------------------


class CommuneFiltresSerializer(serializers.Serializer):
    epci = serializers.CharField(max_length=9, required=False, help_text="SIREN de l'EPCI.")
    departement = serializers.CharField(max_length=3, required=False, help_text="Code du département (« 11 »).")


class CommuneSortieSerializer(serializers.ModelSerializer):
    epci = serializers.CharField(source="epci_id", allow_null=True, help_text="SIREN de l'EPCI.")

    class Meta:
        model = Commune
        fields = ("code_insee", "nom", "departement", "region", "population", "epci", "zone_plafond")


class CommuneListApi(ApiView):
    """Communes du référentiel, par code INSEE."""

    @extend_schema(
        operation_id="communes_lister",
        summary="Communes (code officiel géographique)",
        tags=TAG,
        parameters=[CommuneFiltresSerializer],
        responses={200: CommuneSortieSerializer(many=True), 400: ERREURS},
    )
    def get(self, request: Request) -> Response:
        filtres = _filtres(CommuneFiltresSerializer, request)
        qs = Commune.objects.order_by("code_insee")
        if filtres.get("epci"):
            qs = qs.de_epci(filtres["epci"])
        if filtres.get("departement"):
            qs = qs.filter(departement=filtres["departement"])
        return reponse_paginee(queryset=qs, serializer_class=CommuneSortieSerializer, request=request, view=self)


# --- EPCI --------------------------------------------------------------------------------------


class EpciSortieSerializer(serializers.ModelSerializer):
    class Meta:
        model = EPCI
        fields = ("siren", "nom", "nature", "population")


class EpciListApi(ApiView):
    """EPCI du référentiel."""

    @extend_schema(
        operation_id="epci_lister",
        summary="Établissements publics de coopération intercommunale",
        tags=TAG,
        responses={200: EpciSortieSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        return reponse_paginee(
            queryset=EPCI.objects.order_by("nom", "siren"),
            serializer_class=EpciSortieSerializer,
            request=request,
            view=self,
        )


# --- QPV ---------------------------------------------------------------------------------------


class QpvFiltresSerializer(serializers.Serializer):
    commune = serializers.CharField(max_length=5, required=False, help_text="Code INSEE de la commune.")
    epci = serializers.CharField(max_length=9, required=False, help_text="SIREN de l'EPCI.")
    contour = serializers.BooleanField(
        required=False, default=False, help_text="1 ou true : joindre le contour GeoJSON (volumineux)."
    )


class QpvSortieSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id", help_text="Code INSEE de la commune.")
    contour = serializers.JSONField(
        required=False, allow_null=True, help_text="Contour GeoJSON (WGS84), présent seulement avec ?contour=1."
    )

    class Meta:
        model = QPV
        fields = ("code", "nom", "commune", "generation", "contour")

    def to_representation(self, instance: QPV) -> dict[str, Any]:
        donnees: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("contour"):
            donnees.pop("contour")
        return donnees


class QpvListApi(ApiView):
    """Quartiers prioritaires de la politique de la ville."""

    @extend_schema(
        operation_id="qpv_lister",
        summary="Quartiers prioritaires de la politique de la ville",
        tags=TAG,
        parameters=[QpvFiltresSerializer],
        responses={200: QpvSortieSerializer(many=True), 400: ERREURS},
    )
    def get(self, request: Request) -> Response:
        filtres = _filtres(QpvFiltresSerializer, request)
        qs = QPV.objects.order_by("code")
        if filtres.get("commune"):
            qs = qs.filter(commune_id=filtres["commune"])
        if filtres.get("epci"):
            qs = qs.filter(commune__epci_id=filtres["epci"])
        if not filtres["contour"]:
            qs = qs.defer("contour")
        return reponse_paginee(
            queryset=qs,
            serializer_class=QpvSortieSerializer,
            request=request,
            view=self,
            context={"contour": filtres["contour"]},
        )


# --- L441-1 priorities -------------------------------------------------------------------------


class PrioriteFiltresSerializer(serializers.Serializer):
    en_vigueur_le = serializers.DateField(
        required=False, help_text="Seulement les priorités en vigueur à cette date (AAAA-MM-JJ)."
    )


class PrioriteSortieSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrioriteLegale
        fields = ("code", "lettre", "libelle", "base_legale", "sensible", "fiabilite", "date_debut", "date_fin")


class PrioriteListApi(ApiView):
    """Critères de priorité de l'article L441-1 du CCH, avec leurs dates de vigueur."""

    @extend_schema(
        operation_id="priorites_lister",
        summary="Critères de priorité de l'article L441-1 du CCH",
        description="`sensible` : situation (violences, santé) visible seulement des organisations qui en ont besoin.",
        tags=TAG,
        parameters=[PrioriteFiltresSerializer],
        responses={200: PrioriteSortieSerializer(many=True), 400: ERREURS},
    )
    def get(self, request: Request) -> Response:
        filtres = _filtres(PrioriteFiltresSerializer, request)
        qs = PrioriteLegale.objects.all()
        jour = filtres.get("en_vigueur_le")
        if jour:
            qs = qs.filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour), date_debut__lte=jour)
        return reponse_paginee(queryset=qs, serializer_class=PrioriteSortieSerializer, request=request, view=self)


# --- Organisations -----------------------------------------------------------------------------


class OrganisationFiltresSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=TypeOrganisation.choices, required=False)
    miennes = serializers.BooleanField(
        required=False, default=False, help_text="true : seulement les organisations dont vous êtes membre."
    )


class OrganisationSortieSerializer(serializers.ModelSerializer):
    epci = serializers.CharField(source="epci_id", allow_null=True, help_text="SIREN de l'EPCI de rattachement.")
    commune = serializers.CharField(source="commune_id", allow_null=True, help_text="Code INSEE du siège.")
    role = serializers.SerializerMethodField(
        help_text="Votre rôle dans l'organisation ; null si vous n'en êtes pas membre."
    )
    perimetre = serializers.SerializerMethodField(
        help_text="Codes INSEE du périmètre ; donné seulement pour vos organisations, null pour les autres."
    )

    class Meta:
        model = Organisation
        fields = (
            "id",
            "nom",
            "type",
            "categorie_reservataire",
            "siren",
            "code_guichet",
            "epci",
            "commune",
            "role",
            "perimetre",
        )

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, organisation: Organisation) -> str | None:
        role: str | None = self.context["roles"].get(organisation.pk)
        return role

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_perimetre(self, organisation: Organisation) -> list[str] | None:
        perimetre: list[str] | None = self.context["perimetres"].get(organisation.pk)
        return perimetre


class OrganisationListApi(ApiView):
    """Organisations partenaires."""

    @extend_schema(
        operation_id="organisations_lister",
        summary="Organisations (informations publiques ; rôle et périmètre pour les vôtres)",
        tags=TAG,
        parameters=[OrganisationFiltresSerializer],
        responses={200: OrganisationSortieSerializer(many=True), 400: ERREURS},
    )
    def get(self, request: Request) -> Response:
        filtres = _filtres(OrganisationFiltresSerializer, request)
        roles = {a.organisation_id: a.role for a in acteur_de(request.user).appartenances}
        perimetres: dict[int, list[str]] = {pk: [] for pk in roles}
        liens = Organisation.perimetre.through.objects.filter(organisation_id__in=roles).order_by("commune_id")
        for organisation_id, commune_id in liens.values_list("organisation_id", "commune_id"):
            perimetres[organisation_id].append(commune_id)
        qs = Organisation.objects.order_by("nom", "id")
        if filtres.get("type"):
            qs = qs.filter(type=filtres["type"])
        if filtres["miennes"]:
            qs = qs.filter(pk__in=roles)
        return reponse_paginee(
            queryset=qs,
            serializer_class=OrganisationSortieSerializer,
            request=request,
            view=self,
            context={"roles": roles, "perimetres": perimetres},
        )

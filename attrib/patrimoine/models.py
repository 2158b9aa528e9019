"""The social housing stock: residences (a building or group of dwellings at one address or programme)
and their dwellings.

Values that the open data does not give are either left empty (unknown) or filled by a documented
rule and flagged as estimated (``bailleur_estime``, ``estimee``, ``loyer_estime``, ``surface_estimee``,
``typologie_estimee``); see ``docs/patrimoine.md``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation
from attrib.patrimoine.enums import ClasseDPE, Financement, ReserveStock, SourceResidence, TypeConstruction

#: Sanity bound of the number of rooms (the RPLS field holds one digit, 1 to 9).
NB_PIECES_MAX = 20
#: Oldest construction year accepted (the Narbonne file holds a 1640 building).
ANNEE_MIN = 1000


def epcis_du_territoire(acteur: Acteur) -> set[str]:
    """SIRENs of the EPCIs the actor's organisations belong to (their own EPCI, the EPCI of their commune and
    of the communes of their perimeter)."""
    from attrib.territoires.models import Commune

    acteur = acteur_de(acteur)
    ids = acteur.organisation_ids() if acteur.est_agent else []
    if not ids:
        return set()
    sirens = {o.epci_id for o in acteur.organisations() if o.epci_id}
    # The communes of the perimeters and the seats, then theirs EPCIs by primary key: joining the 35,000 communes
    # of the referential to the perimeters and the seats (a LEFT JOIN each, for the OR) read all of them.
    codes = set(
        Organisation.perimetre.through.objects.filter(organisation_id__in=ids).values_list("commune_id", flat=True)
    )
    codes.update(o.commune_id for o in acteur.organisations() if o.commune_id)
    communes = Commune.objects.filter(code_insee__in=sorted(codes)).exclude(epci=None)
    sirens.update(communes.values_list("epci_id", flat=True))
    return sirens


def residences_visibles(acteur: Acteur, *, prefixe: str = "") -> Q:
    """The residences an actor sees (``prefixe="residence__"`` from a dwelling): every residence of the EPCIs
    of its organisations, of the communes of their perimeter, and those they own as bailleur; everything for
    the system and a superuser; nothing for anybody else (an applicant included)."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return Q()
    ids = acteur.organisation_ids() if acteur.est_agent else []
    if not ids:
        return Q(pk__in=[])
    perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=ids).values("commune_id")
    from attrib.territoires.models import Commune

    # The EPCIs' communes read first by the EPCI index and given as a list, not a join to every commune of France
    # (34,969 rows hashed for each list: decision 0023, addendum); nor a subquery, which PostgreSQL may run again
    # for each row when it misjudges its size (tables just loaded, without statistics).
    communes_des_epci = sorted(
        Commune.objects.filter(epci_id__in=sorted(epcis_du_territoire(acteur))).values_list("code_insee", flat=True)
    )
    return (
        Q(**{f"{prefixe}commune_id__in": communes_des_epci})
        | Q(**{f"{prefixe}commune_id__in": perimetre})
        | Q(**{f"{prefixe}bailleur_id__in": ids})
    )


class ResidenceQuerySet(models.QuerySet["Residence"]):
    def visible_to(self, acteur: Acteur) -> ResidenceQuerySet:
        """Residences of the actor's territory (:func:`residences_visibles`)."""
        return self.filter(residences_visibles(acteur))

    def de_commune(self, code_insee: str) -> ResidenceQuerySet:
        return self.filter(commune_id=code_insee)

    def en_qpv(self) -> ResidenceQuerySet:
        return self.filter(en_qpv=True)


class Residence(models.Model):
    identifiant = models.CharField(
        "identifiant",
        max_length=160,
        unique=True,
        help_text="Clé naturelle stable : source, commune et adresse normalisée (voir docs/patrimoine.md).",
    )
    nom = models.CharField("nom", max_length=200, blank=True, help_text="Programme ou immeuble, quand il est connu.")
    commune = models.ForeignKey(
        "territoires.Commune", on_delete=models.PROTECT, related_name="residences", verbose_name="commune"
    )
    numero_voie = models.CharField("numéro dans la voie", max_length=20, blank=True)
    indice_repetition = models.CharField("indice de répétition", max_length=10, blank=True)
    type_voie = models.CharField("type de voie", max_length=30, blank=True)
    nom_voie = models.CharField("nom de la voie", max_length=200, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    batiment = models.CharField("bâtiment", max_length=100, blank=True)
    programme = models.CharField("programme immobilier", max_length=200, blank=True)
    bailleur = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residences",
        verbose_name="bailleur",
        limit_choices_to={"type": "bailleur"},
    )
    bailleur_estime = models.BooleanField(
        "bailleur estimé", default=False, help_text="Bailleur attribué par une règle, pas donné par la source."
    )
    en_qpv = models.BooleanField("en QPV", default=False)
    qpv = models.ForeignKey(
        "territoires.QPV",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residences",
        verbose_name="QPV",
        help_text="Vide quand la source dit « en QPV » sans dire lequel.",
    )
    annee_construction = models.PositiveSmallIntegerField("année d'achèvement", null=True, blank=True)
    type_construction = models.CharField("type de construction", max_length=12, choices=TypeConstruction.choices)
    source = models.CharField("source", max_length=20, choices=SourceResidence.choices)
    estimee = models.BooleanField(
        "résidence reconstituée",
        default=False,
        help_text="Regroupement calculé à partir de comptages (pas d'adresse dans la source).",
    )
    enjeu_mixite = models.BooleanField("à enjeux prioritaires de mixité sociale", default=False)
    enjeu_mixite_motif = models.TextField("motif de l'enjeu de mixité", blank=True)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "résidence"
        ordering = ["commune_id", "identifiant"]
        indexes = [models.Index(fields=["commune", "identifiant"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(qpv__isnull=True) | Q(en_qpv=True),
                name="residence_qpv_implique_en_qpv",
                violation_error_message="Une résidence rattachée à un QPV doit être marquée « en QPV ».",
            ),
            models.CheckConstraint(
                condition=Q(annee_construction__isnull=True) | Q(annee_construction__gte=ANNEE_MIN),
                name="residence_annee_construction_plausible",
                violation_error_message=f"L'année d'achèvement doit être postérieure à {ANNEE_MIN}.",
            ),
            models.CheckConstraint(
                condition=Q(enjeu_mixite=False) | ~Q(enjeu_mixite_motif=""),
                name="residence_enjeu_mixite_motive",
                violation_error_message="Une résidence à enjeux de mixité sociale doit porter son motif.",
            ),
            models.CheckConstraint(
                condition=Q(bailleur_estime=False) | Q(bailleur__isnull=False),
                name="residence_bailleur_estime_renseigne",
                violation_error_message="Un bailleur estimé doit être renseigné.",
            ),
        ]

    def __str__(self) -> str:
        return self.nom or self.adresse or self.identifiant

    @property
    def adresse(self) -> str:
        numero = " ".join(p for p in (self.numero_voie, self.indice_repetition) if p)
        voie = " ".join(p for p in (numero, self.type_voie, self.nom_voie) if p)
        return voie


class LogementQuerySet(models.QuerySet["Logement"]):
    def visible_to(self, acteur: Acteur) -> LogementQuerySet:
        return self.filter(residences_visibles(acteur, prefixe="residence__"))

    def en_qpv(self) -> LogementQuerySet:
        return self.filter(residence__en_qpv=True)


class Logement(models.Model):
    residence = models.ForeignKey(Residence, on_delete=models.PROTECT, related_name="logements")
    identifiant = models.CharField("identifiant", max_length=180, unique=True)
    identifiant_rpls = models.CharField("identifiant au répertoire (RPLS)", max_length=10, blank=True)
    nb_pieces = models.PositiveSmallIntegerField("nombre de pièces principales")
    surface_habitable = models.DecimalField("surface habitable (m²)", max_digits=6, decimal_places=2)
    annee_construction = models.PositiveSmallIntegerField("année d'achèvement", null=True, blank=True)
    annee_premiere_location = models.PositiveSmallIntegerField(
        "année de première mise en location", null=True, blank=True
    )
    date_mise_en_service = models.DateField(
        "date de mise en service", null=True, blank=True, help_text="Date exacte, quand le bailleur la donne."
    )
    financement = models.CharField("financement", max_length=5, choices=Financement.choices, blank=True)
    code_finan = models.CharField("code FINAN (RPLS)", max_length=2, blank=True)
    date_conventionnement = models.DateField("date d'effet de la convention APL", null=True, blank=True)
    dpe_energie = models.CharField("DPE énergie", max_length=1, choices=ClasseDPE.choices, blank=True)
    dpe_ges = models.CharField("DPE gaz à effet de serre", max_length=1, choices=ClasseDPE.choices, blank=True)
    loyer_principal = models.DecimalField(
        "loyer principal mensuel (€)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    charges = models.DecimalField("charges mensuelles (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    loyer_estime = models.BooleanField("loyer estimé", default=False)
    etage = models.SmallIntegerField("étage", null=True, blank=True, help_text="0 : rez-de-chaussée.")
    ascenseur = models.BooleanField("ascenseur", null=True, blank=True)
    adapte_pmr = models.BooleanField("adapté aux personnes à mobilité réduite", null=True, blank=True)
    reserve_stock = models.CharField(
        "réservation gérée en stock", max_length=10, choices=ReserveStock.choices, blank=True, default=""
    )
    surface_estimee = models.BooleanField("surface estimée", default=False)
    typologie_estimee = models.BooleanField("typologie estimée", default=False)

    objects = LogementQuerySet.as_manager()

    class Meta:
        verbose_name = "logement"
        ordering = ["residence_id", "identifiant"]
        constraints = [
            models.CheckConstraint(
                condition=Q(nb_pieces__gte=1) & Q(nb_pieces__lte=NB_PIECES_MAX),
                name="logement_nb_pieces_plausible",
                violation_error_message=f"Le nombre de pièces doit être compris entre 1 et {NB_PIECES_MAX}.",
            ),
            models.CheckConstraint(
                condition=Q(surface_habitable__gt=0),
                name="logement_surface_positive",
                violation_error_message="La surface habitable doit être positive.",
            ),
            models.CheckConstraint(
                condition=Q(loyer_principal__isnull=True) | Q(loyer_principal__gte=0),
                name="logement_loyer_positif",
                violation_error_message="Le loyer ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=Q(charges__isnull=True) | Q(charges__gte=0),
                name="logement_charges_positives",
                violation_error_message="Les charges ne peuvent pas être négatives.",
            ),
            models.CheckConstraint(
                condition=Q(loyer_estime=False) | Q(loyer_principal__isnull=False),
                name="logement_loyer_estime_renseigne",
                violation_error_message="Un loyer estimé doit être renseigné.",
            ),
            models.CheckConstraint(
                condition=Q(annee_construction__isnull=True) | Q(annee_construction__gte=ANNEE_MIN),
                name="logement_annee_construction_plausible",
                violation_error_message=f"L'année d'achèvement doit être postérieure à {ANNEE_MIN}.",
            ),
        ]

    def __str__(self) -> str:
        return f"T{self.nb_pieces} de {self.surface_habitable} m² — {self.residence}"


#: Bounds of the occupancy indicators (percentages).
POURCENT_MAX = 100
#: Oldest year of occupancy indicators accepted (sanity bound of the data, not a rule).
ANNEE_INDICATEURS_MIN = 1990


class IndicateursOccupation(models.Model):
    """Occupancy indicators of a residence for one year, as the bailleur's or the observatory's survey
    gives them (OPS « occupation du parc social », RPLS…): shares in percent, each optional. Imported
    from the CSV format of ``docs/formats/indicateurs_occupation.md`` (``importer_indicateurs``)."""

    residence = models.ForeignKey(Residence, on_delete=models.CASCADE, related_name="indicateurs_occupation")
    annee = models.PositiveSmallIntegerField("année")
    source = models.CharField("source", max_length=200)
    part_menages_q1 = models.DecimalField(
        "part des ménages du premier quartile (%)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Ménages dont les ressources sont sous le seuil du premier quartile des demandeurs.",
    )
    part_menages_emploi = models.DecimalField(
        "part des ménages en emploi (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    taux_rotation = models.DecimalField("taux de rotation (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    taux_vacance = models.DecimalField("taux de vacance (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    importe_le = models.DateTimeField("importé le", auto_now=True)

    class Meta:
        verbose_name = "indicateurs d'occupation"
        verbose_name_plural = "indicateurs d'occupation"
        ordering = ["residence_id", "-annee"]
        constraints = [
            models.UniqueConstraint(fields=["residence", "annee"], name="indicateurs_un_par_residence_et_annee"),
            models.CheckConstraint(
                condition=Q(annee__gte=ANNEE_INDICATEURS_MIN),
                name="indicateurs_annee_plausible",
                violation_error_message=f"L'année des indicateurs doit être postérieure à {ANNEE_INDICATEURS_MIN}.",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{champ}__isnull": True})
                    | (Q(**{f"{champ}__gte": 0}) & Q(**{f"{champ}__lte": POURCENT_MAX})),
                    name=f"indicateurs_{champ}_pourcentage",
                    violation_error_message="Un indicateur d'occupation est un pourcentage de 0 à 100.",
                )
                for champ in ("part_menages_q1", "part_menages_emploi", "taux_rotation", "taux_vacance")
            ),
            models.CheckConstraint(
                condition=Q(part_menages_q1__isnull=False)
                | Q(part_menages_emploi__isnull=False)
                | Q(taux_rotation__isnull=False)
                | Q(taux_vacance__isnull=False),
                name="indicateurs_au_moins_un",
                violation_error_message="Au moins un indicateur d'occupation doit être renseigné.",
            ),
            models.CheckConstraint(
                condition=~Q(source=""),
                name="indicateurs_source_renseignee",
                violation_error_message="La source des indicateurs doit être indiquée.",
            ),
        ]

    def __str__(self) -> str:
        return f"Indicateurs d'occupation {self.annee} — {self.residence}"

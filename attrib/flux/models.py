"""Gestion en flux (DOMAIN.md §1.5): reservation agreements, freed dwellings and their orientation.

- ``ConventionReservation``: one agreement bailleur × réservataire (one contingent: the State signs two,
  publics prioritaires and agents), its share of the yearly flux (percentage or number of dwellings),
  territory, mix requirements, proposal deadline and validity dates.
- ``LogementLibere``: a dwelling the bailleur declares freed (turnover or first letting), with what the
  dwelling was at that date (commune, typology, QPV, financing) and, if it leaves the assiette, why.
- ``Orientation``: the réservataire a freed dwelling goes to, with the engine's rule, French reason,
  deviations and the shares in force, so that the engine's state is rebuilt from the table
  (``attrib.engine.flux.etat_depuis``). An override keeps the proposal it replaces (``actuelle=False``).

See ``docs/flux.md`` (screens, services) and ``docs/flux-orientation.md`` (the engine and its bound).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attrib.flux.enums import (
    Arbitrage,
    CategorieConvention,
    CritereMixite,
    NatureLiberation,
    RegleOrientation,
    StatutOrientation,
)
from attrib.organisations.acteurs import Acteur, acteur_de, restreindre

#: Largest share of the flux an agreement may hold, in percent.
CENT = Decimal("100")


def _acteur(acteur: Acteur) -> Acteur:
    """The actor itself; a ``User`` still passed by a caller outside flux (journal, until converted) is read
    as its actor."""
    return acteur_de(acteur)


class ReglageFlux(models.Model):
    """A bailleur's choice of what the engine guarantees when an agreement asks for a mix."""

    bailleur = models.OneToOneField(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="reglage_flux", verbose_name="bailleur"
    )
    arbitrage = models.CharField("arbitrage", max_length=20, choices=Arbitrage.choices, default=Arbitrage.STRATES)
    modifie_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "réglage du flux"
        verbose_name_plural = "réglages du flux"

    def __str__(self) -> str:
        return f"{self.bailleur} : {self.get_arbitrage_display()}"


class ConventionQuerySet(models.QuerySet["ConventionReservation"]):
    def visible_to(self, acteur: Acteur) -> ConventionQuerySet:
        """The agreements the actor's organisations signed, as bailleur or as réservataire."""
        return restreindre(self, acteur, lambda ids: Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids))

    def en_vigueur(self, jour: date) -> ConventionQuerySet:
        return self.filter(debut__lte=jour).filter(Q(fin__isnull=True) | Q(fin__gte=jour))


class ConventionReservation(models.Model):
    bailleur = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="conventions_bailleur",
        verbose_name="bailleur",
        limit_choices_to={"type": "bailleur"},
    )
    reservataire = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="conventions_reservataire",
        verbose_name="réservataire",
    )
    categorie = models.CharField("contingent", max_length=20, choices=CategorieConvention.choices)
    libelle = models.CharField(
        "libellé", max_length=200, blank=True, help_text="Par défaut : le nom du réservataire et son contingent."
    )
    territoire = models.ManyToManyField(
        "territoires.Commune",
        related_name="conventions_reservation",
        blank=True,
        verbose_name="territoire (communes)",
        help_text="Vide : tout le patrimoine du bailleur (niveau départemental).",
    )
    part = models.DecimalField(
        "part du flux (%)", max_digits=6, decimal_places=3, null=True, blank=True, help_text="Par exemple 25 ou 12,5."
    )
    nombre_logements = models.PositiveIntegerField("nombre de logements par an", null=True, blank=True)
    mixite = models.JSONField(
        "mixité demandée", default=list, blank=True, help_text="Critères : typologie, qpv, commune."
    )
    delai_proposition_jours = models.PositiveSmallIntegerField(
        "délai de proposition (jours)", null=True, blank=True, help_text="Vide : le délai par défaut (flux.yaml)."
    )
    echec_compte = models.BooleanField(
        "un délai dépassé est décompté de la part",
        default=True,
        help_text="Si la case est décochée, un logement revenu au bailleur reste dû au réservataire.",
    )
    debut = models.DateField("début")
    fin = models.DateField("fin", null=True, blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    modifie_le = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention de réservation"
        verbose_name_plural = "conventions de réservation"
        ordering = ["bailleur__nom", "debut", "categorie", "reservataire__nom"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(part__isnull=False) & Q(nombre_logements__isnull=True))
                | (Q(part__isnull=True) & Q(nombre_logements__isnull=False)),
                name="convention_part_ou_nombre",
                violation_error_message="Une convention porte soit une part du flux, soit un nombre de logements.",
            ),
            models.CheckConstraint(
                condition=Q(part__isnull=True) | (Q(part__gte=0) & Q(part__lte=CENT)),
                name="convention_part_entre_0_et_100",
                violation_error_message="La part du flux est comprise entre 0 et 100 %.",
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="convention_fin_apres_debut",
                violation_error_message="La fin de la convention précède son début.",
            ),
            models.CheckConstraint(
                condition=Q(delai_proposition_jours__isnull=True) | Q(delai_proposition_jours__gte=1),
                name="convention_delai_positif",
                violation_error_message="Le délai de proposition est d'au moins un jour.",
            ),
            models.CheckConstraint(
                condition=~Q(bailleur=F("reservataire")),
                name="convention_reservataire_distinct_du_bailleur",
                violation_error_message="Le bailleur ne signe pas de convention avec lui-même (sa part est le reste du flux).",
            ),
            models.CheckConstraint(
                condition=Q(categorie__in=CategorieConvention.values),
                name="convention_categorie_connue",
                violation_error_message="Contingent inconnu.",
            ),
        ]
        indexes = [models.Index(fields=["bailleur", "debut"]), models.Index(fields=["reservataire", "debut"])]

    def __str__(self) -> str:
        return f"{self.libelle_affiche} — {self.bailleur}"

    @property
    def libelle_affiche(self) -> str:
        if self.libelle:
            return self.libelle
        if self.categorie == CategorieConvention.ETAT:
            return f"{self.reservataire} — publics prioritaires"
        if self.categorie == CategorieConvention.ETAT_AGENTS:
            return f"{self.reservataire} — agents de l'État"
        return str(self.reservataire)

    @property
    def mixite_libelles(self) -> str:
        libelles = dict(CritereMixite.choices)
        return ", ".join(str(libelles.get(c, c)) for c in (self.mixite or []))

    @property
    def cle(self) -> str:
        """Key of the contingent in the engine: one réservataire × one category (two successive agreements
        of the same contingent share it, and the engine refuses that they overlap)."""
        return f"{self.reservataire_id}-{self.categorie}"

    @property
    def part_fraction(self) -> Fraction | None:
        return None if self.part is None else Fraction(self.part) / 100

    def en_vigueur_le(self, jour: date) -> bool:
        return self.debut <= jour and (self.fin is None or jour <= self.fin)


class LogementLibereQuerySet(models.QuerySet["LogementLibere"]):
    def visible_to(self, acteur: Acteur) -> LogementLibereQuerySet:
        """The bailleur's own, and those whose orientation in force goes to one of the actor's organisations."""

        def filtre(ids: list[int]) -> Q:
            orientes = Orientation.objects.filter(actuelle=True, reservataire_id__in=ids).values("logement_libere_id")
            return Q(bailleur_id__in=ids) | Q(pk__in=orientes)

        return restreindre(self, acteur, filtre)

    def de_l_annee(self, annee: int) -> LogementLibereQuerySet:
        return self.filter(date_liberation__year=annee)


class LogementLibere(models.Model):
    """A dwelling declared freed. The commune, typology, QPV and financing are copied from the stock at
    the declaration: the yearly report keeps describing the dwelling as it was."""

    logement = models.ForeignKey(
        "patrimoine.Logement", on_delete=models.PROTECT, related_name="liberations", verbose_name="logement"
    )
    bailleur = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="logements_liberes"
    )
    date_liberation = models.DateField("date de libération")
    nature = models.CharField("nature", max_length=20, choices=NatureLiberation.choices)
    motif_exclusion = models.CharField(
        "sortie de l'assiette",
        max_length=40,
        blank=True,
        help_text="Code de flux.yaml (mutation interne, relogement…) ou réservation gérée en stock.",
    )
    motif_exclusion_detail = models.TextField("motif de la sortie de l'assiette", blank=True)
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="+")
    typologie = models.PositiveSmallIntegerField("typologie (pièces)")
    en_qpv = models.BooleanField("en QPV")
    financement = models.CharField("financement", max_length=5, blank=True)
    declare_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declare_le = models.DateTimeField("déclaré le")

    objects = LogementLibereQuerySet.as_manager()

    class Meta:
        verbose_name = "logement libéré"
        verbose_name_plural = "logements libérés"
        ordering = ["-date_liberation", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["logement", "date_liberation"],
                name="logement_libere_unique_par_date",
                violation_error_message="Ce logement est déjà déclaré libéré à cette date.",
            ),
            models.CheckConstraint(
                condition=Q(motif_exclusion="") | ~Q(motif_exclusion_detail=""),
                name="logement_libere_exclusion_motivee",
                violation_error_message="Un logement sorti de l'assiette porte le motif de sa sortie.",
            ),
            models.CheckConstraint(
                condition=Q(typologie__gte=1),
                name="logement_libere_typologie_positive",
                violation_error_message="La typologie est d'au moins une pièce.",
            ),
            models.CheckConstraint(
                condition=Q(nature__in=NatureLiberation.values),
                name="logement_libere_nature_connue",
                violation_error_message="Nature de libération inconnue.",
            ),
        ]
        indexes = [models.Index(fields=["bailleur", "date_liberation"])]

    def __str__(self) -> str:
        return f"{self.logement.identifiant} libéré le {self.date_liberation:%d/%m/%Y}"

    @property
    def exclu(self) -> bool:
        return bool(self.motif_exclusion)

    @property
    def orientation(self) -> Orientation | None:
        """The orientation in force (the last override, or the engine's proposal)."""
        for o in self.orientations.all():
            if o.actuelle:
                return o
        return None


class OrientationQuerySet(models.QuerySet["Orientation"]):
    def visible_to(self, acteur: Acteur) -> OrientationQuerySet:
        """The bailleur's orientations, and those in force that go to one of the actor's organisations."""
        return restreindre(self, acteur, lambda ids: Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids, actuelle=True))

    def actuelles(self) -> OrientationQuerySet:
        return self.filter(actuelle=True)

    def decomptees(self) -> OrientationQuerySet:
        """Orientations that count in the apportionment (a lapsed proposal not counted leaves it)."""
        return self.filter(actuelle=True, decompte=True)


class Orientation(models.Model):
    logement_libere = models.ForeignKey(LogementLibere, on_delete=models.PROTECT, related_name="orientations")
    actuelle = models.BooleanField("en vigueur", default=True)
    remplace = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplacee_par",
        verbose_name="orientation remplacée",
    )
    bailleur = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    # The engine's sequence: same bailleur, same agreements in force (zone), same period.
    zone = models.CharField(
        "conventions en vigueur",
        max_length=400,
        blank=True,
        help_text="Identifiants, triés, des conventions en vigueur.",
    )
    periode_debut = models.DateField("début de la période d'orientation")
    periode_fin = models.DateField("fin de la période d'orientation")
    flux_prevu = models.PositiveIntegerField("flux prévisionnel", null=True, blank=True)
    rang = models.PositiveIntegerField("rang dans le flux")
    strate = models.CharField("strate", max_length=200, blank=True)
    reservataire_cle = models.CharField("contingent (clé du moteur)", max_length=60)
    convention = models.ForeignKey(
        ConventionReservation, on_delete=models.PROTECT, null=True, blank=True, related_name="orientations"
    )
    reservataire = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations_recues",
        help_text="Vide : part non réservée du bailleur.",
    )
    libelle = models.CharField("orienté vers", max_length=300)
    propose_cle = models.CharField("contingent proposé par le moteur", max_length=60)
    propose_libelle = models.CharField("proposé par le moteur", max_length=300)
    regle = models.CharField("règle", max_length=10, choices=RegleOrientation.choices)
    raison_fr = models.TextField("raison")
    ecarts = models.JSONField("écarts après ce logement", default=dict, help_text="{contingent: fraction exacte}")
    parts = models.JSONField("parts de la période", default=dict, help_text="{contingent: fraction exacte}")
    libelles = models.JSONField("libellés des contingents", default=dict)
    motif_force = models.TextField("motif de la dérogation", blank=True)
    force_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    compensation_au_plus_tard = models.PositiveIntegerField("compensation au plus tard (rang)", null=True, blank=True)
    date_limite_proposition = models.DateField("date limite de proposition", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutOrientation.choices, default=StatutOrientation.A_PROPOSER
    )
    decompte = models.BooleanField("décompté de la part", default=True)
    candidats_proposes_le = models.DateField("candidats proposés le", null=True, blank=True)
    nombre_candidats = models.PositiveSmallIntegerField("nombre de candidats proposés", null=True, blank=True)
    commentaire_reservataire = models.TextField("commentaire du réservataire", blank=True)
    candidats_proposes_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    echue_le = models.DateField("échue le", null=True, blank=True)
    raison_echec = models.TextField("constat de l'échéance", blank=True)
    # Filled by the attribution of the dwelling (CALEOL, issue 6): the household housed.
    demande_attribuee = models.ForeignKey(
        "demandes.Demande", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attribuee_le = models.DateField("attribuée le", null=True, blank=True)
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    cree_le = models.DateTimeField("créée le")

    objects = OrientationQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        ordering = ["-logement_libere__date_liberation", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["logement_libere"],
                condition=Q(actuelle=True),
                name="orientation_une_seule_en_vigueur",
                violation_error_message="Un logement libéré n'a qu'une orientation en vigueur.",
            ),
            models.CheckConstraint(
                condition=(Q(regle=RegleOrientation.FORCE) & ~Q(motif_force=""))
                | (~Q(regle=RegleOrientation.FORCE) & Q(motif_force="")),
                name="orientation_derogation_motivee",
                violation_error_message="Une dérogation porte son motif, et seule une dérogation en porte un.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(reservataire__isnull=True) & Q(convention__isnull=True) & Q(date_limite_proposition__isnull=True)
                )
                | (Q(reservataire__isnull=False) & Q(convention__isnull=False)),
                name="orientation_reservataire_coherent",
                violation_error_message="Une orientation vers un réservataire porte sa convention ; la part du bailleur n'a pas de délai.",
            ),
            models.CheckConstraint(
                condition=(Q(statut=StatutOrientation.ECHUE) & Q(echue_le__isnull=False))
                | (~Q(statut=StatutOrientation.ECHUE) & Q(echue_le__isnull=True) & Q(decompte=True)),
                name="orientation_echeance_datee",
                violation_error_message="Une orientation échue porte la date du constat ; seule une orientation échue sort de la répartition.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(statut=StatutOrientation.ATTRIBUEE)
                    & Q(demande_attribuee__isnull=False)
                    & Q(attribuee_le__isnull=False)
                )
                | (~Q(statut=StatutOrientation.ATTRIBUEE) & Q(demande_attribuee__isnull=True)),
                name="orientation_attribution_complete",
                violation_error_message="Une orientation attribuée porte le ménage logé et la date.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutOrientation.CANDIDATS_PROPOSES) | Q(candidats_proposes_le__isnull=False),
                name="orientation_candidats_dates",
                violation_error_message="Des candidats proposés portent la date de la proposition.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutOrientation.values) & Q(regle__in=RegleOrientation.values),
                name="orientation_statut_regle_connus",
                violation_error_message="Statut ou règle inconnus.",
            ),
        ]
        indexes = [
            models.Index(fields=["bailleur", "zone", "periode_debut"]),
            models.Index(fields=["reservataire", "statut"]),
        ]

    def __str__(self) -> str:
        return f"{self.logement_libere} → {self.libelle}"

    @property
    def part_bailleur(self) -> bool:
        return self.convention_id is None

    @property
    def force(self) -> bool:
        return self.regle == RegleOrientation.FORCE

    def part_de(self, cle: str) -> Fraction:
        valeur = self.parts.get(cle)
        return Fraction(valeur) if valeur is not None else Fraction(0)

    def situation(self) -> list[tuple[str, Fraction, Fraction]]:
        """``(libellé, part, écart)`` per contingent after this dwelling, in the period's order."""
        return [(self.libelles.get(cle, cle), self.part_de(cle), Fraction(v)) for cle, v in self.ecarts.items()]

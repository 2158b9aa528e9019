"""The shared demand file: one ``Demande`` per household (CERFA 14069, DOMAIN.md §4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact

from attrib.demandes import enums
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation

MONTANT: dict[str, Any] = {"max_digits": 10, "decimal_places": 2, "default": Decimal("0")}
MESSAGE_NON_TELETRAVAILLABLE = (
    "Un emploi non télétravaillable ne peut être déclaré que pour une personne en emploi "
    "(CDI ou fonctionnaire, CDD, apprenti, indépendant)."
)
MESSAGE_DATE_EXPULSION = (
    "Une date d'étape suppose une procédure d'expulsion en cours : choisissez l'étape atteinte (commandement, "
    "jugement ou concours de la force publique) ou effacez la date."
)
MESSAGE_SECTEUR_ESSENTIEL = (
    "Le secteur essentiel ne se renseigne que pour un emploi qui ne peut pas être exercé en télétravail."
)


class PrioriteLegale(models.Model):
    """A priority criterion of L441-1 CCH (a letter), loaded from dated reference data."""

    code = models.CharField("code", max_length=20, primary_key=True)
    lettre = models.CharField("lettre", max_length=3, blank=True)
    libelle = models.CharField("libellé", max_length=400)
    base_legale = models.CharField("base légale", max_length=200)
    sensible = models.BooleanField("situation sensible", default=False)
    fiabilite = models.CharField("fiabilité de la source", max_length=3, default="K")
    date_debut = models.DateField("en vigueur depuis")
    date_fin = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "priorité légale (L441-1)"
        verbose_name_plural = "priorités légales (L441-1)"
        ordering = ["ordre", "code"]

    def __str__(self) -> str:
        return f"{self.lettre}) {self.libelle}" if self.lettre else self.libelle


class CompteurNumero(models.Model):
    """Sequence behind the numéro unique, per département and year of first filing."""

    departement = models.CharField(max_length=3)
    annee = models.PositiveSmallIntegerField()
    valeur = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["departement", "annee"], name="compteur_numero_unique")]


class DemandeQuerySet(models.QuerySet["Demande"]):
    def actives(self) -> DemandeQuerySet:
        return self.filter(statut=enums.StatutDemande.ACTIVE)

    def visible_to(self, acteur: Acteur, *, par_ligne: bool = False) -> DemandeQuerySet:
        """Demands the actor may see (perimeter rule, DESIGN.md §5): all of them for the system and a superuser;
        for an agent, those its organisations registered or that wish a commune of their perimeter; for an
        applicant, its own demands only; nothing for anybody else.

        A ``User`` is still accepted (read through ``acteur_de``) for the apps not yet converted.

        ``par_ligne``: for a page of a list (``LIMIT``), the perimeter is checked demand by demand along the walk
        (a look-up of the demand's own wished communes), never hashed whole: PostgreSQL does not weigh the
        ``LIMIT`` when it chooses, and would hash every demand of the perimeter for 50 rows (decision 0023). The
        same demands either way."""
        acteur = acteur_de(acteur)
        if acteur.voit_tout:
            return self.all()
        if acteur.est_demandeur:
            return self.filter(pk__in=sorted(acteur.demande_ids))
        org_ids = acteur.organisation_ids() if acteur.est_agent else []
        if not org_ids:
            return self.none()
        # An EXISTS, which PostgreSQL plans either way (decisions 0018, 0023): over many demands (a count, a list)
        # the demands wishing a commune of the perimeter are read once and hashed; for one demand (its page, by
        # id) its own wished communes are looked up in the index, instead of hashing the whole perimeter.
        perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=org_ids).values("commune_id")
        souhaitant = CommuneSouhaitee.objects.filter(demande_id=OuterRef("pk"), commune_id__in=perimetre)
        if par_ligne:
            # The same look-up written as a closed range: PostgreSQL only hashes an equality.
            souhaitant = CommuneSouhaitee.objects.filter(
                demande_id__gte=OuterRef("pk"), demande_id__lte=OuterRef("pk"), commune_id__in=perimetre
            )
        return self.filter(Q(guichet_id__in=org_ids) | Q(Exists(souhaitant)))

    def souhaitant_commune(self, code_insee: str) -> DemandeQuerySet:
        return self.filter(pk__in=CommuneSouhaitee.objects.filter(commune_id=code_insee).values("demande_id"))

    def expirant_avant(self, jour: date) -> DemandeQuerySet:
        return self.actives().filter(date_echeance__lte=jour)


class Demande(models.Model):
    numero_unique = models.CharField("numéro unique", max_length=20, unique=True)
    statut = models.CharField(
        "statut", max_length=10, choices=enums.StatutDemande.choices, default=enums.StatutDemande.ACTIVE
    )
    canal = models.CharField("canal", max_length=20, choices=enums.Canal.choices, default=enums.Canal.GUICHET)
    guichet = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="demandes_enregistrees",
        verbose_name="guichet enregistreur",
    )
    departement = models.CharField("département", max_length=3)
    date_depot_initiale = models.DateField("date de dépôt initiale", help_text="Point de départ de l'ancienneté.")
    date_enregistrement = models.DateField("date d'enregistrement")
    date_dernier_renouvellement = models.DateField("date du dernier renouvellement", null=True, blank=True)
    date_echeance = models.DateField("échéance de validité", db_index=True)
    date_avis_renouvellement = models.DateField("avis de renouvellement envoyé le", null=True, blank=True)
    date_radiation = models.DateField("date de radiation", null=True, blank=True)
    motif_radiation = models.CharField(
        "motif de radiation", max_length=30, choices=enums.MotifRadiation.choices, blank=True
    )
    commentaire_radiation = models.TextField("commentaire de radiation", blank=True)

    # Logement actuel
    statut_logement_actuel = models.CharField(
        "situation de logement actuelle", max_length=30, choices=enums.StatutLogementActuel.choices
    )
    bailleur_actuel = models.CharField("bailleur social actuel", max_length=200, blank=True)
    rpls_logement_actuel = models.CharField("identifiant RPLS du logement actuel", max_length=30, blank=True)
    type_logement_actuel = models.CharField(
        "type de logement actuel", max_length=20, choices=enums.TypeLogement.choices, blank=True
    )
    nb_pieces_actuel = models.PositiveSmallIntegerField("pièces du logement actuel", null=True, blank=True)
    surface_actuelle = models.DecimalField(
        "surface actuelle (m²)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    loyer_actuel = models.DecimalField("loyer mensuel actuel (€)", **MONTANT)
    charges_actuelles = models.DecimalField("charges mensuelles actuelles (€)", **MONTANT)
    allocation_logement = models.DecimalField("allocation logement perçue (€/mois)", **MONTANT)
    logement_actuel_depuis = models.DateField("dans ce logement depuis", null=True, blank=True)
    procedure_expulsion = models.CharField(
        "procédure d'expulsion",
        max_length=30,
        choices=enums.ProcedureExpulsion.choices,
        default=enums.ProcedureExpulsion.AUCUNE,
    )
    expulsion_date_etape = models.DateField(
        "date de l'étape de la procédure d'expulsion",
        null=True,
        blank=True,
        help_text="Date du commandement de quitter les lieux, du jugement ou de la décision de concours de la force "
        "publique, selon l'étape atteinte.",
    )
    logement_non_decent = models.BooleanField("logement indigne ou non décent", default=False)
    arrete_insalubrite = models.BooleanField("arrêté d'insalubrité ou de péril", default=False)

    # Logement recherché
    typologie_min = models.PositiveSmallIntegerField(
        "typologie minimale (pièces)", validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    typologie_max = models.PositiveSmallIntegerField(
        "typologie maximale (pièces)", validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    type_logement_recherche = models.CharField(
        "type de logement recherché",
        max_length=20,
        choices=enums.TypeLogement.choices,
        default=enums.TypeLogement.INDIFFERENT,
    )
    loyer_max = models.DecimalField("loyer maximum souhaité (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    besoin_fauteuil = models.BooleanField("accessible en fauteuil roulant", default=False)
    besoin_logement_adapte = models.BooleanField("logement adapté au handicap", default=False)
    besoin_rdc_ou_ascenseur = models.BooleanField("rez-de-chaussée ou ascenseur", default=False)
    besoin_parking = models.BooleanField("parking", default=False)

    # Ressources du ménage (éligibilité)
    revenu_fiscal_reference = models.PositiveIntegerField("revenu fiscal de référence N-2 (€)", default=0)
    annee_revenu_fiscal = models.PositiveSmallIntegerField("année du revenu fiscal de référence")
    revenu_n1_si_baisse = models.PositiveIntegerField(
        # The share of the fall is a legal value: the forms say it from the parameter tree (regles.py).
        "revenus N-1 ou 12 derniers mois en cas de baisse (€)",
        null=True,
        blank=True,
    )

    # Situations prioritaires
    dalo_reconnu = models.BooleanField("reconnu prioritaire DALO", default=False)
    dalo_date_decision = models.DateField("date de la décision DALO", null=True, blank=True)
    dalo_commission = models.CharField(
        "commission de médiation DALO",
        max_length=200,
        blank=True,
        help_text="Commission de médiation qui a rendu la décision, par exemple « Commission de médiation de l'Aude ».",
    )
    motif_principal = models.CharField("motif principal", max_length=30, choices=enums.Motif.choices)

    cree_le = models.DateTimeField(auto_now_add=True)
    modifie_le = models.DateTimeField(auto_now=True)

    objects = DemandeQuerySet.as_manager()

    class Meta:
        verbose_name = "demande"
        ordering = ["-date_depot_initiale", "-id"]
        indexes = [
            models.Index(fields=["statut", "date_depot_initiale"]),
            # The list's order (Meta.ordering): page 1 reads 50 index entries instead of sorting the file.
            models.Index(fields=["-date_depot_initiale", "-id"], name="demande_ordre_liste_idx"),
            # The API's synchronisation order (``modifie_depuis``: oldest change first, page by page).
            models.Index(fields=["modifie_le", "id"], name="demande_modifie_le_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(typologie_min__lte=models.F("typologie_max")),
                name="demande_typologies_ordonnees",
                violation_error_message="La typologie minimale doit être inférieure ou égale à la typologie maximale.",
            ),
            models.CheckConstraint(
                condition=Q(dalo_reconnu=False) | Q(dalo_date_decision__isnull=False),
                name="demande_dalo_date",
                violation_error_message="Une reconnaissance DALO doit porter la date de la décision.",
            ),
            models.CheckConstraint(
                condition=Q(expulsion_date_etape__isnull=True)
                | ~Q(procedure_expulsion=enums.ProcedureExpulsion.AUCUNE),
                name="demande_expulsion_date_si_procedure",
                violation_error_message=MESSAGE_DATE_EXPULSION,
            ),
            models.CheckConstraint(
                condition=(
                    Q(statut=enums.StatutDemande.ACTIVE, date_radiation__isnull=True, motif_radiation="")
                    | (Q(statut=enums.StatutDemande.RADIEE, date_radiation__isnull=False) & ~Q(motif_radiation=""))
                ),
                name="demande_radiation_coherente",
                violation_error_message="Une demande radiée a une date et un motif de radiation ; une demande active n'en a pas.",
            ),
        ]

    def __str__(self) -> str:
        return self.numero_unique

    @property
    def est_mutation(self) -> bool:
        """A mutation is the demand of a household already housed in the social stock."""
        return self.statut_logement_actuel == enums.StatutLogementActuel.LOCATAIRE_PARC_SOCIAL

    @property
    def demandeur(self) -> Personne | None:
        return next((p for p in self.personnes.all() if p.role == enums.RolePersonne.DEMANDEUR), None)

    @property
    def travailleurs_essentiels(self) -> list[Personne]:
        """The applicant and co-applicant who declared an essential job (L441-1 CCH 35th paragraph)."""
        demandeurs = (enums.RolePersonne.DEMANDEUR, enums.RolePersonne.CODEMANDEUR)
        return [p for p in self.personnes.all() if p.role in demandeurs and p.travailleur_essentiel]

    @property
    def typologies_libelle(self) -> str:
        def t(n: int) -> str:
            return "T6 et plus" if n >= 6 else f"T{n}"

        return (
            t(self.typologie_min)
            if self.typologie_min == self.typologie_max
            else f"{t(self.typologie_min)} à {t(self.typologie_max)}"
        )


class Personne(models.Model):
    """Someone to be housed: the applicant, the co-applicant or another member of the household."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="personnes")
    role = models.CharField("rôle", max_length=20, choices=enums.RolePersonne.choices)
    lien = models.CharField("lien avec le demandeur", max_length=20, choices=enums.LienParente.choices, blank=True)
    civilite = models.CharField("civilité", max_length=3, choices=enums.Civilite.choices, blank=True)
    nom = models.CharField("nom d'usage", max_length=100)
    nom_naissance = models.CharField("nom de naissance", max_length=100, blank=True)
    prenoms = models.CharField("prénoms", max_length=150)
    nom_normalise = models.CharField(max_length=260, db_index=True, editable=False)
    nom_naissance_normalise = models.CharField(max_length=100, blank=True, editable=False)
    date_naissance = models.DateField("date de naissance")
    lieu_naissance = models.CharField("lieu de naissance", max_length=100, blank=True)
    nationalite = models.CharField("nationalité", max_length=10, choices=enums.Nationalite.choices, blank=True)
    titre_sejour_type = models.CharField("titre de séjour", max_length=100, blank=True)
    titre_sejour_fin = models.DateField("fin de validité du titre de séjour", null=True, blank=True)
    situation_familiale = models.CharField(
        "situation familiale", max_length=20, choices=enums.SituationFamiliale.choices, blank=True
    )
    situation_professionnelle = models.CharField(
        "situation professionnelle", max_length=20, choices=enums.SituationProfessionnelle.choices, blank=True
    )
    employeur_nom = models.CharField("employeur", max_length=200, blank=True)
    employeur_commune = models.CharField("commune du lieu de travail", max_length=100, blank=True)
    employeur_siret = models.CharField(
        "SIRET de l'employeur",
        max_length=14,
        blank=True,
        help_text="14 chiffres, sur la fiche de paie ou le contrat de travail.",
    )
    employeur_cotisant_action_logement = models.BooleanField("employeur cotisant à Action Logement", default=False)
    # Travailleur essentiel (L441-1 CCH 35e alinéa, loi 3DS art. 78) : déclaré, pas une priorité.
    emploi_non_teletravaillable = models.BooleanField(
        "emploi ne pouvant pas être exercé en télétravail",
        default=False,
        help_text="Seulement pour une personne en emploi.",
    )
    secteur_essentiel = models.CharField(
        "secteur essentiel pour la continuité de la vie de la Nation",
        max_length=40,
        blank=True,
        help_text="Liste arrêtée par la conférence intercommunale du logement.",
    )
    a_charge = models.BooleanField("personne à charge", default=False)
    garde_alternee = models.BooleanField("enfant en garde alternée", default=False)
    enfant_a_naitre = models.BooleanField("enfant à naître", default=False)
    handicap = models.BooleanField("titulaire de la carte mobilité inclusion « invalidité »", default=False)
    # Contact (demandeur)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    ville = models.CharField("ville", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    # Ressources mensuelles (SNE « revenus mensuels »)
    salaires = models.DecimalField("salaires", **MONTANT)
    indemnites_chomage = models.DecimalField("indemnités de chômage", **MONTANT)
    pensions_retraite = models.DecimalField("pensions, retraites", **MONTANT)
    minima_sociaux = models.DecimalField("RSA, AAH et autres minima sociaux", **MONTANT)
    prestations_familiales = models.DecimalField("prestations familiales", **MONTANT)
    pension_alimentaire_recue = models.DecimalField("pension alimentaire reçue", **MONTANT)
    autres_revenus = models.DecimalField("autres revenus", **MONTANT)
    pension_alimentaire_versee = models.DecimalField("pension alimentaire versée", **MONTANT)

    RESSOURCES = (
        "salaires",
        "indemnites_chomage",
        "pensions_retraite",
        "minima_sociaux",
        "prestations_familiales",
        "pension_alimentaire_recue",
        "autres_revenus",
    )

    class Meta:
        verbose_name = "personne à loger"
        verbose_name_plural = "personnes à loger"
        ordering = ["demande", "id"]
        indexes = [models.Index(fields=["date_naissance"], name="personne_date_naissance_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["demande"], condition=Q(role=enums.RolePersonne.DEMANDEUR), name="un_seul_demandeur"
            ),
            models.UniqueConstraint(
                fields=["demande"], condition=Q(role=enums.RolePersonne.CODEMANDEUR), name="un_seul_codemandeur"
            ),
            models.CheckConstraint(
                condition=Q(emploi_non_teletravaillable=False)
                | Q(situation_professionnelle__in=sorted(enums.SITUATIONS_EN_EMPLOI)),
                name="personne_non_teletravaillable_si_en_emploi",
                violation_error_message=MESSAGE_NON_TELETRAVAILLABLE,
            ),
            models.CheckConstraint(
                condition=Q(secteur_essentiel="") | Q(emploi_non_teletravaillable=True),
                name="personne_secteur_essentiel_si_non_teletravaillable",
                violation_error_message=MESSAGE_SECTEUR_ESSENTIEL,
            ),
            models.CheckConstraint(
                condition=Q(employeur_siret="") | Q(Exact(Length("employeur_siret"), 14)),
                name="personne_employeur_siret_14_chiffres",
                violation_error_message="SIRET de l'employeur : 14 chiffres attendus.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prenoms} {self.nom}"

    def clean(self) -> None:
        """The essential-worker declaration: a person in work, a job that cannot be done remotely, a sector of
        the list (every code the dated list ever defined stays readable on a stored demand)."""
        from attrib.engine.travailleurs_essentiels import liste_en_vigueur, tous_les_secteurs

        erreurs: dict[str, list[str]] = {}
        if self.emploi_non_teletravaillable and self.situation_professionnelle not in enums.SITUATIONS_EN_EMPLOI:
            erreurs["emploi_non_teletravaillable"] = [MESSAGE_NON_TELETRAVAILLABLE]
        if self.secteur_essentiel:
            if not self.emploi_non_teletravaillable:
                erreurs["secteur_essentiel"] = [MESSAGE_SECTEUR_ESSENTIEL]
            elif self.secteur_essentiel not in {s.code for s in tous_les_secteurs()}:
                erreurs["secteur_essentiel"] = [
                    f"Secteur essentiel inconnu « {self.secteur_essentiel} » ; valeurs admises : "
                    f"{', '.join(liste_en_vigueur().codes)}."
                ]
        if erreurs:
            raise ValidationError(erreurs)

    @property
    def travailleur_essentiel(self) -> bool:
        """Job that cannot be done remotely, in an essential sector of the CIL's list."""
        return self.emploi_non_teletravaillable and bool(self.secteur_essentiel)

    @property
    def secteur_essentiel_libelle(self) -> str:
        from attrib.engine.travailleurs_essentiels import tous_les_secteurs

        return next(
            (s.libelle for s in tous_les_secteurs() if s.code == self.secteur_essentiel), self.secteur_essentiel
        )

    @property
    def revenus_mensuels(self) -> Decimal:
        total: Decimal = sum((getattr(self, f) for f in self.RESSOURCES), Decimal("0"))
        return total - self.pension_alimentaire_versee


class CommuneSouhaitee(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="communes_souhaitees")
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="+")
    rang = models.PositiveSmallIntegerField("rang")

    class Meta:
        verbose_name = "commune souhaitée"
        ordering = ["demande", "rang"]
        constraints = [
            models.UniqueConstraint(fields=["demande", "rang"], name="commune_souhaitee_rang_unique"),
            models.UniqueConstraint(fields=["demande", "commune"], name="commune_souhaitee_unique"),
        ]


class MotifSecondaire(models.Model):
    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="motifs_secondaires")
    motif = models.CharField("motif", max_length=30, choices=enums.Motif.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["demande", "motif"], name="motif_secondaire_unique")]


class SituationPrioritaire(models.Model):
    """A declared L441-1 priority of the household, provisional until validated."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="situations_prioritaires")
    priorite = models.ForeignKey(PrioriteLegale, on_delete=models.PROTECT, related_name="+")
    statut = models.CharField(
        "statut", max_length=10, choices=enums.StatutValidation.choices, default=enums.StatutValidation.DECLAREE
    )
    validee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    validee_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "situation prioritaire"
        constraints = [models.UniqueConstraint(fields=["demande", "priorite"], name="situation_prioritaire_unique")]


class PieceJustificative(models.Model):
    """A supporting document expected for one criterion of the demand."""

    demande = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="pieces")
    critere = models.CharField("critère justifié", max_length=40)
    libelle = models.CharField("pièce", max_length=200)
    statut = models.CharField(
        "statut", max_length=10, choices=enums.StatutPiece.choices, default=enums.StatutPiece.MANQUANTE
    )
    fichier = models.FileField("fichier", upload_to="pieces/%Y/%m/", blank=True)
    fournie_le = models.DateTimeField(null=True, blank=True)
    validee_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    validee_le = models.DateTimeField(null=True, blank=True)
    motif_refus = models.CharField("motif du dernier refus", max_length=300, blank=True)
    sensible = models.BooleanField(
        "pièce sensible", default=False, help_text="Révèle une situation de violence ou de santé."
    )

    class Meta:
        verbose_name = "pièce justificative"
        ordering = ["demande", "critere", "id"]
        constraints = [models.UniqueConstraint(fields=["demande", "critere", "libelle"], name="piece_unique")]


class DoublonPotentiel(models.Model):
    """Two demands that seem to concern the same person. A human decides; nothing is merged."""

    demande_a = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="+")
    demande_b = models.ForeignKey(Demande, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField("similarité (0–100)")
    motif = models.CharField("raison du rapprochement", max_length=300)
    statut = models.CharField(
        "statut", max_length=12, choices=enums.StatutDoublon.choices, default=enums.StatutDoublon.A_EXAMINER
    )
    decide_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    decide_le = models.DateTimeField(null=True, blank=True)
    commentaire = models.TextField("commentaire de la décision", blank=True)
    detecte_le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "doublon potentiel"
        verbose_name_plural = "doublons potentiels"
        constraints = [
            models.UniqueConstraint(fields=["demande_a", "demande_b"], name="doublon_paire_unique"),
            models.CheckConstraint(condition=Q(demande_a__lt=models.F("demande_b")), name="doublon_paire_ordonnee"),
        ]

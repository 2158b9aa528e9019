"""Location voulue (issue 14): the rules of each bailleur × réservataire pair, the adverts, their photos and the
households' applications.

- :class:`RegleLocationVoulue`: a dated local rule of a bailleur for one réservataire's flux (or its own share):
  the share of the freed dwellings oriented to it that goes to location voulue, which dwellings qualify, how long
  an advert stays open. The territory's defaults are dated parameters (``data/parametres/location_voulue.yaml``).
- :class:`Annonce`: an advert made from a freed dwelling already oriented to its réservataire (the dwelling still
  counts in that réservataire's flux: the advert changes how candidates are found, not whose dwelling it is). What
  the household reads of the dwelling is copied at creation and frozen at publication. The seed of the draw that
  breaks ties is drawn when the advert is created; its SHA-256 (``empreinte``) is published when the advert opens,
  the seed itself (``graine``) only at closing, so that anyone can replay the ranking (``attrib.engine.annonces``).
  Once the lease is signed the advert publishes its outcome (``resultat_*``), nothing that identifies the household.
- :class:`PhotoAnnonce`: a photo with its alternative text.
- :class:`Candidature`: a household's application through its applicant space; its public token (``jeton``) names
  it in the published ranking; the figures it was ranked on are kept at closing.

Invariants are database constraints; writes go through ``attrib.annonces.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from attrib.annonces.enums import EN_COURS, PublicAnnonce, StatutAnnonce, StatutCandidature
from attrib.organisations.acteurs import Acteur, restreindre


class RegleQuerySet(models.QuerySet["RegleLocationVoulue"]):
    def visible_to(self, acteur: Acteur) -> RegleQuerySet:
        """The rules of the actor's bailleur, and those that concern the actor's réservataire."""
        return restreindre(self, acteur, lambda ids: Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids))

    def en_vigueur(self, jour: object) -> RegleQuerySet:
        return self.filter(Q(fin__isnull=True) | Q(fin__gte=jour), debut__lte=jour)


class RegleLocationVoulue(models.Model):
    bailleur = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="regles_location_voulue"
    )
    reservataire = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regles_location_voulue_reservataire",
        help_text="Vide : la part non réservée du bailleur.",
    )
    debut = models.DateField("en vigueur à partir du")
    fin = models.DateField("en vigueur jusqu'au", null=True, blank=True)
    part = models.PositiveSmallIntegerField(
        "part du flux proposée en location voulue (%)",
        help_text="Part des logements libérés orientés vers ce réservataire qui sont publiés en annonce.",
    )
    typologie_min = models.PositiveSmallIntegerField("typologie minimale (pièces)", null=True, blank=True)
    typologie_max = models.PositiveSmallIntegerField("typologie maximale (pièces)", null=True, blank=True)
    hors_qpv_seulement = models.BooleanField("seulement hors quartier prioritaire", default=False)
    financements = models.JSONField(
        "financements retenus", default=list, blank=True, help_text="Vide : tous les financements."
    )
    duree_publication_jours = models.PositiveSmallIntegerField(
        "durée de publication (jours)",
        null=True,
        blank=True,
        help_text="Vide : la durée du territoire (7 jours par défaut).",
    )
    cree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = RegleQuerySet.as_manager()

    class Meta:
        verbose_name = "règle de location voulue"
        verbose_name_plural = "règles de location voulue"
        ordering = ["bailleur_id", "reservataire_id", "-debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(part__lte=100),
                name="regle_lv_part_en_pourcentage",
                violation_error_message="La part de location voulue est un pourcentage, de 0 à 100.",
            ),
            models.CheckConstraint(
                condition=Q(fin__isnull=True) | Q(fin__gte=F("debut")),
                name="regle_lv_periode_ordonnee",
                violation_error_message="La fin de la règle ne précède pas son début.",
            ),
            models.CheckConstraint(
                condition=Q(typologie_min__isnull=True)
                | Q(typologie_max__isnull=True)
                | Q(typologie_max__gte=F("typologie_min")),
                name="regle_lv_typologies_ordonnees",
                violation_error_message="La typologie maximale n'est pas inférieure à la typologie minimale.",
            ),
            models.CheckConstraint(
                condition=Q(duree_publication_jours__isnull=True) | Q(duree_publication_jours__gte=1),
                name="regle_lv_duree_positive",
                violation_error_message="Une annonce reste publiée au moins un jour.",
            ),
        ]
        indexes = [models.Index(fields=["bailleur", "reservataire", "debut"])]

    def __str__(self) -> str:
        pour = self.reservataire or "part du bailleur"
        return f"{self.bailleur} → {pour} : {self.part} % à partir du {self.debut:%d/%m/%Y}"


class AnnonceQuerySet(models.QuerySet["Annonce"]):
    def visible_to(self, acteur: Acteur) -> AnnonceQuerySet:
        """Staff: the adverts of the actor's bailleur and those of its réservataire's flux. An applicant reads the
        published adverts through ``attrib.annonces.selectors`` (never through this method)."""
        return restreindre(self, acteur, lambda ids: Q(bailleur_id__in=ids) | Q(reservataire_id__in=ids))

    def publiees(self) -> AnnonceQuerySet:
        """Adverts the public may read: open, closed and their outcome (never a draft or a withdrawn one)."""
        return self.exclude(statut__in=[StatutAnnonce.BROUILLON, StatutAnnonce.RETIREE])


class Annonce(models.Model):
    reference = models.CharField("référence", max_length=20, unique=True)
    orientation = models.ForeignKey("flux.Orientation", on_delete=models.PROTECT, related_name="annonces")
    logement_libere = models.ForeignKey("flux.LogementLibere", on_delete=models.PROTECT, related_name="annonces")
    logement = models.ForeignKey("patrimoine.Logement", on_delete=models.PROTECT, related_name="annonces")
    bailleur = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="annonces")
    reservataire = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="annonces_reservataire",
        help_text="Vide : la part non réservée du bailleur.",
    )
    regle = models.ForeignKey(RegleLocationVoulue, on_delete=models.PROTECT, related_name="annonces")
    statut = models.CharField("état", max_length=20, choices=StatutAnnonce.choices, default=StatutAnnonce.BROUILLON)
    public = models.CharField("public", max_length=20, choices=PublicAnnonce.choices, default=PublicAnnonce.TOUS)
    motif_public = models.TextField(
        "motif de la restriction",
        blank=True,
        help_text="Objectif de la convention intercommunale d'attribution qui justifie de réserver l'annonce.",
    )
    # What the household reads, copied from the stock at creation, corrected by the bailleur, frozen at publication.
    titre = models.CharField("titre", max_length=200)
    description = models.TextField("description du logement", blank=True)
    quartier = models.TextField("la résidence et son quartier", blank=True)
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="+")
    adresse = models.CharField("adresse", max_length=300)
    typologie = models.PositiveSmallIntegerField("typologie (pièces)")
    surface = models.DecimalField("surface habitable (m²)", max_digits=6, decimal_places=2)
    etage = models.SmallIntegerField("étage", null=True, blank=True, help_text="0 : rez-de-chaussée.")
    ascenseur = models.BooleanField("ascenseur", null=True, blank=True)
    accessible = models.BooleanField("adapté aux personnes à mobilité réduite", null=True, blank=True)
    etiquette_energie = models.CharField("étiquette énergie (DPE)", max_length=1, blank=True)
    loyer = models.DecimalField("loyer mensuel hors charges (€)", max_digits=8, decimal_places=2)
    charges = models.DecimalField("charges mensuelles (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    financement = models.CharField("financement", max_length=5, blank=True)
    en_qpv = models.BooleanField("en quartier prioritaire (QPV)")
    # The committed draw (attrib.engine.annonces.tirage): the seed stays secret until the closing.
    empreinte = models.CharField("empreinte du tirage (SHA-256)", max_length=64)
    graine = models.CharField("graine du tirage", max_length=64)
    # Life of the advert.
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le")
    publiee_le = models.DateTimeField("publiée le", null=True, blank=True)
    publiee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cloture_le = models.DateTimeField("candidatures ouvertes jusqu'au", null=True, blank=True)
    close_le = models.DateTimeField("classement établi le", null=True, blank=True)
    seance = models.ForeignKey(
        "commissions.Seance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="annonces",
        verbose_name="séance de la commission",
    )
    retiree_le = models.DateTimeField("retirée le", null=True, blank=True)
    motif_retrait = models.TextField("motif du retrait", blank=True)
    # The outcome, published once the lease is signed (frozen then): nothing that identifies the household.
    bail = models.OneToOneField(
        "commissions.Bail", on_delete=models.PROTECT, null=True, blank=True, related_name="annonce"
    )
    resultat_publie_le = models.DateTimeField("résultat publié le", null=True, blank=True)
    resultat_candidatures = models.PositiveIntegerField("candidatures reçues", null=True, blank=True)
    resultat_tranche_score = models.CharField("score du ménage logé (tranche)", max_length=100, blank=True)
    resultat_anciennete = models.CharField("ancienneté de la demande du ménage logé", max_length=100, blank=True)

    objects = AnnonceQuerySet.as_manager()

    class Meta:
        verbose_name = "annonce de location voulue"
        verbose_name_plural = "annonces de location voulue"
        ordering = ["-cree_le", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["logement_libere"],
                condition=Q(statut__in=[s.value for s in EN_COURS]),
                name="annonce_une_en_cours_par_logement_libere",
                violation_error_message="Ce logement libéré a déjà une annonce en cours.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutAnnonce.values),
                name="annonce_statut_connu",
                violation_error_message="État d'annonce inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(public__in=PublicAnnonce.values),
                name="annonce_public_connu",
                violation_error_message="Public d'annonce inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(public=PublicAnnonce.TOUS) | ~Q(motif_public=""),
                name="annonce_restriction_motivee",
                violation_error_message="Une annonce réservée à un public dit l'objectif qui le justifie.",
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutAnnonce.BROUILLON)
                | Q(statut=StatutAnnonce.RETIREE)
                | (Q(publiee_le__isnull=False) & Q(cloture_le__gt=F("publiee_le"))),
                name="annonce_publication_datee",
                violation_error_message="Une annonce publiée porte sa date de publication et une clôture postérieure.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=[StatutAnnonce.BROUILLON, StatutAnnonce.PUBLIEE, StatutAnnonce.RETIREE])
                | Q(close_le__isnull=False),
                name="annonce_classement_date",
                violation_error_message="Une annonce close porte la date de son classement.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutAnnonce.RETIREE) | (Q(retiree_le__isnull=False) & ~Q(motif_retrait="")),
                name="annonce_retrait_motive",
                violation_error_message="Une annonce retirée porte la date et le motif du retrait.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutAnnonce.ATTRIBUEE)
                | (Q(bail__isnull=False) & Q(resultat_publie_le__isnull=False)),
                name="annonce_attribuee_avec_son_resultat",
                violation_error_message="Une annonce attribuée porte le bail signé et son résultat publié.",
            ),
            models.CheckConstraint(
                condition=Q(surface__gt=0) & Q(typologie__gte=1) & Q(loyer__gte=0),
                name="annonce_logement_coherent",
                violation_error_message="Surface et loyer positifs, au moins une pièce.",
            ),
        ]
        indexes = [
            models.Index(fields=["statut", "cloture_le"]),
            models.Index(fields=["commune", "typologie", "statut"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.titre}"

    @property
    def total_mensuel(self) -> object:
        return self.loyer + (self.charges or 0)


class PhotoAnnonce(models.Model):
    annonce = models.ForeignKey(Annonce, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("photo", upload_to="annonces/%Y/%m/")
    texte_alternatif = models.CharField(
        "texte alternatif",
        max_length=250,
        help_text="Ce que montre la photo, pour les personnes qui ne la voient pas (lu par les lecteurs d'écran).",
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=0)
    ajoutee_le = models.DateTimeField("ajoutée le", auto_now_add=True)

    class Meta:
        verbose_name = "photo d'annonce"
        verbose_name_plural = "photos d'annonce"
        ordering = ["annonce_id", "ordre", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(texte_alternatif=""),
                name="photo_annonce_texte_alternatif",
                violation_error_message="Chaque photo porte un texte alternatif.",
            ),
        ]

    def __str__(self) -> str:
        return self.texte_alternatif


class CandidatureQuerySet(models.QuerySet["Candidature"]):
    def visible_to(self, acteur: Acteur) -> CandidatureQuerySet:
        """Staff: the applications to the actor's adverts (bailleur or réservataire). An applicant reads its own
        through ``attrib.annonces.selectors``."""
        return restreindre(
            self, acteur, lambda ids: Q(annonce__bailleur_id__in=ids) | Q(annonce__reservataire_id__in=ids)
        )

    def ouvertes(self) -> CandidatureQuerySet:
        """Applications that count against the household's limit: not withdrawn, on an advert still open."""
        return self.filter(statut=StatutCandidature.DEPOSEE, annonce__statut=StatutAnnonce.PUBLIEE)


class Candidature(models.Model):
    annonce = models.ForeignKey(Annonce, on_delete=models.PROTECT, related_name="candidatures")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="candidatures_annonces")
    compte = models.ForeignKey(
        "demandeurs.CompteDemandeur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidatures",
        verbose_name="déposée par le compte",
    )
    jeton = models.CharField("jeton public", max_length=20, unique=True)
    statut = models.CharField(
        "état", max_length=10, choices=StatutCandidature.choices, default=StatutCandidature.DEPOSEE
    )
    deposee_le = models.DateTimeField("déposée le")
    retiree_le = models.DateTimeField("retirée le", null=True, blank=True)
    # At closing: what the application was ranked on (frozen), its rank and what separated it from the previous.
    score = models.IntegerField("score à la clôture", null=True, blank=True)
    depot = models.DateField("date de dépôt initiale de la demande", null=True, blank=True)
    tirage = models.CharField("valeur du tirage", max_length=64, blank=True)
    rang = models.PositiveIntegerField("rang", null=True, blank=True)
    departage = models.CharField("départagée par", max_length=20, blank=True)
    motif_ecart = models.TextField("motif de l'écart à la clôture", blank=True)
    presentee = models.BooleanField("présentée à la commission", default=False)

    objects = CandidatureQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature à une annonce"
        verbose_name_plural = "candidatures aux annonces"
        ordering = ["annonce_id", "rang", "deposee_le", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["annonce", "demande"],
                condition=~Q(statut=StatutCandidature.RETIREE),
                name="candidature_une_par_demande_et_annonce",
                violation_error_message="Ce ménage a déjà candidaté à cette annonce.",
            ),
            models.UniqueConstraint(
                fields=["annonce", "rang"],
                condition=Q(rang__isnull=False),
                name="candidature_rang_unique",
                violation_error_message="Deux candidatures d'une annonce n'ont pas le même rang.",
            ),
            models.CheckConstraint(
                condition=Q(statut__in=StatutCandidature.values),
                name="candidature_statut_connu",
                violation_error_message="État de candidature inconnu.",
            ),
            models.CheckConstraint(
                condition=(Q(statut=StatutCandidature.RETIREE) & Q(retiree_le__isnull=False))
                | (~Q(statut=StatutCandidature.RETIREE) & Q(retiree_le__isnull=True)),
                name="candidature_retrait_date",
                violation_error_message="Une candidature retirée porte la date du retrait.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutCandidature.CLASSEE)
                | (Q(rang__isnull=False) & Q(score__isnull=False) & Q(depot__isnull=False) & ~Q(tirage="")),
                name="candidature_classee_complete",
                violation_error_message="Une candidature classée porte son rang, son score, son ancienneté et son tirage.",
            ),
            models.CheckConstraint(
                condition=~Q(statut=StatutCandidature.ECARTEE) | ~Q(motif_ecart=""),
                name="candidature_ecart_motive",
                violation_error_message="Une candidature écartée à la clôture porte le motif de l'écart.",
            ),
            models.CheckConstraint(
                condition=Q(presentee=False) | Q(statut=StatutCandidature.CLASSEE),
                name="candidature_presentee_classee",
                violation_error_message="Seule une candidature classée est présentée à la commission.",
            ),
        ]
        indexes = [models.Index(fields=["demande", "statut"])]

    def __str__(self) -> str:
        return f"candidature {self.jeton} — {self.annonce.reference}"

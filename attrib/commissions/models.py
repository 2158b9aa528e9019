"""CALEOL (DOMAIN.md §1.6): commissions per bailleur, sessions, candidates examined per dwelling, the
decision for each candidate (R441-3 a–e), the offer with its answer delay (R441-10) and the lease with the
SNE attribution fields (DOMAIN.md §1.7).

Invariant: a dwelling is never attributed twice. ``Bail`` is unique per dwelling among the leases in
progress (``date_fin`` empty) and per demand; ``bail_signer`` also locks the dwelling row. Only one offer
per dwelling waits for an answer at a time. See ``docs/commissions.md``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from attrib.commissions.enums import (
    DECISIONS_MOTIVEES,
    Contingent,
    ModePresence,
    MotifRefus,
    QualiteMembre,
    SensVote,
    StatutOffre,
    StatutSeance,
    TypeDecision,
    Voix,
)
from attrib.flux.models import Orientation
from attrib.organisations.acteurs import Acteur, Appartenance, acteur_de
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation

MOTIF_MAX = 2000


def _acteur(acteur: Acteur) -> Acteur:
    """The actor itself; a ``User`` still passed by a caller outside commissions (journal, home page, until
    converted) is read as its actor."""
    return acteur_de(acteur)


class CommissionQuerySet(models.QuerySet["Commission"]):
    def visible_to(self, acteur: Acteur) -> CommissionQuerySet:
        """The commissions of the actor's bailleurs, those where the actor (its user) or one of its
        organisations sits; every commission for the system and superusers; none for an applicant or
        anybody not logged in."""
        acteur = _acteur(acteur)
        if acteur.voit_tout:
            return self.all()
        if not acteur.est_agent or acteur.utilisateur is None:
            return self.none()
        ids = acteur.organisation_ids()
        return self.filter(
            Q(bailleur_id__in=ids) | Q(membres__utilisateur=acteur.utilisateur) | Q(membres__organisation_id__in=ids)
        ).distinct()


class SeanceQuerySet(models.QuerySet["Seance"]):
    def visible_to(self, acteur: Acteur) -> SeanceQuerySet:
        """The sessions of the commissions the actor sees."""
        acteur = _acteur(acteur)
        if acteur.voit_tout:
            return self.all()
        return self.filter(commission__in=Commission.objects.visible_to(acteur))


class OffreQuerySet(models.QuerySet["Offre"]):
    def visible_to(self, acteur: Acteur) -> OffreQuerySet:
        """Offers are the bailleur's business: its members see them (every offer for the system and
        superusers)."""
        acteur = _acteur(acteur)
        if acteur.voit_tout:
            return self.all()
        ids = acteur.organisation_ids(types=(TypeOrganisation.BAILLEUR,))
        return self.filter(logement__residence__bailleur_id__in=ids)

    def du_perimetre(self, acteur: Acteur) -> OffreQuerySet:
        """The offers of dwellings in the actor's perimeter of attributions (the refusal indicators of the
        objectives dashboard); a réservataire sees the offers of the dwellings oriented to it (orientation in
        force of the dwelling's last release)."""
        acteur = _acteur(acteur)
        if acteur.voit_tout:
            return self.all()
        filtre = _perimetre_attributions(
            acteur,
            commune="logement__residence__commune_id",
            bailleur="logement__residence__bailleur_id",
            reservataire=None,
        )
        ids = [a.organisation_id for a in acteur.appartenances if voit_son_contingent(a)]
        if ids:
            logements = Orientation.objects.filter(actuelle=True, reservataire_id__in=ids).values(
                "logement_libere__logement_id"
            )
            filtre |= Q(logement_id__in=logements)
        return self.filter(filtre)


class BailQuerySet(models.QuerySet["Bail"]):
    def visible_to(self, acteur: Acteur) -> BailQuerySet:
        """The leases (attributions) in the actor's perimeter: see :func:`_perimetre_attributions`; every
        lease for the system and superusers."""
        acteur = _acteur(acteur)
        if acteur.voit_tout:
            return self.all()
        return self.filter(
            _perimetre_attributions(
                acteur,
                commune="logement__residence__commune_id",
                bailleur="bailleur_id",
                reservataire="orientation__reservataire_id",
            )
        )


def voit_le_territoire(appartenance: Appartenance) -> bool:
    """An EPCI, a commune or the State sees the attributions of its territory (objectives dashboard)."""
    return appartenance.type in (TypeOrganisation.EPCI, TypeOrganisation.COMMUNE) or (
        appartenance.categorie_reservataire == CategorieReservataire.ETAT
    )


def voit_son_contingent(appartenance: Appartenance) -> bool:
    """A réservataire sees the attributions charged to its contingent."""
    return bool(appartenance.categorie_reservataire)


def _communes(organisation: Organisation) -> list[str]:
    codes = set(organisation.perimetre.values_list("code_insee", flat=True))
    if organisation.type == TypeOrganisation.EPCI and organisation.epci_id:
        codes |= set(organisation.epci.communes.values_list("code_insee", flat=True))  # type: ignore[union-attr]
    if organisation.type == TypeOrganisation.COMMUNE and organisation.commune_id:
        codes.add(organisation.commune_id)
    return sorted(codes)


def _perimetre_attributions(acteur: Acteur, *, commune: str, bailleur: str, reservataire: str | None) -> Q:
    """The attributions in the actor's perimeter (``docs/pilotage.md``): an EPCI, a commune or the State its
    territory's communes, a bailleur its own, a réservataire the contingent charged (an orientation that lapsed
    gave the dwelling back to the bailleur); the union over the actor's memberships."""
    filtre = Q(pk__in=[])
    for a in acteur.appartenances:
        if voit_le_territoire(a):
            filtre |= Q(**{f"{commune}__in": _communes(a.organisation)})
        if a.type == TypeOrganisation.BAILLEUR:
            filtre |= Q(**{bailleur: a.organisation_id})
        if reservataire is not None and voit_son_contingent(a):
            filtre |= Q(**{reservataire: a.organisation_id}) & ~Q(contingent=Contingent.NON_RESERVE)
    return filtre


class Commission(models.Model):
    bailleur = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="commissions",
        verbose_name="bailleur",
        limit_choices_to={"type": "bailleur"},
    )
    nom = models.CharField("nom", max_length=200)
    quorum = models.PositiveSmallIntegerField(
        "quorum (membres à voix délibérative)",
        null=True,
        blank=True,
        help_text="Nombre de membres à voix délibérative présents (en séance ou à distance) pour délibérer, "
        "fixé par le règlement intérieur ; vide : règle par défaut de caleol.yaml (quorum_defaut).",
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)

    objects = CommissionQuerySet.as_manager()

    class Meta:
        verbose_name = "commission d'attribution (CALEOL)"
        verbose_name_plural = "commissions d'attribution (CALEOL)"
        ordering = ["bailleur__nom", "nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["bailleur", "nom"],
                name="commission_nom_unique_par_bailleur",
                violation_error_message="Ce bailleur a déjà une commission de ce nom.",
            ),
            models.CheckConstraint(
                condition=Q(quorum__isnull=True) | Q(quorum__gte=1),
                name="commission_quorum_positif",
                violation_error_message="Le quorum est d'au moins un membre.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} ({self.bailleur})"


class MembreCommission(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="membres")
    nom = models.CharField("nom", max_length=200)
    qualite = models.CharField("qualité", max_length=30, choices=QualiteMembre.choices)
    voix = models.CharField("voix", max_length=20, choices=Voix.choices)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    president = models.BooleanField("président", default=False)

    class Meta:
        verbose_name = "membre de commission"
        verbose_name_plural = "membres de commission"
        ordering = ["commission_id", "qualite", "nom"]
        constraints = [
            models.CheckConstraint(
                condition=Q(voix__in=Voix.values) & Q(qualite__in=QualiteMembre.values),
                name="membre_commission_voix_qualite_connues",
                violation_error_message="Voix ou qualité du membre inconnues.",
            ),
            models.CheckConstraint(
                condition=Q(president=False) | Q(voix=Voix.DELIBERATIVE),
                name="membre_commission_president_deliberatif",
                violation_error_message="Le président a voix délibérative.",
            ),
            models.UniqueConstraint(
                fields=["commission"],
                condition=Q(president=True),
                name="commission_un_seul_president",
                violation_error_message="La commission a déjà un président.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom} — {self.get_qualite_display()} ({self.get_voix_display().lower()})"


class Seance(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="seances")
    date = models.DateField("date de la séance")
    statut = models.CharField("statut", max_length=10, choices=StatutSeance.choices, default=StatutSeance.PREVUE)
    a_distance = models.BooleanField("tenue à distance (CAL numérique)", default=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créée le", auto_now_add=True)
    ouverte_le = models.DateTimeField("ouverte le", null=True, blank=True)
    close_le = models.DateTimeField("close le", null=True, blank=True)

    objects = SeanceQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=StatutSeance.values),
                name="seance_statut_connu",
                violation_error_message="Statut de séance inconnu.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commission.nom}, séance du {self.date:%d/%m/%Y}"


class Examen(models.Model):
    """One candidate (demand) examined for one dwelling in one session, with the rank proposed."""

    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="examens")
    logement = models.ForeignKey("patrimoine.Logement", on_delete=models.PROTECT, related_name="examens")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="examens")
    rang_propose = models.PositiveSmallIntegerField("rang proposé")
    exception_candidats = models.CharField(
        "exception au minimum de candidats",
        max_length=30,
        blank=True,
        help_text="Code de l'exception (désignation DALO, PLAI adapté) quand moins de candidats que le minimum "
        "de l'article R441-3 sont examinés.",
    )
    commentaire_reservataire = models.TextField(
        "commentaire du réservataire",
        blank=True,
        help_text="Ce que le réservataire qui a choisi ce candidat en dit au bailleur et à la commission.",
    )
    inscrit_le = models.DateTimeField("inscrit le", auto_now_add=True)

    class Meta:
        verbose_name = "examen d'une candidature"
        verbose_name_plural = "examens des candidatures"
        ordering = ["seance_id", "logement_id", "rang_propose"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "logement", "demande"],
                name="examen_candidat_unique",
                violation_error_message="Ce candidat est déjà inscrit pour ce logement dans cette séance.",
            ),
            models.UniqueConstraint(
                fields=["seance", "logement", "rang_propose"],
                name="examen_rang_unique",
                violation_error_message="Deux candidats ont le même rang proposé pour ce logement.",
            ),
            models.CheckConstraint(
                condition=Q(rang_propose__gte=1),
                name="examen_rang_positif",
                violation_error_message="Le rang proposé est d'au moins 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demande} pour {self.logement.identifiant} (rang {self.rang_propose})"


class Decision(models.Model):
    """The commission's decision for one candidate (R441-3 a–e). ``seance`` and ``logement`` are copied from
    the examination so that the rank of the positive decisions is unique per dwelling in a session."""

    examen = models.OneToOneField(Examen, on_delete=models.PROTECT, related_name="decision")
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="decisions")
    logement = models.ForeignKey("patrimoine.Logement", on_delete=models.PROTECT, related_name="decisions")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="decisions")
    type = models.CharField("décision", max_length=30, choices=TypeDecision.choices)
    rang = models.PositiveSmallIntegerField(
        "rang d'attribution", null=True, blank=True, help_text="1 pour une attribution ; le classement sinon."
    )
    piece_manquante = models.CharField("pièce manquante", max_length=300, blank=True)
    date_limite_piece = models.DateField("date limite de production de la pièce", null=True, blank=True)
    motif = models.TextField("motif", blank=True)
    decide_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decide_le = models.DateTimeField("décidée le", default=timezone.now)
    votes_pour = models.PositiveSmallIntegerField("voix pour", default=0)
    votes_contre = models.PositiveSmallIntegerField("voix contre", default=0)
    abstentions = models.PositiveSmallIntegerField("abstentions", default=0)
    presents_deliberatifs = models.PositiveSmallIntegerField(
        "membres à voix délibérative présents", null=True, blank=True
    )
    quorum_requis = models.PositiveSmallIntegerField("quorum requis", null=True, blank=True)
    voix_preponderante = models.CharField(
        "voix prépondérante exercée par", max_length=300, blank=True, help_text="Renseigné en cas d'égalité des voix."
    )
    # The candidate's score when the commission decided (the minutes show it, not today's score).
    cotation_figee = models.BooleanField(
        "cotation relevée à la décision",
        default=False,
        help_text="Faux pour les décisions antérieures au relevé : la cotation affichée est alors l'actuelle.",
    )
    score = models.IntegerField("cotation à la décision", null=True, blank=True)
    raisons: models.JSONField[Any] = models.JSONField(
        "explication de la cotation à la décision", default=list, blank=True
    )
    raisons_restreintes: models.JSONField[Any] = models.JSONField(
        "explication sans les situations sensibles, à la décision", default=list, blank=True
    )
    derogation_attribution = models.TextField(
        "motif de l'attribution malgré une offre en cours",
        blank=True,
        help_text="Le ménage avait une offre en attente de réponse ou acceptée pour un autre logement.",
    )

    class Meta:
        verbose_name = "décision"
        ordering = ["seance_id", "logement_id", F("rang").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=TypeDecision.values),
                name="decision_type_connu",
                violation_error_message="Type de décision inconnu.",
            ),
            models.CheckConstraint(
                condition=(Q(type=TypeDecision.ATTRIBUTION) & Q(rang=1))
                | (Q(type=TypeDecision.ATTRIBUTION_CONDITION) & Q(rang__gte=1))
                | (Q(type=TypeDecision.ATTRIBUTION_CLASSEMENT) & Q(rang__gte=1))
                | (Q(type__in=DECISIONS_MOTIVEES) & Q(rang__isnull=True)),
                name="decision_rang_coherent",
                violation_error_message="Une attribution est au rang 1, une attribution par classement ou sous "
                "condition porte son rang, un refus n'en porte pas.",
            ),
            models.CheckConstraint(
                condition=~Q(type=TypeDecision.ATTRIBUTION_CONDITION)
                | (~Q(piece_manquante="") & Q(date_limite_piece__isnull=False)),
                name="decision_condition_suspensive_complete",
                violation_error_message="Une attribution sous condition suspensive indique la pièce manquante et "
                "le délai pour la produire.",
            ),
            models.CheckConstraint(
                condition=~Q(type__in=DECISIONS_MOTIVEES) | ~Q(motif=""),
                name="decision_refus_motive",
                violation_error_message="Une non-attribution ou un rejet pour irrecevabilité est motivé.",
            ),
            models.UniqueConstraint(
                fields=["seance", "logement", "rang"],
                condition=Q(rang__isnull=False),
                name="decision_rang_unique_par_logement",
                violation_error_message="Ce rang d'attribution est déjà donné à un autre candidat pour ce logement.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} — {self.demande}"

    @property
    def positive(self) -> bool:
        return self.rang is not None


class Presence(models.Model):
    """A member attending a session, in the room or remotely (CAL numérique). ``voix`` is the member's vote
    when attendance was recorded: the quorum counts the deliberative members present."""

    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="presences")
    membre = models.ForeignKey(MembreCommission, on_delete=models.PROTECT, related_name="presences")
    mode = models.CharField("présence", max_length=10, choices=ModePresence.choices)
    voix = models.CharField("voix", max_length=20, choices=Voix.choices)
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enregistree_le = models.DateTimeField("enregistrée le", auto_now_add=True)

    class Meta:
        verbose_name = "présence"
        ordering = ["seance_id", "membre__qualite", "membre__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "membre"],
                name="presence_unique_par_seance",
                violation_error_message="La présence de ce membre est déjà enregistrée pour cette séance.",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=ModePresence.values) & Q(voix__in=Voix.values),
                name="presence_mode_voix_connus",
                violation_error_message="Mode de présence ou voix inconnus.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membre.nom} — {self.get_mode_display().lower()}"


class Vote(models.Model):
    """The vote of a deliberative member present on the attribution of the dwelling to one candidate. It is
    tied to the member's attendance (no vote without being present), one per member and examination; only a
    deliberative attendance may vote (``voix`` copied from the attendance, checked by the database)."""

    examen = models.ForeignKey(Examen, on_delete=models.PROTECT, related_name="votes")
    presence = models.ForeignKey(Presence, on_delete=models.PROTECT, related_name="votes")
    voix = models.CharField("voix", max_length=20, choices=Voix.choices)
    sens = models.CharField("vote", max_length=10, choices=SensVote.choices)
    a_distance = models.BooleanField("exprimé à distance", default=False)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saisi_le = models.DateTimeField("exprimé le", auto_now=True)

    class Meta:
        verbose_name = "vote"
        ordering = ["examen_id", "presence__membre__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["examen", "presence"],
                name="vote_un_par_membre_et_examen",
                violation_error_message="Ce membre a déjà voté sur cette candidature.",
            ),
            models.CheckConstraint(
                condition=Q(voix=Voix.DELIBERATIVE),
                name="vote_voix_deliberative",
                violation_error_message="Seuls les membres à voix délibérative votent.",
            ),
            models.CheckConstraint(
                condition=Q(sens__in=SensVote.values),
                name="vote_sens_connu",
                violation_error_message="Vote inconnu : pour, contre ou abstention.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.presence.membre.nom} : {self.get_sens_display().lower()}"


#: An offer that holds the household (one household, one attribution at a time): waiting for its answer or
#: accepted (until the lease strikes the demand off).
STATUTS_OFFRE_EN_COURS = (StatutOffre.EN_ATTENTE, StatutOffre.ACCEPTEE)


class Offre(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="offres")
    logement = models.ForeignKey("patrimoine.Logement", on_delete=models.PROTECT, related_name="offres")
    demande = models.ForeignKey("demandes.Demande", on_delete=models.PROTECT, related_name="offres")
    envoyee_le = models.DateField("envoyée le")
    date_limite = models.DateField("date limite de réponse")
    statut = models.CharField("statut", max_length=20, choices=StatutOffre.choices, default=StatutOffre.EN_ATTENTE)
    repondue_le = models.DateField("réponse le", null=True, blank=True)
    motif_refus = models.CharField("motif du refus", max_length=20, choices=MotifRefus.choices, blank=True)
    motif_refus_detail = models.TextField("précision du motif", blank=True)
    logement_adapte = models.BooleanField(
        "logement adapté aux besoins et capacités (R441-2-10 11°)",
        null=True,
        blank=True,
        help_text="Renseigné au refus : un refus de logement adapté peut porter un malus de cotation.",
    )
    emise_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OffreQuerySet.as_manager()

    class Meta:
        verbose_name = "offre de logement"
        verbose_name_plural = "offres de logement"
        ordering = ["-envoyee_le", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statut__in=StatutOffre.values) & (Q(motif_refus="") | Q(motif_refus__in=MotifRefus.values)),
                name="offre_statut_motif_connus",
                violation_error_message="Statut ou motif de refus inconnus.",
            ),
            models.CheckConstraint(
                condition=Q(date_limite__gt=F("envoyee_le")),
                name="offre_date_limite_apres_envoi",
                violation_error_message="La date limite de réponse suit l'envoi de l'offre.",
            ),
            models.CheckConstraint(
                condition=(Q(statut=StatutOffre.EN_ATTENTE) & Q(repondue_le__isnull=True) & Q(motif_refus=""))
                | (Q(statut=StatutOffre.ACCEPTEE) & Q(repondue_le__isnull=False) & Q(motif_refus=""))
                | (
                    Q(statut=StatutOffre.REFUSEE)
                    & Q(repondue_le__isnull=False)
                    & ~Q(motif_refus="")
                    & ~Q(motif_refus=MotifRefus.SANS_REPONSE)
                    & Q(logement_adapte__isnull=False)
                )
                | (
                    Q(statut=StatutOffre.EXPIREE)
                    & Q(repondue_le__isnull=False)
                    & Q(motif_refus=MotifRefus.SANS_REPONSE)
                ),
                name="offre_reponse_coherente",
                violation_error_message="Un refus porte sa date, son motif et l'indication « logement adapté » ; "
                "une offre sans réponse dans le délai porte la date du constat ; une offre en attente n'a pas de réponse.",
            ),
            models.UniqueConstraint(
                fields=["logement"],
                condition=Q(statut=StatutOffre.EN_ATTENTE),
                name="offre_une_seule_en_attente_par_logement",
                violation_error_message="Une offre attend déjà une réponse pour ce logement.",
            ),
        ]

    def __str__(self) -> str:
        return f"Offre {self.logement.identifiant} à {self.demande} ({self.get_statut_display().lower()})"


class Bail(models.Model):
    """The lease signed after an accepted offer, with the attribution fields the bailleur records in the SNE
    (arrêté du 17 septembre 2012)."""

    logement = models.ForeignKey("patrimoine.Logement", on_delete=models.PROTECT, related_name="baux")
    demande = models.OneToOneField("demandes.Demande", on_delete=models.PROTECT, related_name="bail")
    offre = models.OneToOneField(Offre, on_delete=models.PROTECT, related_name="bail")
    bailleur = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="baux")
    date_signature = models.DateField("date du bail")
    date_fin = models.DateField("fin du bail", null=True, blank=True)
    siren_bailleur = models.CharField("SIREN du bailleur", max_length=9)
    identifiant_rpls = models.CharField("identifiant RPLS du logement", max_length=10, blank=True)
    adresse = models.CharField("adresse", max_length=400, blank=True)
    typologie = models.PositiveSmallIntegerField("nombre de pièces")
    surface_habitable = models.DecimalField("surface habitable (m²)", max_digits=6, decimal_places=2)
    loyer_principal = models.DecimalField("loyer principal (€)", max_digits=8, decimal_places=2, null=True, blank=True)
    en_qpv = models.BooleanField("en QPV")
    contingent = models.CharField("contingent imputé", max_length=30, choices=Contingent.choices)
    orientation = models.ForeignKey(
        "flux.Orientation", on_delete=models.PROTECT, null=True, blank=True, related_name="baux"
    )
    dalo = models.BooleanField("ménage reconnu prioritaire DALO")
    accord_collectif = models.BooleanField("au titre de l'accord collectif")
    deja_locataire = models.BooleanField("déjà locataire du bailleur")
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enregistre_le = models.DateTimeField("enregistré le", auto_now_add=True)

    objects = BailQuerySet.as_manager()

    class Meta:
        verbose_name = "bail"
        verbose_name_plural = "baux"
        ordering = ["-date_signature", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["logement"],
                condition=Q(date_fin__isnull=True),
                name="bail_un_seul_en_cours_par_logement",
                violation_error_message="Ce logement a déjà un bail en cours : il ne peut pas être attribué deux fois.",
            ),
            models.CheckConstraint(
                condition=Q(contingent__in=Contingent.values),
                name="bail_contingent_connu",
                violation_error_message="Contingent inconnu.",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=F("date_signature")),
                name="bail_fin_apres_signature",
                violation_error_message="La fin du bail précède sa signature.",
            ),
            models.CheckConstraint(
                condition=~Q(identifiant_rpls="") | ~Q(adresse=""),
                name="bail_logement_identifie",
                violation_error_message="Le bail porte l'identifiant RPLS du logement ou, à défaut, son adresse.",
            ),
        ]

    def __str__(self) -> str:
        return f"Bail {self.logement.identifiant} — {self.demande} ({self.date_signature:%d/%m/%Y})"

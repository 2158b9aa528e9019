"""Rating campaigns of the housing stock (qualification du parc, DOMAIN.md §1.9).

The EPCI opens a campaign for one year over a perimeter of communes; each commune and each bailleur
rates its residences from 1 to 4, independently (``Notation``); at the close the engine classifies
every residence of the perimeter and the result is stored (``ResultatResidence``); the divergent
residences are discussed and the agreed note is recorded (``NoteHarmonisee``). The EPCI may flag a
residence "à enjeux prioritaires de mixité sociale" (``EnjeuMixite``, history of the flag carried by
``Residence.enjeu_mixite``). See ``docs/qualification.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from attrib.engine.qualification import ECHELLE_VIVRE_ENSEMBLE
from attrib.organisations.acteurs import Acteur, acteur_de, restreindre
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence, epcis_du_territoire
from attrib.qualification.enums import Partie, StatutCampagne, StatutResidence

NOTE_MIN = ECHELLE_VIVRE_ENSEMBLE.minimum
NOTE_MAX = ECHELLE_VIVRE_ENSEMBLE.maximum
#: Oldest campaign year accepted (sanity bound of the data, not a rule).
ANNEE_MIN = 2000


def _note_dans_l_echelle(champ: str) -> Q:
    return Q(**{f"{champ}__gte": NOTE_MIN}) & Q(**{f"{champ}__lte": NOTE_MAX})


class CampagneQuerySet(models.QuerySet["Campagne"]):
    def visible_to(self, acteur: Acteur) -> CampagneQuerySet:
        """Campaigns of the actor's territory: those its organisations opened, and those whose perimeter meets
        one commune of its territory (the EPCIs of its organisations, their perimeter and seat, the communes
        where they own residences). Everything for the system and a superuser; nothing for anybody else."""

        def filtre(ids: list[int]) -> Q:
            perimetre = Organisation.perimetre.through.objects.filter(organisation_id__in=ids).values("commune_id")
            sieges = Organisation.objects.filter(pk__in=ids, commune__isnull=False).values("commune_id")
            parc = Residence.objects.filter(bailleur_id__in=ids).values("commune_id")
            communes = Campagne.communes.through.objects.filter(campagne_id=OuterRef("pk")).filter(
                Q(commune__epci_id__in=sorted(epcis_du_territoire(acteur_de(acteur))))
                | Q(commune_id__in=perimetre)
                | Q(commune_id__in=sieges)
                | Q(commune_id__in=parc)
            )
            return Q(organisation_id__in=ids) | Q(Exists(communes))

        return restreindre(self, acteur, filtre)

    def ouvertes(self) -> CampagneQuerySet:
        return self.filter(statut=StatutCampagne.OUVERTE)

    def closes(self) -> CampagneQuerySet:
        return self.filter(statut=StatutCampagne.CLOSE)


class Campagne(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="campagnes_qualification",
        verbose_name="EPCI",
        limit_choices_to={"type": "epci"},
    )
    annee = models.PositiveSmallIntegerField("année")
    communes = models.ManyToManyField(
        "territoires.Commune", related_name="campagnes_qualification", verbose_name="périmètre (communes)"
    )
    date_limite = models.DateField("date limite de notation")
    statut = models.CharField("statut", max_length=10, choices=StatutCampagne.choices, default=StatutCampagne.OUVERTE)
    ouverte_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ouverte_le = models.DateTimeField("ouverte le")
    close_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    close_le = models.DateTimeField("close le", null=True, blank=True)

    objects = CampagneQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne de qualification"
        verbose_name_plural = "campagnes de qualification"
        ordering = ["-annee", "organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "annee"],
                name="campagne_unique_par_epci_et_annee",
                violation_error_message="Une campagne existe déjà pour cet EPCI et cette année.",
            ),
            models.CheckConstraint(
                condition=Q(annee__gte=ANNEE_MIN),
                name="campagne_annee_plausible",
                violation_error_message=f"L'année de la campagne doit être {ANNEE_MIN} ou après.",
            ),
            models.CheckConstraint(
                condition=(Q(statut=StatutCampagne.OUVERTE) & Q(close_le__isnull=True))
                | (Q(statut=StatutCampagne.CLOSE) & Q(close_le__isnull=False)),
                name="campagne_close_datee",
                violation_error_message="Une campagne close porte sa date de clôture, une campagne ouverte n'en a pas.",
            ),
        ]

    def __str__(self) -> str:
        return f"Campagne {self.annee} — {self.organisation}"

    @property
    def est_ouverte(self) -> bool:
        return self.statut == StatutCampagne.OUVERTE

    @property
    def est_close(self) -> bool:
        return self.statut == StatutCampagne.CLOSE


class Notation(models.Model):
    """One party's note of one residence in one campaign. Confidential until the campaign closes."""

    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="notations")
    residence = models.ForeignKey("patrimoine.Residence", on_delete=models.PROTECT, related_name="notations")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="notations",
        verbose_name="organisation notatrice",
    )
    partie = models.CharField("partie", max_length=10, choices=Partie.choices)
    note = models.PositiveSmallIntegerField("note")
    commentaire = models.TextField("commentaire", blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    notee_le = models.DateTimeField("notée le")

    class Meta:
        verbose_name = "notation"
        ordering = ["campagne_id", "residence_id", "partie"]
        constraints = [
            models.CheckConstraint(
                condition=_note_dans_l_echelle("note"),
                name="notation_note_dans_l_echelle",
                violation_error_message=f"La note doit être comprise entre {NOTE_MIN} et {NOTE_MAX}.",
            ),
            models.UniqueConstraint(
                fields=["campagne", "residence", "organisation"],
                name="notation_unique_par_organisation",
                violation_error_message="Cette organisation a déjà noté cette résidence dans cette campagne.",
            ),
            models.UniqueConstraint(
                fields=["campagne", "residence", "partie"],
                name="notation_unique_par_partie",
                violation_error_message="Cette résidence a déjà une note de cette partie dans cette campagne.",
            ),
        ]
        indexes = [models.Index(fields=["campagne", "organisation"])]

    def __str__(self) -> str:
        return f"{self.residence} : {self.note} ({self.organisation})"


class ResultatResidence(models.Model):
    """The classification of one residence at the close of a campaign, with what it was computed from
    (commune, bailleur and number of dwellings as they were at the close)."""

    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="resultats")
    residence = models.ForeignKey("patrimoine.Residence", on_delete=models.PROTECT, related_name="resultats_notation")
    commune = models.ForeignKey("territoires.Commune", on_delete=models.PROTECT, related_name="+")
    bailleur = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bailleur_estime = models.BooleanField("bailleur estimé", default=False)
    nb_logements = models.PositiveIntegerField("logements")
    note_commune = models.PositiveSmallIntegerField("note de la commune", null=True, blank=True)
    note_bailleur = models.PositiveSmallIntegerField("note du bailleur", null=True, blank=True)
    statut = models.CharField("classement", max_length=20, choices=StatutResidence.choices)
    ecart = models.PositiveSmallIntegerField("écart", null=True, blank=True)
    rang_agenda = models.PositiveIntegerField(
        "rang dans l'agenda d'harmonisation", null=True, blank=True, help_text="Résidences divergentes seulement."
    )

    class Meta:
        verbose_name = "résultat de notation"
        ordering = ["campagne_id", "residence_id"]
        constraints = [
            models.UniqueConstraint(fields=["campagne", "residence"], name="resultat_unique_par_residence"),
            models.CheckConstraint(
                condition=(Q(statut=StatutResidence.DIVERGENT) & Q(ecart__gte=1) & Q(rang_agenda__isnull=False))
                | (Q(statut=StatutResidence.CONCORDANT) & Q(ecart=0) & Q(rang_agenda__isnull=True))
                | (
                    Q(statut__in=[StatutResidence.UNE_SEULE_PARTIE, StatutResidence.NON_NOTEE])
                    & Q(ecart__isnull=True)
                    & Q(rang_agenda__isnull=True)
                ),
                name="resultat_ecart_coherent",
                violation_error_message="L'écart et le rang d'agenda ne correspondent pas au classement.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.residence} : {self.get_statut_display()}"

    @property
    def note_concordante(self) -> int | None:
        return self.note_commune if self.statut == StatutResidence.CONCORDANT else None


class NoteHarmonisee(models.Model):
    """The note agreed during the harmonisation meeting for a divergent residence."""

    campagne = models.ForeignKey(Campagne, on_delete=models.PROTECT, related_name="notes_harmonisees")
    residence = models.ForeignKey("patrimoine.Residence", on_delete=models.PROTECT, related_name="notes_harmonisees")
    note = models.PositiveSmallIntegerField("note harmonisée")
    organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="+", blank=True, verbose_name="organisations qui ont convenu"
    )
    participants = models.TextField("participants", help_text="Noms et qualités des personnes présentes.")
    motif = models.TextField("motif", help_text="Pourquoi cette note a été retenue.")
    enregistree_par = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    enregistree_le = models.DateTimeField("enregistrée le")

    class Meta:
        verbose_name = "note harmonisée"
        verbose_name_plural = "notes harmonisées"
        ordering = ["campagne_id", "residence_id"]
        constraints = [
            models.UniqueConstraint(fields=["campagne", "residence"], name="note_harmonisee_unique"),
            models.CheckConstraint(
                condition=_note_dans_l_echelle("note"),
                name="note_harmonisee_dans_l_echelle",
                violation_error_message=f"La note doit être comprise entre {NOTE_MIN} et {NOTE_MAX}.",
            ),
            models.CheckConstraint(
                condition=~Q(motif="") & ~Q(participants=""),
                name="note_harmonisee_motivee",
                violation_error_message="Une note harmonisée porte ses participants et son motif.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.residence} : {self.note} (harmonisée)"


class EnjeuMixite(models.Model):
    """One decision on the flag "résidence à enjeux prioritaires de mixité sociale" (loi 3DS): flagged
    or unflagged, why, by whom, when. The current state is ``Residence.enjeu_mixite``."""

    residence = models.ForeignKey("patrimoine.Residence", on_delete=models.PROTECT, related_name="enjeux_mixite")
    marquee = models.BooleanField("à enjeux prioritaires de mixité sociale")
    motif = models.TextField("motif")
    campagne = models.ForeignKey(
        Campagne, on_delete=models.PROTECT, null=True, blank=True, related_name="enjeux_mixite"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    decide_le = models.DateTimeField("date")

    class Meta:
        verbose_name = "enjeu de mixité sociale"
        verbose_name_plural = "enjeux de mixité sociale"
        ordering = ["residence_id", "-decide_le", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(motif=""),
                name="enjeu_mixite_motive",
                violation_error_message="Le marquage d'une résidence à enjeux porte son motif.",
            ),
        ]

    def __str__(self) -> str:
        etat = "marquée" if self.marquee else "retirée"
        return f"{self.residence} : {etat} le {self.decide_le:%d/%m/%Y}"

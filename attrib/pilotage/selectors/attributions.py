"""Reads of the objectives dashboard: the attributions (signed leases) of a period and a scope, each with
why it counts, and the indicators computed over them.

* **Objectives** (L441-1 CCH, DOMAIN.md §1.2) with the engine's definitions
  (``attrib.engine.rapprochement.objectifs``: :func:`objectifs_cia`, :class:`Compte`, :class:`Objectif`) and
  the rates of ``data/parametres/objectifs_attribution.yaml`` in force on the last day of the period:
  Q1 outside QPV, non-Q1 in QPV, DALO then L441-1 priority households per réservataire, and the rating
  rule (at most a share of the most fragile households in the residences rated most fragile).
* **Essential workers** (L441-1 CCH 35th paragraph): the share of attributions to a household whose
  applicant or co-applicant declared a job that cannot be done remotely in a sector of the CIL's list,
  against the CIA's target of the EPCI (``data/parametres/cia.yaml``; « objectif de la CIA non renseigné »
  when the file has none — never guessed).
* **Rating of a residence** for a lease: the note of the last qualification campaign of its EPCI closed
  before the lease date that settled one (agreed note recorded before the lease date, else the
  concordant note) — :func:`notes_des_residences`. Computed at read time.
* **Q1 status** of a household: resources per UC of the demand (SNE monthly income × 12 / UC, household
  as composed on the lease date) ≤ the threshold of the lease's year and EPCI
  (:func:`attrib.demandes.quartile.seuil_q1`, rule of :mod:`attrib.engine.q1`, official or computed — said
  on every line). Computed at read time: the demand is struck off when the
  lease is signed and a struck-off demand is no longer modified (docs/decisions/0003).
* **Réservataire** of an attribution: the organisation of the flux orientation charged (contingent); the
  bailleur itself for its non-reserved dwellings (contingent « non réservé »).
* **Waiting times** (first filing → lease) by typology and by commune; **refusals** of offers answered in
  the period, by reason; monthly counts.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from attrib.commissions.enums import Contingent, MotifRefus, StatutOffre
from attrib.commissions.models import Bail, Offre
from attrib.demandes.enums import StatutValidation
from attrib.demandes.moteur import menage_de
from attrib.demandes.quartile import SeuilQ1, euros, ressources_par_uc, seuil_officiel, seuil_q1
from attrib.engine import EntreeInvalide
from attrib.engine.q1 import appartient as appartient_q1
from attrib.engine.rapprochement import objectifs as objectifs_moteur
from attrib.engine.rapprochement.objectifs import (
    NON_Q1_EN_QPV,
    PRIORITAIRES,
    Q1_HORS_QPV,
    RESIDENCES_FRAGILES,
    TRAVAILLEURS_ESSENTIELS,
    Compte,
    Objectif,
    objectifs_cia,
)
from attrib.engine.rapprochement.parametres import ObjectifsAttribution, charger_regles
from attrib.engine.rapprochement.texte import pourcentage
from attrib.engine.sources import NON_PUBLIE
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.pilotage.cia import ObjectifCia, objectif_travailleurs_essentiels
from attrib.territoires.models import Commune

CIBLE_CIA_ABSENTE = "objectif de la CIA non renseigné"
DEFINITION_TRAVAILLEURS_ESSENTIELS = (
    "Travailleur essentiel : demandeur ou co-demandeur dont l'emploi ne peut pas être exercé en télétravail, "
    "dans un secteur de la liste de la CIL, déclaré sur la demande. "
    "Ce n'est pas un public prioritaire."
)
JOURS_PAR_MOIS = 365.25 / 12
MOIS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")

#: ``(epci_siren, annee) -> SeuilQ1``.
SourceSeuils = Callable[[str, int], SeuilQ1]


def _seuil_par_defaut(epci: str, annee: int) -> SeuilQ1:
    return seuil_q1(epci_siren=epci, annee=annee)


@dataclass(frozen=True)
class Periode:
    debut: date
    fin: date

    def __post_init__(self) -> None:
        if self.fin < self.debut:
            raise ValueError(f"La fin de la période ({self.fin:%d/%m/%Y}) précède son début ({self.debut:%d/%m/%Y}).")

    @classmethod
    def annee(cls, annee: int) -> Periode:
        return cls(date(annee, 1, 1), date(annee, 12, 31))

    def libelle(self) -> str:
        return f"du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"

    def mois(self) -> list[tuple[int, int]]:
        resultat = []
        a, m = self.debut.year, self.debut.month
        while (a, m) <= (self.fin.year, self.fin.month):
            resultat.append((a, m))
            a, m = (a + 1, 1) if m == 12 else (a, m + 1)
        return resultat


@dataclass(frozen=True)
class Perimetre:
    """The scope asked for, inside what the user may see: ``None`` fields do not restrict."""

    commune: str | None = None
    bailleur: int | None = None
    reservataire: int | None = None

    def filtre_baux(self) -> Q:
        q = Q()
        if self.commune:
            q &= Q(logement__residence__commune_id=self.commune)
        if self.bailleur:
            q &= Q(bailleur_id=self.bailleur)
        if self.reservataire:
            q &= (Q(orientation__reservataire_id=self.reservataire) & ~Q(contingent=Contingent.NON_RESERVE)) | (
                Q(contingent=Contingent.NON_RESERVE) & Q(bailleur_id=self.reservataire)
            )
        return q

    def filtre_offres(self) -> Q:
        from attrib.flux.models import Orientation

        q = Q()
        if self.commune:
            q &= Q(logement__residence__commune_id=self.commune)
        if self.bailleur:
            q &= Q(logement__residence__bailleur_id=self.bailleur)
        if self.reservataire:
            orientes = Orientation.objects.filter(actuelle=True, reservataire_id=self.reservataire).values(
                "logement_libere__logement_id"
            )
            q &= Q(logement_id__in=orientes) | Q(logement__residence__bailleur_id=self.reservataire)
        return q


@dataclass(frozen=True)
class LigneAttribution:
    """One attribution (signed lease) and why it counts in each objective."""

    bail_id: int
    numero_demande: str
    date_signature: date
    date_depot: date
    logement: str
    typologie: int
    commune: str
    commune_nom: str
    epci: str | None
    bailleur: str
    reservataire_id: int
    reservataire: str
    contingent: str
    en_qpv: bool
    dalo: bool
    prioritaire: bool
    ressources_uc: float | None
    seuil: SeuilQ1 | None
    q1: bool | None
    motif_q1_inconnu: str = ""
    travailleur_essentiel: bool = False
    secteur_essentiel: str = ""
    note_residence: int | None = None
    origine_note: str = ""

    @property
    def delai_jours(self) -> int:
        return (self.date_signature - self.date_depot).days

    def explication_q1(self) -> str:
        if self.q1 is None:
            return f"1er quartile non évalué : {self.motif_q1_inconnu}"
        assert self.ressources_uc is not None and self.seuil is not None and self.seuil.valeur is not None
        signe = "≤" if self.q1 else ">"
        verdict = "ménage du 1er quartile" if self.q1 else "ménage hors 1er quartile"
        origine = "seuil officiel" if self.seuil.officiel else "seuil calculé par Attrib"
        return (
            f"{verdict} : {euros(self.ressources_uc)} par UC {signe} {euros(self.seuil.valeur)} "
            f"({origine} {self.seuil.annee})"
        )

    def explication_qpv(self) -> str:
        return "logement en QPV" if self.en_qpv else "logement hors QPV"

    def explication_priorite(self) -> str:
        if self.dalo:
            return "ménage reconnu prioritaire DALO"
        if self.prioritaire:
            return "ménage prioritaire L441-1 (priorité validée)"
        return "ni DALO ni prioritaire L441-1"

    def explication_travailleur_essentiel(self) -> str:
        if self.travailleur_essentiel:
            return f"travailleur essentiel (emploi non télétravaillable, secteur : {self.secteur_essentiel})"
        return "pas de travailleur essentiel déclaré"

    def explication_note(self) -> str:
        if self.note_residence is None:
            return (
                f"résidence sans note de qualification au jour du bail{self.origine_note and ' : ' + self.origine_note}"
            )
        return f"résidence notée {self.note_residence} ({self.origine_note})"

    def raisons(self) -> list[str]:
        return [
            self.explication_qpv(),
            self.explication_q1(),
            self.explication_priorite(),
            self.explication_travailleur_essentiel(),
            self.explication_note(),
        ]


@dataclass(frozen=True)
class Indicateur:
    """One objective over the attributions of the scope: value vs target, met or not."""

    code: str
    libelle: str
    objectif: Objectif | None
    compte: Compte | None
    non_evaluees: int = 0
    note: str = ""
    source: str = ""
    reservataire_id: int | None = None
    #: What the card says when there is no target at all.
    cible_absente: str = "non renseignée"
    #: Plain-French field and target of the objective (drill-down page).
    champ_texte: str = ""
    cible_texte: str = ""

    @property
    def renseigne(self) -> bool:
        """A target and a measure."""
        return self.compte is not None and self.objectif is not None

    @property
    def mesure(self) -> bool:
        return self.compte is not None

    @property
    def part(self) -> Fraction | None:
        return self.compte.part() if self.compte is not None else None

    @property
    def part_texte(self) -> str:
        part = self.part
        if self.compte is None:
            return "non renseigné"
        return "aucune attribution" if part is None else pourcentage(part)

    @property
    def atteint(self) -> bool | None:
        """The engine's :meth:`Objectif.atteint`; ``None`` when not measurable (no data, no target, or no
        attribution in scope)."""
        if self.compte is None or self.compte.attributions == 0 or self.objectif is None:
            return None
        return self.objectif.atteint(self.compte)

    @property
    def etat(self) -> str:
        if self.compte is None:
            return "non renseigné"
        if self.objectif is not None:
            return self.objectif.etat(self.compte)
        part = self.compte.part()
        if part is None:
            return "aucune attribution"
        return f"{pourcentage(part)} ({self.cible_absente})"

    @property
    def cible(self) -> str:
        if self.objectif is not None:
            return f"{self.objectif.comparaison()} {pourcentage(self.objectif.taux)}"
        return self.cible_absente

    @property
    def badge(self) -> str:
        a = self.atteint
        if a is True:
            return "Objectif atteint"
        if a is False:
            return "Objectif non atteint"
        if self.mesure and not self.renseigne:
            return "Non renseigné (objectif de la CIA)"
        if self.renseigne:
            return "Aucune attribution dans le champ"
        return "Non renseigné"

    @property
    def statut(self) -> str:
        a = self.atteint
        if self.mesure and not self.renseigne:
            return self.cible_absente
        if not self.renseigne:
            return "non renseigné"
        if a is None:
            return "sans attribution"
        return "atteint" if a else "non atteint"


@dataclass(frozen=True)
class Repartition:
    """Waiting times (days from first filing to lease) of one group of attributions."""

    groupe: str
    nombre: int
    mediane: float
    premier_quartile: float
    troisieme_quartile: float

    @staticmethod
    def de(groupe: str, jours: list[int]) -> Repartition:
        valeurs = sorted(jours)
        if len(valeurs) == 1:
            q1 = med = q3 = float(valeurs[0])
        else:
            q1, med, q3 = (float(v) for v in statistics.quantiles(valeurs, n=4, method="inclusive"))
        return Repartition(groupe, len(valeurs), med, q1, q3)

    @staticmethod
    def mois(jours: float) -> str:
        return f"{jours / JOURS_PAR_MOIS:.1f}".replace(".", ",")

    @property
    def en_mois(self) -> dict[str, str]:
        return {
            "q1": self.mois(self.premier_quartile),
            "mediane": self.mois(self.mediane),
            "q3": self.mois(self.troisieme_quartile),
        }


@dataclass(frozen=True)
class Refus:
    offres_repondues: int
    acceptees: int
    refusees: int
    sans_reponse: int
    motifs: tuple[tuple[str, int], ...]

    @property
    def taux(self) -> Fraction | None:
        return (
            None if self.offres_repondues == 0 else Fraction(self.refusees + self.sans_reponse, self.offres_repondues)
        )

    @property
    def taux_texte(self) -> str:
        taux = self.taux
        return "aucune offre répondue" if taux is None else pourcentage(taux)


@dataclass(frozen=True)
class Mois:
    annee: int
    mois: int
    attributions: int
    compte_q1_hors_qpv: Compte

    @property
    def libelle(self) -> str:
        return f"{MOIS[self.mois - 1]} {self.annee}"

    @property
    def part_q1_hors_qpv(self) -> str:
        part = self.compte_q1_hors_qpv.part()
        return (
            "—"
            if part is None
            else f"{pourcentage(part)} ({self.compte_q1_hors_qpv.cibles} sur {self.compte_q1_hors_qpv.attributions})"
        )


@dataclass(frozen=True)
class Tableau:
    periode: Periode
    perimetre: Perimetre
    lignes: tuple[LigneAttribution, ...]
    indicateurs: tuple[Indicateur, ...]
    travailleurs_essentiels: Indicateur
    delais_typologie: tuple[Repartition, ...]
    delais_commune: tuple[Repartition, ...]
    refus: Refus
    mensuel: tuple[Mois, ...]
    seuils: tuple[SeuilQ1, ...]
    seuils_officiels: tuple[tuple[str, int, str], ...]
    parametres: ObjectifsAttribution
    par_reservataire: tuple[Indicateur, ...] = field(default=())
    travailleurs_essentiels_par_epci: tuple[Indicateur, ...] = field(default=())

    @property
    def attributions(self) -> int:
        return len(self.lignes)

    def indicateur(self, code: str) -> Indicateur:
        for i in (*self.indicateurs, self.travailleurs_essentiels):
            if i.code == code:
                return i
        raise KeyError(code)


# --- reads -------------------------------------------------------------------------------------


def baux_visibles(acteur: Acteur) -> QuerySet[Bail]:
    return Bail.objects.visible_to(acteur)


def baux(acteur: Acteur, periode: Periode, perimetre: Perimetre) -> QuerySet[Bail]:
    return (
        baux_visibles(acteur)
        .filter(perimetre.filtre_baux(), date_signature__gte=periode.debut, date_signature__lte=periode.fin)
        .select_related("logement__residence__commune", "bailleur", "orientation__reservataire", "demande")
        .prefetch_related("demande__personnes", "demande__communes_souhaitees__commune")
        .order_by("date_signature", "pk")
    )


def _reservataire(bail: Bail) -> tuple[int, str]:
    if bail.contingent != Contingent.NON_RESERVE and bail.orientation is not None and bail.orientation.reservataire:
        return bail.orientation.reservataire.pk, bail.orientation.reservataire.nom
    return bail.bailleur_id, f"{bail.bailleur.nom} (logements non réservés)"


def _prioritaires(bail_ids: list[int]) -> set[int]:
    """Leases whose demand carries a validated L441-1 priority (DALO aside). The demand is struck off when the
    lease is signed and no longer changes: its validated priorities are those it had then."""
    from attrib.demandes.models import SituationPrioritaire

    resultat: set[int] = set()
    dates = dict(Bail.objects.filter(pk__in=bail_ids).values_list("demande_id", "date_signature"))
    par_demande = dict(Bail.objects.filter(pk__in=bail_ids).values_list("demande_id", "pk"))
    situations = (
        SituationPrioritaire.objects.filter(demande_id__in=list(dates), statut=StatutValidation.VALIDEE)
        .exclude(priorite_id="dalo")
        .values_list("demande_id", "validee_le")
    )
    for demande_id, _validee_le in situations:
        resultat.add(par_demande[demande_id])
    return resultat


def notes_des_residences(baux: Iterable[Bail]) -> dict[int, tuple[int | None, str]]:
    """``bail_id -> (note, origine)``: the rating of the lease's residence on the lease date.

    The note of a campaign applies to a lease when the campaign was **closed before the lease date**
    (``close_le`` strictly before the day of signature); among those campaigns, the most recent (year,
    then close) that settled a note for the residence: the agreed note (``NoteHarmonisee``) when it was
    recorded before the lease date, else the concordant note of the result. A divergent residence whose
    agreed note came later has no note from that campaign (the previous campaign applies)."""
    from attrib.qualification.enums import StatutCampagne, StatutResidence
    from attrib.qualification.models import NoteHarmonisee, ResultatResidence

    liste = list(baux)
    residences = {b.logement.residence_id for b in liste}
    resultats: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for resultat in ResultatResidence.objects.filter(
        residence_id__in=residences, campagne__statut=StatutCampagne.CLOSE
    ).values("residence_id", "campagne_id", "campagne__annee", "campagne__close_le", "statut", "note_commune"):
        resultats[resultat["residence_id"]].append(dict(resultat))
    harmonisees = {
        (h["residence_id"], h["campagne_id"]): (h["note"], h["enregistree_le"])
        for h in NoteHarmonisee.objects.filter(residence_id__in=residences).values(
            "residence_id", "campagne_id", "note", "enregistree_le"
        )
    }
    notes: dict[int, tuple[int | None, str]] = {}
    for b in liste:
        candidats = sorted(
            (
                r
                for r in resultats[b.logement.residence_id]
                if timezone.localdate(r["campagne__close_le"]) < b.date_signature
            ),
            key=lambda r: (r["campagne__annee"], r["campagne__close_le"]),
            reverse=True,
        )
        notes[b.pk] = (None, "aucune campagne de qualification close avant le bail ne l'a notée")
        for r in candidats:
            close = f"campagne {r['campagne__annee']} close le {timezone.localdate(r['campagne__close_le']):%d/%m/%Y}"
            harmonisee = harmonisees.get((b.logement.residence_id, r["campagne_id"]))
            if harmonisee is not None and timezone.localdate(harmonisee[1]) < b.date_signature:
                notes[b.pk] = (harmonisee[0], f"note convenue, {close}")
                break
            if r["statut"] == StatutResidence.CONCORDANT and r["note_commune"] is not None:
                notes[b.pk] = (r["note_commune"], f"note concordante, {close}")
                break
    return notes


def lignes_attributions(
    qs: Iterable[Bail], *, seuils: SourceSeuils = _seuil_par_defaut
) -> tuple[list[LigneAttribution], dict[tuple[str, int], SeuilQ1]]:
    liste = list(qs)
    prioritaires = _prioritaires([b.pk for b in liste])
    notes = notes_des_residences(liste)
    cache: dict[tuple[str, int], SeuilQ1] = {}
    lignes = []
    for b in liste:
        commune = b.logement.residence.commune
        epci = commune.epci_id
        seuil: SeuilQ1 | None = None
        ressources: float | None = None
        q1: bool | None = None
        motif = ""
        if epci is None:
            motif = f"la commune {commune.nom} n'appartient à aucun EPCI (pas de seuil du 1er quartile)"
        else:
            cle = (epci, b.date_signature.year)
            if cle not in cache:
                cache[cle] = seuils(epci, b.date_signature.year)
            seuil = cache[cle]
            try:
                ressources = ressources_par_uc(menage_de(b.demande, b.date_signature), jour=b.date_signature)
            except EntreeInvalide as e:
                motif = f"composition du ménage invalide ({e})"
            if seuil.valeur is None:
                motif = f"aucun seuil {b.date_signature.year} (officiel ou calculé) pour l'EPCI {epci}"
            elif ressources is not None:
                q1 = appartient_q1(ressources, seuil.valeur)
        reservataire_id, reservataire = _reservataire(b)
        # The demand is struck off when the lease is signed and no longer changes: its declarations are
        # those it had then.
        essentiels = b.demande.travailleurs_essentiels
        note, origine_note = notes[b.pk]
        lignes.append(
            LigneAttribution(
                bail_id=b.pk,
                numero_demande=b.demande.numero_unique,
                date_signature=b.date_signature,
                date_depot=b.demande.date_depot_initiale,
                logement=b.logement.identifiant,
                typologie=b.typologie,
                commune=commune.code_insee,
                commune_nom=commune.nom,
                epci=epci,
                bailleur=b.bailleur.nom,
                reservataire_id=reservataire_id,
                reservataire=reservataire,
                contingent=b.get_contingent_display(),
                en_qpv=b.en_qpv,
                dalo=b.dalo,
                prioritaire=b.pk in prioritaires,
                ressources_uc=ressources,
                seuil=seuil,
                q1=q1,
                motif_q1_inconnu=motif,
                travailleur_essentiel=bool(essentiels),
                secteur_essentiel=", ".join(dict.fromkeys(p.secteur_essentiel_libelle for p in essentiels)),
                note_residence=note,
                origine_note=origine_note,
            )
        )
    return lignes, cache


def _dans_la_cible(objectif: Objectif, ligne: LigneAttribution) -> bool:
    return objectif.cible.contient(
        q1=bool(ligne.q1),
        dalo=ligne.dalo,
        prioritaire=ligne.prioritaire,
        travailleur_essentiel=ligne.travailleur_essentiel,
    )


def _compte(objectif: Objectif, lignes: Iterable[LigneAttribution]) -> tuple[Compte, int]:
    """Count with the engine's scope and target; lines whose Q1 status is unknown are set aside from the
    objectives that read it."""
    compte = Compte()
    non_evaluees = 0
    lit_q1 = "q1" in objectif.cible.drapeaux
    for ligne in lignes:
        if not objectif.portee.contient(
            en_qpv=ligne.en_qpv, reservataire=ligne.reservataire, note=ligne.note_residence
        ):
            continue
        if lit_q1 and ligne.q1 is None:
            non_evaluees += 1
            continue
        compte = compte.plus(cible=_dans_la_cible(objectif, ligne))
    return compte, non_evaluees


def compte_objectif(objectif: Objectif, lignes: Iterable[LigneAttribution]) -> Compte:
    return _compte(objectif, lignes)[0]


def indicateurs(
    lignes: list[LigneAttribution], parametres: ObjectifsAttribution
) -> tuple[tuple[Indicateur, ...], tuple[Indicateur, ...]]:
    """The general objectives, and one priority objective per réservataire of the lines."""
    noms = {ligne.reservataire: ligne.reservataire_id for ligne in lignes}
    generaux: list[Indicateur] = []
    reservataires: list[Indicateur] = []
    taux = {
        Q1_HORS_QPV: parametres.q1_hors_qpv,
        NON_Q1_EN_QPV: parametres.non_q1_en_qpv,
        PRIORITAIRES: parametres.prioritaires,
    }
    regle = parametres.residences_fragiles
    for objectif in objectifs_cia(parametres, noms):
        if objectif.code == RESIDENCES_FRAGILES:
            source = (
                f"Règle de qualification du parc : part maximale "
                f"{pourcentage(regle.part_maximale)}, notes {', '.join(str(n) for n in sorted(regle.notes))}, "
                f"en vigueur depuis le {regle.provenance.date_effet:%d/%m/%Y} ; "
                "note de la dernière campagne de qualification close avant le bail."
            )
        else:
            t = taux[PRIORITAIRES] if objectif.code.startswith(f"{PRIORITAIRES}:") else taux[objectif.code]
            source = f"{t.article} ; taux {pourcentage(t.taux)} en vigueur depuis le {t.provenance.date_effet:%d/%m/%Y}"
        compte, non_evaluees = _compte(objectif, lignes)
        note = (
            f"{non_evaluees} attribution(s) non évaluée(s) (1er quartile inconnu), hors du calcul."
            if non_evaluees
            else ""
        )
        ind = Indicateur(
            code=objectif.code,
            libelle=objectif.libelle,
            objectif=objectif,
            compte=compte,
            non_evaluees=non_evaluees,
            note=note,
            source=source,
            reservataire_id=noms.get(objectif.code.partition(":")[2]),
        )
        (reservataires if objectif.code.startswith(f"{PRIORITAIRES}:") else generaux).append(ind)
    return tuple(generaux), tuple(reservataires)


def _indicateur_travailleurs_essentiels(
    lignes: list[LigneAttribution], objectif: ObjectifCia | None, *, libelle: str, epci: str | None, note: str = ""
) -> Indicateur:
    """The engine's essential-workers objective at the CIA's rate; without a rate, the share measured alone."""
    code = TRAVAILLEURS_ESSENTIELS if epci is None else f"{TRAVAILLEURS_ESSENTIELS}:{epci}"
    engine = (
        objectifs_moteur.objectif_travailleurs_essentiels(objectif.taux, epci=epci)
        if objectif is not None and objectif.taux is not None
        else None
    )
    if engine is not None:
        compte = _compte(engine, lignes)[0]
    else:
        compte = Compte()
        for ligne in lignes:
            compte = compte.plus(cible=ligne.travailleur_essentiel)
    if objectif is None:
        source = f"CIA de l'EPCI {epci} : taux {NON_PUBLIE}." if epci else "Objectif fixé par la CIA de chaque EPCI."
    else:
        source = objectif.libelle_source()
    return Indicateur(
        code=code,
        libelle=libelle,
        objectif=engine,
        compte=compte,
        note=" ".join(x for x in (note, DEFINITION_TRAVAILLEURS_ESSENTIELS) if x),
        source=f"L441-1 CCH, 35e alinéa (loi 3DS, art. 78). {source}",
        cible_absente=CIBLE_CIA_ABSENTE,
        champ_texte="toutes les attributions du périmètre",
        cible_texte="ménage dont le demandeur ou le co-demandeur est travailleur essentiel",
    )


LIBELLE_TRAVAILLEURS_ESSENTIELS = "Attributions aux travailleurs essentiels (loi 3DS, L441-1 CCH 35e alinéa)"


def travailleurs_essentiels(
    lignes: list[LigneAttribution], periode: Periode
) -> tuple[Indicateur, tuple[Indicateur, ...]]:
    """The share over the whole scope, against the CIA's target when the scope is one EPCI; and one
    indicator per EPCI of the lines (each against its own CIA's target)."""
    par_epci: dict[str, list[LigneAttribution]] = defaultdict(list)
    for ligne in lignes:
        if ligne.epci:
            par_epci[ligne.epci].append(ligne)
    objectifs = {e: objectif_travailleurs_essentiels(epci=e, jour=periode.fin) for e in par_epci}
    detail = tuple(
        _indicateur_travailleurs_essentiels(
            par_epci[e],
            objectifs[e],
            libelle=f"Travailleurs essentiels — {objectifs[e].nom if objectifs[e] else 'EPCI ' + e}",  # type: ignore[union-attr]
            epci=e,
        )
        for e in sorted(par_epci)
    )
    if len(par_epci) == 1:
        (epci,) = par_epci
        general = _indicateur_travailleurs_essentiels(
            lignes, objectifs[epci], libelle=LIBELLE_TRAVAILLEURS_ESSENTIELS, epci=None
        )
        general = replace(general, source=detail[0].source)
    else:
        note = (
            f"{len(par_epci)} EPCI dans le périmètre : chaque CIA fixe son propre objectif (voir l'export)."
            if len(par_epci) > 1
            else ""
        )
        general = _indicateur_travailleurs_essentiels(
            lignes, None, libelle=LIBELLE_TRAVAILLEURS_ESSENTIELS, epci=None, note=note
        )
    return general, detail


def detail_indicateur(t: Tableau, code: str) -> tuple[Indicateur, list[tuple[LigneAttribution, bool | None]]] | None:
    """The attributions in an indicator's field, each with whether it counts (``None``: not evaluated)."""
    indicateurs = {i.code: i for i in (*t.indicateurs, *t.par_reservataire, t.travailleurs_essentiels)}
    indicateur = indicateurs.get(code)
    if indicateur is None:
        return None
    if indicateur.objectif is None:  # essential workers without the CIA's rate: the share measured alone
        return indicateur, [(ligne, ligne.travailleur_essentiel) for ligne in t.lignes]
    objectif = indicateur.objectif
    lignes: list[tuple[LigneAttribution, bool | None]] = []
    for ligne in t.lignes:
        if not objectif.portee.contient(
            en_qpv=ligne.en_qpv, reservataire=ligne.reservataire, note=ligne.note_residence
        ):
            continue
        compte = None if "q1" in objectif.cible.drapeaux and ligne.q1 is None else _dans_la_cible(objectif, ligne)
        lignes.append((ligne, compte))
    return indicateur, lignes


def _delais(lignes: list[LigneAttribution], cle: Callable[[LigneAttribution], str]) -> tuple[Repartition, ...]:
    groupes: dict[str, list[int]] = defaultdict(list)
    for ligne in lignes:
        groupes[cle(ligne)].append(ligne.delai_jours)
    return tuple(Repartition.de(g, groupes[g]) for g in sorted(groupes))


def _typologie(ligne: LigneAttribution) -> str:
    return f"T{ligne.typologie}" if ligne.typologie < 5 else "T5 et plus"


def offres(acteur: Acteur, periode: Periode, perimetre: Perimetre) -> QuerySet[Offre]:
    return (
        Offre.objects.du_perimetre(acteur)
        .filter(
            perimetre.filtre_offres(),
            repondue_le__gte=periode.debut,
            repondue_le__lte=periode.fin,
        )
        .exclude(statut=StatutOffre.EN_ATTENTE)
    )


def refus(qs: QuerySet[Offre]) -> Refus:
    statuts = Counter(qs.values_list("statut", flat=True))
    motifs = Counter(
        qs.filter(statut__in=(StatutOffre.REFUSEE, StatutOffre.EXPIREE)).values_list("motif_refus", flat=True)
    )
    return Refus(
        offres_repondues=sum(statuts.values()),
        acceptees=statuts[StatutOffre.ACCEPTEE],
        refusees=statuts[StatutOffre.REFUSEE],
        sans_reponse=statuts[StatutOffre.EXPIREE],
        motifs=tuple((MotifRefus(m).label, n) for m, n in sorted(motifs.items(), key=lambda x: (-x[1], x[0]))),
    )


def _mensuel(periode: Periode, lignes: list[LigneAttribution], objectif: Objectif) -> tuple[Mois, ...]:
    par_mois: dict[tuple[int, int], list[LigneAttribution]] = defaultdict(list)
    for ligne in lignes:
        par_mois[(ligne.date_signature.year, ligne.date_signature.month)].append(ligne)
    return tuple(
        Mois(a, m, len(par_mois[(a, m)]), compte_objectif(objectif, par_mois[(a, m)])) for a, m in periode.mois()
    )


def epcis_des_lignes(lignes: Iterable[LigneAttribution]) -> set[str]:
    return {ligne.epci for ligne in lignes if ligne.epci}


def tableau(
    acteur: Acteur, periode: Periode, perimetre: Perimetre, *, seuils: SourceSeuils = _seuil_par_defaut
) -> Tableau:
    lignes, cache = lignes_attributions(baux(acteur, periode, perimetre), seuils=seuils)
    parametres = charger_regles(periode.fin).objectifs
    generaux, par_reservataire = indicateurs(lignes, parametres)
    q1_hors_qpv = next(i.objectif for i in generaux if i.code == Q1_HORS_QPV)
    assert q1_hors_qpv is not None
    essentiels, essentiels_par_epci = travailleurs_essentiels(lignes, periode)
    officiels = []
    for epci, annee in sorted(cache):
        entree = seuil_officiel(epci_siren=epci, annee=annee)
        if entree is None or entree.valeur is None:
            officiels.append((epci, annee, f"arrêté {annee} {NON_PUBLIE}"))
        else:
            officiels.append((epci, annee, f"{euros(entree.valeur)} ({entree.reference()})"))
    return Tableau(
        periode=periode,
        perimetre=perimetre,
        lignes=tuple(lignes),
        indicateurs=generaux,
        travailleurs_essentiels=essentiels,
        travailleurs_essentiels_par_epci=essentiels_par_epci,
        delais_typologie=_delais(lignes, _typologie),
        delais_commune=_delais(lignes, lambda ligne: ligne.commune_nom),
        refus=refus(offres(acteur, periode, perimetre)),
        mensuel=_mensuel(periode, lignes, q1_hors_qpv),
        seuils=tuple(cache[k] for k in sorted(cache)),
        seuils_officiels=tuple(officiels),
        parametres=parametres,
        par_reservataire=par_reservataire,
    )


# --- filter choices ----------------------------------------------------------------------------


def choix_perimetre(acteur: Acteur) -> dict[str, list[tuple[Any, str]]]:
    """Communes, bailleurs and réservataires of the attributions the actor may see (any period)."""
    visibles = baux_visibles(acteur)
    communes = Commune.objects.filter(
        code_insee__in=visibles.values("logement__residence__commune_id").distinct()
    ).order_by("nom")
    bailleurs = Organisation.objects.filter(pk__in=visibles.values("bailleur_id").distinct()).order_by("nom")
    reservataires: dict[int, str] = {}
    for b in visibles.select_related("orientation__reservataire", "bailleur"):
        pk, nom = _reservataire(b)
        reservataires[pk] = nom
    return {
        "communes": [(c.code_insee, c.nom) for c in communes],
        "bailleurs": [(b.pk, b.nom) for b in bailleurs],
        "reservataires": sorted(reservataires.items(), key=lambda x: x[1]),
    }


def libelle_perimetre(perimetre: Perimetre, choix: dict[str, list[tuple[Any, str]]]) -> str:
    morceaux = []
    for cle, nom, valeur in (
        ("communes", "commune", perimetre.commune),
        ("bailleurs", "bailleur", perimetre.bailleur),
        ("reservataires", "réservataire", perimetre.reservataire),
    ):
        if valeur:
            morceaux.append(f"{nom} {dict(choix[cle]).get(valeur, valeur)}")
    return ", ".join(morceaux) if morceaux else "tout le périmètre visible"

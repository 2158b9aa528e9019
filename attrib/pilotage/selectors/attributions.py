"""The attributions (signed leases) of a period and a scope, each with why it counts, and the choices of the
dashboard's filters.

* **Rating of a residence** for a lease: the note of the last qualification campaign of its EPCI closed
  before the lease date that settled one (agreed note recorded before the lease date, else the
  concordant note) — :func:`notes_des_residences`. Computed at read time.
* **Q1 status** of a household: resources per UC of the demand (SNE monthly income × 12 / UC, household
  as composed on the lease date) ≤ the threshold of the lease's year and EPCI
  (:func:`attrib.demandes.quartile.seuil_q1`, rule of :mod:`attrib.engine.q1`, official or computed — said
  on every line). Computed at read time: the demand is struck off when the
  lease is signed and a struck-off demand is no longer modified (docs/decisions/0003).
* **Réservataire** of an attribution: the organisation of the flux orientation charged (contingent); the
  bailleur itself for its non-reserved dwellings (contingent « non réservé »)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from attrib.commissions.enums import Contingent
from attrib.commissions.models import Bail
from attrib.demandes.enums import StatutValidation
from attrib.demandes.moteur import menage_de
from attrib.demandes.quartile import SeuilQ1, euros, ressources_par_uc
from attrib.engine import EntreeInvalide
from attrib.engine.q1 import appartient as appartient_q1
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.pilotage.selectors._commun import _seuil_par_defaut
from attrib.pilotage.selectors.perimetre import Perimetre, Periode
from attrib.territoires.models import Commune

#: ``(epci_siren, annee) -> SeuilQ1``.
SourceSeuils = Callable[[str, int], SeuilQ1]


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
    """Leases whose demand carries a validated L441-1 priority (DALO aside), or a priority label other than DALO
    in force on the day of the lease. The demand is struck off when the lease is signed and no longer changes:
    its validated priorities are those it had then."""
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
    return resultat | {pk for pk, codes in _labels_au_bail(bail_ids).items() if codes - _codes_dalo()}


def _codes_dalo() -> frozenset[str]:
    from attrib.labellisation.parametres import types_de_priorite

    return types_de_priorite("dalo")


def _labels_au_bail(bail_ids: list[int]) -> dict[int, set[str]]:
    """``bail_id -> codes`` of the priority labels in force on the day the lease was signed (``attrib.labellisation``:
    validated then, whatever happened to them since: expired, withdrawn). One query."""
    from django.db.models import F, Q

    from attrib.labellisation.enums import StatutLabel

    if not bail_ids:
        return {}
    resultat: dict[int, set[str]] = defaultdict(set)
    lignes = (
        Bail.objects.filter(pk__in=bail_ids)
        .filter(
            demande__labels__statut__in=[StatutLabel.VALIDE, StatutLabel.EXPIRE, StatutLabel.RETIRE],
            demande__labels__valide_du__lte=F("date_signature"),
        )
        .filter(
            Q(demande__labels__valide_jusqu_au__isnull=True)
            | Q(demande__labels__valide_jusqu_au__gte=F("date_signature"))
        )
        .values_list("pk", "demande__labels__type_label")
    )
    for pk, code in lignes:
        resultat[pk].add(code)
    return dict(resultat)


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
    dalo_par_label = {pk for pk, codes in _labels_au_bail([b.pk for b in liste]).items() if codes & _codes_dalo()}
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
                dalo=b.dalo or b.pk in dalo_par_label,
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

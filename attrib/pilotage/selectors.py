"""Reads of the objectives dashboard: the attributions (signed leases) of a period and a scope, each with
why it counts, and the indicators computed over them.

* **Objectives** (L441-1 CCH, DOMAIN.md §1.2) with the engine's definitions
  (``attrib.engine.rapprochement.objectifs``: :func:`objectifs_cia`, :class:`Compte`, :class:`Objectif`) and
  the rates of ``data/parametres/objectifs_attribution.yaml`` in force on the last day of the period:
  Q1 outside QPV, non-Q1 in QPV, DALO then L441-1 priority households per réservataire; the essential
  workers objective is shown as « non renseigné » (no source in the demand file, see
  :data:`MANQUE_TRAVAILLEURS_ESSENTIELS`).
* **Q1 status** of a household: resources per UC of the demand (SNE monthly income × 12 / UC, household
  as composed on the lease date) ≤ the threshold of the lease's year and EPCI (:func:`quartile.seuil_q1`,
  official or computed — said on every line). Computed at read time: the demand is struck off when the
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
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet

from attrib.commissions.enums import Contingent, MotifRefus, StatutOffre
from attrib.commissions.models import Bail, Offre
from attrib.demandes.enums import StatutValidation
from attrib.demandes.moteur import menage_de
from attrib.engine import EntreeInvalide
from attrib.engine.rapprochement.objectifs import (
    NON_Q1_EN_QPV,
    PRIORITAIRES,
    Q1_HORS_QPV,
    Compte,
    Objectif,
    objectifs_cia,
)
from attrib.engine.rapprochement.parametres import ObjectifsAttribution, charger_regles
from attrib.engine.rapprochement.texte import pourcentage
from attrib.organisations.models import Organisation
from attrib.pilotage import permissions
from attrib.pilotage.quartile import SeuilQ1, euros, ressources_par_uc, seuil_officiel, seuil_q1
from attrib.territoires.models import Commune

TRAVAILLEURS_ESSENTIELS = "travailleurs_essentiels"
MANQUE_TRAVAILLEURS_ESSENTIELS = (
    "Le dossier de demande ne porte pas la profession ni le secteur d'activité des personnes (emploi non "
    "télétravaillable dans un secteur essentiel, L441-1 CCH 35e alinéa) : chaque personne a un statut "
    "d'emploi (CDI, CDD…) et un employeur seulement. Le taux cible est fixé par la CIA et n'est pas dans "
    "objectifs_attribution.yaml."
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

    def raisons(self) -> list[str]:
        return [self.explication_qpv(), self.explication_q1(), self.explication_priorite()]


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

    @property
    def renseigne(self) -> bool:
        return self.objectif is not None and self.compte is not None

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
        """``None`` when not measurable (no data, or no attribution in scope)."""
        if self.objectif is None or self.compte is None or self.compte.attributions == 0:
            return None
        return self.objectif.atteint(self.compte)

    @property
    def etat(self) -> str:
        if self.objectif is None or self.compte is None:
            return "non renseigné"
        return self.objectif.etat(self.compte)

    @property
    def cible(self) -> str:
        if self.objectif is None:
            return "non renseignée"
        return f"{self.objectif.comparaison()} {pourcentage(self.objectif.taux)}"

    @property
    def statut(self) -> str:
        a = self.atteint
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

    @property
    def attributions(self) -> int:
        return len(self.lignes)

    def indicateur(self, code: str) -> Indicateur:
        for i in (*self.indicateurs, self.travailleurs_essentiels):
            if i.code == code:
                return i
        raise KeyError(code)


# --- reads -------------------------------------------------------------------------------------


def baux_visibles(user: Any) -> QuerySet[Bail]:
    return Bail.objects.filter(permissions.filtre_baux_visibles(user))


def baux(user: Any, periode: Periode, perimetre: Perimetre) -> QuerySet[Bail]:
    return (
        baux_visibles(user)
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


def lignes_attributions(
    qs: Iterable[Bail], *, seuils: SourceSeuils = _seuil_par_defaut
) -> tuple[list[LigneAttribution], dict[tuple[str, int], SeuilQ1]]:
    liste = list(qs)
    prioritaires = _prioritaires([b.pk for b in liste])
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
                q1 = ressources <= seuil.valeur
        reservataire_id, reservataire = _reservataire(b)
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
            )
        )
    return lignes, cache


def _compte(objectif: Objectif, lignes: Iterable[LigneAttribution]) -> tuple[Compte, int]:
    """Count with the engine's scope and target; lines whose Q1 status is unknown are set aside from the
    objectives that read it."""
    compte = Compte()
    non_evaluees = 0
    lit_q1 = "q1" in objectif.cible.drapeaux
    for ligne in lignes:
        if not objectif.portee.contient(en_qpv=ligne.en_qpv, reservataire=ligne.reservataire, note=None):
            continue
        if lit_q1 and ligne.q1 is None:
            non_evaluees += 1
            continue
        cible = objectif.cible.contient(q1=bool(ligne.q1), dalo=ligne.dalo, prioritaire=ligne.prioritaire)
        compte = compte.plus(cible=cible)
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
    for objectif in objectifs_cia(parametres, noms):
        if objectif.code.startswith(f"{PRIORITAIRES}:"):
            t = taux[PRIORITAIRES]
        elif objectif.code in taux:
            t = taux[objectif.code]
        else:
            continue  # the rating rule needs the residences' agreed ratings: not a CIA objective
        compte, non_evaluees = _compte(objectif, lignes)
        note = (
            f"{non_evaluees} attribution(s) non évaluée(s) (1er quartile inconnu), hors du calcul."
            if non_evaluees
            else ""
        )
        source = f"{t.article} ; taux {pourcentage(t.taux)} en vigueur depuis le {t.provenance.date_effet:%d/%m/%Y} [{t.provenance.fiabilite}]"
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


def _delais(lignes: list[LigneAttribution], cle: Callable[[LigneAttribution], str]) -> tuple[Repartition, ...]:
    groupes: dict[str, list[int]] = defaultdict(list)
    for ligne in lignes:
        groupes[cle(ligne)].append(ligne.delai_jours)
    return tuple(Repartition.de(g, groupes[g]) for g in sorted(groupes))


def _typologie(ligne: LigneAttribution) -> str:
    return f"T{ligne.typologie}" if ligne.typologie < 5 else "T5 et plus"


def offres(user: Any, periode: Periode, perimetre: Perimetre) -> QuerySet[Offre]:
    return Offre.objects.filter(
        permissions.filtre_offres_visibles(user),
        perimetre.filtre_offres(),
        repondue_le__gte=periode.debut,
        repondue_le__lte=periode.fin,
    ).exclude(statut=StatutOffre.EN_ATTENTE)


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


def tableau(user: Any, periode: Periode, perimetre: Perimetre, *, seuils: SourceSeuils = _seuil_par_defaut) -> Tableau:
    lignes, cache = lignes_attributions(baux(user, periode, perimetre), seuils=seuils)
    parametres = charger_regles(periode.fin).objectifs
    generaux, par_reservataire = indicateurs(lignes, parametres)
    q1_hors_qpv = next(i.objectif for i in generaux if i.code == Q1_HORS_QPV)
    assert q1_hors_qpv is not None
    officiels = []
    for epci, annee in sorted(cache):
        entree = seuil_officiel(epci_siren=epci, annee=annee)
        if entree is None or entree.valeur is None:
            manque = entree.manque if entree is not None and entree.manque else "absent de seuils_q1.yaml"
            officiels.append((epci, annee, f"non renseigné — {manque}"))
        else:
            officiels.append((epci, annee, f"{euros(entree.valeur)} ({entree.reference()})"))
    return Tableau(
        periode=periode,
        perimetre=perimetre,
        lignes=tuple(lignes),
        indicateurs=generaux,
        travailleurs_essentiels=Indicateur(
            code=TRAVAILLEURS_ESSENTIELS,
            libelle="Attributions aux travailleurs essentiels (loi 3DS, L441-1 CCH 35e alinéa)",
            objectif=None,
            compte=None,
            note=MANQUE_TRAVAILLEURS_ESSENTIELS,
            source="Objectif fixé par la CIA (aucun taux national).",
        ),
        delais_typologie=_delais(lignes, _typologie),
        delais_commune=_delais(lignes, lambda ligne: ligne.commune_nom),
        refus=refus(offres(user, periode, perimetre)),
        mensuel=_mensuel(periode, lignes, q1_hors_qpv),
        seuils=tuple(cache[k] for k in sorted(cache)),
        seuils_officiels=tuple(officiels),
        parametres=parametres,
        par_reservataire=par_reservataire,
    )


# --- filter choices ----------------------------------------------------------------------------


def choix_perimetre(user: Any) -> dict[str, list[tuple[Any, str]]]:
    """Communes, bailleurs and réservataires of the attributions the user may see (any period)."""
    visibles = baux_visibles(user)
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

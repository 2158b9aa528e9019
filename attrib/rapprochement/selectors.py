"""Reads of the rapprochement: the shortlist of a freed dwelling with its reasons, the planned sessions,
the dwellings of a batch and the runs visible to an actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attrib.commissions.enums import StatutSeance
from attrib.commissions.models import Bail, Examen, Offre, Seance
from attrib.commissions.selectors import offres_en_cours, phrase_offre_en_cours
from attrib.cotation.permissions import communes_du_territoire
from attrib.demandes.models import PrioriteLegale
from attrib.engine.rapprochement import CandidatPreselection, Logement, Preselection, ResultatRegle
from attrib.engine.rapprochement.texte import euros, pluriel
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere, Orientation
from attrib.labellisation.parametres import types_sensibles
from attrib.labellisation.selectors import LabelEnVigueur, labels_en_vigueur
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.organisations.permissions import peut_voir_situations_sensibles
from attrib.qualification.selectors import note_retenue
from attrib.rapprochement import moteur
from attrib.rapprochement.cotisantes import salaries_cotisants
from attrib.rapprochement.models import LotPropositions
from attrib.rapprochement.permissions import peut_voir, voit_lot
from attrib.territoires.models import EPCI

#: Largest number of eligible demands read when a filter narrows the shortlist.
LECTURE_FILTREE = 2000
PUBLICS = {
    "tous": "Toutes les demandes éligibles",
    "prioritaires": "DALO ou prioritaires",
    "q1": "Ménages du 1er quartile",
    "hors_q1": "Ménages hors 1er quartile",
}


def logement_libere_visible(acteur: Acteur, pk: int) -> LogementLibere:
    ll = (
        LogementLibere.objects.select_related("logement__residence__bailleur", "commune__epci", "bailleur")
        .prefetch_related("orientations__reservataire")
        .filter(pk=pk)
        .first()
    )
    if ll is None or not peut_voir(acteur, ll):
        raise Http404("Page introuvable.")
    return ll


def seances_prevues(bailleur_id: int, *, debut: date | None = None, fin: date | None = None) -> QuerySet[Seance]:
    """Planned sessions of the bailleur's commissions (from today, or in [debut, fin]), soonest first."""
    qs = Seance.objects.filter(commission__bailleur_id=bailleur_id, statut=StatutSeance.PREVUE)
    qs = qs.filter(date__gte=debut or timezone.localdate())
    if fin is not None:
        qs = qs.filter(date__lte=fin)
    return qs.select_related("commission").order_by("date", "pk")


def examens_du_logement(ll: LogementLibere) -> QuerySet[Examen]:
    """The candidates already on the agenda of a planned session for this dwelling."""
    return (
        Examen.objects.filter(logement=ll.logement, seance__statut=StatutSeance.PREVUE)
        .select_related("seance__commission", "demande")
        .order_by("seance__date", "rang_propose")
    )


# --- the shortlist, explained ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegleAffichee:
    libelle: str
    statut: str
    message: str
    bloquant: bool
    respectee: bool


def _regle(r: ResultatRegle) -> RegleAffichee:
    return RegleAffichee(
        libelle=r.libelle,
        statut=r.statut.libelle,
        message=r.message,
        bloquant=r.bloquant,
        respectee=r.statut.value == 1,
    )


@dataclass(frozen=True)
class CandidatAffiche:
    candidat: CandidatPreselection
    demande_pk: int
    q1: bool | None
    signaux: tuple[str, ...]
    effets: tuple[str, ...]
    regles: tuple[RegleAffichee, ...]
    offre_en_cours: str = ""  # « Offre en cours : logement …, acceptée le … » (one attribution at a time)

    @property
    def numero(self) -> str:
        return self.candidat.demande


@dataclass(frozen=True)
class DemandeEcartee:
    numero: str
    demande_pk: int
    rang_global: int
    score: float
    echecs: tuple[RegleAffichee, ...]


@dataclass
class PreselectionAffichee:
    ll: LogementLibere
    orientation: Orientation | None
    logement: Logement
    territoire: moteur.IndexTerritoire
    preselection: Preselection
    candidats: list[CandidatAffiche]
    ecartees: list[DemandeEcartee]
    residence: str
    objectifs_non_calcules: list[str] = field(default_factory=list)
    public: str = "tous"
    nombre: int = 10
    #: Demand id → the contributing companies employing its applicant or co-applicant (read only for the
    #: members of a réservataire holding such a list; empty for everyone else).
    cotisants: dict[int, list[str]] = field(default_factory=dict)
    filtre_cotisantes: bool = False

    @property
    def explication(self) -> tuple[str, ...]:
        return self.preselection.explication()


def _libelles_priorites(acteur: Acteur) -> tuple[dict[str, str], frozenset[str]]:
    priorites = {p.code: (p.libelle, p.sensible) for p in PrioriteLegale.objects.all()}
    # ``organisations.permissions`` reads a user (and, once converted, an actor through ``acteur_de``).
    voit = acteur.voit_tout or peut_voir_situations_sensibles(acteur)
    libelles = {
        code: ("priorité confidentielle" if sensible and not voit else libelle)
        for code, (libelle, sensible) in priorites.items()
    }
    return libelles, frozenset(c for c, (_, s) in priorites.items() if s)


def texte_residence(ll: LogementLibere) -> str:
    note = note_retenue(ll.logement.residence)
    if note is None:
        return "Résidence non notée (aucune campagne de qualification close ne l'a notée)."
    return f"Résidence notée {note[0]} (note retenue de la campagne {note[1].annee} de qualification du parc)."


def signal_q1(it: moteur.IndexTerritoire, ligne: int) -> tuple[bool | None, str]:
    """Whether the household is Q1, and the sentence that says it (or that the threshold is unknown)."""
    seuil = it.seuil
    if seuil.valeur is None:
        return None, "Seuil du premier quartile non renseigné : l'appartenance au 1er quartile n'est pas établie."
    table = it.index.table
    revenu = float(table.revenus_mensuels[ligne] * 12 / table.unites_consommation[ligne])
    q1 = bool(it.index.q1[ligne])
    qui = "Ménage du 1er quartile" if q1 else "Ménage hors 1er quartile"
    signe = "≤" if q1 else ">"
    origine = "officiel" if seuil.origine == "officiel" else "calculé par Attrib"
    return q1, (
        f"{qui} : {euros(round(revenu))} par an et par unité de consommation {signe} seuil {origine} "
        f"de {euros(round(seuil.valeur))}."
    )


def phrase_labels(labels: list[LabelEnVigueur], voit_sensible: bool) -> str:
    """« Labels de priorité en vigueur : … » (a sensitive kind named only to whoever may see it), or ""."""
    if not labels:
        return ""
    sensibles = types_sensibles()
    morceaux = []
    for lab in labels:
        nom = "situation confidentielle" if lab.code in sensibles and not voit_sensible else lab.libelle
        fin = f" (jusqu'au {lab.valide_jusqu_au:%d/%m/%Y})" if lab.valide_jusqu_au else ""
        morceaux.append(nom + fin)
    return f"Labels de priorité en vigueur : {' ; '.join(morceaux)}."


def _afficher(
    it: moteur.IndexTerritoire,
    c: CandidatPreselection,
    libelles: dict[str, str],
    residence: str,
    offre: Offre | None = None,
    labels: str = "",
) -> CandidatAffiche:
    ligne = it.lignes[c.demande]
    q1, phrase_q1 = signal_q1(it, ligne)
    en_cours = ""
    if offre is not None:
        en_cours = (
            f"{phrase_offre_en_cours(offre)} Un ménage n'a qu'une attribution à la fois : le désigner ici "
            "demande une décision motivée."
        )
    elif c.offre_en_cours:
        en_cours = "Offre de logement en cours : le désigner ici demande une décision motivée."
    signaux = [
        *([en_cours] if en_cours else []),
        f"Score de cotation {c.score:g} (rang {c.rang_global} sur {pluriel(it.nb_indexees, 'demande cotée', 'demandes cotées')} du territoire).",
    ]
    signaux.append(phrase_q1)
    signaux.append(f"Commune souhaitée n° {c.rang_commune}.")
    if c.dalo:
        signaux.append("Reconnu prioritaire DALO.")
    if c.priorites:
        noms = sorted({libelles.get(p, p) for p in c.priorites})
        signaux.append(f"Priorités L441-1 validées : {' ; '.join(noms)}.")
    if labels:
        signaux.append(labels)
    if not c.prioritaire:
        signaux.append("Ni DALO ni prioritaire L441-1 (priorité validée).")
    signaux.append(residence)
    signaux.append(f"Valeur pour les propositions par lot : {c.detail_valeur}.")
    return CandidatAffiche(
        candidat=c,
        demande_pk=it.demande_pk[c.demande],
        q1=q1,
        signaux=tuple(signaux),
        effets=tuple(e.phrase() for e in c.effets),
        regles=tuple(_regle(r) for r in c.eligibilite.regles),
        offre_en_cours=en_cours,
    )


def _garder(c: CandidatAffiche, public: str) -> bool:
    if public == "prioritaires":
        return c.candidat.prioritaire
    if public == "q1":
        return c.q1 is True
    if public == "hors_q1":
        return c.q1 is False
    return True


def preselection_logement(
    ll: LogementLibere,
    *,
    acteur: Acteur,
    nombre: int = 10,
    public: str = "tous",
    nb_ecartees: int = 10,
    cotisantes_de: list[int] | None = None,
    seulement_cotisantes: bool = False,
) -> PreselectionAffichee:
    """The shortlist of the freed dwelling: the ``nombre`` first eligible demands of ``public`` wishing its
    commune and typology, ranked by score then tie-break, each explained; the first ineligible ones with the
    rule that excludes them. :class:`moteur.LogementNonEvaluable` when the dwelling cannot be evaluated.
    ``cotisantes_de``: the réservataires whose contributing companies the reader sees (its own): each household
    employed by one is flagged, and ``seulement_cotisantes`` keeps only them."""
    epci = ll.commune.epci
    if epci is None:
        raise moteur.LogementNonEvaluable(
            f"La commune {ll.commune.nom} n'appartient à aucun EPCI : aucun fichier de demandes ne la couvre."
        )
    jour = timezone.localdate()
    it = moteur.index_territoire(epci, jour=jour)
    orientation = ll.orientation
    lg = moteur.logement_moteur(ll, orientation)
    objectifs = moteur.objectifs(jour, [lg.reservataire], it.seuil)
    attributions = moteur.attributions_de_l_annee(epci, jour.year, it.seuil)
    etat = moteur.etat_objectifs(objectifs, attributions)
    public = public if public in PUBLICS else "tous"
    seulement_cotisantes = seulement_cotisantes and bool(cotisantes_de)
    filtre = public != "tous" or seulement_cotisantes
    lecture = max(nombre, LECTURE_FILTREE) if filtre else nombre
    pre = it.index.preselection(lg, nombre=lecture, objectifs=objectifs, etat=etat)
    libelles, _ = _libelles_priorites(acteur)
    residence = texte_residence(ll)
    tenues = offres_en_cours(
        [it.demande_pk[c.demande] for c in pre.candidats if c.offre_en_cours], sauf_logement=ll.logement_id
    )
    en_vigueur = labels_en_vigueur([it.demande_pk[c.demande] for c in pre.candidats], jour)
    voit = acteur.voit_tout or peut_voir_situations_sensibles(acteur)
    affiches = [
        _afficher(
            it,
            c,
            libelles,
            residence,
            tenues.get(it.demande_pk[c.demande]),
            phrase_labels(en_vigueur.get(it.demande_pk[c.demande], []), voit),
        )
        for c in pre.candidats
    ]
    cotisants = salaries_cotisants(cotisantes_de, [c.demande_pk for c in affiches], jour) if cotisantes_de else {}
    candidats = [c for c in affiches if _garder(c, public) and (not seulement_cotisantes or c.demande_pk in cotisants)][
        :nombre
    ]
    ev, _ = it.index.evaluer(lg)
    ecartees = []
    for pos in np.flatnonzero(~ev.eligible)[:nb_ecartees].tolist():
        detail = ev.detail(int(pos))
        ligne = int(ev.lignes[pos])
        numero = str(it.index.demandes[ligne])
        ecartees.append(
            DemandeEcartee(
                numero=numero,
                demande_pk=it.demande_pk[numero],
                rang_global=int(it.index.rang_global[ligne]),
                score=float(it.index.score[ligne]),
                echecs=tuple(_regle(r) for r in detail.regles if r.bloquant),
            )
        )
    non_calcules = [] if it.seuil.connu else [o.libelle for o in moteur.objectifs_sans_seuil(jour, [lg.reservataire])]
    return PreselectionAffichee(
        ll=ll,
        orientation=orientation,
        logement=lg,
        territoire=it,
        preselection=pre,
        candidats=candidats,
        ecartees=ecartees,
        residence=residence,
        objectifs_non_calcules=non_calcules,
        public=public,
        nombre=nombre,
        cotisants={c.demande_pk: cotisants[c.demande_pk] for c in candidats if c.demande_pk in cotisants},
        filtre_cotisantes=seulement_cotisantes,
    )


# --- batch proposals ---------------------------------------------------------------------------------------------


def epcis_possibles(organisation: Organisation) -> QuerySet[EPCI]:
    """Territories where the organisation has freed dwellings to propose for (its perimeter's EPCIs)."""
    if organisation.type == TypeOrganisation.EPCI:
        return EPCI.objects.filter(communes__in=communes_du_territoire(organisation)).distinct().order_by("nom")
    codes = set(organisation.perimetre.values_list("epci_id", flat=True))
    codes |= set(
        LogementLibere.objects.filter(Q(bailleur=organisation) | Q(orientations__reservataire=organisation))
        .values_list("commune__epci_id", flat=True)
        .distinct()
    )
    return EPCI.objects.filter(pk__in=[c for c in codes if c]).order_by("nom")


def logements_du_lot(
    organisation: Organisation, epci: EPCI, debut: date, fin: date
) -> list[tuple[LogementLibere, Seance]]:
    """Freed dwellings of the territory, oriented and not yet attributed nor on a planned agenda, in the
    organisation's perimeter (its own, those oriented to it, or the whole territory for the EPCI), whose
    bailleur holds a planned session in [debut, fin]; each with the first such session."""
    attente = Orientation.objects.filter(
        logement_libere=OuterRef("pk"),
        actuelle=True,
        statut__in=[StatutOrientation.A_PROPOSER, StatutOrientation.ECHUE],
    )
    inscrit = Examen.objects.filter(logement=OuterRef("logement"), seance__statut=StatutSeance.PREVUE)
    bail = Bail.objects.filter(logement=OuterRef("logement"), date_fin__isnull=True)
    qs = (
        LogementLibere.objects.filter(motif_exclusion="", commune__epci=epci)
        .filter(Exists(attente))
        .exclude(Exists(inscrit))
        .exclude(Exists(bail))
        .select_related("logement__residence__bailleur", "commune__epci", "bailleur")
        .prefetch_related("orientations__reservataire")
        .order_by("date_liberation", "pk")
    )
    if organisation.type == TypeOrganisation.BAILLEUR:
        qs = qs.filter(bailleur=organisation)
    elif organisation.type != TypeOrganisation.EPCI:
        qs = qs.filter(orientations__actuelle=True, orientations__reservataire=organisation)
    seances: dict[int, Seance | None] = {}
    resultat = []
    for ll in qs:
        if ll.bailleur_id not in seances:
            seances[ll.bailleur_id] = seances_prevues(ll.bailleur_id, debut=debut, fin=fin).first()
        seance = seances[ll.bailleur_id]
        if seance is not None:
            resultat.append((ll, seance))
    return resultat


def lots_visibles(acteur: Acteur) -> QuerySet[LotPropositions]:
    return LotPropositions.objects.visible_to(acteur).select_related("organisation", "epci", "lance_par")


def lot_visible(acteur: Acteur, pk: int) -> LotPropositions:
    lot = LotPropositions.objects.select_related("organisation", "epci", "lance_par").filter(pk=pk).first()
    if lot is None or not voit_lot(acteur, lot.organisation_id):
        raise Http404("Page introuvable.")
    return lot

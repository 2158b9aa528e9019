"""Demonstration data of the gestion en flux: the agreements of the demo bailleurs and one simulated past
year of freed dwellings, each oriented by the engine through the real services.

Agreements (per bailleur, from 1 January of ``annee``, without end): the State 25 % of the flux (20 %
publics prioritaires + 5 % State agents), Action Logement, the commune on its own territory and the EPCI
on its communes. The shares other than the State's and the proposal behaviour are **hypotheses of the
demonstration** (``HYPOTHESES``), not observed values; every decision written says it is fictitious.

Freed dwellings: for each bailleur, its stock managed in flux × the RPLS mobility rate of its territory
(``data/referentiels/rpls2019_indicateurs_territoires.csv``) dwellings drawn from its real stock, freed
on days drawn over the year; a few leave the assiette (internal mutations, urban-renewal rehousing in
QPV). The réservataires propose candidates in time or let the deadline pass; the bailleur overrides a
few proposals. Events are replayed in date order, so the engine sees them as it would have that year.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.demo.commun import MENTION, candidats_proposer, jour_de_proposition
from attrib.flux.enums import CategorieConvention, NatureLiberation, StatutOrientation
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.flux.moteur import taux_mobilite_bailleur
from attrib.flux.services import (
    convention_enregistrer,
    logement_declarer_libere,
    orientation_constater_echeance,
    orientation_forcer,
)
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import CategorieReservataire, Organisation, TypeOrganisation
from attrib.patrimoine.models import Logement
from attrib.territoires.models import Commune

#: Who writes the demonstration's flux: the product itself, for the demonstration.
DEMONSTRATION = acteur_systeme("démonstration : flux simulé")


@dataclass(frozen=True)
class Hypotheses:
    """[hypothèse] Values of the demonstration, not of the law nor observed (the State's 25 % including 5 %
    for its agents is the scenario of the issue, within the legal ceilings of ``flux.yaml``)."""

    part_etat: Decimal = Decimal("20")
    part_etat_agents: Decimal = Decimal("5")
    part_action_logement: Decimal = Decimal("20")
    part_commune: Decimal = Decimal("10")
    part_epci: Decimal = Decimal("5")
    delai_commune_jours: int = 15
    #: Action Logement's agreement: a lapsed proposal is not counted (the dwelling stays owed).
    echec_compte_action_logement: bool = False
    part_mutations_internes: float = 0.08
    part_relogements_qpv: float = 0.05
    part_propositions_a_temps: float = 0.85
    part_derogations: float = 0.02


HYPOTHESES = Hypotheses()


@dataclass
class ResumeFluxDemo:
    annee: int
    conventions: int = 0
    logements_liberes: int = 0
    exclus: int = 0
    orientations: int = 0
    derogations: int = 0
    echues: int = 0
    candidats_proposes: int = 0
    par_bailleur: dict[str, int] = field(default_factory=dict)
    deja_present: bool = False

    def texte(self) -> str:
        if self.deja_present:
            return f"Flux {self.annee} de démonstration déjà présent ({self.logements_liberes} logements libérés) : inchangé."
        return (
            f"Flux {self.annee} de démonstration : {self.conventions} conventions, {self.logements_liberes} logements "
            f"libérés ({self.exclus} hors assiette), {self.orientations} orientés, {self.derogations} dérogations, "
            f"{self.candidats_proposes} propositions de candidats, {self.echues} délais dépassés."
        )


def _verifier(org: Organisation, categorie: str, nom: str) -> None:
    if org.categorie_reservataire != categorie:
        raise ValidationError(
            {nom: [f"« {org} » n'est pas un réservataire de catégorie « {CategorieReservataire(categorie).label} »."]}
        )


def _territoire_commune(ville: Organisation) -> list[str]:
    codes = set(ville.perimetre.values_list("code_insee", flat=True))
    if ville.commune_id:
        codes.add(ville.commune_id)
    return sorted(codes)


def _territoire_epci(epci: Organisation) -> list[str]:
    codes = set(epci.perimetre.values_list("code_insee", flat=True))
    if epci.epci_id:
        codes |= set(Commune.objects.filter(epci_id=epci.epci_id).values_list("code_insee", flat=True))
    siege = Commune.objects.filter(pk=epci.commune_id).values_list("epci_id", flat=True).first()
    if siege:
        codes |= set(Commune.objects.filter(epci_id=siege).values_list("code_insee", flat=True))
    return sorted(codes)


def _conventions(
    bailleur: Organisation,
    *,
    etat: Organisation,
    action_logement: Organisation,
    ville: Organisation,
    epci: Organisation,
    debut: date,
    h: Hypotheses,
) -> int:
    if ConventionReservation.objects.filter(bailleur=bailleur).exists():
        return 0
    lignes: list[dict[str, Any]] = [
        {"reservataire": etat, "categorie": CategorieConvention.ETAT, "part": h.part_etat},
        {"reservataire": etat, "categorie": CategorieConvention.ETAT_AGENTS, "part": h.part_etat_agents},
        {
            "reservataire": action_logement,
            "categorie": CategorieConvention.ACTION_LOGEMENT,
            "part": h.part_action_logement,
            "echec_compte": h.echec_compte_action_logement,
        },
        {
            "reservataire": ville,
            "categorie": CategorieConvention.COMMUNE,
            "part": h.part_commune,
            "communes": _territoire_commune(ville),
            "mixite": ["qpv"],
            "delai_proposition_jours": h.delai_commune_jours,
        },
        {
            "reservataire": epci,
            "categorie": CategorieConvention.EPCI,
            "part": h.part_epci,
            "communes": _territoire_epci(epci),
        },
    ]
    for ligne in lignes:
        convention_enregistrer(bailleur=bailleur, debut=debut, auteur=DEMONSTRATION, **ligne)
    return len(lignes)


@transaction.atomic
def flux_demo_creer(
    *,
    bailleurs: Sequence[Organisation],
    etat: Organisation,
    action_logement: Organisation,
    ville: Organisation,
    epci: Organisation,
    annee: int,
    graine: int,
) -> ResumeFluxDemo:
    """Create the agreements of ``bailleurs`` and simulate the flux of ``annee`` (a past year), drawn with
    ``random.Random(graine)``. If freed dwellings of these bailleurs already exist for ``annee``, nothing is
    written (a second call returns the summary of what is there)."""
    for b in bailleurs:
        if b.type != TypeOrganisation.BAILLEUR:
            raise ValidationError({"bailleurs": [f"« {b} » n'est pas un bailleur."]})
    _verifier(etat, CategorieReservataire.ETAT, "etat")
    _verifier(action_logement, CategorieReservataire.ACTION_LOGEMENT, "action_logement")
    _verifier(ville, CategorieReservataire.COMMUNE, "ville")
    _verifier(epci, CategorieReservataire.EPCI, "epci")
    if annee >= timezone.localdate().year:
        raise ValidationError({"annee": [f"L'année simulée ({annee}) doit être passée."]})
    resume = ResumeFluxDemo(annee=annee)
    existants = LogementLibere.objects.filter(bailleur__in=bailleurs, date_liberation__year=annee)
    if existants.exists():
        resume.deja_present = True
        resume.logements_liberes = existants.count()
        return resume
    h = HYPOTHESES
    rng = random.Random(graine)
    debut, fin = date(annee, 1, 1), date(annee, 12, 31)
    jours = (fin - debut).days + 1
    # Events of the year, replayed in date order: (day, order, kind, payload).
    evenements: list[tuple[date, int, str, Any]] = []
    ordre = 0
    for b in sorted(bailleurs, key=lambda o: o.pk):
        resume.conventions += _conventions(
            b, etat=etat, action_logement=action_logement, ville=ville, epci=epci, debut=debut, h=h
        )
        parc = list(Logement.objects.filter(residence__bailleur=b).select_related("residence").order_by("pk"))
        nombre = round(len(parc) * float(taux_mobilite_bailleur(b).valeur))
        resume.par_bailleur[b.nom] = nombre
        for logement in rng.sample(parc, min(nombre, len(parc))):
            jour = debut + timedelta(days=rng.randrange(jours))
            ordre += 1
            evenements.append((jour, ordre, "liberation", logement))
    heapq.heapify(evenements)
    while evenements:
        jour, _, nature, charge = heapq.heappop(evenements)
        if nature == "liberation":
            ordre = _liberer(charge, jour, rng, h, resume, evenements, ordre, fin)
            continue
        orientation = Orientation.objects.get(pk=charge)
        if not (orientation.actuelle and orientation.statut == StatutOrientation.A_PROPOSER):
            continue
        if nature == "proposition":
            candidats_proposer(orientation, nombre=rng.randint(1, 3), jour=jour, auteur=DEMONSTRATION)
            resume.candidats_proposes += 1
        else:
            orientation_constater_echeance(orientation=orientation, auteur=DEMONSTRATION, aujourd_hui=jour)
            resume.echues += 1
    for b in bailleurs:
        evenement_enregistrer(
            objet=b,
            action="flux_demo",
            resume=f"{MENTION} : flux {annee} simulé (graine {graine}).",
            organisation=b,
            details={"annee": annee, "graine": graine, "logements": resume.par_bailleur.get(b.nom, 0)},
        )
    return resume


def _liberer(
    logement: Logement,
    jour: date,
    rng: random.Random,
    h: Hypotheses,
    resume: ResumeFluxDemo,
    evenements: list[tuple[date, int, str, Any]],
    ordre: int,
    fin: date,
) -> int:
    motif, detail = "", ""
    tirage = rng.random()
    if not logement.reserve_stock and tirage < h.part_mutations_internes:
        motif, detail = "mutation_interne", f"{MENTION} : mutation interne d'un locataire du bailleur."
    elif (
        not logement.reserve_stock
        and logement.residence.en_qpv
        and tirage < h.part_mutations_internes + h.part_relogements_qpv
    ):
        motif, detail = (
            "relogement_renouvellement_urbain",
            f"{MENTION} : relogement d'un ménage d'une opération de renouvellement urbain.",
        )
    if LogementLibere.objects.filter(logement=logement, date_liberation=jour).exists():
        return ordre
    ll = logement_declarer_libere(
        logement=logement,
        date_liberation=jour,
        nature=NatureLiberation.RELOCATION,
        motif_exclusion=motif,
        motif_exclusion_detail=detail,
        auteur=DEMONSTRATION,
        aujourd_hui=jour,
    )
    resume.logements_liberes += 1
    orientation = ll.orientation
    if orientation is None:
        resume.exclus += 1
        return ordre
    resume.orientations += 1
    if rng.random() < h.part_derogations:
        autres = [
            c
            for c in ConventionReservation.objects.filter(bailleur_id=ll.bailleur_id).select_related("reservataire")
            if c.cle != orientation.reservataire_cle and c.en_vigueur_le(jour)
        ]
        applicables = [c for c in autres if not c.territoire.exists() or c.territoire.filter(pk=ll.commune_id).exists()]
        if applicables:
            cible = rng.choice(applicables)
            orientation = orientation_forcer(
                orientation=orientation,
                reservataire=cible,
                motif=f"{MENTION} : logement adapté à un ménage suivi par {cible.reservataire}.",
                auteur=DEMONSTRATION,
                aujourd_hui=jour,
            )
            resume.derogations += 1
    limite = orientation.date_limite_proposition
    if limite is None:
        return ordre
    ordre += 1
    if rng.random() < h.part_propositions_a_temps:
        heapq.heappush(evenements, (jour_de_proposition(jour, limite, rng), ordre, "proposition", orientation.pk))
    else:
        heapq.heappush(evenements, (limite + timedelta(days=1), ordre, "echeance", orientation.pk))
    return ordre

"""Long work of the cotation, run by the worker (``attrib.taches``): publishing grid versions and re-scoring
an EPCI's demands (each run keeps its detailed report, ``TacheCotation``, linked from the job), and the
simulation report of a version for the CIL (a PDF, downloaded from the job's page). The views launch them and
redirect to the job's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from attrib.cotation import rapport, services, simulation
from attrib.cotation.enums import StatutTache
from attrib.cotation.models import TacheCotation, VersionGrille
from attrib.journal.contexte import contexte_journal
from attrib.organisations.models import Organisation
from attrib.taches.execution import Contexte, EchecTravail, Resultat, executer, travail_lancer
from attrib.taches.models import Travail

RIEN_ENREGISTRE = "Rien n'a été enregistré."
RIEN_MODIFIE = "Aucune cotation n'a été modifiée et aucune grille n'a été publiée."
ETAPES = TacheCotation.ETAPES


def _resultat(tache: TacheCotation) -> Resultat:
    if tache.statut == StatutTache.ECHEC:
        raise EchecTravail(tache.message, conserve=RIEN_MODIFIE)
    n = len(tache.ecartees)
    s = "s" if n > 1 else ""
    detail = f" ({n} demande{s} non cotée{s})" if n else ""
    return Resultat(
        resume=tache.message,
        lien_vue="cotation:tache",
        lien_args=[tache.pk],
        lien_libelle=f"Voir le détail du calcul{detail}",
    )


def _refus(exc: ValidationError) -> EchecTravail:
    return EchecTravail(f"Calcul impossible : {' '.join(exc.messages)}", conserve=RIEN_MODIFIE)


def tache_interrompue_clore(*, travail_id: int, message: str, **_signal: object) -> int:
    """The worker running the job ``travail_id`` died: its run's report, still « en cours », is closed as failed
    with ``message`` (its write transaction died with it: no cotation was changed). Called by the system
    (signal ``attrib.taches.interruptions.travail_interrompu``), never by a user. Returns how many."""
    return TacheCotation.objects.filter(travail_id=travail_id, statut=StatutTache.EN_COURS).update(
        statut=StatutTache.ECHEC, message=message, terminee_le=timezone.now()
    )


# --- publication --------------------------------------------------------------------------------------------


def _coter(contexte: Contexte, calcul: Callable[[], TacheCotation]) -> Resultat:
    """Run a publication or a re-scoring in the job, journalled under the job's name; a refused run says why."""
    with contexte_journal(
        origine=f"travail {contexte.travail.pk} : {contexte.travail.libelle}", auteur=contexte.acteur
    ):
        try:
            tache = calcul()
        except ValidationError as exc:
            raise _refus(exc) from None
    return _resultat(tache)


def _publier(contexte: Contexte, versions: list[int]) -> Resultat:
    a_publier = list(VersionGrille.objects.filter(pk__in=versions).select_related("grille__organisation"))
    if len(a_publier) != len(versions):
        raise EchecTravail("Une version à publier a été supprimée entre-temps.", conserve=RIEN_MODIFIE)
    return _coter(
        contexte,
        lambda: services.versions_publier(
            versions=a_publier,
            auteur=contexte.acteur,
            progression=contexte.progression,
            travail_id=contexte.travail.pk,
        ),
    )


@task()
def publier_versions(*, travail_id: int, versions: list[int]) -> str:
    return executer(travail_id, lambda contexte: _publier(contexte, versions))


def publication_lancer(*, version: VersionGrille, user: Any) -> Travail:
    """Launch the publication of ``version`` and the re-scoring of its EPCI's demands."""
    return travail_lancer(
        lance_par_id=user.pk,
        nature="cotation.publication",
        libelle=(
            f"Publication de la version {version.numero} de la {version.grille.get_type_display().lower()} "
            f"— {version.grille.organisation}"
        ),
        tache=publier_versions,
        etapes=ETAPES,
        unite="demandes",
        conserve=RIEN_MODIFIE,
        arguments={"versions": [version.pk]},
    )


# --- re-scoring ---------------------------------------------------------------------------------------------


def _recalculer(contexte: Contexte, organisation_id: int) -> Resultat:
    organisation = Organisation.objects.get(pk=organisation_id)
    return _coter(
        contexte,
        lambda: services.cotations_recalculer(
            organisation=organisation,
            auteur=contexte.acteur,
            progression=contexte.progression,
            travail_id=contexte.travail.pk,
        ),
    )


@task()
def recalculer_cotations(*, travail_id: int, organisation_id: int) -> str:
    return executer(travail_id, lambda contexte: _recalculer(contexte, organisation_id))


def recotation_lancer(*, organisation: Organisation, user: Any) -> Travail:
    """Launch the re-scoring of the EPCI's active demands with its published grids."""
    return travail_lancer(
        lance_par_id=user.pk,
        nature="cotation.recotation",
        libelle=f"Nouveau calcul des cotations — {organisation}",
        tache=recalculer_cotations,
        etapes=ETAPES,
        unite="demandes",
        conserve="Aucune cotation n'a été modifiée.",
        arguments={"organisation_id": organisation.pk},
    )


# --- simulation report --------------------------------------------------------------------------------------


def _version_simulee(version_id: int) -> VersionGrille:
    version = VersionGrille.objects.select_related("grille__organisation").filter(pk=version_id).first()
    if version is None:
        raise EchecTravail("La version simulée a été supprimée entre-temps.", conserve=RIEN_ENREGISTRE)
    return version


def _simulation_ecran(contexte: Contexte, version_id: int, top_n: int) -> Resultat:
    """The simulation shown on screen: computed by the worker, its content rendered once (the figures of the
    day it ran: a later simulation is a new job) and shown on the job's page."""
    version = _version_simulee(version_id)
    contexte.progression(1, "Calcul des scores avec les deux grilles", 0, 0)
    s = simulation.simuler(version, jour=timezone.localdate(), top_n=top_n)
    contexte.progression(2, "Mise en forme des résultats", 0, 0)
    contenu = render_to_string("cotation/_simulation_contenu.html", {"s": s, "version": version, "liens": True})
    return Resultat(
        resume=(
            f"Simulation de la version {version.numero} ({version.grille.get_type_display().lower()}) sur "
            f"{s.effectif} demande{'s' if s.effectif > 1 else ''}, {s.top_n} premières par typologie. "
            "Rien n'a été enregistré."
        ),
        details={"contenu": contenu, "version": version.pk, "top_n": s.top_n},
        gabarit="cotation/_simulation_travail.html",
        lien_vue="cotation:simulation",
        lien_args=[version.pk],
        lien_libelle="Refaire la simulation",
    )


@task()
def simulation_ecran(*, travail_id: int, version_id: int, top_n: int) -> str:
    return executer(travail_id, lambda contexte: _simulation_ecran(contexte, version_id, top_n))


def simulation_lancer(*, version: VersionGrille, top_n: int, user: Any) -> Travail:
    """Launch the on-screen simulation of ``version`` (its ``top_n`` first demands per typology)."""
    return travail_lancer(
        lance_par_id=user.pk,
        nature="cotation.simulation",
        libelle=(
            f"Simulation de la version {version.numero} de la {version.grille.get_type_display().lower()} "
            f"— {version.grille.organisation}"
        ),
        tache=simulation_ecran,
        etapes=2,
        conserve=RIEN_ENREGISTRE,
        arguments={"version_id": version.pk, "top_n": top_n},
    )


def _simulation_pdf(contexte: Contexte, version_id: int, top_n: int) -> Resultat:
    version = _version_simulee(version_id)
    contexte.progression(1, "Calcul des scores avec les deux grilles", 0, 0)
    s = simulation.simuler(version, jour=timezone.localdate(), top_n=top_n)
    contexte.progression(2, "Mise en page du rapport", 0, 0)
    return Resultat(
        resume=(
            f"Rapport de simulation de la version {version.numero} ({version.grille.get_type_display().lower()}) "
            f"sur {s.effectif} demande{'s' if s.effectif > 1 else ''} : prêt à télécharger. Rien n'a été enregistré."
        ),
        fichier=rapport.simulation_pdf(s),
        nom_fichier=f"simulation-{version.grille.type}-v{version.numero}.pdf",
        type_fichier="application/pdf",
        lien_vue="cotation:simulation",
        lien_args=[version.pk],
        lien_libelle="Simuler à l'écran",
    )


@task()
def rapport_simulation(*, travail_id: int, version_id: int, top_n: int) -> str:
    return executer(travail_id, lambda contexte: _simulation_pdf(contexte, version_id, top_n))


def simulation_pdf_lancer(*, version: VersionGrille, top_n: int, user: Any) -> Travail:
    """Launch the simulation report (PDF) of ``version`` for the CIL."""
    return travail_lancer(
        lance_par_id=user.pk,
        nature="cotation.simulation_pdf",
        libelle=(
            f"Rapport de simulation de la version {version.numero} de la "
            f"{version.grille.get_type_display().lower()} — {version.grille.organisation}"
        ),
        tache=rapport_simulation,
        etapes=2,
        conserve="Aucun fichier n'a été produit ; rien n'a été enregistré.",
        arguments={"version_id": version.pk, "top_n": top_n},
    )

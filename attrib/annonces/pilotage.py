"""What the pilotage reads of location voulue (issue 14, point 6): which leases and which offers came through an
advert, and the life of the adverts of a period and a scope. Reads only; the pilotage
(``attrib.pilotage.selectors.location_voulue``) sets them beside the attributions of the classic route.

* **An attribution through location voulue**: a signed lease whose advert published its outcome (the advert
  ``ATTRIBUEE`` carries the lease, ``Annonce.bail``). Every other lease is the classic route.
* **An offer through location voulue**: an offer made to a household for the dwelling of an advert where its
  application was presented to the committee (``Candidature.presentee``), after the advert's closing — the offers
  the suspension after refusals counts (``attrib.annonces.selectors.refus_comptes``). Every other offer is the
  classic route.
* **The adverts of a period**: published, closed (ranking established), attributed (outcome published), closed
  without outcome, withdrawn, each counted on the day it happened; applications per advert over the adverts
  closed in the period (their final count: applications received, not withdrawn).

The scope of the adverts follows the rule of the attributions (``attrib.commissions.models``): an EPCI, a commune
or the State sees its territory's communes, a bailleur its own adverts, a réservataire those of its flux.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature
from attrib.commissions.models import Offre, voit_le_territoire, voit_son_contingent
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation


def baux_par_annonce(bail_ids: Iterable[int]) -> set[int]:
    """The leases of ``bail_ids`` made through location voulue (their advert is attributed)."""
    ids = list(bail_ids)
    trouves: set[int] = set()
    for i in range(0, len(ids), 1000):
        trouves |= {
            pk
            for pk in Annonce.objects.filter(statut=StatutAnnonce.ATTRIBUEE, bail_id__in=ids[i : i + 1000])
            .values_list("bail_id", flat=True)
            .order_by()
            if pk is not None
        }
    return trouves


def _par_annonce() -> Exists:
    return Exists(
        Candidature.objects.filter(
            presentee=True,
            demande_id=OuterRef("demande_id"),
            annonce__logement_id=OuterRef("logement_id"),
            annonce__close_le__date__lte=OuterRef("envoyee_le"),
        )
    )


def offres_par_annonce(offres: QuerySet[Offre]) -> QuerySet[Offre]:
    """The offers of ``offres`` made through location voulue (to an applicant presented for the dwelling)."""
    return offres.filter(_par_annonce())


def offres_classiques(offres: QuerySet[Offre]) -> QuerySet[Offre]:
    """The offers of ``offres`` made through the classic route."""
    return offres.exclude(_par_annonce())


def _communes(organisation: Organisation) -> set[str]:
    """The communes of a territory's organisation: its perimeter, its EPCI's communes, its own commune."""
    codes = set(organisation.perimetre.values_list("code_insee", flat=True))
    if organisation.type == TypeOrganisation.EPCI and organisation.epci_id:
        codes |= set(organisation.epci.communes.values_list("code_insee", flat=True))  # type: ignore[union-attr]
    if organisation.type == TypeOrganisation.COMMUNE and organisation.commune_id:
        codes.add(organisation.commune_id)
    return codes


def annonces_du_perimetre(acteur: Acteur) -> QuerySet[Annonce]:
    """The adverts in the actor's pilotage perimeter (see the module's docstring); all of them for the system and
    superusers, none for anybody else."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return Annonce.objects.all()
    filtre = Q(pk__in=[])
    for a in acteur.appartenances:
        if voit_le_territoire(a):
            filtre |= Q(commune_id__in=sorted(_communes(a.organisation)))
        if a.type == TypeOrganisation.BAILLEUR:
            filtre |= Q(bailleur_id=a.organisation_id)
        if voit_son_contingent(a):
            filtre |= Q(reservataire_id=a.organisation_id)
    return Annonce.objects.filter(filtre)


def filtre_perimetre(*, commune: str | None = None, bailleur: int | None = None, reservataire: int | None = None) -> Q:
    """The scope chosen on the dashboard: a commune, a bailleur, a réservataire (a bailleur chosen as réservataire:
    its own share, the adverts of dwellings oriented to no réservataire)."""
    q = Q()
    if commune:
        q &= Q(commune_id=commune)
    if bailleur:
        q &= Q(bailleur_id=bailleur)
    if reservataire:
        q &= Q(reservataire_id=reservataire) | (Q(reservataire__isnull=True) & Q(bailleur_id=reservataire))
    return q


@dataclass(frozen=True)
class BilanAnnonces:
    """The life of the adverts of a period and a scope, each counted on the day it happened."""

    publiees: int
    closes: int
    attribuees: int
    sans_suite: int
    retirees: int
    #: Applications received (not withdrawn) by the adverts closed in the period.
    candidatures: int

    @property
    def candidatures_par_annonce(self) -> Fraction | None:
        """Applications received per advert closed in the period (``None``: no advert closed)."""
        if self.closes == 0:
            return None
        return Fraction(self.candidatures, self.closes)

    @property
    def candidatures_par_annonce_texte(self) -> str:
        moyenne = self.candidatures_par_annonce
        if moyenne is None:
            return "aucune annonce close"
        return f"{float(moyenne):.1f}".replace(".", ",")


def bilan_annonces(annonces: QuerySet[Annonce], *, debut: date, fin: date) -> BilanAnnonces:
    """The counts of :class:`BilanAnnonces` over ``annonces`` (already cut to the actor and the scope), for the
    period from ``debut`` to ``fin`` (whole days, local time)."""

    def dans(champ: str) -> Q:
        return Q(**{f"{champ}__date__gte": debut, f"{champ}__date__lte": fin})

    compte = annonces.aggregate(
        publiees=Count("pk", filter=dans("publiee_le")),
        closes=Count("pk", filter=dans("close_le")),
        attribuees=Count("pk", filter=Q(statut=StatutAnnonce.ATTRIBUEE) & dans("resultat_publie_le")),
        sans_suite=Count("pk", filter=Q(statut=StatutAnnonce.SANS_SUITE) & dans("close_le")),
        retirees=Count("pk", filter=Q(statut=StatutAnnonce.RETIREE) & dans("retiree_le")),
    )
    closes = annonces.filter(dans("close_le")).order_by()
    candidatures = (
        Candidature.objects.filter(annonce__in=closes.values("pk"))
        .exclude(statut=StatutCandidature.RETIREE)
        .order_by()
        .count()
    )
    return BilanAnnonces(
        publiees=compte["publiees"],
        closes=compte["closes"],
        attribuees=compte["attribuees"],
        sans_suite=compte["sans_suite"],
        retirees=compte["retirees"],
        candidatures=candidatures,
    )


__all__ = [
    "BilanAnnonces",
    "annonces_du_perimetre",
    "baux_par_annonce",
    "bilan_annonces",
    "filtre_perimetre",
    "offres_classiques",
    "offres_par_annonce",
]

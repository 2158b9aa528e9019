"""Who may do and see what in the partner committee (decision 0035).

- **See a committee** (its members, sessions, agenda, cases in their redacted form): the members of its member
  organisations, any role. Anybody else gets 404.
- **Create a committee**: the managers of the territory's EPCI. **Manage it** (members, sessions, presences,
  agenda, minutes): the managers of the organisation sitting as its chair (``QualiteMembre.PRESIDENT``).
- **Bring a case** (saisine): a manager of a member organisation whose qualité brings cases (``QUALITES_SAISINE``:
  the social services, the SIAO, the EPCI, the bailleurs, the réservataires, the State), for a demand it sees.
- **Attach a social assessment**: a manager of a member social service or SIAO.
- **Give an opinion**: a manager of any member organisation, in an open session where the case is on the agenda.
- **Record a decision**: the chair's managers; a label decision also by a manager of any member organisation,
  the labellisation checking that it holds the validation right for that label.
- **Close a case**: the chair's managers and those of the organisation that brought it.
- **Personal content of a case** (household composition, resources, situation, documents, social assessment):
  only while the household's consent to share with the committee's partners (``PARTAGE_PARTENAIRES``) is in force,
  and only the parts the member's qualité needs (``enums.RUBRIQUES_PAR_QUALITE``); otherwise the redacted view.

The system and superusers do and see everything (``acteur.voit_tout``).
"""

from __future__ import annotations

from datetime import date

from attrib.demandes.models import Demande
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import TypeOrganisation
from attrib.partenariat.consentement import partage_consenti
from attrib.partenariat.enums import (
    QUALITES_EVALUATION,
    QUALITES_SAISINE,
    RUBRIQUES_PAR_QUALITE,
    NatureDecision,
    QualiteMembre,
    Rubrique,
)
from attrib.partenariat.models import CommissionPartenariale, Dossier, MembreCommissionPartenariale
from attrib.territoires.models import EPCI

REFUS_CREER = "Seuls les gestionnaires de l'EPCI créent la commission partenariale de son territoire."
REFUS_GERER = "Seuls les gestionnaires de l'organisation qui préside la commission gèrent ses membres et ses séances."
REFUS_SAISIR = (
    "Seuls les gestionnaires d'un service social, du SIAO, de l'EPCI, d'un bailleur, d'un réservataire ou de l'État "
    "membres de la commission la saisissent, pour une demande qu'ils voient."
)
REFUS_EVALUER = (
    "Seuls les gestionnaires d'un service social ou du SIAO membres de la commission joignent une évaluation."
)
REFUS_AVIS = "Seuls les gestionnaires d'une organisation membre de la commission donnent son avis."
REFUS_DECIDER = "Seuls les gestionnaires de l'organisation qui préside la commission enregistrent ses décisions."
REFUS_CLORE = (
    "Seuls les gestionnaires de l'organisation qui préside la commission, ou de celle qui l'a saisie, closent le "
    "dossier."
)


def _commission_id(commission: CommissionPartenariale | int) -> int:
    return commission if isinstance(commission, int) else commission.pk


def membres_de(
    acteur: Acteur, commission: CommissionPartenariale | int, *, ecriture: bool = False
) -> list[MembreCommissionPartenariale]:
    """The committee's member rows of the actor's organisations (with write rights in them if asked)."""
    acteur = acteur_de(acteur)
    ids = acteur.organisation_ids(ecriture=ecriture) if acteur.est_agent else []
    if not ids:
        return []
    return list(
        MembreCommissionPartenariale.objects.filter(
            commission_id=_commission_id(commission), organisation_id__in=ids
        ).select_related("organisation")
    )


def qualites(acteur: Acteur, commission: CommissionPartenariale | int) -> set[str]:
    return {m.qualite for m in membres_de(acteur, commission)}


def peut_voir_commission(acteur: Acteur, commission: CommissionPartenariale | int) -> bool:
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(membres_de(acteur, commission))


def peut_creer_commission(acteur: Acteur, epci: EPCI | str) -> bool:
    acteur = acteur_de(acteur)
    epci_id = epci if isinstance(epci, str) else epci.pk
    return acteur.voit_tout or any(
        a.organisation.epci_id == epci_id
        for a in acteur.appartenances_filtrees(ecriture=True, types=(TypeOrganisation.EPCI,))
    )


def peut_gerer_commission(acteur: Acteur, commission: CommissionPartenariale | int) -> bool:
    acteur = acteur_de(acteur)
    return acteur.voit_tout or any(
        m.qualite == QualiteMembre.PRESIDENT for m in membres_de(acteur, commission, ecriture=True)
    )


def organisations_saisissantes(
    acteur: Acteur, commission: CommissionPartenariale | int
) -> list[MembreCommissionPartenariale]:
    """The actor's member rows allowed to bring a case."""
    return [m for m in membres_de(acteur, commission, ecriture=True) if m.qualite in QUALITES_SAISINE]


def peut_saisir(acteur: Acteur, commission: CommissionPartenariale | int, demande: Demande | int) -> bool:
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return True
    pk = demande if isinstance(demande, int) else demande.pk
    return bool(organisations_saisissantes(acteur, commission)) and (
        Demande.objects.visible_to(acteur).filter(pk=pk).exists()
    )


def organisations_evaluatrices(acteur: Acteur, dossier: Dossier) -> list[MembreCommissionPartenariale]:
    return [m for m in membres_de(acteur, dossier.commission_id, ecriture=True) if m.qualite in QUALITES_EVALUATION]


def peut_evaluer(acteur: Acteur, dossier: Dossier) -> bool:
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(organisations_evaluatrices(acteur, dossier))


def peut_donner_avis(acteur: Acteur, dossier: Dossier) -> bool:
    acteur = acteur_de(acteur)
    return acteur.voit_tout or bool(membres_de(acteur, dossier.commission_id, ecriture=True))


def peut_decider(acteur: Acteur, dossier: Dossier, nature: str | None = None) -> bool:
    """``nature=None``: whether the actor may record some decision (the form is shown)."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout or peut_gerer_commission(acteur, dossier.commission_id):
        return True
    return nature in (None, NatureDecision.LABEL) and bool(membres_de(acteur, dossier.commission_id, ecriture=True))


def peut_clore(acteur: Acteur, dossier: Dossier) -> bool:
    acteur = acteur_de(acteur)
    return (
        acteur.voit_tout
        or peut_gerer_commission(acteur, dossier.commission_id)
        or (
            acteur.est_membre(dossier.saisi_par_organisation_id, ecriture=True)
            and bool(membres_de(acteur, dossier.commission_id))
        )
    )


def rubriques_visibles(acteur: Acteur, dossier: Dossier, jour: date) -> frozenset[str]:
    """What of the case's personal content the actor reads on ``jour``: nothing without the household's consent in
    force, then the parts its qualités need. The system and superusers read everything."""
    acteur = acteur_de(acteur)
    if acteur.voit_tout:
        return frozenset(Rubrique.values)
    membres = membres_de(acteur, dossier.commission_id)
    if not membres or not partage_consenti(dossier.demande, jour):
        return frozenset()
    vues: set[str] = set()
    for m in membres:
        vues |= RUBRIQUES_PAR_QUALITE.get(m.qualite, frozenset())
    return frozenset(vues)

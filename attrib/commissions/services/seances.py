"""The CALEOL and its sessions: creating a bailleur's commission with its members, fixing the quorum of its
internal rules, planning a session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions import parametres
from attrib.commissions.enums import QualiteMembre, Voix
from attrib.commissions.models import Commission, MembreCommission, Seance
from attrib.commissions.services._commun import _exiger_gestion, _utilisateur
from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation


@transaction.atomic
def commission_creer(
    *,
    bailleur: Organisation,
    nom: str,
    membres: Sequence[dict[str, Any]] = (),
    quorum: int | None = None,
    auteur: Acteur,
) -> Commission:
    """Create a bailleur's CALEOL with its members (``membres``: dicts with ``nom``, ``qualite``, ``voix``
    and optionally ``organisation``, ``utilisateur``, ``president``). The vote of each kind of member follows
    L441-2 (``voix_par_qualite`` in ``caleol.yaml``). ``quorum``: the number of deliberative members its
    internal rules require (``None``: the default rule ``quorum_defaut`` of ``caleol.yaml``)."""
    _exiger_gestion(auteur, bailleur.pk)
    erreurs: dict[str, list[str]] = {}
    nom = (nom or "").strip()
    if not nom:
        erreurs["nom"] = ["Indiquez le nom de la commission."]
    elif Commission.objects.filter(bailleur=bailleur, nom=nom).exists():
        erreurs["nom"] = [f"{bailleur} a déjà une commission nommée « {nom} »."]
    voix_admises = parametres.valeur("voix_par_qualite", timezone.localdate())
    presidents = 0
    for i, m in enumerate(membres, start=1):
        cle = f"membres[{i}]"
        qualite, voix = m.get("qualite", ""), m.get("voix", "")
        if not (m.get("nom") or "").strip():
            erreurs.setdefault(f"{cle}.nom", []).append(f"Membre {i} : indiquez son nom.")
        if qualite not in QualiteMembre.values:
            erreurs.setdefault(f"{cle}.qualite", []).append(f"Membre {i} : qualité « {qualite} » inconnue.")
        elif voix not in voix_admises.get(qualite, []):
            attendu = " ou ".join(Voix(v).label.lower() for v in voix_admises.get(qualite, []))
            erreurs.setdefault(f"{cle}.voix", []).append(
                f"Membre {i} ({QualiteMembre(qualite).label.lower()}) : {attendu} selon L441-2 CCH."
            )
        if m.get("president"):
            presidents += 1
            if voix != Voix.DELIBERATIVE or qualite != QualiteMembre.ADMINISTRATEUR:
                erreurs.setdefault(f"{cle}.president", []).append(
                    f"Membre {i} : le président est élu parmi les membres désignés par le conseil d'administration."
                )
    if presidents > 1:
        erreurs.setdefault("membres", []).append("La commission n'a qu'un président.")
    utilisateurs = [m["utilisateur"].pk for m in membres if m.get("utilisateur") is not None]
    if len(utilisateurs) != len(set(utilisateurs)):
        erreurs.setdefault("membres", []).append("Un même compte utilisateur ne représente qu'un membre.")
    _verifier_quorum(quorum, sum(1 for m in membres if m.get("voix") == Voix.DELIBERATIVE), erreurs)
    if erreurs:
        raise ValidationError(erreurs)
    commission = Commission.objects.create(bailleur=bailleur, nom=nom, quorum=quorum)
    MembreCommission.objects.bulk_create(
        MembreCommission(
            commission=commission,
            nom=m["nom"].strip(),
            qualite=m["qualite"],
            voix=m["voix"],
            organisation=m.get("organisation"),
            utilisateur=m.get("utilisateur"),
            president=bool(m.get("president")),
        )
        for m in membres
    )
    evenement_enregistrer(
        objet=commission,
        action="commission_creee",
        resume=f"Commission « {nom} » créée avec {len(membres)} membre(s).",
        auteur=_utilisateur(auteur),
        organisation=bailleur,
    )
    return commission


def _verifier_quorum(quorum: int | None, deliberatifs: int, erreurs: dict[str, list[str]]) -> None:
    if quorum is None:
        return
    if isinstance(quorum, bool) or not isinstance(quorum, int) or quorum < 1:
        erreurs["quorum"] = ["Le quorum est un nombre de membres, au moins 1."]
    elif quorum > deliberatifs:
        erreurs["quorum"] = [
            f"Le quorum ({quorum}) dépasse le nombre de membres à voix délibérative ({deliberatifs}) : "
            "la commission ne pourrait jamais délibérer."
        ]


@transaction.atomic
def commission_quorum_fixer(*, commission: Commission, quorum: int | None, auteur: Acteur) -> Commission:
    """Record the quorum of the commission's internal rules (``None``: back to the default rule)."""
    commission = Commission.objects.select_for_update().get(pk=commission.pk)
    _exiger_gestion(auteur, commission.bailleur_id)
    erreurs: dict[str, list[str]] = {}
    _verifier_quorum(quorum, commission.membres.filter(voix=Voix.DELIBERATIVE).count(), erreurs)
    if erreurs:
        raise ValidationError(erreurs)
    avant = commission.quorum
    commission.quorum = quorum
    commission.save(update_fields=["quorum"])
    evenement_enregistrer(
        objet=commission,
        action="commission_quorum",
        resume=f"Quorum du règlement intérieur : {quorum if quorum is not None else 'règle par défaut'} "
        f"(auparavant : {avant if avant is not None else 'règle par défaut'}).",
        auteur=_utilisateur(auteur),
        organisation=commission.bailleur,
    )
    return commission


@transaction.atomic
def seance_creer(*, commission: Commission, date_seance: date, a_distance: bool = False, auteur: Acteur) -> Seance:
    _exiger_gestion(auteur, commission.bailleur_id)
    seance = Seance.objects.create(
        commission=commission, date=date_seance, a_distance=a_distance, cree_par=_utilisateur(auteur)
    )
    evenement_enregistrer(
        objet=seance,
        action="seance_creee",
        resume=f"Séance de « {commission.nom} » prévue le {date_seance:%d/%m/%Y}.",
        auteur=_utilisateur(auteur),
        organisation=commission.bailleur,
    )
    return seance

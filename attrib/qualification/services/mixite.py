"""Residences « à enjeux prioritaires de mixité sociale » (loi 3DS): the EPCI flags a residence with its
rationale, or removes the flag; each decision is kept."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.organisations.acteurs import Acteur, Refus
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Residence
from attrib.qualification import permissions
from attrib.qualification.models import Campagne, EnjeuMixite


@transaction.atomic
def enjeu_mixite_marquer(
    *,
    residence: Residence,
    motif: str,
    marquee: bool = True,
    auteur: Acteur,
    organisation: Organisation | None = None,
    campagne: Campagne | None = None,
) -> EnjeuMixite:
    """Flag a residence "à enjeux prioritaires de mixité sociale" (loi 3DS) with its rationale, or
    remove the flag (``marquee=False``, with the reason). Each decision is kept (``EnjeuMixite``); the
    current state is ``Residence.enjeu_mixite`` / ``enjeu_mixite_motif``."""
    residence = Residence.objects.select_for_update().get(pk=residence.pk)
    if not (auteur.voit_tout or permissions.peut_marquer_enjeu(auteur, residence)):
        raise Refus("Seul l'EPCI du territoire marque une résidence à enjeux de mixité sociale.")
    motif = (motif or "").strip()
    if not motif:
        raise ValidationError({"motif": ["Indiquez le motif de la décision."]})
    if not marquee and not residence.enjeu_mixite:
        raise ValidationError(
            {"marquee": [f"La résidence {residence.identifiant} n'est pas marquée à enjeux de mixité sociale."]}
        )
    avant = {"enjeu_mixite": residence.enjeu_mixite, "motif": residence.enjeu_mixite_motif}
    residence.enjeu_mixite = marquee
    residence.enjeu_mixite_motif = motif if marquee else ""
    residence.save(update_fields=["enjeu_mixite", "enjeu_mixite_motif"])
    decision = EnjeuMixite.objects.create(
        residence=residence,
        marquee=marquee,
        motif=motif,
        campagne=campagne,
        organisation=organisation,
        auteur=auteur.utilisateur,
        decide_le=timezone.now(),
    )
    evenement_enregistrer(
        objet=residence,
        action="enjeu_mixite_marque" if marquee else "enjeu_mixite_retire",
        resume=(
            f"Résidence marquée à enjeux prioritaires de mixité sociale : {motif}"
            if marquee
            else f"Marquage à enjeux de mixité sociale retiré : {motif}"
        ),
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"avant": avant, "apres": {"enjeu_mixite": marquee, "motif": residence.enjeu_mixite_motif}},
    )
    return decision

"""A household's application to an advert, and its withdrawal before the closing.

The application checks exactly what the household read on its pre-check (``attrib.annonces.selectors.precontrole``,
one code path): the advert open, the demand active, the dwelling among its wishes, a score, the advert's public,
eligibility to the dwelling (every blocking rule of the engine, in its own words), the limit of open applications,
the suspension after refusals, no application already. The demand's row is locked while it is checked and written:
two applications of one household never both pass the limit."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from attrib.annonces import permissions
from attrib.annonces.enums import StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature
from attrib.annonces.selectors import precontrole
from attrib.annonces.services._commun import (
    _annonce_verrouillee,
    _candidature_verrouillee,
    _le,
    _maintenant,
    _utilisateur,
    _verrouiller,
    annonce_en_clair,
)
from attrib.common.services import evenement_enregistrer
from attrib.demandes.models import Demande
from attrib.demandeurs.models import CompteDemandeur
from attrib.engine.annonces import nouveau_jeton
from attrib.organisations.acteurs import Acteur


def _jeton() -> str:
    while True:
        jeton = nouveau_jeton()
        if not Candidature.objects.filter(jeton=jeton).exists():
            return jeton


@transaction.atomic
def candidature_deposer(
    *, annonce: Annonce, demande: Demande, auteur: Acteur, maintenant: datetime | None = None
) -> Candidature:
    """Apply to ``annonce`` for ``demande``: the household itself from its space, or its desk. Refused, with the
    reasons of the pre-check in plain French, when the household may not apply."""
    maintenant = _maintenant(maintenant)
    auteur.exiger(permissions.peut_candidater(auteur, demande), permissions.REFUS_CANDIDATER)
    _verrouiller(Demande.objects.filter(pk=demande.pk))
    annonce = _annonce_verrouillee(annonce)
    controle = precontrole(annonce=annonce, demande=demande, maintenant=maintenant)
    if not controle.peut_candidater:
        raise ValidationError({"__all__": controle.motifs})
    compte = (
        CompteDemandeur.objects.filter(utilisateur=auteur.utilisateur).first()
        if auteur.est_demandeur and auteur.utilisateur is not None
        else None
    )
    candidature = Candidature.objects.create(
        annonce=annonce, demande=demande, compte=compte, jeton=_jeton(), deposee_le=maintenant
    )
    position = f" {controle.position.texte(deposee=True)}" if controle.position is not None else ""
    evenement_enregistrer(
        objet=demande,
        action="candidature_deposee",
        resume=f"Candidature à {annonce_en_clair(annonce)} déposée le {_le(maintenant)} (candidatures ouvertes "
        f"jusqu'au {_le(annonce.cloture_le or maintenant)}).{position}",
        auteur=_utilisateur(auteur),
        visible_demandeur=True,
        details={"annonce": annonce.pk, "candidature": candidature.pk, "jeton": candidature.jeton},
    )
    return candidature


@transaction.atomic
def candidature_retirer(*, candidature: Candidature, auteur: Acteur, maintenant: datetime | None = None) -> Candidature:
    """Withdraw an application before the advert closes: it no longer counts among the household's open
    applications."""
    maintenant = _maintenant(maintenant)
    auteur.exiger(permissions.peut_candidater(auteur, candidature.demande_id), permissions.REFUS_CANDIDATER)
    # The advert first, then the application: the order the closing locks them in.
    annonce = _annonce_verrouillee(candidature.annonce)
    candidature = _candidature_verrouillee(candidature)
    erreurs: list[str] = []
    if candidature.statut != StatutCandidature.DEPOSEE:
        erreurs.append(f"Cette candidature est {candidature.get_statut_display().lower()} : elle ne se retire plus.")
    elif annonce.statut != StatutAnnonce.PUBLIEE or annonce.cloture_le is None or maintenant >= annonce.cloture_le:
        erreurs.append("Les candidatures à cette annonce sont closes : la candidature ne se retire plus.")
    if erreurs:
        raise ValidationError({"__all__": erreurs})
    candidature.statut = StatutCandidature.RETIREE
    candidature.retiree_le = maintenant
    candidature.save(update_fields=["statut", "retiree_le"])
    evenement_enregistrer(
        objet=candidature.demande,
        action="candidature_retiree",
        resume=f"Candidature à {annonce_en_clair(annonce)} retirée le {_le(maintenant)}.",
        auteur=_utilisateur(auteur),
        visible_demandeur=True,
        details={"annonce": annonce.pk, "candidature": candidature.pk},
    )
    return candidature

"""The lease after an accepted offer, with the SNE attribution fields: the demand is struck off and the flux
orientation charged is marked attributed (through the flux services)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attrib.commissions.enums import Contingent, StatutOffre, TypeDecision
from attrib.commissions.models import Bail, Offre
from attrib.commissions.services._commun import (
    _bail_en_cours,
    _erreur_deja_attribue,
    _exiger_gestion,
    _logement_en_clair,
    _logement_verrouille,
    _pas_dans_le_futur,
    _utilisateur,
)
from attrib.commissions.signaux import bail_signe
from attrib.common.services import evenement_enregistrer
from attrib.demandes.enums import MotifRadiation, StatutDemande
from attrib.demandes.services import demande_radier
from attrib.flux.enums import CategorieConvention, StatutOrientation
from attrib.flux.models import Orientation
from attrib.flux.services import orientation_attribuer, orientation_du_logement_a_attribuer
from attrib.organisations.acteurs import Acteur
from attrib.patrimoine.models import Logement

#: Contingent charged in the SNE for each category of reservation agreement of the flux.
CONTINGENT_PAR_CATEGORIE = {
    CategorieConvention.ETAT: Contingent.ETAT_PRIORITAIRES,
    CategorieConvention.ETAT_AGENTS: Contingent.ETAT_FONCTIONNAIRES,
    CategorieConvention.ACTION_LOGEMENT: Contingent.ACTION_LOGEMENT,
    CategorieConvention.COMMUNE: Contingent.COLLECTIVITES,
    CategorieConvention.EPCI: Contingent.COLLECTIVITES,
    CategorieConvention.AUTRE: Contingent.AUTRE,
}


def _contingent(orientation: Orientation | None) -> str:
    if orientation is None or orientation.statut == StatutOrientation.ECHUE or orientation.convention is None:
        return Contingent.NON_RESERVE
    return CONTINGENT_PAR_CATEGORIE[CategorieConvention(orientation.convention.categorie)]


def _adresse(logement: Logement) -> str:
    r = logement.residence
    rue = " ".join(p for p in (r.numero_voie, r.indice_repetition, r.type_voie, r.nom_voie) if p)
    return ", ".join(p for p in (rue, f"{r.code_postal} {r.commune_id}".strip()) if p)


@transaction.atomic
def bail_signer(
    *,
    offre: Offre,
    date_signature: date,
    accord_collectif: bool,
    deja_locataire: bool,
    auteur: Acteur,
) -> Bail:
    """Record the lease after an accepted offer, with the SNE attribution fields (bailleur SIREN, lease date,
    RPLS id or address, QPV, contingent charged from the flux orientation, DALO, accord collectif, already a
    tenant), strike the demand off with the reason « attribution » and mark the flux orientation attributed.
    The dwelling row is locked and a lease in progress is unique per dwelling: a dwelling is never attributed
    twice, even by concurrent calls (the losers get a French error and write nothing)."""
    logement = _logement_verrouille(offre.logement)
    _exiger_gestion(auteur, logement.residence.bailleur_id)
    offre = (
        Offre.objects.select_for_update(of=("self", "decision")).select_related("decision", "demande").get(pk=offre.pk)
    )
    if (bail := _bail_en_cours(logement)) is not None:
        raise _erreur_deja_attribue(logement, bail)
    erreurs: dict[str, list[str]] = {}
    demande = offre.demande
    if offre.statut != StatutOffre.ACCEPTEE:
        erreurs["offre"] = [f"L'offre est {offre.get_statut_display().lower()} : le bail suit une offre acceptée."]
    if demande.statut != StatutDemande.ACTIVE:
        erreurs["demande"] = [f"La demande {demande.numero_unique} est radiée."]
    _pas_dans_le_futur(date_signature, "date_signature", "La signature du bail", erreurs)
    if date_signature < offre.envoyee_le:
        erreurs.setdefault("date_signature", []).append(
            f"Le bail ne peut précéder l'offre du {offre.envoyee_le:%d/%m/%Y}."
        )
    elif offre.repondue_le is not None and date_signature < offre.repondue_le:
        erreurs.setdefault("date_signature", []).append(
            f"Le bail ne peut précéder l'acceptation de l'offre le {offre.repondue_le:%d/%m/%Y}."
        )
    decision = offre.decision
    if (
        decision.type == TypeDecision.ATTRIBUTION_CONDITION
        and decision.date_limite_piece is not None
        and date_signature > decision.date_limite_piece
    ):
        erreurs["date_signature"] = [
            f"Attribution sous condition suspensive : la pièce « {decision.piece_manquante} » était attendue avant "
            f"le {decision.date_limite_piece:%d/%m/%Y}."
        ]
    bailleur = logement.residence.bailleur
    if bailleur is None:
        erreurs["logement"] = [f"Le logement {logement.identifiant} n'a pas de bailleur connu."]
    elif not (bailleur.siren.isdigit() and len(bailleur.siren) == 9):
        erreurs["siren_bailleur"] = [
            f"Le SIREN de {bailleur} (9 chiffres) manque ou est invalide : il est transmis au SNE avec l'attribution."
        ]
    adresse = _adresse(logement)
    if not logement.identifiant_rpls and not adresse:
        erreurs["logement"] = [f"Le logement {logement.identifiant} n'a ni identifiant RPLS ni adresse."]
    if erreurs:
        raise ValidationError(erreurs)
    assert bailleur is not None
    orientation = orientation_du_logement_a_attribuer(logement=logement, jour=date_signature)
    try:
        with transaction.atomic():
            bail = Bail.objects.create(
                logement=logement,
                demande=demande,
                offre=offre,
                bailleur=bailleur,
                date_signature=date_signature,
                siren_bailleur=bailleur.siren,
                identifiant_rpls=logement.identifiant_rpls,
                adresse=adresse,
                typologie=logement.nb_pieces,
                surface_habitable=logement.surface_habitable,
                loyer_principal=logement.loyer_principal,
                en_qpv=logement.residence.en_qpv,
                contingent=_contingent(orientation),
                orientation=orientation,
                dalo=demande.dalo_reconnu,
                accord_collectif=accord_collectif,
                deja_locataire=deja_locataire,
                enregistre_par=_utilisateur(auteur),
            )
    except IntegrityError:
        raise ValidationError(
            {
                "logement": [
                    f"Le logement {logement.identifiant} vient d'être attribué : il ne peut pas l'être deux fois."
                ]
            }
        ) from None
    demande_radier(
        demande=demande,
        auteur=auteur,
        motif=MotifRadiation.ATTRIBUTION,
        organisation=bailleur,
        date_radiation=date_signature,
        commentaire=f"Bail du logement {logement.identifiant} signé le {date_signature:%d/%m/%Y}.",
    )
    if orientation is not None:
        orientation_attribuer(orientation=orientation, demande=demande, date_attribution=date_signature, auteur=auteur)
    evenement_enregistrer(
        objet=demande,
        action="attribution",
        resume=f"Bail signé le {date_signature:%d/%m/%Y} pour {_logement_en_clair(logement)} : votre demande est "
        "satisfaite, elle est radiée du fichier (motif : attribution d'un logement).",
        auteur=_utilisateur(auteur),
        organisation=bailleur,
        visible_demandeur=True,
        details={"bail": bail.pk, "logement": logement.pk, "contingent": bail.contingent},
    )
    bail_signe.send(sender=Bail, bail=bail, auteur=auteur)
    return bail

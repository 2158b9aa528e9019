"""Freed dwellings and their orientation: a declaration oriented by the engine (or left out of the assiette),
an override by the bailleur with its reason, the réservataire's proposal of candidates, a lapsed deadline (one
dwelling, or all of them every day), and the lease that attributes the orientation.

Writes that touch the orientations of a bailleur lock its ``Organisation`` row first: two declarations never read
the same state of the engine.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction

from attrib.common.lots import Bilan, traiter
from attrib.common.services import evenement_enregistrer
from attrib.demandes.models import Demande
from attrib.engine import flux as moteur
from attrib.engine.erreurs import EntreeInvalide
from attrib.flux.enums import NatureLiberation, StatutOrientation
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation
from attrib.flux.moteur import Contexte, contexte_orientation, fractions_json, logement_moteur, parametres_flux
from attrib.flux.services._commun import _aujourd_hui, _exiger_gestion, _horodatage, _utilisateur, _verrouiller
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.patrimoine.models import Logement

#: How far ahead a vacancy may be declared (notice given by the tenant): an Attrib setting, not a rule of law.
HORIZON_DECLARATION_JOURS = 366
MOTIF_MAX = 2000


def _enregistrer_orientation(
    *,
    ll: LogementLibere,
    ctx: Contexte,
    o: moteur.Orientation,
    jour: date,
    auteur: Acteur,
    remplace: Orientation | None = None,
) -> Orientation:
    convention = ctx.conventions.get(o.reservataire)
    parts = {p.reservataire: p for p in ctx.periode.parts}
    delai = parts[o.reservataire].delai_proposition_jours
    maintenant = _horodatage(jour)
    return Orientation.objects.create(
        logement_libere=ll,
        actuelle=True,
        remplace=remplace,
        bailleur_id=ll.bailleur_id,
        zone=ctx.zone,
        periode_debut=ctx.periode.debut,
        periode_fin=ctx.periode.fin,
        flux_prevu=ctx.flux_prevu,
        rang=o.rang,
        strate=o.strate,
        reservataire_cle=o.reservataire,
        convention=convention,
        reservataire=None if convention is None else convention.reservataire,
        libelle=o.libelle,
        propose_cle=o.propose,
        propose_libelle=parts[o.propose].libelle,
        regle=o.regle,
        raison_fr=o.raison_fr,
        ecarts=fractions_json(o.ecarts),
        parts=fractions_json({p.reservataire: p.part for p in ctx.periode.parts}),
        libelles={p.reservataire: p.libelle for p in ctx.periode.parts},
        motif_force=o.motif_force or "",
        force_par=_utilisateur(auteur) if o.force else None,
        compensation_au_plus_tard=o.compensation_au_plus_tard,
        date_limite_proposition=None if convention is None or delai is None else jour + timedelta(days=delai),
        cree_par=_utilisateur(auteur),
        cree_le=maintenant,
    )


@transaction.atomic
def logement_declarer_libere(
    *,
    logement: Logement,
    date_liberation: date,
    nature: str,
    motif_exclusion: str = "",
    motif_exclusion_detail: str = "",
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> LogementLibere:
    """Declare a dwelling of the bailleur's stock freed on ``date_liberation`` (``nature``: relocation or
    first letting). A dwelling that leaves the assiette (``motif_exclusion``: a code of ``flux.yaml`` —
    internal mutation, rehousing NPNRU / ORCOD / demolition — with its reason; or a dwelling kept in stock)
    is recorded but not oriented. Any other goes to the réservataire the engine proposes, stored with its
    reason; the réservataire has the proposal deadline of its agreement, counted from today (the day it is
    told). Returns the freed dwelling (its orientation: ``.orientation``)."""
    jour = _aujourd_hui(aujourd_hui)
    logement = Logement.objects.select_related("residence", "residence__bailleur").get(pk=logement.pk)
    bailleur = logement.residence.bailleur
    if bailleur is None:
        raise ValidationError(
            {"logement": [f"Le logement {logement.identifiant} n'a pas de bailleur connu : renseignez-le d'abord."]}
        )
    _exiger_gestion(auteur, bailleur)
    bailleur = _verrouiller(bailleur)
    erreurs: dict[str, list[str]] = {}
    if nature not in NatureLiberation.values:
        erreurs["nature"] = [f"Nature « {nature} » inconnue (attendu : relocation ou première mise en location)."]
    if date_liberation > jour + timedelta(days=HORIZON_DECLARATION_JOURS):
        erreurs["date_liberation"] = [
            f"Date de libération {date_liberation:%d/%m/%Y} trop lointaine : au plus un an après aujourd'hui."
        ]
    elif LogementLibere.objects.filter(logement=logement, date_liberation=date_liberation).exists():
        erreurs["date_liberation"] = [
            f"Le logement {logement.identifiant} est déjà déclaré libéré le {date_liberation:%d/%m/%Y}."
        ]
    params = parametres_flux()
    exclusions = {m.code: m.libelle for m in params.exclusions(date_liberation)}
    stock = {m.code: m.libelle for m in params.stock(date_liberation)}
    motif_exclusion = motif_exclusion.strip()
    detail = motif_exclusion_detail.strip()
    if len(detail) > MOTIF_MAX:
        erreurs["motif_exclusion_detail"] = [f"Le motif dépasse {MOTIF_MAX} caractères."]
    if logement.reserve_stock:
        motif_exclusion = logement.reserve_stock
        libelle = stock.get(logement.reserve_stock, logement.get_reserve_stock_display())
        detail = f"{libelle}. {detail}".strip() if detail else f"{libelle} : hors du flux (L441-1 CCH)."
    elif motif_exclusion:
        if motif_exclusion not in exclusions:
            erreurs["motif_exclusion"] = [
                f"Motif de sortie « {motif_exclusion} » inconnu (attendu : {', '.join(exclusions)})."
            ]
        elif not detail:
            erreurs["motif_exclusion_detail"] = [
                f"Précisez le motif de la sortie de l'assiette ({exclusions[motif_exclusion].lower()}) : "
                "quelle mutation, quelle opération."
            ]
    elif detail:
        erreurs["motif_exclusion"] = ["Choisissez le motif de sortie de l'assiette, ou videz la précision du motif."]
    if erreurs:
        raise ValidationError(erreurs)

    ll = LogementLibere.objects.create(
        logement=logement,
        bailleur=bailleur,
        date_liberation=date_liberation,
        nature=nature,
        motif_exclusion=motif_exclusion,
        motif_exclusion_detail=detail,
        commune_id=logement.residence.commune_id,
        typologie=logement.nb_pieces,
        en_qpv=logement.residence.en_qpv,
        financement=logement.financement,
        declare_par=_utilisateur(auteur),
        declare_le=_horodatage(jour),
    )
    if ll.exclu:
        evenement_enregistrer(
            objet=ll,
            action="logement_libere_exclu",
            resume=f"Logement {logement.identifiant} libéré le {date_liberation:%d/%m/%Y}, hors assiette : {detail}",
            auteur=auteur.utilisateur,
            organisation=bailleur,
            details={"motif": motif_exclusion},
        )
        return ll
    ctx = contexte_orientation(bailleur, commune=ll.commune_id, jour=date_liberation)
    try:
        o = moteur.orienter(ctx.etat, logement_moteur(ll))
    except EntreeInvalide as exc:
        raise ValidationError({"logement": [str(exc)]}) from None
    orientation = _enregistrer_orientation(ll=ll, ctx=ctx, o=o, jour=jour, auteur=auteur)
    evenement_enregistrer(
        objet=ll,
        action="logement_libere_oriente",
        resume=f"Logement {logement.identifiant} libéré le {date_liberation:%d/%m/%Y} : {o.raison_fr}",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={"orientation": orientation.pk, "reservataire": o.reservataire, "regle": o.regle, "rang": o.rang},
    )
    return ll


def _cle_cible(ctx: Contexte, orientation: Orientation, reservataire: ConventionReservation | Organisation) -> str:
    if isinstance(reservataire, ConventionReservation):
        if reservataire.cle not in ctx.conventions or ctx.conventions[reservataire.cle].pk != reservataire.pk:
            raise ValidationError(
                {"reservataire": [f"La convention « {reservataire.libelle_affiche} » ne s'applique pas à ce logement."]}
            )
        return reservataire.cle
    if reservataire.pk == orientation.bailleur_id:
        return moteur.RESERVATAIRE_BAILLEUR
    candidates = [c for c in ctx.conventions.values() if c.reservataire_id == reservataire.pk]
    if not candidates:
        raise ValidationError(
            {
                "reservataire": [
                    f"« {reservataire} » n'a pas de convention en vigueur qui s'applique à ce logement : il ne peut pas "
                    "le recevoir."
                ]
            }
        )
    if len(candidates) > 1:
        noms = ", ".join(c.libelle_affiche for c in candidates)
        raise ValidationError(
            {"reservataire": [f"« {reservataire} » a plusieurs contingents ({noms}) : choisissez la convention."]}
        )
    return candidates[0].cle


@transaction.atomic
def orientation_forcer(
    *,
    orientation: Orientation,
    reservataire: ConventionReservation | Organisation,
    motif: str,
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> Orientation:
    """The bailleur orients the dwelling to another contingent than the engine's (``reservataire``: an
    agreement, a réservataire with a single agreement applicable, or the bailleur itself for its own
    share). The reason is required and audited; the engine compensates with the next dwellings (the new
    orientation says by which rank). The orientation replaced is kept (``actuelle=False``)."""
    jour = _aujourd_hui(aujourd_hui)
    _exiger_gestion(auteur, orientation.bailleur)
    bailleur = _verrouiller(orientation.bailleur)
    orientation = Orientation.objects.select_related("logement_libere__logement").get(pk=orientation.pk)
    motif = (motif or "").strip()
    if not orientation.actuelle:
        raise ValidationError({"reservataire": ["Cette orientation a déjà été remplacée par une autre."]})
    if orientation.statut != StatutOrientation.A_PROPOSER:
        raise ValidationError(
            {
                "reservataire": [
                    f"L'orientation est au statut « {orientation.get_statut_display()} » : elle ne peut plus être changée."
                ]
            }
        )
    if not motif:
        raise ValidationError(
            {
                "motif": [
                    "Le motif de la dérogation est obligatoire pour orienter le logement vers un autre réservataire."
                ]
            }
        )
    if len(motif) > MOTIF_MAX:
        raise ValidationError({"motif": [f"Le motif dépasse {MOTIF_MAX} caractères."]})
    ll = orientation.logement_libere
    ctx = contexte_orientation(bailleur, commune=ll.commune_id, jour=ll.date_liberation, exclure=orientation.pk)
    cle = _cle_cible(ctx, orientation, reservataire)
    if cle == orientation.reservataire_cle:
        raise ValidationError({"reservataire": [f"Le logement est déjà orienté vers {orientation.libelle}."]})
    try:
        o = moteur.forcer(ctx.etat, logement_moteur(ll), cle, motif)
    except EntreeInvalide as exc:
        raise ValidationError({"reservataire": [str(exc)]}) from None
    orientation.actuelle = False
    orientation.save(update_fields=["actuelle"])
    nouvelle = _enregistrer_orientation(ll=ll, ctx=ctx, o=o, jour=jour, auteur=auteur, remplace=orientation)
    evenement_enregistrer(
        objet=ll,
        action="orientation_forcee",
        resume=f"Dérogation : logement {ll.logement.identifiant} orienté vers {o.libelle} au lieu de "
        f"{orientation.libelle} — motif : {motif}",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={
            "orientation_remplacee": orientation.pk,
            "orientation": nouvelle.pk,
            "avant": orientation.reservataire_cle,
            "apres": o.reservataire,
            "propose": o.propose,
            "motif": motif,
            "compensation_au_plus_tard": o.compensation_au_plus_tard,
        },
    )
    return nouvelle


@transaction.atomic
def orientation_candidats_proposer(
    *,
    orientation: Orientation,
    nombre_candidats: int,
    commentaire: str = "",
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> Orientation:
    """The réservataire has proposed candidates for the dwelling before its deadline."""
    jour = _aujourd_hui(aujourd_hui)
    orientation = (
        Orientation.objects.select_for_update().select_related("logement_libere__logement").get(pk=orientation.pk)
    )
    auteur.exiger(
        auteur.voit_tout or auteur.est_membre(orientation.reservataire_id, ecriture=True),
        "Seuls les gestionnaires du réservataire proposent des candidats.",
    )
    if orientation.part_bailleur:
        raise ValidationError({"nombre_candidats": ["Ce logement relève de la part non réservée du bailleur."]})
    if not orientation.actuelle or orientation.statut != StatutOrientation.A_PROPOSER:
        raise ValidationError(
            {
                "nombre_candidats": [
                    f"Le logement n'attend plus de proposition (statut : {orientation.get_statut_display()})."
                ]
            }
        )
    limite = orientation.date_limite_proposition
    if limite is not None and jour > limite:
        raise ValidationError(
            {
                "nombre_candidats": [
                    f"Le délai de proposition a expiré le {limite:%d/%m/%Y} : le logement revient au bailleur pour ce tour."
                ]
            }
        )
    if isinstance(nombre_candidats, bool) or not isinstance(nombre_candidats, int) or nombre_candidats < 1:
        raise ValidationError({"nombre_candidats": ["Indiquez le nombre de candidats proposés (au moins 1)."]})
    commentaire = (commentaire or "").strip()
    if len(commentaire) > MOTIF_MAX:
        raise ValidationError({"commentaire": [f"Le commentaire dépasse {MOTIF_MAX} caractères."]})
    orientation.statut = StatutOrientation.CANDIDATS_PROPOSES
    orientation.candidats_proposes_le = jour
    orientation.nombre_candidats = nombre_candidats
    orientation.commentaire_reservataire = commentaire
    orientation.candidats_proposes_par = _utilisateur(auteur)
    orientation.save(
        update_fields=[
            "statut",
            "candidats_proposes_le",
            "nombre_candidats",
            "commentaire_reservataire",
            "candidats_proposes_par",
        ]
    )
    evenement_enregistrer(
        objet=orientation.logement_libere,
        action="candidats_proposes",
        resume=f"{orientation.libelle} propose {nombre_candidats} candidat{'s' if nombre_candidats > 1 else ''} pour "
        f"le logement {orientation.logement_libere.logement.identifiant}.",
        auteur=auteur.utilisateur,
        organisation=orientation.reservataire,
        details={"orientation": orientation.pk, "nombre_candidats": nombre_candidats},
    )
    return orientation


@transaction.atomic
def orientation_constater_echeance(
    *, orientation: Orientation, auteur: Acteur, aujourd_hui: date | None = None
) -> Orientation:
    """The réservataire proposed nobody before the deadline: the dwelling comes back to the bailleur for
    this turn. As the agreement says (``echec_compte``), it still counts against the réservataire's share,
    or it leaves the apportionment and the réservataire is still owed it (the engine serves it again)."""
    jour = _aujourd_hui(aujourd_hui)
    _exiger_gestion(auteur, orientation.bailleur)
    bailleur = _verrouiller(orientation.bailleur)
    orientation = Orientation.objects.select_related("logement_libere__logement").get(pk=orientation.pk)
    if orientation.part_bailleur:
        raise ValidationError({"__all__": ["La part non réservée du bailleur n'a pas de délai de proposition."]})
    if not orientation.actuelle or orientation.statut != StatutOrientation.A_PROPOSER:
        raise ValidationError(
            {"__all__": [f"Le logement n'attend pas de proposition (statut : {orientation.get_statut_display()})."]}
        )
    limite = orientation.date_limite_proposition
    if limite is None or jour <= limite:
        raise ValidationError(
            {"__all__": [f"Le délai de proposition court jusqu'au {limite:%d/%m/%Y} inclus : il n'est pas dépassé."]}
        )
    ll = orientation.logement_libere
    ctx = contexte_orientation(bailleur, commune=ll.commune_id, jour=ll.date_liberation)
    try:
        echec = moteur.constater_echec(ctx.etat, reservataire=orientation.reservataire_cle, strate=orientation.strate)
    except EntreeInvalide as exc:
        raise ValidationError({"__all__": [str(exc)]}) from None
    orientation.statut = StatutOrientation.ECHUE
    orientation.echue_le = jour
    orientation.decompte = echec.decompte
    orientation.raison_echec = echec.raison_fr
    orientation.save(update_fields=["statut", "echue_le", "decompte", "raison_echec"])
    evenement_enregistrer(
        objet=ll,
        action="orientation_echue",
        resume=f"Logement {ll.logement.identifiant} : délai dépassé le {limite:%d/%m/%Y}. {echec.raison_fr}",
        auteur=auteur.utilisateur,
        organisation=bailleur,
        details={"orientation": orientation.pk, "decompte": echec.decompte},
    )
    return orientation


def orientations_constater_echeances(
    *, auteur: Acteur, aujourd_hui: date | None = None, bilan: Bilan | None = None
) -> int:
    """Every orientation whose deadline has passed without a proposal comes back to its bailleur (one
    transaction per dwelling). Returns how many. With ``bilan``, a dwelling that cannot be handled is
    noted there (which, why) and the others are handled; without, its error is raised. Every bailleur's
    dwellings: the system (command ``flux_constater_echeances``) or a superuser."""
    auteur.exiger(
        auteur.voit_tout,
        "Seuls Attrib (commande flux_constater_echeances) et un superutilisateur constatent les échéances de "
        "tous les bailleurs ; un gestionnaire du bailleur constate celle d'un logement.",
    )
    jour = _aujourd_hui(aujourd_hui)
    echues = Orientation.objects.filter(
        actuelle=True, statut=StatutOrientation.A_PROPOSER, date_limite_proposition__lt=jour
    ).order_by("date_limite_proposition", "pk")
    nombre = 0
    for orientation in echues.select_related("logement_libere__logement"):
        objet = f"logement {orientation.logement_libere.logement.identifiant}"
        if traiter(
            bilan,
            objet,
            partial(orientation_constater_echeance, orientation=orientation, auteur=auteur, aujourd_hui=jour),
        ):
            nombre += 1
    return nombre


def orientation_du_logement_a_attribuer(*, logement: Logement, jour: date | None = None) -> Orientation | None:
    """The current orientation of the dwelling's latest freeing not yet attributed (on or before ``jour``, the
    lease's date, when given: a lease signed in 2025 belongs to the 2025 freeing, not to a later one), locked
    for the lease that is being signed (``None`` when the dwelling was never declared freed in the flux)."""
    orientations = Orientation.objects.filter(logement_libere__logement=logement, actuelle=True)
    if jour is not None:
        orientations = orientations.filter(logement_libere__date_liberation__lte=jour)
    return (
        orientations.select_for_update(of=("self",))
        .select_related("convention", "bailleur")
        .exclude(statut=StatutOrientation.ATTRIBUEE)
        .order_by("-logement_libere__date_liberation", "-pk")
        .first()
    )


def orientation_attribuer(
    *, orientation: Orientation, demande: Demande, date_attribution: date, auteur: Acteur
) -> Orientation:
    """A lease was signed on the oriented dwelling: the orientation is attributed to the demand (it then
    counts in the réservataire's flux as satisfied). An orientation whose deadline passed stays « échue »:
    the dwelling came back to the bailleur and the lease does not change that. Only a manager of the
    bailleur (who signs the lease) writes it."""
    _exiger_gestion(auteur, orientation.bailleur)
    if orientation.statut in (StatutOrientation.ECHUE, StatutOrientation.ATTRIBUEE):
        return orientation
    if date_attribution < orientation.logement_libere.date_liberation:
        raise ValidationError(
            {
                "date_signature": [
                    f"Le bail ne peut précéder la libération du logement le "
                    f"{orientation.logement_libere.date_liberation:%d/%m/%Y}."
                ]
            }
        )
    orientation.statut = StatutOrientation.ATTRIBUEE
    orientation.demande_attribuee = demande
    orientation.attribuee_le = date_attribution
    orientation.save(update_fields=["statut", "demande_attribuee", "attribuee_le"])
    return orientation

"""The réservataire's choice of its candidates (decision 0037): from the shortlist of a freed dwelling oriented
to it, the réservataire picks households, orders them and writes a comment for each; the service checks the
choice, puts the households on the agenda of the bailleur's planned session in that order with their comments
(``services.candidats_designer``) and records the choice, frozen, with what the réservataire saw of each.

Errors are ``ValidationError`` keyed ``candidats[i].rang`` / ``candidats[i].commentaire`` (i from 0, in the order
given) or by field, each message naming its line (« Candidat 2 : … »)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from attrib.commissions.models import Seance
from attrib.common.services import evenement_enregistrer
from attrib.demandes.models import Demande
from attrib.engine.rapprochement.texte import pluriel
from attrib.engine.validation import erreur_texte
from attrib.flux.models import LogementLibere
from attrib.labellisation import selectors as labellisation
from attrib.labellisation.enums import ObjetConsentement
from attrib.organisations.acteurs import Acteur
from attrib.rapprochement import moteur, permissions
from attrib.rapprochement.cotisantes import salaries_cotisants
from attrib.rapprochement.models import COMMENTAIRE_MAX, ChoixReservataire, LigneChoix
from attrib.rapprochement.permissions import designateur
from attrib.rapprochement.services import candidats_designer

#: The consent read on the shortlist: sharing the household's file with the partners (réservataires).
OBJET_CONSENTEMENT = ObjetConsentement.PARTAGE_PARTENAIRES


@dataclass(frozen=True)
class CandidatChoisi:
    """One line of the choice as the réservataire gives it."""

    demande: Demande
    rang: int | None
    commentaire: str


@dataclass(frozen=True)
class SignauxMenage:
    """What the réservataire sees of a household when it chooses (and what the choice keeps, frozen)."""

    labels: tuple[str, ...] = ()
    consentement: str = ""


def anciennete(depot: date, jour: date) -> str:
    """« 2 ans et 3 mois » since the initial filing (the seniority the grid counts)."""
    mois = max(0, (jour.year - depot.year) * 12 + jour.month - depot.month - (1 if jour.day < depot.day else 0))
    ans, reste = divmod(mois, 12)
    morceaux = []
    if ans:
        morceaux.append(pluriel(ans, "an", "ans"))
    if reste or not ans:
        morceaux.append(f"{reste} mois")
    return " et ".join(morceaux)


def signaux_menages(demande_ids: Iterable[int], jour: date) -> dict[int, SignauxMenage]:
    """The validated labels in force (``attrib.labellisation``) and the consent to share with partners of each
    household, in two queries."""
    ids = list(demande_ids)
    labels = labellisation.labels_en_vigueur(ids, jour)
    consentements = labellisation.consentements(ids, OBJET_CONSENTEMENT, jour)
    resultat = {}
    for pk in ids:
        c = consentements.get(pk)
        resultat[pk] = SignauxMenage(
            labels=tuple(
                f"{label.libelle} (valide jusqu'au {label.valide_jusqu_au:%d/%m/%Y})"
                if label.valide_jusqu_au is not None
                else label.libelle
                for label in labels.get(pk, [])
            ),
            consentement=(
                f"Consentement au partage avec les partenaires : donné le {c.donne_le:%d/%m/%Y}."
                if c is not None
                else "Consentement au partage avec les partenaires : non recueilli, ou retiré."
            ),
        )
    return resultat


def _verifier_lignes(candidats: Sequence[CandidatChoisi]) -> dict[str, list[str]]:
    erreurs: dict[str, list[str]] = {}
    n = len(candidats)
    par_demande: dict[int, int] = {}
    par_rang: dict[int, int] = {}
    for i, c in enumerate(candidats):
        nom = f"Candidat {i + 1}"
        cle = f"candidats[{i}]"
        if c.demande.pk in par_demande:
            erreurs.setdefault(f"{cle}.rang", []).append(
                f"{nom} : la demande {c.demande.numero_unique} est déjà choisie (candidat {par_demande[c.demande.pk] + 1}) ; "
                "un ménage ne figure qu'une fois."
            )
        else:
            par_demande[c.demande.pk] = i
        if c.rang is None:
            erreurs.setdefault(f"{cle}.rang", []).append(f"{nom} : indiquez son rang (de 1 à {n}).")
        elif not 1 <= c.rang <= n:
            erreurs.setdefault(f"{cle}.rang", []).append(
                f"{nom} : rang {c.rang} ; les rangs vont de 1 à {n}, sans trou, pour {pluriel(n, 'candidat choisi', 'candidats choisis')}."
            )
        elif c.rang in par_rang:
            erreurs.setdefault(f"{cle}.rang", []).append(
                f"{nom} : le rang {c.rang} est déjà donné au candidat {par_rang[c.rang] + 1} ; chaque rang une seule fois."
            )
        else:
            par_rang[c.rang] = i
        commentaire = (c.commentaire or "").strip()
        if not commentaire:
            erreurs.setdefault(f"{cle}.commentaire", []).append(
                f"{nom} : écrivez un commentaire pour le bailleur (pourquoi ce ménage, à ce rang)."
            )
        elif len(commentaire) > COMMENTAIRE_MAX:
            erreurs.setdefault(f"{cle}.commentaire", []).append(
                f"{nom} : le commentaire compte {len(commentaire)} caractères ; {COMMENTAIRE_MAX} au plus."
            )
        elif message := erreur_texte(commentaire, libelle="Commentaire", longueur_max=COMMENTAIRE_MAX, multiligne=True):
            erreurs.setdefault(f"{cle}.commentaire", []).append(f"{nom} : {message}")
    return erreurs


@transaction.atomic
def choix_transmettre(
    *,
    logement_libere: LogementLibere,
    seance: Seance,
    candidats: Sequence[CandidatChoisi],
    exception: str = "",
    derogation_offre: str = "",
    auteur: Acteur,
    aujourd_hui: date | None = None,
) -> ChoixReservataire:
    """The réservataire chooses ``candidats`` (rank and comment each) for the freed dwelling oriented to it and
    sends them to the bailleur: they are put on the agenda of ``seance`` in the order of their ranks, with their
    comments, and the choice is recorded, frozen. The dwelling must wait for the réservataire's proposal, within
    its deadline; every household must be eligible to it today, once, ranks following each other from 1."""
    jour = aujourd_hui or timezone.localdate()
    ll = (
        LogementLibere.objects.select_related("logement__residence", "commune__epci", "bailleur")
        .prefetch_related("orientations__reservataire")
        .get(pk=logement_libere.pk)
    )
    orientation = ll.orientation
    if ll.exclu or orientation is None or designateur(orientation) != "reservataire":
        statut = orientation.get_statut_display().lower() if orientation is not None else "non orienté"
        raise ValidationError(
            {"candidats": [f"Ce logement n'attend pas le choix de son réservataire (statut : {statut})."]}
        )
    auteur.exiger(permissions.peut_choisir(auteur, ll), permissions.REFUS_CHOISIR)
    erreurs: dict[str, list[str]] = {}
    if jour < ll.date_liberation:
        erreurs["candidats"] = [
            f"Le choix ne peut pas précéder la libération du logement (le {ll.date_liberation:%d/%m/%Y})."
        ]
    limite = orientation.date_limite_proposition
    if limite is not None and jour > limite:
        erreurs["candidats"] = [
            f"Le délai de proposition a expiré le {limite:%d/%m/%Y} : le logement revient au bailleur pour ce tour."
        ]
    if seance.date < jour:
        erreurs["seance"] = [f"La séance du {seance.date:%d/%m/%Y} est passée : choisissez une séance à venir."]
    if not candidats:
        erreurs.setdefault("candidats", []).append("Choisissez au moins un candidat : donnez-lui un rang.")
    erreurs.update(_verifier_lignes(candidats))
    if erreurs:
        raise ValidationError(erreurs)
    ordonnes = sorted(candidats, key=lambda c: c.rang or 0)
    commentaires = [c.commentaire.strip() for c in ordonnes]
    examens = candidats_designer(
        logement_libere=ll,
        seance=seance,
        demandes=[c.demande for c in ordonnes],
        exception=exception,
        garder_ordre=True,
        derogation_offre=derogation_offre,
        auteur=auteur,
        aujourd_hui=jour,
        commentaires=commentaires,
        commentaire_orientation=f"Choix transmis pour la séance du {seance.date:%d/%m/%Y} : "
        + ", ".join(f"{c.rang}. {c.demande.numero_unique}" for c in ordonnes),
    )
    reservataire = orientation.reservataire
    assert reservataire is not None  # designateur() == "reservataire"
    # What the réservataire saw of each household, kept with the choice.
    epci = ll.commune.epci
    assert epci is not None  # candidats_designer refused a commune outside any EPCI
    it = moteur.index_territoire(epci, jour=jour)
    ids = [c.demande.pk for c in ordonnes]
    signaux = signaux_menages(ids, jour)
    avec_liste = reservataire.pk in permissions.reservataires_avec_cotisantes(auteur) or (
        auteur.voit_tout and reservataire.entreprises_cotisantes.exists()
    )
    cotisants = salaries_cotisants([reservataire.pk], ids, jour) if avec_liste else {}
    maintenant = timezone.now()
    choix = ChoixReservataire.objects.create(
        orientation=orientation,
        logement_libere=ll,
        reservataire=reservataire,
        bailleur=ll.bailleur,
        seance=seance,
        soumis_le=maintenant,
        jour=jour,
        soumis_par=auteur.utilisateur,
    )
    for c, examen in zip(ordonnes, examens, strict=True):
        ligne_index = it.lignes.get(c.demande.numero_unique)
        s = signaux.get(c.demande.pk, SignauxMenage())
        LigneChoix.objects.create(
            choix=choix,
            rang=c.rang or 0,
            demande=c.demande,
            numero_unique=c.demande.numero_unique,
            commentaire=c.commentaire.strip(),
            examen=examen,
            score=float(it.index.score[ligne_index]) if ligne_index is not None else 0.0,
            date_depot=c.demande.date_depot_initiale,
            labels=list(s.labels),
            consentement=s.consentement,
            salarie_cotisante=(c.demande.pk in cotisants) if avec_liste else None,
        )
    evenement_enregistrer(
        objet=ll,
        action="choix_reservataire_transmis",
        resume=f"{orientation.libelle} transmet au bailleur {pluriel(len(ordonnes), 'candidat choisi', 'candidats choisis')} "
        f"pour le logement {ll.logement.identifiant} (séance du {seance.date:%d/%m/%Y}).",
        auteur=auteur.utilisateur,
        organisation=orientation.reservataire,
        details={"choix": choix.pk, "candidats": [c.demande.numero_unique for c in ordonnes]},
    )
    return choix


def choix_du_logement(ll: LogementLibere) -> list[ChoixReservataire]:
    """The choices of the réservataires for the dwelling, most recent first, with their lines."""
    return list(
        ChoixReservataire.objects.filter(logement_libere=ll)
        .select_related("reservataire", "seance__commission", "soumis_par")
        .prefetch_related("lignes__demande")
    )

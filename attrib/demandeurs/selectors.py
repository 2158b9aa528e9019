"""Reads of the applicant space: the applicant's demands, the accesses given, and the timeline of a demand in
plain French, read from the change journal (``attrib.journal``).

The timeline turns each journal entry of the demand into a sentence written for the household. It names no
field, shows no value typed by staff (comments, reasons of refusal, notes) and says nothing of a confidential
situation beyond « une pièce confidentielle »; entries that mean nothing to the household are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from attrib.demandes import enums
from attrib.demandes.models import Demande
from attrib.demandeurs.acteur import compte_de, demandes_de
from attrib.demandeurs.models import CanalCode, Liaison, Qualite
from attrib.journal.models import EntreeJournal, Operation
from attrib.journal.selectors import entrees_demande
from attrib.organisations.acteurs import Acteur

__all__ = ["Etape", "acces_de", "chronologie", "demande_de", "demandes_de", "liaison_de", "voit_sensible"]


@dataclass(frozen=True)
class Etape:
    """One event of the demand's life, as the household reads it."""

    moment: datetime
    titre: str
    detail: str = ""


def demande_de(acteur: Acteur, pk: int) -> Demande | None:
    return demandes_de(acteur).filter(pk=pk).select_related("guichet").first()


def liaison_de(acteur: Acteur, demande: Demande) -> Liaison | None:
    compte = compte_de(acteur)
    if compte is None:
        return None
    return Liaison.objects.filter(compte=compte, demande=demande, retiree_le__isnull=True).first()


def voit_sensible(liaison: Liaison | None) -> bool:
    """Whether the reader of a demand sees its sensitive situations (violences, health, disability…) by name:
    the household itself (its « titulaire » link) only. A co-applicant or a social worker given access reads
    « Situation particulière (confidentielle) » with its points, and « Pièce confidentielle » (decision 0031)."""
    return liaison is not None and liaison.retiree_le is None and liaison.qualite == Qualite.TITULAIRE


def acces_de(demande: Demande) -> QuerySet[Liaison]:
    """The accesses the household gave (co-applicants, social workers), open ones first."""
    return (
        Liaison.objects.filter(demande=demande)
        .exclude(qualite=Qualite.TITULAIRE)
        .select_related("compte")
        .order_by("retiree_le", "-creee_le")
    )


def _jour(valeur: Any) -> str:
    try:
        jour = valeur if isinstance(valeur, date) else date.fromisoformat(str(valeur)[:10])
    except ValueError:
        return ""
    return f"{jour:%d/%m/%Y}"


def _statut_piece(valeur: Any) -> str:
    return {
        enums.StatutPiece.FOURNIE: "reçue",
        enums.StatutPiece.VALIDEE: "validée",
        enums.StatutPiece.MANQUANTE: "à fournir de nouveau",
    }.get(valeur, "")


def _piece(e: EntreeJournal, voit_sensible: bool) -> Etape | None:
    valeurs = {**(e.avant or {}), **(e.apres or {})}
    sensible = valeurs.get("sensible") in (True, 1, "1", "true")
    # A confidential document (violence, health) is named to the household only: a co-applicant or a social
    # worker reads « Pièce confidentielle ».
    nom = (
        "Pièce confidentielle"
        if sensible and not voit_sensible
        else str(valeurs.get("libelle") or "Pièce justificative")
    )
    if e.operation == Operation.CREATION:
        return Etape(e.horodatage, "Pièce à fournir", f"{nom}.")
    if e.operation == Operation.MODIFICATION and "statut" in (e.apres or {}):
        etat = _statut_piece((e.apres or {}).get("statut"))
        if etat:
            return Etape(e.horodatage, f"Pièce {etat}", f"{nom}.")
    return None


def _demande(e: EntreeJournal) -> list[Etape]:
    apres = e.apres or {}
    if e.operation == Operation.CREATION:
        return [Etape(e.horodatage, "Demande enregistrée", f"Votre numéro unique : {apres.get('numero_unique', '')}.")]
    if e.operation != Operation.MODIFICATION:
        return []
    etapes = []
    if apres.get("statut") == enums.StatutDemande.RADIEE:
        motif = dict(enums.MotifRadiation.choices).get(apres.get("motif_radiation", ""), "")
        etapes.append(Etape(e.horodatage, "Demande radiée", f"Motif : {motif.lower()}." if motif else ""))
    elif apres.get("statut") == enums.StatutDemande.ACTIVE:
        etapes.append(Etape(e.horodatage, "Demande de nouveau active"))
    if apres.get("date_dernier_renouvellement"):
        fin = _jour(apres.get("date_echeance"))
        etapes.append(Etape(e.horodatage, "Demande renouvelée", f"Elle est valable jusqu'au {fin}." if fin else ""))
    if apres.get("date_avis_renouvellement"):
        etapes.append(
            Etape(
                e.horodatage, "Avis de renouvellement envoyé", "Pensez à renouveler votre demande avant son échéance."
            )
        )
    if apres.get("dalo_reconnu") in (True, 1, "1", "true"):
        etapes.append(Etape(e.horodatage, "Reconnaissance du droit au logement opposable (DALO) enregistrée"))
    #: Columns told above, or that say nothing to the household (comments and reasons typed by staff).
    racontees = {
        "statut",
        "date_radiation",
        "motif_radiation",
        "commentaire_radiation",
        "date_dernier_renouvellement",
        "date_echeance",
        "date_avis_renouvellement",
        "dalo_reconnu",
        "dalo_date_decision",
        "dalo_commission",
    }
    if set(apres) - racontees:
        etapes.append(Etape(e.horodatage, "Informations de la demande mises à jour"))
    return etapes


_MISES_A_JOUR = {
    "demandes.personne": "Informations sur les personnes du ménage mises à jour",
    "demandes.communesouhaitee": "Communes souhaitées mises à jour",
    "demandes.motifsecondaire": "Motifs de la demande mis à jour",
}


_AVEC_L_ENREGISTREMENT = frozenset(_MISES_A_JOUR)


def _situation(e: EntreeJournal) -> Etape | None:
    if e.operation == Operation.CREATION:
        return Etape(e.horodatage, "Situation prioritaire déclarée")
    if e.operation == Operation.MODIFICATION and (e.apres or {}).get("statut") == enums.StatutValidation.VALIDEE:
        return Etape(e.horodatage, "Situation prioritaire validée")
    if e.operation == Operation.SUPPRESSION:
        return Etape(e.horodatage, "Situation prioritaire retirée")
    return None


def _offre(e: EntreeJournal) -> Etape | None:
    apres = e.apres or {}
    if e.operation == Operation.CREATION:
        limite = _jour(apres.get("date_limite"))
        return Etape(e.horodatage, "Un logement vous est proposé", f"Répondez avant le {limite}." if limite else "")
    statut = apres.get("statut")
    titres = {
        "acceptee": "Proposition acceptée",
        "refusee": "Proposition refusée",
        "expiree": "Proposition sans réponse dans le délai",
    }
    if e.operation == Operation.MODIFICATION and statut in titres:
        return Etape(e.horodatage, titres[statut])
    return None


def _liaison(e: EntreeJournal) -> Etape | None:
    valeurs = {**(e.avant or {}), **(e.apres or {})}
    qui = {Qualite.CODEMANDEUR: "un co-demandeur", Qualite.TRAVAILLEUR_SOCIAL: "un travailleur social"}.get(
        valeurs.get("qualite", ""), ""
    )
    if e.operation == Operation.CREATION:
        if not qui:
            return Etape(e.horodatage, "Demande liée à un compte en ligne")
        return Etape(e.horodatage, "Accès donné", f"Le ménage a donné accès à {qui}.")
    if e.operation == Operation.MODIFICATION and (e.apres or {}).get("retiree_le"):
        return Etape(e.horodatage, "Accès retiré", f"L'accès de {qui or 'ce compte'} a été retiré.")
    return None


def _code(e: EntreeJournal) -> Etape | None:
    if e.operation != Operation.CREATION:
        return None
    canal = (e.apres or {}).get("canal")
    return Etape(
        e.horodatage,
        "Code d'accès envoyé",
        "Envoyé par courriel." if canal == CanalCode.COURRIEL else "Envoyé par courrier de votre guichet.",
    )


def _etapes(e: EntreeJournal, voit_sensible: bool) -> list[Etape]:
    table = e.table_objet
    if table == "demandes.demande":
        return _demande(e)
    if table == "demandes.piecejustificative":
        return [x] if (x := _piece(e, voit_sensible)) else []
    if table == "demandes.situationprioritaire":
        return [x] if (x := _situation(e)) else []
    if table == "commissions.offre":
        return [x] if (x := _offre(e)) else []
    if table == "commissions.bail":
        return [Etape(e.horodatage, "Bail signé")] if e.operation == Operation.CREATION else []
    if table == "demandeurs.liaison":
        return [x] if (x := _liaison(e)) else []
    if table == "demandeurs.codeliaison":
        return [x] if (x := _code(e)) else []
    if table in _MISES_A_JOUR:
        return [Etape(e.horodatage, _MISES_A_JOUR[table])]
    return []


def chronologie(*, demande: Demande, voit_sensible: bool = False) -> list[Etape]:
    """Every event of the demand in plain French, most recent first. What one registration, one update or
    one renewal wrote in several rows (the household, its wishes) is told once; the rows written with the
    demand's registration are told by the registration itself. A confidential document is named only for
    ``voit_sensible`` (:func:`voit_sensible`)."""
    entrees = list(entrees_demande(demande).order_by("horodatage", "id"))
    creation = next(
        (e.horodatage for e in entrees if e.table_objet == "demandes.demande" and e.operation == Operation.CREATION),
        None,
    )
    etapes: list[Etape] = []
    vues: set[tuple[str, str, str]] = set()
    for e in entrees:
        # The rows written with the registration itself (household, wishes, motives) are told by « Demande
        # enregistrée »; the documents and priority situations it awaits are told one by one.
        if (
            creation is not None
            and e.operation == Operation.CREATION
            and e.table_objet in _AVEC_L_ENREGISTREMENT
            and abs((e.horodatage - creation).total_seconds()) < 10
        ):
            continue
        for etape in _etapes(e, voit_sensible):
            cle = (timezone.localtime(etape.moment).strftime("%Y%m%d%H%M"), etape.titre, etape.detail)
            if cle in vues:
                continue
            vues.add(cle)
            etapes.append(etape)
    return list(reversed(etapes))

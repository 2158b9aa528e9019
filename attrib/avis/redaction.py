"""What a notice says: its title and its text in plain French, written from its source row with the templates
``avis/textes/<nature>.txt``.

Only what the household may read: no internal code, file name, note of an agent or vote. A notice about a
sensitive situation (violence, health: ``details["sensible"]``) names neither the situation nor its documents:
a letter or an email can be read by someone else in the home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from attrib.cotation.models import Cotation, CotationHistorique
from attrib.cotation.selectors import explication_demandeur
from attrib.demandes import enums
from attrib.demandes.models import Demande, PieceJustificative, PrioriteLegale

#: The actions of the business trail that give a notice, with the notice's title.
TITRES: dict[str, str] = {
    "enregistrement": "Votre demande de logement social est enregistrée",
    "renouvellement": "Votre demande est renouvelée",
    "avis_renouvellement": "Pensez à renouveler votre demande",
    "pieces_attendues": "Des pièces justificatives sont attendues",
    "piece_validee": "Une pièce justificative est validée",
    "piece_refusee": "Une pièce justificative n'a pas été acceptée",
    "situation_validee": "Une situation prioritaire de votre demande est reconnue",
    "caleol_inscription": "Votre demande est présentée à la commission d'attribution",
    "caleol_decision": "Décision de la commission d'attribution",
    "offre_emise": "Un logement vous est proposé",
    "offre_acceptee": "Votre acceptation est enregistrée",
    "offre_refusee": "Votre refus est enregistré",
    "offre_expiree": "Proposition de logement sans réponse",
    "attribution": "Bail signé : votre demande est satisfaite",
    "radiation": "Votre demande est radiée",
    "label_valide": "Une priorité de votre demande est reconnue",
    "label_refuse": "Une priorité proposée pour votre demande n'est pas reconnue",
    "label_retire": "Une priorité de votre demande n'est plus reconnue",
    "label_expire": "Une priorité de votre demande est arrivée à échéance",
}
NATURE_SCORE = "score"
TITRE_SCORE = "Votre score a changé"
#: Actions whose trail entry was written for the household (commission, offers, lease): their message is used.
MESSAGE_DU_DEMANDEUR = frozenset(
    {
        "caleol_inscription",
        "caleol_decision",
        "offre_emise",
        "offre_acceptee",
        "offre_refusee",
        "offre_expiree",
        "attribution",
        # Priority labels (attrib.labellisation): the message never names a sensitive situation.
        "label_valide",
        "label_refuse",
        "label_retire",
        "label_expire",
    }
)


@dataclass(frozen=True)
class Redaction:
    nature: str
    titre: str
    texte: str


def _date(valeur: Any) -> date | None:
    if isinstance(valeur, date):
        return valeur
    try:
        return date.fromisoformat(str(valeur)) if valeur else None
    except ValueError:
        return None


def _libelle_piece(texte: str) -> str:
    """« critère : libellé » (the trail's wording) → the label only."""
    return texte.split(" : ", 1)[1] if " : " in texte else texte


def _contexte_evenement(action: str, demande: Demande, details: dict[str, Any], resume: str) -> dict[str, Any]:
    sensible = bool(details.get("sensible"))
    contexte: dict[str, Any] = {"demande": demande, "sensible": sensible}
    if action in MESSAGE_DU_DEMANDEUR:
        contexte["message"] = str(details.get("message") or resume)
    elif action == "enregistrement" or action == "avis_renouvellement":
        contexte["echeance"] = _date(details.get("echeance")) or demande.date_echeance
    elif action == "renouvellement":
        contexte["echeance"] = demande.date_echeance
    elif action == "pieces_attendues":
        contexte["pieces"] = [] if sensible else [_libelle_piece(str(p)) for p in details.get("ajoutees") or []]
        contexte["nombre"] = len(details.get("ajoutees") or [])
        contexte["retirees"] = int(details.get("retirees") or 0)
    elif action in ("piece_validee", "piece_refusee"):
        piece = PieceJustificative.objects.filter(pk=details.get("piece") or 0).only("libelle").first()
        contexte["piece"] = "" if sensible or piece is None else piece.libelle
        contexte["motif"] = "" if sensible else str(details.get("motif") or "")
    elif action == "situation_validee":
        priorite = PrioriteLegale.objects.filter(pk=str(details.get("priorite") or "")).only("libelle").first()
        contexte["priorite"] = "" if sensible or priorite is None else priorite.libelle
    elif action == "radiation":
        motif = details.get("motif")
        contexte["motif"] = enums.MotifRadiation(motif).label if motif in enums.MotifRadiation.values else ""
        contexte["date_radiation"] = demande.date_radiation
        # Withdrawn by the household itself (from its space or by a letter to its desk): said as its own act.
        contexte["retrait"] = motif == enums.MotifRadiation.RENONCIATION
    return contexte


def rediger_evenement(*, action: str, demande: Demande, details: dict[str, Any], resume: str) -> Redaction:
    """The notice of a trail entry ``action`` on ``demande`` (``action`` one of :data:`TITRES`)."""
    texte = render_to_string(f"avis/textes/{action}.txt", _contexte_evenement(action, demande, details, resume))
    return Redaction(nature=action, titre=TITRES[action], texte=_propre(texte))


def rediger_score(*, historique: CotationHistorique, precedent: CotationHistorique, demande: Demande) -> Redaction:
    """The notice of a changed score: before, after, why (the grid changed, or the demand), and the detail of
    the new score in the applicant's words, without naming a sensitive situation (an email or a letter may be
    read by someone else in the home), when the current cotation is the one of ``historique``."""
    cotation = Cotation.objects.select_related("version__grille__organisation").filter(demande=demande).first()
    explication: list[str] = []
    if cotation is not None and cotation.version_id == historique.version_id and cotation.score == historique.score:
        explication = list(explication_demandeur(cotation, voit_sensible=False).phrases)
    texte = render_to_string(
        "avis/textes/score.txt",
        {
            "avant": precedent.score,
            "apres": historique.score,
            "ecart": f"{historique.score - precedent.score:+d} points",
            "grille_changee": historique.version_id != precedent.version_id,
            "explication": explication,
            "calculee_le": historique.calculee_le,
        },
    )
    return Redaction(nature=NATURE_SCORE, titre=TITRE_SCORE, texte=_propre(texte))


def _propre(texte: str) -> str:
    """Paragraphs separated by one blank line, no trailing spaces (templates may leave blank lines)."""
    lignes = [ligne.rstrip() for ligne in texte.strip().splitlines()]
    propres: list[str] = []
    for ligne in lignes:
        if ligne or (propres and propres[-1]):
            propres.append(ligne)
    return "\n".join(propres).strip()


def paragraphes(texte: str) -> list[str]:
    return [p.strip() for p in texte.split("\n\n") if p.strip()]

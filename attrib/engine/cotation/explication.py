"""The score of one demand in plain French, for the demand page and for the applicant.

Each sentence names a criterion and its weight for this demand ("Ménage reconnu prioritaire DALO :
+1 000 points", "Ancienneté de la demande : 26 mois × 10 points, plafonné à 240 : +240 points"), what
is still provisional and why, what an exclusive section or a cap removed, and the totals: what the
CRPA (L311-3-1, R311-3-1-2) asks to be told of an algorithm used for an individual decision.
"""

from __future__ import annotations

from attrib.engine.cotation.grille import LIBELLES_VALIDATION
from attrib.engine.cotation.reference import Ajustement, LigneCritere, Nombre, ResultatCotation

_ESPACE = "\u00a0"


def _entier(valeur: int) -> str:
    return f"{valeur:,}".replace(",", _ESPACE).replace("-", "−")


def _signe(valeur: int) -> str:
    return f"+{_entier(valeur)}" if valeur > 0 else _entier(valeur)


def _points(valeur: int) -> str:
    return f"{_signe(valeur)} point{'s' if abs(valeur) > 1 else ''}"


def _nombre(valeur: Nombre) -> str:
    if isinstance(valeur, float) and not valeur.is_integer():
        texte = f"{valeur:,.2f}".rstrip("0").rstrip(".")
        return texte.replace(",", _ESPACE).replace(".", ",").replace("-", "−")
    return _entier(int(valeur))


def _calcul(ligne: LigneCritere) -> str:
    p = ligne.critere.points
    if not p.proportionnel or ligne.valeur is None or p.par_unite is None:
        return ""
    unite = f" {p.unite}" if p.unite else ""
    par_unite = _nombre(p.par_unite)
    texte = f"{_nombre(ligne.valeur)}{unite} × {par_unite} point{'s' if abs(p.par_unite) > 1 else ''}"
    if p.fixe:
        texte = f"{_signe(p.fixe)} + {texte}"
    if ligne.points != ligne.points_bruts:
        texte += f", plafonné à {_entier(p.plafond or 0)}"
    return f"{texte} : "


def _phrase_critere(ligne: LigneCritere) -> str:
    c = ligne.critere
    phrase = f"{c.libelle} : {_calcul(ligne)}{_points(ligne.points)}"
    if ligne.ecarte:
        return (
            f"{phrase}, non retenu : dans la section « {ligne.section.libelle} », seul le critère le plus "
            "favorable compte"
        )
    if c.a_valider:
        qui = LIBELLES_VALIDATION[c.validation]
        if ligne.valide:
            return f"{phrase} (validé par {qui})"
        return f"{phrase} (provisoire : en attente de validation par {qui})"
    return phrase


def _phrase_ajustement(a: Ajustement) -> str:
    sujet, accord = ("Score total", "") if a.cle.endswith(":total") else (f"Section « {a.libelle} »", "e")
    if a.provisoire < 0:
        return f"{sujet} plafonné{accord} à {_entier(a.plafond or 0)} points : {_points(a.provisoire)}"
    return f"{sujet} ramené{accord} au plancher de {_entier(a.plancher or 0)} points : {_points(a.provisoire)}"


def expliquer(resultat: ResultatCotation) -> list[str]:
    """French sentences explaining ``resultat`` (only the criteria that apply, then the totals)."""
    g = resultat.grille
    version = f", version {g.version}" if g.version else ""
    phrases = [
        f"Grille « {g.libelle} »{version}, calcul au {resultat.date_reference:%d/%m/%Y}. La cotation est une aide "
        "à la décision : la commission d'attribution reste souveraine."
    ]
    ajustements = {a.cle: a for a in resultat.ajustements}
    for section in g.sections:
        for ligne in resultat.lignes:
            if ligne.section.id == section.id and ligne.applique:
                phrases.append(_phrase_critere(ligne))
        ajustement = ajustements.get(f"plafond:{section.id}")
        if ajustement is not None and ajustement.provisoire:
            phrases.append(_phrase_ajustement(ajustement))
    total = ajustements.get("plafond:total")
    if total is not None and total.provisoire:
        phrases.append(_phrase_ajustement(total))
    if len(phrases) == 1:
        phrases.append("Aucun critère de la grille ne s'applique à cette demande.")
    if resultat.score_valide == resultat.score_provisoire:
        phrases.append(f"Score : {_entier(resultat.score_provisoire)} points.")
    else:
        phrases.append(
            f"Score provisoire : {_entier(resultat.score_provisoire)} points ; score validé : "
            f"{_entier(resultat.score_valide)} points (les critères en attente de validation comptent dans le "
            "score provisoire seulement)."
        )
    return phrases

"""The score of one demand in plain French, for the demand page and for the applicant.

Each sentence names a criterion and its weight for this demand ("Ménage reconnu prioritaire DALO :
+1 000 points", "Ancienneté de la demande : 26 mois × 10 points, plafonné à 240 : +240 points"), what
is still provisional and why, what an exclusive section or a cap removed, and the totals: what the
CRPA (L311-3-1, R311-3-1-2) asks to be told of an algorithm used for an individual decision.
"""

from __future__ import annotations

from datetime import date

from attrib.engine.cotation.grille import LIBELLES_VALIDATION, Critere, Grille, Section
from attrib.engine.cotation.reference import Ajustement, LigneCritere, Nombre, ResultatCotation

_ESPACE = "\u00a0"
AUCUN_CRITERE = "Aucun critère de la grille ne s'applique à cette demande."


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


def _calcul(critere: Critere, valeur: Nombre | None, points: int, points_bruts: int) -> str:
    p = critere.points
    if not p.proportionnel or valeur is None or p.par_unite is None:
        return ""
    unite = f" {p.unite}" if p.unite else ""
    par_unite = _nombre(p.par_unite)
    texte = f"{_nombre(valeur)}{unite} × {par_unite} point{'s' if abs(p.par_unite) > 1 else ''}"
    if p.fixe:
        texte = f"{_signe(p.fixe)} + {texte}"
    if points != points_bruts:
        texte += f", plafonné à {_entier(p.plafond or 0)}"
    return f"{texte} : "


def phrase_critere(
    critere: Critere,
    section: Section,
    *,
    valeur: Nombre | None,
    points: int,
    points_bruts: int,
    ecarte: bool,
    valide: bool,
) -> str:
    """The sentence of a criterion that applies: its points (``points_bruts``: before its cap; ``valeur``:
    of proportional points), set aside by its exclusive section (``ecarte``) or validated or not."""
    phrase = f"{critere.libelle} : {_calcul(critere, valeur, points, points_bruts)}{_points(points)}"
    if ecarte:
        return f"{phrase}, non retenu : dans la section « {section.libelle} », seul le critère le plus favorable compte"
    if critere.a_valider:
        qui = LIBELLES_VALIDATION[critere.validation]
        if valide:
            return f"{phrase} (validé par {qui})"
        return f"{phrase} (provisoire : en attente de validation par {qui})"
    return phrase


def _phrase_critere(ligne: LigneCritere) -> str:
    return phrase_critere(
        ligne.critere,
        ligne.section,
        valeur=ligne.valeur,
        points=ligne.points,
        points_bruts=ligne.points_bruts,
        ecarte=ligne.ecarte,
        valide=ligne.valide,
    )


def phrase_ajustement(*, libelle: str | None, provisoire: int, plancher: int | None, plafond: int | None) -> str:
    """The sentence of a non-zero clamp of the total (``libelle`` None) or of the section ``libelle``."""
    sujet, accord = ("Score total", "") if libelle is None else (f"Section « {libelle} »", "e")
    if provisoire < 0:
        return f"{sujet} plafonné{accord} à {_entier(plafond or 0)} points : {_points(provisoire)}"
    return f"{sujet} ramené{accord} au plancher de {_entier(plancher or 0)} points : {_points(provisoire)}"


def _phrase_ajustement(a: Ajustement) -> str:
    return phrase_ajustement(
        libelle=None if a.cle.endswith(":total") else a.libelle,
        provisoire=a.provisoire,
        plancher=a.plancher,
        plafond=a.plafond,
    )


def entete(grille: Grille, date_reference: date) -> str:
    """The first sentence: the grid, its version and the day of calculation."""
    version = f", version {grille.version}" if grille.version else ""
    return (
        f"Grille « {grille.libelle} »{version}, calcul au {date_reference:%d/%m/%Y}. La cotation est une aide "
        "à la décision : la commission d'attribution reste souveraine."
    )


def phrase_score(score_provisoire: int, score_valide: int) -> str:
    """The last sentence: the score, or both scores when they differ."""
    if score_valide == score_provisoire:
        return f"Score : {_entier(score_provisoire)} points."
    return (
        f"Score provisoire : {_entier(score_provisoire)} points ; score validé : "
        f"{_entier(score_valide)} points (les critères en attente de validation comptent dans le "
        "score provisoire seulement)."
    )


def expliquer(resultat: ResultatCotation) -> list[str]:
    """French sentences explaining ``resultat`` (only the criteria that apply, then the totals)."""
    g = resultat.grille
    phrases = [entete(g, resultat.date_reference)]
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
        phrases.append(AUCUN_CRITERE)
    phrases.append(phrase_score(resultat.score_provisoire, resultat.score_valide))
    return phrases

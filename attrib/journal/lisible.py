"""Journal entries in plain French: the object, each field's label, its value before → after.

Codes are shown with their French labels (choices, linked objects by name), booleans as oui/non, dates the
French way. A grid version's document is compared criterion by criterion. Sensitive values (violence,
health: ``registre.Suivi.champs_sensibles``, ``ligne_sensible_si``, ``valeurs_sensibles``) are replaced by
« confidentiel » for a user without ``peut_voir_situations_sensibles``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import models
from django.utils import timezone

from attrib.engine.yaml_borne import YamlRefuse, charger_yaml_borne
from attrib.journal import registre
from attrib.journal.models import EntreeJournal, Operation

CONFIDENTIEL = "confidentiel"
VIDE = "(vide)"

#: Labels of columns without a useful verbose name (auto-created tables, technical keys).
LIBELLES: dict[str, dict[str, str]] = {
    "flux.conventionreservation_territoire": {
        "conventionreservation_id": "convention",
        "commune_id": "commune du territoire",
    },
    "organisations.organisation_perimetre": {"organisation_id": "organisation", "commune_id": "commune du périmètre"},
}
_OBJETS_M2M = {
    "flux.conventionreservation_territoire": "commune du territoire d'une convention",
    "organisations.organisation_perimetre": "commune du périmètre d'une organisation",
}


@dataclass(frozen=True)
class Changement:
    champ: str
    avant: str
    apres: str


@dataclass
class LigneJournal:
    entree: EntreeJournal
    objet: str
    operation: str
    auteur: str
    changements: list[Changement] = field(default_factory=list)
    confidentielle: bool = False

    @property
    def horodatage(self) -> datetime:
        return self.entree.horodatage


def _champs(modele: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    champs: dict[str, models.Field[Any, Any]] = {}
    for f in modele._meta.concrete_fields:
        champs[f.column] = f  # type: ignore[index]
        champs[f.attname] = f
    return champs


class _Noms:
    """Names of linked objects, read once per page (``commune_id`` 11262 → « Narbonne »)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type[models.Model], str], str] = {}

    def nom(self, modele: type[models.Model], pk: Any) -> str:
        cle = (modele, str(pk))
        if cle not in self._cache:
            objet = modele._default_manager.filter(pk=pk).first()
            self._cache[cle] = str(objet) if objet is not None else f"n° {pk} (supprimé)"
        return self._cache[cle]


def _nombre(valeur: Decimal) -> str:
    texte = f"{valeur:,.2f}" if valeur != valeur.to_integral_value() else f"{valeur:,.0f}"
    return texte.replace(",", "\u202f").replace(".", ",")


def valeur_lisible(f: models.Field[Any, Any] | None, valeur: Any, noms: _Noms) -> str:
    """One stored JSON value as a reader would write it."""
    if valeur is None or valeur == "":
        return VIDE
    if f is None:
        return str(valeur) if not isinstance(valeur, (dict, list)) else json.dumps(valeur, ensure_ascii=False)
    if f.is_relation and f.related_model is not None:
        return noms.nom(f.related_model, valeur)  # type: ignore[arg-type]
    if f.choices:
        return str(dict(f.flatchoices).get(valeur, valeur))
    if isinstance(f, models.BooleanField):
        return "oui" if valeur in (True, 1, "1", "true", "t") else "non"
    if isinstance(f, models.DateTimeField):
        try:
            moment = f.to_python(valeur)
        except Exception:  # noqa: BLE001 - a malformed stored value is shown as stored
            return str(valeur)
        if moment is None:
            return VIDE
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, UTC)
        return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"
    if isinstance(f, models.DateField):
        try:
            jour = f.to_python(valeur)
        except Exception:  # noqa: BLE001
            return str(valeur)
        return f"{jour:%d/%m/%Y}" if isinstance(jour, date) else VIDE
    if isinstance(f, (models.DecimalField, models.FloatField)):
        try:
            return _nombre(Decimal(str(valeur)))
        except InvalidOperation:
            return str(valeur)
    if isinstance(f, models.JSONField) or isinstance(valeur, (dict, list)):
        if isinstance(valeur, str):
            try:
                valeur = json.loads(valeur)
            except ValueError:
                return valeur
        return json.dumps(valeur, ensure_ascii=False)
    return str(valeur)


def _libelle(suivi: registre.Suivi, f: models.Field[Any, Any] | None, colonne: str) -> str:
    propre = LIBELLES.get(suivi.etiquette, {}).get(colonne)
    if propre:
        return propre
    if f is None:
        return colonne
    return str(f.verbose_name) if f.verbose_name else colonne


# --- grid documents --------------------------------------------------------------------------------


def _charger(texte: Any) -> dict[str, Any]:
    """The document as the engine normalises it (so that a first edit of an imported file does not list the
    defaults the engine wrote), or as plain YAML when the engine refuses it."""
    from attrib.engine.cotation import GrilleInvalide, charger_grille, grille_vers_donnees

    if isinstance(texte, str):
        try:
            return grille_vers_donnees(charger_grille(texte, origine="journal"))
        except (GrilleInvalide, ValueError, TypeError, OSError):
            pass
    try:
        donnees = charger_yaml_borne(texte) if isinstance(texte, str) else None
    except YamlRefuse:
        return {}
    return donnees if isinstance(donnees, dict) else {}


def _court(valeur: Any) -> str:
    if valeur is None:
        return "(absent)"
    if isinstance(valeur, (dict, list)):
        return yaml.safe_dump(
            valeur, allow_unicode=True, sort_keys=False, default_flow_style=True, width=10_000
        ).strip()
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return str(valeur)


def _cles(avant: dict[str, Any], apres: dict[str, Any], prefixe: str, ignorer: Iterable[str] = ()) -> list[Changement]:
    ignores = set(ignorer)
    return [
        Changement(f"{prefixe}{cle}", _court(avant.get(cle)), _court(apres.get(cle)))
        for cle in dict.fromkeys([*avant, *apres])
        if cle not in ignores and avant.get(cle) != apres.get(cle)
    ]


def diff_document_grille(avant: Any, apres: Any) -> list[Changement]:
    """What changed between two YAML documents of a grid: header, sections, and each criterion (by id)."""
    a, b = _charger(avant), _charger(apres)
    changements = _cles(a, b, "en-tête : ", ignorer=("sections",))
    sections_a = {s.get("id"): s for s in a.get("sections") or [] if isinstance(s, dict)}
    sections_b = {s.get("id"): s for s in b.get("sections") or [] if isinstance(s, dict)}
    for sid in dict.fromkeys([*sections_a, *sections_b]):
        sa, sb = sections_a.get(sid), sections_b.get(sid)
        if sa is None or sb is None:
            changements.append(
                Changement(
                    f"section « {sid} »",
                    "(absente)" if sa is None else "présente",
                    "(absente)" if sb is None else "ajoutée",
                )
            )
            continue
        changements += _cles(sa, sb, f"section « {sid} » : ", ignorer=("criteres",))
        crit_a = {c.get("id"): c for c in sa.get("criteres") or [] if isinstance(c, dict)}
        crit_b = {c.get("id"): c for c in sb.get("criteres") or [] if isinstance(c, dict)}
        for cid in dict.fromkeys([*crit_a, *crit_b]):
            ca, cb = crit_a.get(cid), crit_b.get(cid)
            if ca is None or cb is None:
                changements.append(Changement(f"critère « {cid} » (section « {sid} »)", _court(ca), _court(cb)))
            elif ca != cb:
                changements += _cles(ca, cb, f"critère « {cid} » : ")
    return changements


def _resume_document(texte: Any) -> str:
    donnees = _charger(texte)
    sections = [s for s in donnees.get("sections") or [] if isinstance(s, dict)]
    criteres = sum(len(s.get("criteres") or []) for s in sections)
    return f"grille « {donnees.get('libelle', '')} » : {len(sections)} sections, {criteres} critères"


# --- entries ---------------------------------------------------------------------------------------


def _valeurs_connues(entree: EntreeJournal, suivi: registre.Suivi, modele: type[models.Model]) -> dict[str, Any]:
    """Every value the object is known to hold (for deciding if it is sensitive): the entry's, the current
    row's, its creation's."""
    valeurs: dict[str, Any] = {}
    creation = (
        EntreeJournal.objects.filter(
            table_objet=entree.table_objet, objet_id=entree.objet_id, operation=Operation.CREATION
        )
        .values_list("apres", flat=True)
        .first()
    )
    for source in (creation, entree.avant, entree.apres):
        if isinstance(source, dict):
            valeurs.update(source)
    cols = [c for c, _ in suivi.ligne_sensible_si]
    actuelle = (
        modele._default_manager.filter(pk=entree.objet_id).values(*[_champs(modele)[c].attname for c in cols]).first()
    )
    if actuelle:
        for c in cols:
            valeurs.setdefault(c, actuelle[_champs(modele)[c].attname])
    return valeurs


def _ligne_sensible(entree: EntreeJournal, suivi: registre.Suivi, modele: type[models.Model]) -> bool:
    if not suivi.ligne_sensible_si:
        return False
    valeurs = _valeurs_connues(entree, suivi, modele)
    for colonne, predicat in suivi.ligne_sensible_si:
        for source in (valeurs, entree.avant or {}, entree.apres or {}):
            if colonne in source and registre.PREDICATS[predicat](source[colonne]):
                return True
    return False


def _auteur(entree: EntreeJournal) -> str:
    if entree.auteur_libelle:
        return entree.auteur_libelle
    return f"traitement automatique ({entree.origine})" if entree.origine else "traitement automatique"


def _objet(entree: EntreeJournal, suivi: registre.Suivi | None, modele: type[models.Model] | None) -> str:
    if suivi is None or modele is None:
        return f"{entree.table_objet} n° {entree.objet_id}"
    if suivi.etiquette in _OBJETS_M2M:
        return _OBJETS_M2M[suivi.etiquette]
    nature = str(modele._meta.verbose_name)
    valeurs = entree.apres if entree.operation == Operation.CREATION else entree.avant
    if suivi.etiquette == "demandes.personne":
        source = valeurs if valeurs and valeurs.get("nom") else None
        if source is None:
            source = modele._default_manager.filter(pk=entree.objet_id).values("prenoms", "nom").first() or {}
        if source.get("nom"):
            return f"{nature} : {source.get('prenoms', '')} {source.get('nom', '')}".strip()
    return f"{nature} n° {entree.objet_id}"


def ligne_lisible(entree: EntreeJournal, *, voit_sensible: bool, noms: _Noms | None = None) -> LigneJournal:
    noms = noms or _Noms()
    suivi = registre.par_etiquette().get(entree.table_objet)
    modele = registre.modele(suivi) if suivi else None
    ligne = LigneJournal(
        entree=entree,
        objet=_objet(entree, suivi, modele),
        operation=entree.get_operation_display(),
        auteur=_auteur(entree),
    )
    if suivi is None or modele is None:
        return ligne
    if not voit_sensible and _ligne_sensible(entree, suivi, modele):
        ligne.confidentielle = True
        ligne.objet = f"{modele._meta.verbose_name} (situation confidentielle)"
        return ligne
    champs = _champs(modele)
    avant, apres = entree.avant or {}, entree.apres or {}
    valeurs_sensibles = dict(suivi.valeurs_sensibles)
    for colonne in dict.fromkeys([*avant, *apres]):
        if colonne in suivi.exclus:
            continue
        f = champs.get(colonne)
        if entree.operation != Operation.MODIFICATION and colonne == (
            modele._meta.pk.column if modele._meta.pk else "id"
        ):
            continue
        a, b = avant.get(colonne), apres.get(colonne)
        if (
            entree.operation != Operation.MODIFICATION
            and (a if entree.operation == Operation.SUPPRESSION else b) in (None, "", 0, False)
            and not (f and f.choices)
        ):
            continue  # a creation or deletion lists what the row held, not its empty fields
        libelle = _libelle(suivi, f, colonne)
        if suivi.etiquette == "cotation.versiongrille" and colonne == "document":
            if entree.operation == Operation.MODIFICATION:
                ligne.changements += diff_document_grille(a, b)
            else:
                resume = _resume_document(a if entree.operation == Operation.SUPPRESSION else b)
                ligne.changements.append(
                    Changement(libelle, resume if a is not None else VIDE, resume if b is not None else VIDE)
                )
            continue
        cache = colonne in suivi.champs_sensibles or (
            colonne in valeurs_sensibles and any(registre.PREDICATS[valeurs_sensibles[colonne]](v) for v in (a, b))
        )
        if cache and not voit_sensible:
            ligne.changements.append(Changement(libelle, CONFIDENTIEL, CONFIDENTIEL))
            continue
        ligne.changements.append(
            Changement(
                libelle,
                valeur_lisible(f, a, noms) if entree.operation != Operation.CREATION else "",
                valeur_lisible(f, b, noms) if entree.operation != Operation.SUPPRESSION else "",
            )
        )
    return ligne


def lignes_lisibles(entrees: Sequence[EntreeJournal], *, voit_sensible: bool) -> list[LigneJournal]:
    noms = _Noms()
    return [
        ligne_lisible(e, voit_sensible=voit_sensible, noms=noms)
        for e in fusionner_remplacements(entrees)
        if e.operation != Operation.MODIFICATION or e.avant or e.apres
    ]


# --- replacements --------------------------------------------------------------------------------

#: Tables whose rows a service replaces (delete then re-create) and the fields that say it is the same row.
_REMPLACEMENTS: dict[str, tuple[str, ...]] = {
    "demandes.personne": ("role", "prenoms", "date_naissance"),
}
_ROLES_UNIQUES = {"demandeur", "codemandeur"}
_FENETRE_SECONDES = 5


def _cle_remplacement(table: str, valeurs: dict[str, Any]) -> tuple[Any, ...]:
    if table == "demandes.personne" and valeurs.get("role") in _ROLES_UNIQUES:
        return (valeurs.get("role"),)
    return tuple(valeurs.get(c) for c in _REMPLACEMENTS[table])


def fusionner_remplacements(entrees: Sequence[EntreeJournal]) -> list[EntreeJournal]:
    """A person deleted and re-created by the same change (the household replaced as a whole, by the API or
    the screen) is shown as one modification of that person, with only what changed."""
    resultat: list[EntreeJournal] = []
    utilisees: set[int] = set()
    for i, entree in enumerate(entrees):
        if id(entree) in utilisees:
            continue
        if entree.table_objet in _REMPLACEMENTS and entree.operation in (Operation.SUPPRESSION, Operation.CREATION):
            cherchee = Operation.CREATION if entree.operation == Operation.SUPPRESSION else Operation.SUPPRESSION
            propres = entree.avant if entree.operation == Operation.SUPPRESSION else entree.apres
            cle = _cle_remplacement(entree.table_objet, propres or {})
            for autre in entrees[i + 1 :]:
                if (
                    id(autre) in utilisees
                    or autre.table_objet != entree.table_objet
                    or autre.operation != cherchee
                    or autre.racine_id != entree.racine_id
                    or autre.auteur_id != entree.auteur_id
                    or autre.origine != entree.origine
                    or abs((autre.horodatage - entree.horodatage).total_seconds()) > _FENETRE_SECONDES
                ):
                    continue
                valeurs = autre.avant if autre.operation == Operation.SUPPRESSION else autre.apres
                if _cle_remplacement(autre.table_objet, valeurs or {}) != cle:
                    continue
                suppression, creation = (
                    (entree, autre) if entree.operation == Operation.SUPPRESSION else (autre, entree)
                )
                ancien, nouveau = suppression.avant or {}, creation.apres or {}
                colonnes = [
                    c for c in dict.fromkeys([*ancien, *nouveau]) if c != "id" and ancien.get(c) != nouveau.get(c)
                ]
                utilisees.add(id(autre))
                entree = EntreeJournal(
                    pk=creation.pk,
                    horodatage=creation.horodatage,
                    table_objet=creation.table_objet,
                    objet_id=creation.objet_id,
                    operation=Operation.MODIFICATION,
                    racine_table=creation.racine_table,
                    racine_id=creation.racine_id,
                    avant={c: ancien.get(c) for c in colonnes},
                    apres={c: nouveau.get(c) for c in colonnes},
                    auteur_id=creation.auteur_id,
                    auteur_libelle=creation.auteur_libelle,
                    organisation_id=creation.organisation_id,
                    origine=creation.origine,
                )
                break
        resultat.append(entree)
    return resultat

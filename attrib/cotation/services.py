"""Writes of the cotation: import, export and edit grid versions, publish them, re-score the demands.

* Every grid document is checked by the engine (``attrib.engine.cotation.charger_grille``): an import
  refused names the file, the line and the path of each error; an edit refused names the path
  (``sections[2].criteres[3].points``), which the editor places on its fields. Nothing is written.
* Publishing is audited. It re-scores every active demand of the EPCI (``attrib.cotation.calcul``):
  reading and computing happen first, reporting their progress in a ``TacheCotation`` row; then, in one
  transaction, the version is published (the previous one archived) and every cotation written. A
  failure publishes nothing and leaves the task with its French message.
* Every write takes its ``auteur`` (an ``Acteur``): the system (demo data, nightly command) passes
  ``acteur_systeme(...)``; an actor without the right gets ``Refus`` and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import Max
from django.utils import timezone

from attrib.common.services import evenement_enregistrer
from attrib.cotation import calcul, permissions
from attrib.cotation.enums import NatureTache, StatutTache, StatutVersion, TypeGrille
from attrib.cotation.models import GrilleCotation, TacheCotation, VersionGrille
from attrib.demandes.models import Demande
from attrib.engine.cotation import Grille, GrilleInvalide, MessageGrille, charger_grille, grille_vers_yaml, valider
from attrib.engine.erreurs import ErreurMoteur
from attrib.engine.yaml_borne import charger_yaml_borne, ecrire_yaml
from attrib.journal.lisible import diff_document_grille
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.taches.progression import Progression, Suivi

DOSSIER_GRILLES = Path(settings.BASE_DIR) / "data" / "grilles"
TAILLE_MAX_DOCUMENT = 500_000
#: Attempts of a run's write when PostgreSQL breaks a deadlock by cancelling it.
ESSAIS_ECRITURE = 3


def _verifier_gestion(auteur: Acteur, organisation: Organisation | int) -> None:
    auteur.exiger(permissions.peut_gerer(auteur, organisation), permissions.REFUS_GERER)


def _avertissements(messages: Sequence[MessageGrille]) -> list[dict[str, Any]]:
    return [{"ligne": m.ligne, "chemin": m.chemin, "message": m.message} for m in messages]


def _texte(contenu: str | bytes, nom: str) -> str:
    if isinstance(contenu, bytes):
        if len(contenu) > TAILLE_MAX_DOCUMENT:
            raise ValidationError({"fichier": [f"{nom} : fichier trop volumineux (500 000 octets au plus)."]})
        try:
            return contenu.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                {"fichier": [f"{nom} : le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8."]}
            ) from None
    return contenu


def _type_compatible(grille: Grille, type_: str, nom: str) -> None:
    if type_ == TypeGrille.MUTATION and grille.public != "mutations":
        raise ValidationError(
            {
                "fichier": [
                    f"{nom} : une grille des mutations doit déclarer « public: mutations » "
                    f"(le document déclare « public: {grille.public} »)."
                ]
            }
        )
    if type_ == TypeGrille.GENERALE and grille.public == "mutations":
        raise ValidationError(
            {
                "fichier": [
                    f"{nom} : ce document est une grille des mutations (« public: mutations ») : importez-le comme telle."
                ]
            }
        )


def _nouvelle_version(
    *, grille_cotation: GrilleCotation, texte: str, grille: Grille, origine: str, auteur: Acteur
) -> VersionGrille:
    numero = (grille_cotation.versions.aggregate(n=Max("numero"))["n"] or 0) + 1
    return VersionGrille.objects.create(
        grille=grille_cotation,
        numero=numero,
        document=texte,
        libelle=grille.libelle[:300],
        version_document=grille.version[:50],
        date_effet=grille.date_effet,
        avertissements=_avertissements(valider(grille)),
        origine=origine[:300],
        cree_par=auteur.utilisateur,
    )


# --- import, export, copy, delete ------------------------------------------------------------------


@transaction.atomic
def grille_importer_yaml(
    *,
    organisation: Organisation,
    type_grille: str,
    contenu: str | bytes,
    nom_fichier: str,
    auteur: Acteur,
    origine: str = "",
) -> VersionGrille:
    """A new draft version of the EPCI's grid of ``type_grille`` (the grid is created at its first import).

    ``origine`` says where the version comes from on its page (default: the name of the file imported)."""
    _verifier_gestion(auteur, organisation)
    if organisation.type != TypeOrganisation.EPCI:
        raise ValidationError({"organisation": ["Seul un EPCI adopte une grille de cotation (L441-2-8 CCH)."]})
    if type_grille not in TypeGrille.values:
        raise ValidationError({"type_grille": [f"Type de grille « {type_grille} » inconnu."]})
    texte = _texte(contenu, nom_fichier)
    try:
        grille = charger_grille(texte, origine=nom_fichier)
    except GrilleInvalide as exc:
        raise ValidationError({"fichier": [str(m) for m in exc.messages]}) from None
    _type_compatible(grille, type_grille, nom_fichier)
    grille_cotation, _ = GrilleCotation.objects.get_or_create(
        organisation=organisation, type=type_grille, defaults={"nom": grille.libelle[:300]}
    )
    version = _nouvelle_version(
        grille_cotation=grille_cotation,
        texte=texte,
        grille=grille,
        origine=origine or f"Import du fichier {nom_fichier}",
        auteur=auteur,
    )
    evenement_enregistrer(
        objet=version,
        action="grille_importee",
        resume=f"Version {version.numero} de la {grille_cotation.get_type_display().lower()} importée ({nom_fichier}).",
        auteur=auteur.utilisateur,
        organisation=organisation,
        details={"fichier": nom_fichier, "avertissements": len(version.avertissements)},
    )
    return version


def grille_exporter_yaml(*, version: VersionGrille) -> tuple[str, bytes]:
    """File name and UTF-8 content of the version's document (as imported or last edited)."""
    return version.nom_fichier, version.document.encode("utf-8")


@transaction.atomic
def version_copier(*, version: VersionGrille, auteur: Acteur) -> VersionGrille:
    """A new draft holding the document of ``version`` (to edit it, then simulate and publish)."""
    _verifier_gestion(auteur, version.grille.organisation_id)
    grille_cotation = GrilleCotation.objects.select_for_update().get(pk=version.grille_id)
    copie = _nouvelle_version(
        grille_cotation=grille_cotation,
        texte=version.document,
        grille=version.charger(),
        origine=f"Copie de la version {version.numero}",
        auteur=auteur,
    )
    evenement_enregistrer(
        objet=copie,
        action="grille_brouillon",
        resume=f"Brouillon {copie.numero} créé à partir de la version {version.numero}.",
        auteur=auteur.utilisateur,
        organisation=grille_cotation.organisation,
    )
    return copie


def _exiger_brouillon(version: VersionGrille) -> None:
    if not version.est_brouillon:
        raise ValidationError(
            f"La version {version.numero} est {version.get_statut_display().lower()} : seul un brouillon se modifie. "
            "Créez un nouveau brouillon à partir de cette version."
        )


@transaction.atomic
def version_supprimer(*, version: VersionGrille, auteur: Acteur) -> None:
    _verifier_gestion(auteur, version.grille.organisation_id)
    version = VersionGrille.objects.select_for_update().get(pk=version.pk)
    _exiger_brouillon(version)
    evenement_enregistrer(
        objet=version.grille,
        action="grille_brouillon_supprime",
        resume=f"Brouillon {version.numero} supprimé.",
        auteur=auteur.utilisateur,
        organisation=version.grille.organisation,
    )
    version.delete()


# --- editor ----------------------------------------------------------------------------------------


def document(version: VersionGrille) -> dict[str, Any]:
    """The version's document as plain data (what the editor changes)."""
    donnees = charger_yaml_borne(version.document)
    assert isinstance(donnees, dict)
    return donnees


def position_section(donnees: Mapping[str, Any], section_id: str) -> int:
    for i, section in enumerate(donnees["sections"]):
        if section["id"] == section_id:
            return i
    raise ValidationError({"section": [f"Section « {section_id} » introuvable dans la grille."]})


def position_critere(donnees: Mapping[str, Any], critere_id: str) -> tuple[int, int]:
    for i, section in enumerate(donnees["sections"]):
        for j, critere in enumerate(section["criteres"]):
            if critere["id"] == critere_id:
                return i, j
    raise ValidationError({"critere": [f"Critère « {critere_id} » introuvable dans la grille."]})


def _modifier(
    *, version: VersionGrille, auteur: Acteur, modification: Callable[[dict[str, Any]], None], resume: str
) -> VersionGrille:
    """Apply ``modification`` to the draft's document and store it if the engine accepts it; else raise
    ``ValidationError`` keyed by the path of each error (``sections[1].criteres[0].points``)."""
    _verifier_gestion(auteur, version.grille.organisation_id)
    version = VersionGrille.objects.select_for_update().get(pk=version.pk)
    _exiger_brouillon(version)
    ancien_document = version.document
    donnees = document(version)
    modification(donnees)
    texte = ecrire_yaml(donnees, allow_unicode=True, sort_keys=False, width=110)
    try:
        grille = charger_grille(texte, origine=version.nom_fichier)
    except GrilleInvalide as exc:
        erreurs: dict[str, list[str]] = {}
        for m in exc.messages:
            erreurs.setdefault(m.chemin or "__all__", []).append(m.message)
        raise ValidationError(erreurs) from None
    _type_compatible(grille, version.grille.type, version.nom_fichier)
    version.document = grille_vers_yaml(grille)
    version.libelle = grille.libelle[:300]
    version.version_document = grille.version[:50]
    version.date_effet = grille.date_effet
    version.avertissements = _avertissements(valider(grille))
    version.save()
    evenement_enregistrer(
        objet=version,
        action="grille_modifiee",
        resume=f"Brouillon {version.numero} : {resume}",
        auteur=auteur.utilisateur,
        organisation=version.grille.organisation,
        details={
            "modifications": [
                {"champ": c.champ, "avant": c.avant, "apres": c.apres}
                for c in diff_document_grille(ancien_document, version.document)
            ]
        },
    )
    return version


def _poser(cible: dict[str, Any], cle: str, valeur: Any) -> None:
    """Set ``cle`` (or remove it when the value is empty)."""
    if valeur is None or valeur == "" or valeur == []:
        cible.pop(cle, None)
    else:
        cible[cle] = valeur


ENTETE = ("libelle", "version", "date_effet", "date_fin", "plafond_total", "plancher_total")


@transaction.atomic
def entete_modifier(*, version: VersionGrille, donnees: Mapping[str, Any], auteur: Acteur) -> VersionGrille:
    """Header of the grid: ``libelle``, ``version``, ``date_effet``, ``date_fin``, ``plafond_total``,
    ``plancher_total`` (empty: removed) and ``score_classement`` (``provisoire`` or ``valide``)."""

    def modifier(doc: dict[str, Any]) -> None:
        for cle in ENTETE:
            if cle in donnees:
                _poser(doc, cle, donnees[cle])
        if donnees.get("score_classement"):
            doc.setdefault("classement", {})["score"] = donnees["score_classement"]

    return _modifier(version=version, auteur=auteur, modification=modifier, resume="en-tête modifié.")


@transaction.atomic
def section_modifier(
    *, version: VersionGrille, section_id: str, donnees: Mapping[str, Any], auteur: Acteur
) -> VersionGrille:
    """A section's ``libelle``, ``description``, ``exclusive``, ``plafond`` and ``plancher`` (empty: removed)."""

    def modifier(doc: dict[str, Any]) -> None:
        section = doc["sections"][position_section(doc, section_id)]
        for cle in ("libelle", "description", "plafond", "plancher"):
            if cle in donnees:
                _poser(section, cle, donnees[cle])
        if "exclusive" in donnees:
            _poser(section, "exclusive", True if donnees["exclusive"] else None)

    return _modifier(
        version=version, auteur=auteur, modification=modifier, resume=f"section « {section_id} » modifiée."
    )


@transaction.atomic
def critere_enregistrer(
    *,
    version: VersionGrille,
    section_id: str,
    critere_id: str | None,
    donnees: Mapping[str, Any],
    auteur: Acteur,
) -> VersionGrille:
    """Replace criterion ``critere_id`` (``None``: add one at the end of the section) by ``donnees``, a
    criterion of the document (``id``, ``libelle``, ``base_legale``, ``points``, ``condition``…)."""

    def modifier(doc: dict[str, Any]) -> None:
        if critere_id is None:
            doc["sections"][position_section(doc, section_id)]["criteres"].append(dict(donnees))
        else:
            i, j = position_critere(doc, critere_id)
            doc["sections"][i]["criteres"][j] = dict(donnees)

    quoi = "ajouté" if critere_id is None else "modifié"
    return _modifier(
        version=version, auteur=auteur, modification=modifier, resume=f"critère « {donnees.get('id')} » {quoi}."
    )


@transaction.atomic
def critere_supprimer(*, version: VersionGrille, critere_id: str, auteur: Acteur) -> VersionGrille:
    def modifier(doc: dict[str, Any]) -> None:
        i, j = position_critere(doc, critere_id)
        section = doc["sections"][i]
        if len(section["criteres"]) == 1:
            raise ValidationError(
                {
                    f"sections[{i}].criteres": [
                        f"« {critere_id} » est le seul critère de la section « {section['libelle']} » : une section "
                        "garde au moins un critère (modifiez-le plutôt)."
                    ]
                }
            )
        del section["criteres"][j]

    return _modifier(
        version=version, auteur=auteur, modification=modifier, resume=f"critère « {critere_id} » supprimé."
    )


# --- publication and re-scoring --------------------------------------------------------------------


def _suivi(tache: TacheCotation, progression: Progression | None) -> tuple[Suivi, Progression]:
    """Progress written to the task row outside the run's transaction (``attrib.taches.progression``: the
    screens that poll it see it while the run writes), and passed on to ``progression``."""
    ligne = Suivi(TacheCotation, tache.pk)

    def suivre(etape: int, libelle: str, faites: int, total: int) -> None:
        ligne(etape, libelle, faites, total)
        if progression is not None:
            progression(etape, libelle, faites, total)

    return ligne, suivre


def _pluriel(n: int, mot: str) -> str:
    return f"{n} {mot}{'s' if n > 1 else ''}"


def _bilan(calculs: Sequence[calcul.CotationsCalculees], jour: date, rattrapees: int = 0) -> str:
    total = sum(c.effectif for c in calculs)
    parties = [
        f"{c.effectif} avec la {c.version.grille.get_type_display().lower()} (version {c.version.numero})"
        for c in calculs
    ]
    detail = f" : {', '.join(parties)}" if parties else ""
    texte = f"{total} demande{'s' if total > 1 else ''} cotée{'s' if total > 1 else ''} au {jour:%d/%m/%Y}{detail}."
    if rattrapees:
        texte += (
            f" {_pluriel(rattrapees, 'demande')} modifiée{'s' if rattrapees > 1 else ''}, radiée"
            f"{'s' if rattrapees > 1 else ''} ou enregistrée{'s' if rattrapees > 1 else ''} pendant le calcul "
            f"{'ont' if rattrapees > 1 else 'a'} été reprise{'s' if rattrapees > 1 else ''} avant l'enregistrement."
        )
    n = sum(len(c.ecartees) for c in calculs)
    if n:
        texte += (
            f" {_pluriel(n, 'demande')} non cotée{'s' if n > 1 else ''} : "
            f"{'leurs données sont' if n > 1 else 'ses données sont'} à corriger (détail ci-dessous)."
        )
    return texte


def _ecartees(calculs: Sequence[calcul.CotationsCalculees]) -> list[dict[str, Any]]:
    return [
        {"demande_id": e.demande_id, "numero_unique": e.numero_unique, "motif": e.motif}
        for c in calculs
        for e in c.ecartees
    ]


def _publier(versions: Sequence[VersionGrille], auteur: Acteur, maintenant: Any) -> None:
    for version in versions:
        verrouillee = VersionGrille.objects.select_for_update().get(pk=version.pk)
        _exiger_brouillon(verrouillee)
        anciennes = list(
            VersionGrille.objects.select_for_update().filter(grille_id=version.grille_id, statut=StatutVersion.PUBLIEE)
        )
        for ancienne in anciennes:
            ancienne.statut = StatutVersion.ARCHIVEE
            ancienne.archivee_le = maintenant
            ancienne.save(update_fields=["statut", "archivee_le", "modifiee_le"])
        verrouillee.statut = StatutVersion.PUBLIEE
        verrouillee.publiee_le = maintenant
        verrouillee.publiee_par = auteur.utilisateur
        verrouillee.save(update_fields=["statut", "publiee_le", "publiee_par", "modifiee_le"])
        archivees = ", ".join(str(a.numero) for a in anciennes)
        evenement_enregistrer(
            objet=verrouillee,
            action="grille_publiee",
            resume=(
                f"Version {verrouillee.numero} de la {verrouillee.grille.get_type_display().lower()} publiée"
                + (f" ; version {archivees} archivée." if archivees else ".")
            ),
            auteur=auteur.utilisateur,
            organisation=verrouillee.grille.organisation,
            details={"archivees": [a.numero for a in anciennes], "date_effet": str(verrouillee.date_effet)},
        )


def _executer(
    *,
    organisation: Organisation,
    nature: str,
    publier: Sequence[VersionGrille],
    auteur: Acteur,
    jour: date | None,
    progression: Progression | None,
    travail_id: int | None,
) -> TacheCotation:
    jour = jour or timezone.localdate()
    tache = TacheCotation.objects.create(
        travail_id=travail_id,
        organisation=organisation,
        version=publier[0] if publier else None,
        nature=nature,
        lancee_par=auteur.utilisateur,
        date_reference=jour,
    )
    ligne, suivre = _suivi(tache, progression)
    versions = calcul.versions_publiees(organisation)
    for version in publier:
        versions[version.grille.type] = version
    try:
        calculs = calcul.calculer(organisation, versions, jour=jour, progression=suivre)
        for essai in range(1, ESSAIS_ECRITURE + 1):
            try:
                with transaction.atomic():
                    # Scorings of one demand wait for this run's write (they lock the same rows); then
                    # the demands modified, struck off or registered since they were read are caught up.
                    calcul.verrouiller([*calcul.versions_publiees(organisation).values(), *publier])
                    _publier(publier, auteur, timezone.now())
                    a_ecrire, rattrapees = calcul.rattraper(calculs, organisation, jour=jour)
                    calcul.ecrire(a_ecrire, organisation=organisation, jour=jour, progression=suivre)
                calculs = a_ecrire
                break
            except OperationalError as exc:
                # A deadlock with a transaction that locked a demand its own way: nothing was written;
                # once it is through, the catch-up of the next attempt reads what it changed.
                if getattr(exc.__cause__, "sqlstate", None) != "40P01" or essai == ESSAIS_ECRITURE:
                    raise
    except (ErreurMoteur, ValidationError) as exc:
        texte = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        tache.statut = StatutTache.ECHEC
        tache.message = f"Calcul impossible, rien n'a été modifié : {texte}"
    except BaseException:
        ligne.vider()
        tache.statut = StatutTache.ECHEC
        tache.message = "Erreur inattendue pendant le calcul : rien n'a été modifié. L'équipe technique est prévenue."
        tache.terminee_le = timezone.now()
        tache.save(update_fields=["statut", "message", "terminee_le"])
        raise
    else:
        tache.statut = StatutTache.TERMINEE
        tache.message = _bilan(calculs, jour, rattrapees)
        tache.ecartees = _ecartees(calculs)
    ligne.vider()
    tache.refresh_from_db(fields=["etape", "libelle_etape", "faites", "total"])
    tache.terminee_le = timezone.now()
    tache.save(update_fields=["statut", "message", "ecartees", "terminee_le"])
    return tache


def versions_publier(
    *,
    versions: Sequence[VersionGrille],
    auteur: Acteur,
    jour: date | None = None,
    progression: Progression | None = None,
    travail_id: int | None = None,
) -> TacheCotation:
    """Publish draft versions of one EPCI (at most one per grid) and re-score all its active demands.

    Reading and computing report their progress in the returned task; the publication, the archiving of
    the previous versions, the cotations and the audit entries are then written in one transaction.
    On failure nothing is published: the task says why (``statut = echec``). ``travail_id``: the long job
    that runs it (its report is closed with the job if the worker dies, ``attrib.taches.interruptions``).
    """
    if not versions:
        raise ValidationError("Aucune version à publier.")
    organisation = versions[0].grille.organisation
    if any(v.grille.organisation_id != organisation.pk for v in versions):
        raise ValidationError("Les versions publiées ensemble doivent appartenir au même EPCI.")
    if len({v.grille_id for v in versions}) != len(versions):
        raise ValidationError("Une seule version par grille peut être publiée.")
    _verifier_gestion(auteur, organisation)
    for version in versions:
        _exiger_brouillon(version)
    return _executer(
        organisation=organisation,
        nature=NatureTache.PUBLICATION,
        publier=versions,
        auteur=auteur,
        jour=jour,
        progression=progression,
        travail_id=travail_id,
    )


def version_publier(
    *, version: VersionGrille, auteur: Acteur, jour: date | None = None, progression: Progression | None = None
) -> TacheCotation:
    """Publish one draft version and re-score all the EPCI's active demands (:func:`versions_publier`)."""
    return versions_publier(versions=[version], auteur=auteur, jour=jour, progression=progression)


def cotations_recalculer(
    *,
    organisation: Organisation,
    auteur: Acteur,
    jour: date | None = None,
    progression: Progression | None = None,
    travail_id: int | None = None,
) -> TacheCotation:
    """Re-score all the EPCI's active demands with its published grids (time-based criteria such as the
    seniority change every day; so do the demands)."""
    _verifier_gestion(auteur, organisation)
    if not calcul.versions_publiees(organisation):
        raise ValidationError(f"{organisation} n'a publié aucune grille de cotation.")
    return _executer(
        organisation=organisation,
        nature=NatureTache.RECOTATION,
        publier=(),
        auteur=auteur,
        jour=jour,
        progression=progression,
        travail_id=travail_id,
    )


# --- one demand at once ----------------------------------------------------------------------------


def cotations_actualiser(
    *, demandes: Iterable[Demande | int], jour: date | None = None, auteur: Acteur
) -> list[calcul.DemandeEcartee]:
    """Score the demands now, in the caller's transaction (a registration or a modification: the
    demand page shows its new score at once, not after the nightly run), and rank again the groups they
    joined or left. A demand no grid scores any more (struck off, moved out of every territory) loses
    its cotation. A demand that cannot be scored loses it too, and its journal says why (returned).
    Waits for a re-scoring run writing the same EPCI, then scores the demand's current data. It follows a
    write on the demands, by whoever made it (:func:`permissions.peut_actualiser_cotations`)."""
    auteur.exiger(permissions.peut_actualiser_cotations(auteur), permissions.REFUS_ACTUALISER)
    ids = [d if isinstance(d, int) else d.pk for d in demandes]
    with transaction.atomic():
        ecartees = calcul.actualiser(ids, jour=jour or timezone.localdate())
        for ecartee in ecartees:
            evenement_enregistrer(
                objet=Demande(pk=ecartee.demande_id),
                action="cotation_impossible",
                resume=f"Cotation impossible : {ecartee.motif}"[:300],
                auteur=auteur.utilisateur,
                details={"motif": ecartee.motif},
            )
    return ecartees


def cotation_actualiser(*, demande: Demande | int, jour: date | None = None, auteur: Acteur) -> None:
    """:func:`cotations_actualiser` for one demand."""
    cotations_actualiser(demandes=[demande], jour=jour, auteur=auteur)

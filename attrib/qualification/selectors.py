"""Reads of the rating campaigns.

Confidentiality is enforced here: before a campaign closes, the only notes a selector returns are
those of the organisation asked for (``lignes_notation``, ``notations_de``) or of the user's own
organisations (``notations_visibles``, ``historique_residence``). Results, indicators and the agenda
exist only once the campaign is closed. A campaign or residence outside the user's territory behaves
like a missing one (``Http404``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from attrib.engine.qualification import CLE_SANS_BAILLEUR, indicateurs_campagne
from attrib.organisations.acteurs import Acteur, acteur_de
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.models import Residence
from attrib.qualification.enums import Partie, StatutCampagne, StatutResidence
from attrib.qualification.models import Campagne, EnjeuMixite, Notation, NoteHarmonisee, ResultatResidence
from attrib.qualification.permissions import communes_notees_par, partie_de
from attrib.territoires.models import Commune

LIBELLE_SANS_BAILLEUR = "Bailleur inconnu"


# --- campaigns ----------------------------------------------------------------------------------


def campagnes_visibles(user: Any) -> QuerySet[Campagne]:
    return Campagne.objects.visible_to(user).select_related("organisation").annotate(nb_communes=Count("communes"))


def campagne_visible(user: Any, pk: int) -> Campagne:
    try:
        return Campagne.objects.visible_to(user).select_related("organisation", "ouverte_par", "close_par").get(pk=pk)
    except Campagne.DoesNotExist:
        raise Http404("Campagne introuvable.") from None


def residences_du_perimetre(campagne: Campagne) -> QuerySet[Residence]:
    """The residences the campaign rates: every residence of the communes of its perimeter."""
    return Residence.objects.filter(commune__in=campagne.communes.all())


def residences_a_noter(campagne: Campagne, organisation: Organisation) -> QuerySet[Residence]:
    """The residences an organisation rates in the campaign: a commune, those located in its communes;
    a bailleur, those it owns (``Residence.bailleur``, estimated or not). Residences without a known
    bailleur are rated by their commune only. Other organisations rate nothing."""
    partie = partie_de(organisation)
    qs = residences_du_perimetre(campagne)
    if partie == Partie.COMMUNE:
        return qs.filter(commune_id__in=communes_notees_par(organisation))
    if partie == Partie.BAILLEUR:
        return qs.filter(bailleur=organisation)
    return qs.none()


def organisations_notatrices(acteur: Acteur, campagne: Campagne) -> list[Organisation]:
    """The actor's organisations that rate residences in this campaign (any role)."""
    return [
        o
        for o in acteur_de(acteur).organisations()
        if partie_de(o) is not None and residences_a_noter(campagne, o).exists()
    ]


def notations_de(campagne: Campagne, organisation: Organisation) -> QuerySet[Notation]:
    """An organisation's own notes in a campaign."""
    return Notation.objects.filter(campagne=campagne, organisation=organisation)


def notations_visibles(user: Any, campagne: Campagne) -> QuerySet[Notation]:
    """The notes of a (visible) campaign the user may read: after the close, both sides; before, only
    those of the user's own organisations."""
    qs = Notation.objects.filter(campagne=campagne).select_related("organisation", "residence")
    if campagne.est_close:
        return qs
    return qs.filter(organisation_id__in=acteur_de(user).organisation_ids())


def lignes_notation(
    campagne: Campagne, organisation: Organisation, *, non_notees: bool = False, recherche: str = ""
) -> QuerySet[Residence]:
    """The rater's residences with their number of dwellings and the rater's own note and comment
    (``ma_note``, ``mon_commentaire``; nothing of the other side)."""
    propres = Notation.objects.filter(campagne=campagne, organisation=organisation, residence=OuterRef("pk"))
    qs = (
        residences_a_noter(campagne, organisation)
        .select_related("commune", "bailleur")
        .annotate(
            nb_logements=Count("logements"),
            ma_note=Subquery(propres.values("note")[:1]),
            mon_commentaire=Subquery(propres.values("commentaire")[:1]),
        )
        .order_by("commune__nom", "nom_voie", "identifiant")
    )
    if non_notees:
        qs = qs.filter(ma_note__isnull=True)
    if recherche:
        for mot in recherche.split():
            qs = qs.filter(
                Q(nom__icontains=mot)
                | Q(nom_voie__icontains=mot)
                | Q(identifiant__icontains=mot)
                | Q(commune__nom__icontains=mot)
            )
    return qs


@dataclass(frozen=True)
class Avancement:
    """Progress of one rater (or of a group of residences nobody can rate on one side)."""

    libelle: str
    partie: str
    residences: int
    logements: int
    residences_notees: int
    logements_notes: int
    organisation: Organisation | None = None

    @property
    def part_residences(self) -> float | None:
        return self.residences_notees / self.residences if self.residences else None

    @property
    def part_logements(self) -> float | None:
        return self.logements_notes / self.logements if self.logements else None


@dataclass
class _Cumul:
    residences: int = 0
    logements: int = 0
    residences_notees: int = 0
    logements_notes: int = 0

    def ajouter(self, logements: int, notee: bool) -> None:
        self.residences += 1
        self.logements += logements
        if notee:
            self.residences_notees += 1
            self.logements_notes += logements


def avancement(campagne: Campagne) -> list[Avancement]:
    """Progress per rater: residences and dwellings to rate, and rated. Counts only, never a note.
    Communes first, then bailleurs; the residences that one side cannot rate (commune without a rater
    organisation, unknown bailleur) are shown as a group of their own."""
    residences = list(
        residences_du_perimetre(campagne)
        .annotate(nb_logements=Count("logements"))
        .values_list("pk", "commune_id", "bailleur_id", "nb_logements")
    )
    notees: set[tuple[int, int]] = set(
        Notation.objects.filter(campagne=campagne).values_list("organisation_id", "residence_id")
    )
    codes = {commune for _pk, commune, _b, _n in residences}
    communales = [
        o
        for o in Organisation.objects.filter(type=TypeOrganisation.COMMUNE)
        .filter(Q(commune_id__in=codes) | Q(perimetre__in=codes))
        .distinct()
        .order_by("nom")
    ]
    couvertes: set[str] = set()
    lignes: list[Avancement] = []
    for org in communales:
        siennes = communes_notees_par(org) & codes
        couvertes |= siennes
        cumul = _Cumul()
        for pk, commune, _b, n in residences:
            if commune in siennes:
                cumul.ajouter(n, (org.pk, pk) in notees)
        lignes.append(Avancement(str(org), Partie.COMMUNE, organisation=org, **cumul.__dict__))
    orphelines = _Cumul()
    for _pk, commune, _b, n in residences:
        if commune not in couvertes:
            orphelines.ajouter(n, False)
    if orphelines.residences:
        noms = ", ".join(Commune.objects.filter(code_insee__in=codes - couvertes).values_list("nom", flat=True))
        lignes.append(
            Avancement(f"Communes sans organisation notatrice ({noms})", Partie.COMMUNE, **orphelines.__dict__)
        )

    par_bailleur: dict[int | None, _Cumul] = defaultdict(_Cumul)
    for pk, _c, bailleur, n in residences:
        par_bailleur[bailleur].ajouter(n, bailleur is not None and (bailleur, pk) in notees)
    bailleurs = Organisation.objects.in_bulk([b for b in par_bailleur if b is not None])
    for org in sorted(bailleurs.values(), key=lambda o: o.nom):
        lignes.append(Avancement(str(org), Partie.BAILLEUR, organisation=org, **par_bailleur[org.pk].__dict__))
    if None in par_bailleur:
        lignes.append(Avancement(LIBELLE_SANS_BAILLEUR, Partie.BAILLEUR, **par_bailleur[None].__dict__))
    return lignes


# --- results (closed campaigns only) ------------------------------------------------------------


def _exiger_close(campagne: Campagne) -> None:
    if not campagne.est_close:
        raise Http404("Les résultats d'une campagne n'existent qu'après sa clôture.")


def _harmonisee(champ: str) -> Subquery:
    return Subquery(
        NoteHarmonisee.objects.filter(campagne=OuterRef("campagne"), residence=OuterRef("residence")).values(champ)[:1]
    )


def resultats(campagne: Campagne) -> QuerySet[ResultatResidence]:
    """Every residence of a closed campaign with its classification and its agreed note, if any
    (``note_harmonisee``)."""
    _exiger_close(campagne)
    return (
        ResultatResidence.objects.filter(campagne=campagne)
        .select_related("residence", "commune", "bailleur")
        .annotate(note_harmonisee=_harmonisee("note"))
        .order_by("commune__nom", "residence__nom_voie", "residence__identifiant")
    )


def agenda(campagne: Campagne) -> QuerySet[ResultatResidence]:
    """The harmonisation agenda: divergent residences, largest gap first, then largest residence
    (order computed by the engine at the close, ``rang_agenda``)."""
    return resultats(campagne).filter(statut=StatutResidence.DIVERGENT).order_by("rang_agenda")


def resultat_agenda(campagne: Campagne, residence_pk: int) -> ResultatResidence:
    try:
        return agenda(campagne).get(residence_id=residence_pk)
    except ResultatResidence.DoesNotExist:
        raise Http404("Résidence absente de l'agenda d'harmonisation.") from None


def cadre_resultats(campagne: Campagne) -> pl.DataFrame:
    """The stored results as the engine's input frame (residence, commune, bailleur, nb_logements, notes)."""
    _exiger_close(campagne)
    lignes = ResultatResidence.objects.filter(campagne=campagne).values_list(
        "residence_id", "commune_id", "bailleur_id", "nb_logements", "note_commune", "note_bailleur"
    )
    colonnes: list[Sequence[Any]] = list(zip(*lignes, strict=True)) if lignes else [(), (), (), (), (), ()]
    return pl.DataFrame(
        {
            "residence": pl.Series(colonnes[0], dtype=pl.Int64),
            "commune": pl.Series(colonnes[1], dtype=pl.String),
            "bailleur": pl.Series([None if b is None else str(b) for b in colonnes[2]], dtype=pl.String),
            "nb_logements": pl.Series(colonnes[3], dtype=pl.Int64),
            "note_commune": pl.Series(colonnes[4], dtype=pl.Int64),
            "note_bailleur": pl.Series(colonnes[5], dtype=pl.Int64),
        }
    )


@dataclass(frozen=True)
class LigneIndicateurs:
    niveau: str
    cle: str
    libelle: str
    residences: int
    logements: int
    comptes: dict[str, int]
    part_residences_notees_deux_parties: float | None
    part_logements_notes_deux_parties: float | None
    part_residences_divergentes: float | None
    part_logements_divergents: float | None

    @property
    def residences_divergentes(self) -> int:
        return self.comptes["residences_divergent"]

    @property
    def residences_notees_deux_parties(self) -> int:
        return self.comptes["residences_concordant"] + self.comptes["residences_divergent"]

    @property
    def logements_notes_deux_parties(self) -> int:
        return self.comptes["logements_concordant"] + self.comptes["logements_divergent"]


@dataclass(frozen=True)
class Indicateurs:
    territoire: LigneIndicateurs
    communes: list[LigneIndicateurs] = field(default_factory=list)
    bailleurs: list[LigneIndicateurs] = field(default_factory=list)


def indicateurs(campagne: Campagne) -> Indicateurs:
    """The campaign indicators (engine ``indicateurs_campagne`` over the stored results): the whole
    territory, each commune, each bailleur (the unknown bailleur last)."""
    cadre = indicateurs_campagne(cadre_resultats(campagne))
    noms_communes = dict(Commune.objects.filter(campagnes_qualification=campagne).values_list("code_insee", "nom"))
    cles_bailleurs = [int(c) for c in cadre.filter(pl.col("niveau") == "bailleur")["cle"] if c != CLE_SANS_BAILLEUR]
    noms_bailleurs = {str(pk): o.nom for pk, o in Organisation.objects.in_bulk(cles_bailleurs).items()}
    lignes: dict[str, list[LigneIndicateurs]] = defaultdict(list)
    for ligne in cadre.iter_rows(named=True):
        niveau, cle = ligne["niveau"], ligne["cle"]
        if niveau == "commune":
            libelle = noms_communes.get(cle, cle)
        elif niveau == "bailleur":
            libelle = noms_bailleurs.get(cle, LIBELLE_SANS_BAILLEUR)
        else:
            libelle = "Territoire"
        lignes[niveau].append(
            LigneIndicateurs(
                niveau=niveau,
                cle=cle,
                libelle=libelle,
                residences=ligne["residences"],
                logements=ligne["logements"],
                comptes={
                    k: v for k, v in ligne.items() if k.startswith(("residences_", "logements_")) and isinstance(v, int)
                },
                part_residences_notees_deux_parties=ligne["part_residences_notees_deux_parties"],
                part_logements_notes_deux_parties=ligne["part_logements_notes_deux_parties"],
                part_residences_divergentes=ligne["part_residences_divergentes"],
                part_logements_divergents=ligne["part_logements_divergents"],
            )
        )
    communes = sorted(lignes["commune"], key=lambda li: li.libelle)
    bailleurs = sorted(lignes["bailleur"], key=lambda li: (li.cle == CLE_SANS_BAILLEUR, li.libelle))
    return Indicateurs(territoire=lignes["territoire"][0], communes=communes, bailleurs=bailleurs)


def comptes_par_statut(campagne: Campagne) -> dict[str, int]:
    _exiger_close(campagne)
    comptes = dict(
        ResultatResidence.objects.filter(campagne=campagne).values_list("statut").annotate(n=Count("pk")).order_by()
    )
    return {s.value: comptes.get(s.value, 0) for s in StatutResidence}


def nb_harmonisees(campagne: Campagne) -> int:
    return NoteHarmonisee.objects.filter(campagne=campagne).count()


# --- one residence across campaigns -------------------------------------------------------------


@dataclass(frozen=True)
class LigneHistorique:
    """One campaign of a residence. Before the close, only the user's own organisations' notes are
    filled (``note_commune`` / ``note_bailleur`` of the other side stay ``None``, ``statut`` empty)."""

    campagne: Campagne
    note_commune: int | None
    note_bailleur: int | None
    statut: str
    ecart: int | None
    note_harmonisee: NoteHarmonisee | None
    commentaires: list[tuple[str, str]]

    @property
    def note_retenue(self) -> int | None:
        """The note that steers attributions: the agreed note, else the concordant one."""
        if self.note_harmonisee is not None:
            return self.note_harmonisee.note
        if self.statut == StatutResidence.CONCORDANT:
            return self.note_commune
        return None

    @property
    def libelle_statut(self) -> str:
        return StatutResidence(self.statut).label if self.statut else "Campagne en cours"


def historique_residence(user: Any, residence: Residence) -> list[LigneHistorique]:
    """A residence's notes per campaign year (most recent first), in the campaigns the user sees."""
    campagnes = (
        Campagne.objects.visible_to(user)
        .filter(Q(resultats__residence=residence) | Q(statut=StatutCampagne.OUVERTE, communes=residence.commune_id))
        .select_related("organisation")
        .distinct()
        .order_by("-annee", "organisation__nom")
    )
    siennes = set(acteur_de(user).organisation_ids())
    lignes = []
    for campagne in campagnes:
        notes = Notation.objects.filter(campagne=campagne, residence=residence).select_related("organisation")
        if campagne.est_ouverte:
            notes = notes.filter(organisation_id__in=siennes)
        par_partie = {n.partie: n for n in notes}
        resultat = ResultatResidence.objects.filter(campagne=campagne, residence=residence).first()
        harmonisee = NoteHarmonisee.objects.filter(campagne=campagne, residence=residence).first()
        commune, bailleur = par_partie.get(Partie.COMMUNE), par_partie.get(Partie.BAILLEUR)
        lignes.append(
            LigneHistorique(
                campagne=campagne,
                note_commune=resultat.note_commune if resultat else (commune.note if commune else None),
                note_bailleur=resultat.note_bailleur if resultat else (bailleur.note if bailleur else None),
                statut=resultat.statut if resultat else "",
                ecart=resultat.ecart if resultat else None,
                note_harmonisee=harmonisee,
                commentaires=[(str(n.organisation), n.commentaire) for n in par_partie.values() if n.commentaire],
            )
        )
    return lignes


def note_retenue(residence: Residence) -> tuple[int, Campagne] | None:
    """The note of the residence in the most recent closed campaign that has one (agreed note, else
    concordant note), with that campaign; ``None`` when no closed campaign settled it. For the
    screens and rules that use the rating (attributions, cotation)."""
    resultats_clos = (
        ResultatResidence.objects.filter(residence=residence, campagne__statut=StatutCampagne.CLOSE)
        .select_related("campagne")
        .annotate(note_harmonisee=_harmonisee("note"))
        .order_by("-campagne__annee", "-campagne__close_le")
    )
    for resultat in resultats_clos:
        harmonisee: int | None = resultat.note_harmonisee
        note = harmonisee if harmonisee is not None else resultat.note_concordante
        if note is not None:
            return note, resultat.campagne
    return None


def notes_retenues(residence_ids: Iterable[int]) -> dict[int, int | None]:
    """:func:`note_retenue` (the note only) of many residences in one query: residence id → note, ``None``
    when no closed campaign settled it."""
    ids = set(residence_ids)
    notes: dict[int, int | None] = dict.fromkeys(ids)
    if not ids:
        return notes
    resultats = (
        ResultatResidence.objects.filter(residence_id__in=ids, campagne__statut=StatutCampagne.CLOSE)
        .annotate(note_harmonisee=_harmonisee("note"))
        .order_by("residence_id", "-campagne__annee", "-campagne__close_le")
        .only("residence_id", "note_commune", "statut")
    )
    for resultat in resultats:
        residence_id = resultat.residence_id
        harmonisee: int | None = resultat.note_harmonisee
        note = harmonisee if harmonisee is not None else resultat.note_concordante
        if notes[residence_id] is None and note is not None:
            notes[residence_id] = note
    return notes


def enjeux_de(residence: Residence) -> QuerySet[EnjeuMixite]:
    """The history of the flag "à enjeux prioritaires de mixité sociale" of a residence, latest first."""
    return EnjeuMixite.objects.filter(residence=residence).select_related("auteur", "organisation", "campagne")


def residences_a_enjeux(campagne: Campagne) -> QuerySet[Residence]:
    return (
        residences_du_perimetre(campagne)
        .filter(enjeu_mixite=True)
        .select_related("commune")
        .annotate(nb_logements=Count("logements"))
        .order_by(F("commune__nom"), "identifiant")
    )

"""Reads of the reception service's public pages: the territories, their places, hours and open slots, and « how
the allocation works here » in plain French — all read from the data the staff pages and the engine use, so that
every desk gives the same answers (issue 13 point 6)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from attrib.commissions.models import Commission
from attrib.cotation.enums import StatutVersion
from attrib.cotation.models import VersionGrille
from attrib.demandes import enums as demandes_enums
from attrib.demandes import regles
from attrib.demandes.pieces import referentiel
from attrib.demandes.quartile import seuil_officiel
from attrib.engine.cotation.grille import Critere, Points, Section
from attrib.engine.erreurs import ParametreNonRenseigne
from attrib.engine.parametres.arbre import valeur
from attrib.engine.rapprochement.parametres import charger_regles
from attrib.flux.enums import CategorieConvention
from attrib.flux.models import ConventionReservation
from attrib.information.selectors import departage_en_mots
from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.models import Residence
from attrib.pilotage.cia import objectif_travailleurs_essentiels
from attrib.siad.enums import JourSemaine
from attrib.siad.horaires import ecrire_plages
from attrib.siad.models import ChiffresCles, Creneau, ExceptionHoraire, LieuAccueil, PlageHoraire
from attrib.territoires.models import EPCI

# --- territories and places ---------------------------------------------------------------------------------


def _territoires() -> QuerySet[EPCI]:
    organise = Organisation.objects.filter(type=TypeOrganisation.EPCI, epci=OuterRef("pk"))
    lieux = LieuAccueil.objects.filter(epci=OuterRef("pk"), actif=True)
    return EPCI.objects.filter(Q(Exists(organise)) | Q(Exists(lieux)))


def territoires() -> list[EPCI]:
    """The territories with public pages: an EPCI run in Attrib (an EPCI organisation), or with an open place."""
    return list(_territoires().order_by("nom"))


def territoire(siren: str) -> EPCI:
    """The territory of a public page (404 for an EPCI without public pages, like a missing one)."""
    epci = _territoires().filter(siren=siren).first()
    if epci is None:
        raise Http404("Territoire introuvable.")
    return epci


def lieux_publics(epci: EPCI) -> list[LieuAccueil]:
    return list(
        LieuAccueil.objects.publics()
        .filter(epci=epci)
        .select_related("commune", "organisation")
        .prefetch_related("plages")
        .order_by("commune__nom", "nom")
    )


def lieu_public(epci: EPCI, pk: int) -> LieuAccueil:
    lieu = LieuAccueil.objects.publics().filter(epci=epci, pk=pk).select_related("commune", "organisation").first()
    if lieu is None:
        raise Http404("Lieu d'accueil introuvable.")
    return lieu


@dataclass(frozen=True)
class JourHoraires:
    jour: str
    texte: str


def semaine(lieu: LieuAccueil) -> list[JourHoraires]:
    """The week's hours in words, Monday first (« Fermé » for a day without range)."""
    par_jour: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for plage in sorted(lieu.plages.all(), key=lambda p: (p.jour, p.debut)):
        par_jour[plage.jour].append((plage.debut, plage.fin))
    return [JourHoraires(j.label.capitalize(), ecrire_plages(par_jour[j.value]) or "Fermé") for j in JourSemaine]


def exceptions_a_venir(lieu: LieuAccueil, jour: date, *, jours: int = 60) -> list[tuple[date, str, str]]:
    """Exceptional days of the coming weeks: (date, hours or « Fermé », reason)."""
    par_date: dict[date, list[ExceptionHoraire]] = defaultdict(list)
    for e in ExceptionHoraire.objects.filter(lieu=lieu, date__gte=jour, date__lte=jour + timedelta(days=jours)):
        par_date[e.date].append(e)
    resultat = []
    for d in sorted(par_date):
        liste = par_date[d]
        plages = [(e.debut, e.fin) for e in liste if e.debut is not None and e.fin is not None]
        motif = next((e.motif for e in liste if e.motif), "")
        resultat.append((d, ecrire_plages(sorted(plages)) if plages else "Fermé", motif))
    return resultat


def creneaux_a_venir(lieu: LieuAccueil, maintenant: datetime | None = None) -> list[tuple[date, list[Creneau]]]:
    """The slots a household may book in the coming weeks, by day."""
    instant = maintenant or timezone.now()
    fin = instant + timedelta(weeks=settings.SIAD_SEMAINES_PUBLIEES)
    par_jour: dict[date, list[Creneau]] = defaultdict(list)
    for c in Creneau.objects.ouverts(instant).filter(lieu=lieu, debut__lte=fin).order_by("debut"):
        par_jour[timezone.localtime(c.debut).date()].append(c)
    return sorted(par_jour.items())


def creneau_ouvert(epci: EPCI, pk: int, maintenant: datetime | None = None) -> Creneau:
    """A slot of a public place (404 otherwise); a full or past slot is shown as such by the booking page."""
    creneau = Creneau.objects.filter(pk=pk, lieu__epci=epci, lieu__actif=True).select_related("lieu__commune").first()
    if creneau is None:
        raise Http404("Créneau introuvable.")
    return creneau


# --- how the allocation works here ---------------------------------------------------------------------------


def _nombre(n: int | float) -> str:
    return f"{n:,}".replace(",", "\u202f").replace("-", "−")


def points_en_mots(points: Points, nature: str) -> str:
    """A criterion's points as a household reads them: « 300 points », « 10 points par mois, 600 au plus »."""
    if not points.proportionnel:
        valeur_ = points.fixe
        signe = "+" if valeur_ > 0 else ""
        return f"{signe}{_nombre(valeur_)} point{'s' if abs(valeur_) > 1 else ''}"
    assert points.par_unite is not None
    par = points.par_unite
    texte = f"{_nombre(par)} point{'s' if abs(par) > 1 else ''} par {points.unite or 'unité'}"
    if par > 0:
        texte = "+" + texte
    if points.fixe:
        texte = f"{_nombre(points.fixe)} points, puis {texte}"
    if points.plafond is not None:
        plafond = -points.plafond if (par < 0 or nature == "malus") else points.plafond
        texte += f", {_nombre(plafond)} points au plus" if plafond > 0 else f", jusqu'à {_nombre(plafond)} points"
    return texte


_VALIDATION = {
    "justificatif": "À justifier par une pièce",
    "travailleur_social": "À faire confirmer par un travailleur social",
}


@dataclass(frozen=True)
class CriterePublie:
    libelle: str
    points: str
    nature: str
    justification: str
    base_legale: str


@dataclass(frozen=True)
class SectionPubliee:
    libelle: str
    regles: tuple[str, ...]
    criteres: tuple[CriterePublie, ...]


@dataclass(frozen=True)
class GrillePubliee:
    nom: str
    en_vigueur_depuis: date
    sections: tuple[SectionPubliee, ...]
    departage: str
    plafond_total: int | None


def _section(section: Section, jour: date) -> SectionPubliee | None:
    criteres = []
    for c in section.criteres:
        if not c.en_vigueur(jour):
            continue
        criteres.append(_critere(c))
    if not criteres:
        return None
    regles = []
    if section.exclusive:
        regles.append("Si plusieurs situations de cette partie vous concernent, seule la plus favorable compte.")
    if section.plafond is not None:
        regles.append(f"Cette partie donne {_nombre(section.plafond)} points au plus.")
    return SectionPubliee(section.libelle, tuple(regles), tuple(criteres))


def _critere(c: Critere) -> CriterePublie:
    nature = {"bonus": "Bonus", "malus": "Points retirés"}.get(c.nature, "")
    return CriterePublie(
        libelle=c.libelle,
        points=points_en_mots(c.points, c.nature),
        nature=nature,
        justification=_VALIDATION.get(c.validation, ""),
        base_legale=c.base_legale,
    )


def grilles_publiees(epci: EPCI, jour: date) -> list[GrillePubliee]:
    """The published cotation grids of the territory (general grid first), criterion by criterion."""
    versions = (
        VersionGrille.objects.filter(
            statut=StatutVersion.PUBLIEE,
            grille__organisation__type=TypeOrganisation.EPCI,
            grille__organisation__epci=epci,
        )
        .select_related("grille")
        .order_by("grille__type")
    )
    resultat = []
    for version in versions:
        grille = version.charger()
        sections = tuple(s for s in (_section(s, jour) for s in grille.sections) if s is not None)
        resultat.append(
            GrillePubliee(
                nom=version.grille.get_type_display(),
                en_vigueur_depuis=version.date_effet,
                sections=sections,
                departage=departage_en_mots(version),
                plafond_total=grille.plafond_total,
            )
        )
    return resultat


def _pourcent(taux: Fraction | Decimal | float) -> str:
    valeur_ = float(taux) * 100 if not isinstance(taux, Decimal) else float(taux)
    texte = f"{valeur_:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{texte}\u00a0%"


@dataclass(frozen=True)
class PartFlux:
    contingent: str
    parts: str


@dataclass
class Fonctionnement:
    grilles: list[GrillePubliee]
    objectifs: list[str]
    essentiels: str
    seuil_q1: str
    plafond_etat: str
    parts: list[PartFlux] | None
    candidats_minimum: int
    delai_reponse_jours: int
    decisions: list[str]
    commissions: list[str]
    pieces: list[dict[str, Any]] = field(default_factory=list)


def objectifs_cia(epci: EPCI, jour: date) -> tuple[list[str], str, str]:
    """The attribution objectives in force (L441-1 CCH, rates of the CIA or of the law), in sentences; the CIA's
    share for essential workers; the official first-quartile threshold of the year."""
    objectifs = charger_regles(jour).objectifs
    phrases = [
        f"Au moins {_pourcent(objectifs.q1_hors_qpv.taux)} des logements attribués hors des quartiers prioritaires "
        "de la politique de la ville (QPV) vont à des ménages du premier quartile : le quart des demandeurs aux "
        "ressources les plus faibles, ou des ménages relogés dans le cadre d'une opération de renouvellement urbain.",
        f"Au moins {_pourcent(objectifs.non_q1_en_qpv.taux)} des logements attribués dans les quartiers prioritaires "
        "vont à des ménages des trois autres quartiles, pour la mixité sociale.",
        f"Chaque réservataire et chaque bailleur consacre au moins {_pourcent(objectifs.prioritaires.taux)} de ses "
        "attributions aux ménages reconnus prioritaires au titre du droit au logement opposable (DALO), puis aux "
        "autres ménages prioritaires de l'article L441-1 du code de la construction et de l'habitation.",
    ]
    cia = objectif_travailleurs_essentiels(epci=epci.siren, jour=jour)
    if cia is not None and cia.taux is not None:
        essentiels = (
            f"La convention intercommunale d'attribution réserve au moins {_pourcent(cia.taux)} des attributions "
            "aux travailleurs des secteurs essentiels dont l'emploi ne peut pas s'exercer en télétravail."
        )
    else:
        essentiels = (
            "La loi permet à la convention intercommunale d'attribution de fixer une part des attributions pour les "
            "travailleurs des secteurs essentiels ; ce territoire n'en a pas publié."
        )
    entree = seuil_officiel(epci_siren=epci.siren, annee=jour.year)
    if entree is not None and entree.valeur is not None:
        seuil = (
            f"En {jour.year}, un ménage appartient au premier quartile quand ses ressources annuelles par unité de "
            f"consommation sont inférieures à {_nombre(round(entree.valeur))}\u00a0€ (seuil fixé par arrêté)."
        )
    else:
        seuil = (
            "Le seuil du premier quartile (ressources annuelles par unité de consommation) est fixé chaque année par "
            "arrêté ; celui de cette année n'est pas encore publié pour ce territoire."
        )
    return phrases, essentiels, seuil


def parts_reservataires(epci: EPCI, jour: date) -> list[PartFlux]:
    """The shares of the annual flux reserved by the agreements in force on the territory, by kind of réservataire
    (« 30 % », or « de 20 % à 25 % selon le bailleur »)."""
    communes = list(epci.communes.values_list("code_insee", flat=True))
    bailleurs = Residence.objects.filter(commune_id__in=communes).values("bailleur_id")
    conventions = (
        ConventionReservation.objects.filter(bailleur_id__in=bailleurs, debut__lte=jour, part__isnull=False)
        .filter(Q(fin__isnull=True) | Q(fin__gte=jour))
        .filter(Q(territoire__isnull=True) | Q(territoire__in=communes))
        .distinct()
    )
    par_categorie: dict[str, list[Decimal]] = defaultdict(list)
    for categorie, part in conventions.values_list("categorie", "part"):
        if part is not None:
            par_categorie[categorie].append(part)
    resultat = []
    for categorie in CategorieConvention:
        parts = par_categorie.get(categorie.value)
        if not parts:
            continue
        bas, haut = min(parts), max(parts)
        texte = _pourcent(bas) if bas == haut else f"de {_pourcent(bas)} à {_pourcent(haut)} selon le bailleur"
        resultat.append(PartFlux(categorie.label, texte))
    return resultat


_CONDITIONS = {
    "codemandeur": "si vous déposez la demande avec un co-demandeur",
    "nationalite_hors_ue": "pour chaque adulte de nationalité hors de l'Union européenne",
    "enfants": "si des enfants vivent avec vous",
    "expulsion": "si une procédure d'expulsion vous vise",
    "non_decent": "si votre logement est indigne ou non décent",
    "handicap": "si une personne du ménage est en situation de handicap",
    "dalo": "si vous avez été reconnu prioritaire au titre du DALO",
    "situation": "si vous déclarez cette situation",
}


def _condition(bloc: dict[str, Any]) -> str:
    condition = bloc.get("condition", "toujours")
    if condition == "toujours":
        return ""
    valeurs = bloc.get("valeurs") or []
    if condition == "motif":
        return "si votre demande a pour motif : " + ", ".join(
            str(demandes_enums.Motif(v).label).lower() for v in valeurs
        )
    if condition == "baisse_revenus":
        baisse = regles.baisse_revenus_minimum(timezone.localdate())
        return f"si vos revenus ont baissé d'au moins {baisse} sur les douze derniers mois"
    if condition == "logement_actuel":
        return "si vous êtes aujourd'hui : " + ", ".join(
            str(demandes_enums.StatutLogementActuel(v).label).lower() for v in valeurs
        )
    return _CONDITIONS.get(condition, "selon votre situation")


def pieces_a_preparer(jour: date) -> list[dict[str, Any]]:
    """The documents to prepare, from the referential in force (``data/parametres/pieces_justificatives.yaml``):
    for every demand, then according to the situation, then to have a priority recognised."""
    groupes: dict[str, list[dict[str, Any]]] = {"toutes": [], "situation": [], "priorites": []}
    for critere in referentiel(jour):
        condition = critere.get("condition", "toujours")
        pieces = [{"libelle": p["libelle"], "condition": _condition(p)} for p in critere.get("pieces") or []]
        entree = {"libelle": critere["libelle"], "condition": _condition(critere), "pieces": pieces}
        if condition == "situation":
            groupes["priorites"].append(entree)
        elif condition == "toujours":
            groupes["toutes"].append(entree)
        else:
            groupes["situation"].append(entree)
    return [
        {"titre": "Pour toute demande", "criteres": groupes["toutes"]},
        {"titre": "Selon votre situation", "criteres": groupes["situation"]},
        {"titre": "Pour faire reconnaître une situation prioritaire", "criteres": groupes["priorites"]},
    ]


def fonctionnement(epci: EPCI, jour: date | None = None) -> Fonctionnement:
    jour = jour or timezone.localdate()
    objectifs, essentiels, seuil = objectifs_cia(epci, jour)
    publier = bool(valeur("siad.publier_parts_reservataires", jour).valeur)
    try:
        plafond = _pourcent(Decimal(str(valeur("flux.plafond_part_etat", jour).valeur)) * 100)
    except ParametreNonRenseigne:
        plafond = ""
    decisions = [str(d["libelle"]) for d in valeur("caleol.types_decision", jour).valeur]
    communes = epci.communes.values("code_insee")
    bailleurs = Residence.objects.filter(commune_id__in=communes).values("bailleur_id")
    commissions = list(
        Commission.objects.filter(bailleur_id__in=bailleurs)
        .select_related("bailleur")
        .order_by("bailleur__nom", "nom")
        .values_list("nom", flat=True)
    )
    return Fonctionnement(
        grilles=grilles_publiees(epci, jour),
        objectifs=objectifs,
        essentiels=essentiels,
        seuil_q1=seuil,
        plafond_etat=plafond,
        parts=parts_reservataires(epci, jour) if publier else None,
        candidats_minimum=int(valeur("caleol.candidats_minimum", jour).valeur),
        delai_reponse_jours=int(valeur("caleol.delai_reponse_offre_jours", jour).valeur),
        decisions=decisions,
        commissions=commissions,
        pieces=pieces_a_preparer(jour),
    )


# --- key figures -----------------------------------------------------------------------------------------------


def chiffres_publies(epci: EPCI) -> ChiffresCles | None:
    """The last key figures computed for the territory (``None``: not computed yet)."""
    return ChiffresCles.objects.filter(epci=epci).first()


# --- staff pages ---------------------------------------------------------------------------------------------


def agenda(lieu: LieuAccueil, debut: date, jours: int = 14) -> list[tuple[date, list[Creneau]]]:
    """The slots of the place over ``jours`` days from ``debut``, with their bookings, by day."""
    fin = timezone.make_aware(datetime.combine(debut + timedelta(days=jours), time.min))
    depart = timezone.make_aware(datetime.combine(debut, time.min))
    par_jour: dict[date, list[Creneau]] = defaultdict(list)
    for c in (
        Creneau.objects.filter(lieu=lieu, debut__gte=depart, debut__lt=fin)
        .prefetch_related("rendez_vous")
        .order_by("debut")
    ):
        par_jour[timezone.localtime(c.debut).date()].append(c)
    return sorted(par_jour.items())


def plages_par_jour(lieu: LieuAccueil) -> dict[int, list[tuple[time, time]]]:
    par_jour: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for p in PlageHoraire.objects.filter(lieu=lieu).order_by("jour", "debut"):
        par_jour[p.jour].append((p.debut, p.fin))
    return dict(par_jour)

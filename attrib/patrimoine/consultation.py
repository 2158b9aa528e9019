"""Reads of the housing stock screens: the filtered list of residences, the note that steers attributions
(« note retenue ») for many residences at once, the composition of one residence and the estimation
rules written beside estimated values.

Everything starts from ``selectors.residences_visibles(user)``: a residence outside the user's territory
is never returned. Ratings come from closed campaigns the user sees only (the rating campaigns keep
every note confidential until the close, ``attrib.qualification.selectors``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Case, Exists, F, OuterRef, PositiveSmallIntegerField, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.formats import number_format

from attrib.organisations.models import Organisation, TypeOrganisation
from attrib.patrimoine.enums import ClasseDPE, Financement, SourceResidence
from attrib.patrimoine.models import Logement, Residence
from attrib.patrimoine.parametres import estimations
from attrib.patrimoine.selectors import residences_visibles
from attrib.territoires.models import Commune

#: Value of the « bailleur » filter for residences whose bailleur is not known.
BAILLEUR_INCONNU = "inconnu"
#: Value of the « note » filter for residences without a retained note.
SANS_NOTE = "aucune"


# --- retained note ------------------------------------------------------------------------------


def campagnes_closes_visibles(user: Any) -> list[int]:
    """Ids of the closed rating campaigns the user sees."""
    from attrib.qualification.enums import StatutCampagne
    from attrib.qualification.models import Campagne

    return list(Campagne.objects.visible_to(user).filter(statut=StatutCampagne.CLOSE).values_list("pk", flat=True))


def annoter_note_retenue(residences: QuerySet[Residence], user: Any) -> QuerySet[Residence]:
    """Add ``note_retenue`` and ``annee_note_retenue``: the note of the most recent closed campaign the
    user sees that settled one (agreed note, else concordant note) — the rule of
    ``attrib.qualification.selectors.note_retenue``, in one query for many residences."""
    from attrib.qualification.enums import StatutResidence
    from attrib.qualification.models import NoteHarmonisee, ResultatResidence

    harmonisee = NoteHarmonisee.objects.filter(campagne=OuterRef("campagne"), residence=OuterRef("residence"))
    retenues = (
        ResultatResidence.objects.filter(residence=OuterRef("pk"), campagne_id__in=campagnes_closes_visibles(user))
        .annotate(
            note_retenue=Coalesce(
                Subquery(harmonisee.values("note")[:1]),
                Case(
                    When(statut=StatutResidence.CONCORDANT, then=F("note_commune")),
                    default=Value(None),
                    output_field=PositiveSmallIntegerField(),
                ),
            )
        )
        .filter(note_retenue__isnull=False)
        .order_by("-campagne__annee", "-campagne__close_le")
    )
    return residences.annotate(
        note_retenue=Subquery(retenues.values("note_retenue")[:1]),
        annee_note_retenue=Subquery(retenues.values("campagne__annee")[:1]),
    )


def annoter_estimations(residences: QuerySet[Residence]) -> QuerySet[Residence]:
    """Add ``donnees_estimees``: the residence is reconstructed, its bailleur is estimated, or one of its
    dwellings has an estimated rent, surface or number of rooms."""
    logements_estimes = Logement.objects.filter(residence=OuterRef("pk")).filter(
        Q(loyer_estime=True) | Q(surface_estimee=True) | Q(typologie_estimee=True)
    )
    return residences.annotate(logements_estimes=Exists(logements_estimes)).annotate(
        donnees_estimees=Case(
            When(Q(estimee=True) | Q(bailleur_estime=True) | Q(logements_estimes=True), then=Value(True)),
            default=Value(False),
        )
    )


# --- list ---------------------------------------------------------------------------------------


def residences_liste(user: Any, filtres: Mapping[str, Any], recherche: str = "") -> QuerySet[Residence]:
    """The residences of the user's territory with ``nb_logements``, ``note_retenue`` and
    ``donnees_estimees``, filtered. Keys of ``filtres``: ``commune`` (INSEE code), ``bailleur`` (id or
    ``"inconnu"``), ``qpv``, ``enjeu``, ``estimees`` (``"oui"``/``"non"``), ``note`` (1 to 4 or
    ``"aucune"``)."""
    qs = annoter_estimations(annoter_note_retenue(residences_visibles(user), user))
    if commune := filtres.get("commune"):
        qs = qs.filter(commune_id=commune)
    if bailleur := filtres.get("bailleur"):
        qs = qs.filter(bailleur__isnull=True) if bailleur == BAILLEUR_INCONNU else qs.filter(bailleur_id=bailleur)
    for cle, champ in (("qpv", "en_qpv"), ("enjeu", "enjeu_mixite"), ("estimees", "donnees_estimees")):
        if (valeur := filtres.get(cle)) in ("oui", "non"):
            qs = qs.filter(**{champ: valeur == "oui"})
    if note := filtres.get("note"):
        qs = qs.filter(note_retenue__isnull=True) if note == SANS_NOTE else qs.filter(note_retenue=int(note))  # type: ignore[misc]
    for mot in recherche.split():
        qs = qs.filter(
            Q(nom__icontains=mot)
            | Q(nom_voie__icontains=mot)
            | Q(programme__icontains=mot)
            | Q(identifiant__icontains=mot)
        )
    return qs.order_by("commune__nom", "nom_voie", "numero_voie", "identifiant")


def communes_du_parc(user: Any) -> list[tuple[str, str]]:
    """(code, name) of the communes where the user sees residences, by name."""
    codes = Residence.objects.visible_to(user).values("commune_id")
    return list(Commune.objects.filter(code_insee__in=codes).order_by("nom").values_list("code_insee", "nom"))


def bailleurs_du_parc(user: Any) -> list[tuple[str, str]]:
    """(id, name) of the bailleurs of the residences the user sees, by name."""
    ids = Residence.objects.visible_to(user).exclude(bailleur=None).values("bailleur_id")
    return [
        (str(pk), nom)
        for pk, nom in Organisation.objects.filter(pk__in=ids, type=TypeOrganisation.BAILLEUR)
        .order_by("nom")
        .values_list("pk", "nom")
    ]


# --- one residence ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Repartition:
    """Dwellings of a residence sharing one value (``estimes``: how many of them carry it as an estimate)."""

    libelle: str
    logements: int
    estimes: int = 0


@dataclass(frozen=True)
class LigneDpe:
    """Dwellings of one DPE class, for energy and for greenhouse gases."""

    classe: str
    energie: int
    ges: int


@dataclass(frozen=True)
class Composition:
    logements: int
    typologies: list[Repartition]
    financements: list[Repartition]
    dpe: list[LigneDpe]
    surface_totale: Decimal
    surfaces_estimees: int
    loyer_min: Decimal | None
    loyer_moyen: Decimal | None
    loyer_max: Decimal | None
    loyer_m2: Decimal | None
    loyers_connus: int
    loyers_estimes: int
    charges_connues: int

    @property
    def tous_loyers_estimes(self) -> bool:
        return self.loyers_connus > 0 and self.loyers_estimes == self.loyers_connus


def _typologie(nb_pieces: int) -> str:
    return f"T{nb_pieces}"


def _repartition(valeurs: Iterable[tuple[str, bool]], ordre: Sequence[str]) -> list[Repartition]:
    total: Counter[str] = Counter()
    estimes: Counter[str] = Counter()
    for valeur, estime in valeurs:
        total[valeur] += 1
        estimes[valeur] += estime
    connus = set(ordre)
    ordonnees = [v for v in ordre if v in total] + sorted(v for v in total if v not in connus)
    return [Repartition(v, total[v], estimes[v]) for v in ordonnees]


SANS_DPE = "Sans DPE"


def _dpe(logements: Sequence[Logement]) -> list[LigneDpe]:
    energie = Counter(lo.dpe_energie or SANS_DPE for lo in logements)
    ges = Counter(lo.dpe_ges or SANS_DPE for lo in logements)
    classes = [c for c in [*ClasseDPE.values, SANS_DPE] if energie[c] or ges[c]]
    return [LigneDpe(c, energie[c], ges[c]) for c in classes]


def composition(logements: Iterable[Logement]) -> Composition:
    """Counts of a residence's dwellings by typology, financing and DPE classes, and its rents."""
    liste = list(logements)
    sans = "Inconnu"
    pieces = sorted({lo.nb_pieces for lo in liste})
    financements = {f.value: f.label for f in Financement}
    loyers = [lo.loyer_principal for lo in liste if lo.loyer_principal is not None]
    surfaces_louees = sum((lo.surface_habitable for lo in liste if lo.loyer_principal is not None), Decimal(0))
    centime = Decimal("0.01")
    return Composition(
        logements=len(liste),
        typologies=_repartition(
            ((_typologie(lo.nb_pieces), lo.typologie_estimee) for lo in liste), [_typologie(p) for p in pieces]
        ),
        financements=_repartition(
            ((financements.get(lo.financement, sans) if lo.financement else sans, False) for lo in liste),
            [*financements.values(), sans],
        ),
        dpe=_dpe(liste),
        surface_totale=sum((lo.surface_habitable for lo in liste), Decimal(0)),
        surfaces_estimees=sum(lo.surface_estimee for lo in liste),
        loyer_min=min(loyers) if loyers else None,
        loyer_moyen=(sum(loyers, Decimal(0)) / len(loyers)).quantize(centime, ROUND_HALF_UP) if loyers else None,
        loyer_max=max(loyers) if loyers else None,
        loyer_m2=(sum(loyers, Decimal(0)) / surfaces_louees).quantize(centime, ROUND_HALF_UP)
        if loyers and surfaces_louees
        else None,
        loyers_connus=len(loyers),
        loyers_estimes=sum(lo.loyer_estime for lo in liste if lo.loyer_principal is not None),
        charges_connues=sum(lo.charges is not None for lo in liste),
    )


def _nombre(valeur: Decimal, decimales: int) -> str:
    return str(number_format(valeur, decimal_pos=decimales, use_l10n=True))


def regles_estimation(residence: Residence) -> dict[str, str]:
    """The rule behind each kind of estimated value of this residence, in French, for the hints shown
    beside the values marked « estimé » (parameters of ``data/parametres/estimations_patrimoine.yaml``)."""
    parametres = estimations()
    commune = residence.commune
    loyer_m2, zone = parametres.loyer_m2(epci=commune.epci_id, departement=commune.departement, region=commune.region)
    reconstituee = residence.source == SourceResidence.RPLS2019_COMPTAGES
    surfaces = " ; ".join(
        f"T{p}{' et plus' if p == max(parametres.surfaces_par_pieces) else ''} : {_nombre(s, 2)} m²"
        for p, s in sorted(parametres.surfaces_par_pieces.items())
    )
    return {
        "loyer": (
            f"Loyer estimé : {_nombre(loyer_m2, 3)} € par m² et par mois (loyer moyen du parc social, RPLS 2019, "
            f"{zone}) × surface habitable, arrondi au centime. Les données ouvertes ne donnent pas le loyer."
        ),
        "surface": (
            f"Surface estimée : surface moyenne des logements du même nombre de pièces ({surfaces})."
            if reconstituee
            else "Surface estimée : le fichier RPLS donne la surface totale de l'adresse, répartie à parts égales "
            "entre ses logements (au centime)."
        ),
        "typologie": (
            "Nombre de pièces estimé : la classe « 5 pièces et plus » des comptages RPLS 2019 est comptée 5 pièces."
            if reconstituee
            else "Nombre de pièces estimé : le fichier RPLS ne garde qu'un nombre de pièces par adresse, celui d'un "
            "de ses logements."
        ),
        "bailleur": (
            "Bailleur estimé : les données ouvertes ne nomment pas le bailleur ; il a été attribué par tirage au "
            "sort parmi les bailleurs du territoire. Le bailleur peut le corriger."
        ),
        "residence": (
            "Résidence reconstituée : regroupement calculé à partir des comptages RPLS 2019 de la commune "
            "(même année d'achèvement, même type de construction), sans adresse."
        ),
    }

"""The declarative list of what the change journal follows (rule 6 of issue 10).

One ``Suivi`` per tracked model: the database triggers of both backends are generated from it
(``attrib.journal.declencheurs``), and the journal pages read it to say which object an entry belongs to
(its *racine*: the demand of a person, the session of a decision) and which values are sensitive.
Columns left out (``exclus``) are technical: timestamps refreshed at every save, normalised copies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps as django_apps
from django.db import models

#: Values that reveal a situation of violence or health (``peut_voir_situations_sensibles``).
SensibleSi = Callable[[Any], bool]


@dataclass(frozen=True)
class Suivi:
    modele: str  # "app_label.Model"
    racine: str | None = None  # "app_label.Model" of the object whose page shows the entry; None: itself
    colonne_racine: str = "id"  # column holding the racine's id
    exclus: tuple[str, ...] = ()
    #: Fields never shown to a user without the sensitive-situations right.
    champs_sensibles: tuple[str, ...] = ()
    #: Field → predicate on its value: when the object ever held such a value, the whole entry is confidential.
    ligne_sensible_si: tuple[tuple[str, str], ...] = field(default=())
    #: Field → predicate on its value: such a value is shown as confidential (the rest of the entry stays).
    valeurs_sensibles: tuple[tuple[str, str], ...] = field(default=())

    @property
    def etiquette(self) -> str:
        return self.modele.lower()

    @property
    def etiquette_racine(self) -> str:
        return (self.racine or self.modele).lower()


def _motif_sensible(valeur: Any) -> bool:
    from attrib.demandes.enums import MOTIFS_SENSIBLES

    return valeur in MOTIFS_SENSIBLES


def _priorite_sensible(valeur: Any) -> bool:
    return valeur in _priorites_sensibles()


def _label_sensible(valeur: Any) -> bool:
    from attrib.labellisation.parametres import types_sensibles

    return valeur in types_sensibles()


def _vrai(valeur: Any) -> bool:
    return valeur in (True, 1, "1", "true")


def _priorites_sensibles() -> set[str]:
    from attrib.demandes.models import PrioriteLegale

    return set(PrioriteLegale.objects.filter(sensible=True).values_list("code", flat=True))


#: Names of the predicates usable in ``ligne_sensible_si`` (kept as names so that ``Suivi`` stays hashable).
PREDICATS: dict[str, SensibleSi] = {
    "motif_sensible": _motif_sensible,
    "priorite_sensible": _priorite_sensible,
    "label_sensible": _label_sensible,
    "vrai": _vrai,
}

DEMANDE = "demandes.Demande"
ORGANISATION = "organisations.Organisation"

SUIVIS: tuple[Suivi, ...] = (
    # Personal data of the demand (CERFA): the demand, its persons, wishes, motives, priorities, documents.
    Suivi(DEMANDE, exclus=("cree_le", "modifie_le"), valeurs_sensibles=(("motif_principal", "motif_sensible"),)),
    Suivi(
        "demandes.Personne",
        racine=DEMANDE,
        colonne_racine="demande_id",
        exclus=("nom_normalise", "nom_naissance_normalise"),
        champs_sensibles=("handicap",),
    ),
    Suivi("demandes.CommuneSouhaitee", racine=DEMANDE, colonne_racine="demande_id"),
    Suivi(
        "demandes.MotifSecondaire",
        racine=DEMANDE,
        colonne_racine="demande_id",
        ligne_sensible_si=(("motif", "motif_sensible"),),
    ),
    Suivi(
        "demandes.SituationPrioritaire",
        racine=DEMANDE,
        colonne_racine="demande_id",
        ligne_sensible_si=(("priorite_id", "priorite_sensible"),),
    ),
    Suivi(
        "demandes.PieceJustificative",
        racine=DEMANDE,
        colonne_racine="demande_id",
        ligne_sensible_si=(("sensible", "vrai"),),
    ),
    # Cotation grids: a version holds the grid's document (criteria before/after are read from it).
    Suivi("cotation.GrilleCotation"),
    Suivi("cotation.VersionGrille", exclus=("modifiee_le", "avertissements")),
    # Qualification of the stock: the campaign, the notes, the harmonised notes, the mixity stakes.
    Suivi("qualification.Campagne"),
    Suivi("qualification.Notation", racine="qualification.Campagne", colonne_racine="campagne_id"),
    Suivi("qualification.NoteHarmonisee", racine="qualification.Campagne", colonne_racine="campagne_id"),
    Suivi("qualification.EnjeuMixite", racine="qualification.Campagne", colonne_racine="campagne_id"),
    # The social housing stock: residences and their dwellings (RPLS imports, corrections); not personal data,
    # journalled so that a change is traced and moves the freshness key of what is computed from the stock.
    Suivi("patrimoine.Residence"),
    Suivi("patrimoine.Logement", racine="patrimoine.Residence", colonne_racine="residence_id"),
    # Gestion en flux: the reservation agreements and their territory.
    Suivi("flux.ConventionReservation", exclus=("cree_le", "modifie_le")),
    Suivi(
        "flux.ConventionReservation_territoire",
        racine="flux.ConventionReservation",
        colonne_racine="conventionreservation_id",
    ),
    # CALEOL: the commission and its members, the sessions, examinations, decisions, attendance, votes;
    # the offers and leases on the household's demand.
    Suivi("commissions.Commission"),
    Suivi("commissions.MembreCommission", racine="commissions.Commission", colonne_racine="commission_id"),
    Suivi("commissions.Seance"),
    Suivi("commissions.Examen", racine="commissions.Seance", colonne_racine="seance_id"),
    Suivi("commissions.Decision", racine="commissions.Seance", colonne_racine="seance_id"),
    Suivi("commissions.Presence", racine="commissions.Seance", colonne_racine="seance_id"),
    Suivi("commissions.Vote", racine="commissions.Examen", colonne_racine="examen_id"),
    Suivi("commissions.Offre", racine=DEMANDE, colonne_racine="demande_id"),
    Suivi("commissions.Bail", racine=DEMANDE, colonne_racine="demande_id"),
    # The applicant space (issue 13): the accounts linked to a demand, the consents, the one-time codes (never
    # their hash).
    Suivi("demandeurs.Liaison", racine=DEMANDE, colonne_racine="demande_id"),
    Suivi("demandeurs.CodeLiaison", racine=DEMANDE, colonne_racine="demande_id", exclus=("empreinte",)),
    # The reception service (issue 13 point 6): places, their hours, slots and the households' bookings (personal
    # data: name and contact, erased after the retention of data/parametres/siad.yaml).
    Suivi("siad.LieuAccueil", exclus=("cree_le", "modifie_le")),
    Suivi("siad.PlageHoraire", racine="siad.LieuAccueil", colonne_racine="lieu_id"),
    Suivi("siad.ExceptionHoraire", racine="siad.LieuAccueil", colonne_racine="lieu_id"),
    Suivi("siad.Creneau", racine="siad.LieuAccueil", colonne_racine="lieu_id", exclus=("cree_le",)),
    Suivi("siad.RendezVous", racine="siad.Creneau", colonne_racine="creneau_id", exclus=("cle",)),
    # Location voulue (issue 14): the pairs' rules, the adverts (never the seed of the draw before its revelation:
    # the revelation is a column of the advert, its value is not journalled) and their photos; the applications
    # under the demand of the household that made them.
    Suivi("annonces.RegleLocationVoulue", exclus=("cree_le",)),
    Suivi("annonces.Annonce", exclus=("graine",)),
    Suivi("annonces.PhotoAnnonce", racine="annonces.Annonce", colonne_racine="annonce_id", exclus=("ajoutee_le",)),
    Suivi("annonces.Candidature", racine=DEMANDE, colonne_racine="demande_id"),
    # Suivi DALO (issue 15): the decisions of the commission de médiation and the préfet's designations, under the
    # demand; the alerts to the State's agents under their decision.
    Suivi("dalo.DecisionDalo", racine=DEMANDE, colonne_racine="demande_id", exclus=("enregistree_le",)),
    Suivi(
        "dalo.DesignationPrefet", racine="dalo.DecisionDalo", colonne_racine="decision_id", exclus=("enregistree_le",)
    ),
    # The réservataire's choice of its candidates (decision 0037), frozen at submission, with its lines; the
    # contributing companies a réservataire imports (Action Logement).
    Suivi("rapprochement.ChoixReservataire"),
    Suivi("rapprochement.LigneChoix", racine="rapprochement.ChoixReservataire", colonne_racine="choix_id"),
    Suivi("rapprochement.EntrepriseCotisante", exclus=("importee_le",)),
    # Priority households (issue 15): the territory's labelling rules; each demand's labels, their proofs, the
    # household's consents, its social follow-ups, the criteria a social worker validated, its qualification.
    Suivi("labellisation.RegleLabellisation", exclus=("cree_le",)),
    Suivi(
        "labellisation.Label",
        racine=DEMANDE,
        colonne_racine="demande_id",
        exclus=("cree_le",),
        ligne_sensible_si=(("type_label", "label_sensible"),),
    ),
    Suivi(
        "labellisation.PieceLabel",
        racine="labellisation.Label",
        colonne_racine="label_id",
        exclus=("ajoutee_le",),
        ligne_sensible_si=(("sensible", "vrai"),),
    ),
    Suivi("labellisation.Consentement", racine=DEMANDE, colonne_racine="demande_id"),
    Suivi("labellisation.Accompagnement", racine=DEMANDE, colonne_racine="demande_id"),
    Suivi("labellisation.ValidationCritere", racine=DEMANDE, colonne_racine="demande_id"),
    Suivi("labellisation.Qualification", racine=DEMANDE, colonne_racine="demande_id"),
    # The partner committee (decision 0035): the committee, its members, sessions and presences; the cases, their
    # agenda, the social assessment (sensitive: its text never reaches a user without the sensitive right), the
    # opinions, the decisions and the closing.
    Suivi("partenariat.CommissionPartenariale"),
    Suivi(
        "partenariat.MembreCommissionPartenariale",
        racine="partenariat.CommissionPartenariale",
        colonne_racine="commission_id",
        exclus=("ajoute_le",),
    ),
    Suivi("partenariat.SeancePartenariale", exclus=("compte_rendu_html",)),
    Suivi(
        "partenariat.PresenceSeancePartenariale",
        racine="partenariat.SeancePartenariale",
        colonne_racine="seance_id",
        exclus=("enregistree_le",),
    ),
    # Its own root, not the demand: the demand's journal is read by staff who do not sit in the committee.
    Suivi("partenariat.Dossier"),
    Suivi(
        "partenariat.InscriptionDossier",
        racine="partenariat.SeancePartenariale",
        colonne_racine="seance_id",
        exclus=("inscrit_le",),
    ),
    Suivi(
        "partenariat.EvaluationSociale",
        racine="partenariat.Dossier",
        colonne_racine="dossier_id",
        champs_sensibles=("texte", "fichier", "nom_fichier"),
        exclus=("jointe_le",),
    ),
    Suivi(
        "partenariat.AvisPartenaire", racine="partenariat.Dossier", colonne_racine="dossier_id", exclus=("donne_le",)
    ),
    Suivi(
        "partenariat.DecisionCommission",
        racine="partenariat.Dossier",
        colonne_racine="dossier_id",
        exclus=("decide_le",),
    ),
    Suivi("partenariat.ClotureDossier", racine="partenariat.Dossier", colonne_racine="dossier_id"),
    # The accounts themselves: their address and its verification, their password resets (decision 0028).
    Suivi("demandeurs.CompteDemandeur"),
    # Who sees what: an organisation, the communes of its perimeter and its members (``visible_to``). Their
    # root's generation is in the key of every cache of what a user sees (``attrib.demandes.comptes``).
    Suivi(ORGANISATION),
    Suivi("organisations.Organisation_perimetre", racine=ORGANISATION, colonne_racine="organisation_id"),
    Suivi("organisations.Membership", racine=ORGANISATION, colonne_racine="organisation_id"),
)


@cache
def par_etiquette() -> dict[str, Suivi]:
    return {s.etiquette: s for s in SUIVIS}


def modele(suivi: Suivi, apps: Any = None) -> type[models.Model]:
    app_label, nom = suivi.modele.split(".")
    return (apps or django_apps).get_model(app_label, nom)


def colonnes(modele_: type[models.Model], suivi: Suivi) -> list[str]:
    """The columns the triggers record, in the model's order."""
    return [f.column for f in modele_._meta.concrete_fields if f.column not in suivi.exclus]  # type: ignore[misc]


def suivis_de_racine(etiquettes: Iterable[str]) -> list[Suivi]:
    voulues = {e.lower() for e in etiquettes}
    return [s for s in SUIVIS if s.etiquette_racine in voulues]

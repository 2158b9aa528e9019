"""Every writing service of flux, commissions and rapprochement takes a required, typed actor and refuses an
actor without the right before it writes anything (issue 11, point 2).

(a) Structural: each public function of those services modules either appears in ``LECTURE_SEULE`` (with its
reason) or takes a keyword-only ``auteur`` annotated ``Acteur``, without default.
(b) Behavioural: each writing service, called by nobody (``ANONYME``), an applicant's account, a manager of an
unrelated bailleur and a read-only member of the bailleur concerned, raises ``Refus`` and leaves the tables
as they were. A service without an argument builder fails the test: a new service cannot escape it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import FunctionType, ModuleType
from typing import Any

import pytest
from django.db import models

from attrib.commissions import services as services_commissions
from attrib.commissions.enums import ModePresence, StatutSeance, TypeDecision, Voix
from attrib.commissions.models import (
    Bail,
    Commission,
    Decision,
    Examen,
    MembreCommission,
    Offre,
    Presence,
    Seance,
    Vote,
)
from attrib.common.models import Evenement
from attrib.demandes.models import Demande
from attrib.documents.models import Document
from attrib.flux import services as services_flux
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import ConventionReservation, LogementLibere, Orientation, ReglageFlux
from attrib.organisations.acteurs import ANONYME, Acteur, Nature, Refus, acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, Role, TypeOrganisation
from attrib.patrimoine.enums import Financement
from attrib.patrimoine.models import Logement
from attrib.rapprochement import services as services_rapprochement
from attrib.rapprochement.enums import StatutLot
from attrib.rapprochement.models import LotPropositions
from attrib.territoires.models import EPCI
from tests.factories import Caleol, UserFactory, a_l_heure, construire_caleol, membre, membres_caleol
from tests.factories.modeles import JOUR_SEANCE
from tests.permissions.services_publics import fonctions_publiques

pytestmark = pytest.mark.django_db

MODULES: tuple[ModuleType, ...] = (services_flux, services_commissions, services_rapprochement)

#: Public functions of the services modules that write nothing, each with why.
LECTURE_SEULE: dict[str, str] = {
    "attrib.flux.services.format_decimal": "formats a number for a file; pure",
    "attrib.flux.services.conventions_exporter_csv": "builds the CSV of agreements already read; writes nothing",
    "attrib.flux.services.conventions_exporter_excel": "builds the workbook of agreements already read; writes nothing",
    "attrib.commissions.services.prochaine_decision": "reads which candidate would get the next offer",
    "attrib.flux.services.orientation_du_logement_a_attribuer": "locks and reads the orientation a lease attributes",
    "attrib.rapprochement.services.calculer_lot": "computes a batch; writes only through lot_proposer's callback",
}

SYSTEME = acteur_systeme("test : préparation")


def _services() -> list[tuple[str, FunctionType]]:
    trouves = []
    for module in MODULES:
        trouves += fonctions_publiques(module)
    return sorted(trouves, key=lambda x: x[0])


def _ecrivains() -> list[tuple[str, FunctionType]]:
    return [(nom, f) for nom, f in _services() if nom not in LECTURE_SEULE]


# --- (a) structural --------------------------------------------------------------------------------------


def test_les_modules_de_services_exposent_des_ecrivains() -> None:
    noms = {nom for nom, _ in _ecrivains()}
    assert "attrib.flux.services.convention_enregistrer" in noms
    assert "attrib.commissions.services.bail_signer" in noms
    assert "attrib.rapprochement.services.lot_proposer" in noms
    assert set(LECTURE_SEULE) <= {nom for nom, _ in _services()}, "une exemption nomme une fonction disparue"


def _ecarts(fonction: Callable[..., Any]) -> list[str]:
    """What the function's ``auteur`` parameter lacks to be a required, keyword-only, typed actor."""
    parametres = inspect.signature(fonction, eval_str=True).parameters
    if "auteur" not in parametres:
        return ["pas de paramètre auteur"]
    auteur = parametres["auteur"]
    ecarts = []
    if auteur.kind is not inspect.Parameter.KEYWORD_ONLY:
        ecarts.append("auteur n'est pas keyword-only")
    if auteur.annotation is not Acteur:
        ecarts.append(f"auteur est annoté {auteur.annotation!r}, pas Acteur")
    if auteur.default is not inspect.Parameter.empty:
        ecarts.append(f"auteur a une valeur par défaut ({auteur.default!r})")
    return ecarts


@pytest.mark.parametrize(("nom", "fonction"), _ecrivains(), ids=lambda x: x if isinstance(x, str) else "")
def test_chaque_service_qui_ecrit_exige_un_acteur_type(nom: str, fonction: FunctionType) -> None:
    assert _ecarts(fonction) == [], nom


def test_la_regle_structurelle_voit_un_auteur_facultatif_positionnel_ou_non_type() -> None:
    def facultatif(*, auteur: Acteur | None = None) -> None: ...

    def positionnel(auteur: Acteur) -> None: ...

    def non_type(*, auteur: Any) -> None: ...

    def sans_auteur(*, user: Any) -> None: ...

    assert len(_ecarts(facultatif)) == 2
    assert _ecarts(positionnel) == ["auteur n'est pas keyword-only"]
    assert _ecarts(non_type) == ["auteur est annoté typing.Any, pas Acteur"]
    assert _ecarts(sans_auteur) == ["pas de paramètre auteur"]


# --- (b) behavioural --------------------------------------------------------------------------------------


@dataclass
class Monde:
    caleol: Caleol
    autre_bailleur: Organisation
    epci: EPCI

    @property
    def bailleur(self) -> Organisation:
        return self.caleol.bailleur


def _monde() -> Monde:
    caleol = construire_caleol()
    services_flux.convention_enregistrer(
        auteur=SYSTEME,
        bailleur=caleol.bailleur,
        reservataire=caleol.etat,
        categorie="etat",
        part=Decimal("30"),
        debut=date(JOUR_SEANCE.year - 1, 1, 1),
    )
    autre = Organisation.objects.create(nom="Habitat audois", type=TypeOrganisation.BAILLEUR, siren="383000008")
    epci = EPCI.objects.get(siren="241100593")
    return Monde(caleol=caleol, autre_bailleur=autre, epci=epci)


def _logement(m: Monde, rang: int) -> Logement:
    return Logement.objects.create(
        residence=m.caleol.logement.residence,
        identifiant=f"OUEST-1{rang:02d}",
        nb_pieces=3,
        surface_habitable=Decimal("60"),
        financement=Financement.PLUS,
    )


def _orientation_vers_l_etat(m: Monde) -> Orientation:
    """Declare dwellings freed until the engine orients one to the State (its share is 30 %)."""
    for rang in range(1, 6):
        ll = services_flux.logement_declarer_libere(
            auteur=SYSTEME, logement=_logement(m, rang), date_liberation=date.today(), nature="relocation"
        )
        o = ll.orientation
        if o is not None and o.reservataire_id == m.caleol.etat.pk and o.statut == StatutOrientation.A_PROPOSER:
            return o
    raise AssertionError("aucun logement orienté vers l'État")


def _examens(m: Monde) -> list[Examen]:
    c = m.caleol
    return services_commissions.examen_inscrire(
        auteur=SYSTEME, seance=c.seance, logement=c.logement, candidats=c.demandes[:3]
    )


def _logement_attribue(m: Monde) -> Logement:
    """The dwelling, its first candidate attributed by the commission (an offer may follow)."""
    examen = _examens(m)[0]
    services_commissions.decision_enregistrer(
        auteur=SYSTEME, examen=examen, type_decision=TypeDecision.ATTRIBUTION, votes=m.caleol.pour
    )
    return m.caleol.logement


def _offre(m: Monde) -> Offre:
    """An offer of the dwelling to the first candidate, waiting for the answer."""
    return services_commissions.offre_emettre(
        auteur=SYSTEME, logement=_logement_attribue(m), envoyee_le=JOUR_SEANCE + timedelta(days=1)
    )


def _echeance_passee(orientation: Orientation) -> date:
    """The day after the réservataire's proposal deadline (or a year later when its agreement sets none)."""
    limite = orientation.date_limite_proposition
    return (limite or date.today() + timedelta(days=365)) + timedelta(days=1)


def _echeance(orientation: Orientation) -> dict[str, Any]:
    return {"orientation": orientation, "aujourd_hui": _echeance_passee(orientation)}


def _seance_prevue(m: Monde) -> Seance:
    return services_commissions.seance_creer(
        auteur=SYSTEME, commission=m.caleol.commission, date_seance=JOUR_SEANCE + timedelta(days=28)
    )


def _seance_close(m: Monde) -> Seance:
    return services_commissions.seance_cloturer(
        auteur=SYSTEME, seance=m.caleol.seance, close_le=a_l_heure(JOUR_SEANCE, 11)
    )


def _lot(m: Monde) -> LotPropositions:
    return LotPropositions.objects.create(
        organisation=m.bailleur,
        epci=m.epci,
        debut=JOUR_SEANCE,
        fin=JOUR_SEANCE + timedelta(days=30),
        statut=StatutLot.TERMINE,
        resultat={"logements": []},
    )


def _deliberatif(m: Monde) -> MembreCommission:
    return m.caleol.commission.membres.filter(voix=Voix.DELIBERATIVE).first()  # type: ignore[return-value]


#: For each writing service, the arguments (all but ``auteur``) of a call an allowed actor could make.
CONSTRUCTEURS: dict[str, Callable[[Monde], dict[str, Any]]] = {
    # flux
    "attrib.flux.services.convention_enregistrer": lambda m: {
        "bailleur": m.bailleur,
        "reservataire": m.caleol.etat,
        "categorie": "etat_agents",
        "part": Decimal("5"),
        "debut": date(JOUR_SEANCE.year, 1, 1),
    },
    "attrib.flux.services.reglage_flux_enregistrer": lambda m: {"bailleur": m.bailleur, "arbitrage": "part_globale"},
    "attrib.flux.services.logement_declarer_libere": lambda m: {
        "logement": _logement(m, 50),
        "date_liberation": date.today(),
        "nature": "relocation",
    },
    "attrib.flux.services.orientation_forcer": lambda m: {
        "orientation": _orientation_vers_l_etat(m),
        "reservataire": m.bailleur,
        "motif": "Ménage suivi par le bailleur.",
    },
    "attrib.flux.services.orientation_candidats_proposer": lambda m: {
        "orientation": _orientation_vers_l_etat(m),
        "nombre_candidats": 2,
    },
    "attrib.flux.services.orientation_constater_echeance": lambda m: _echeance(_orientation_vers_l_etat(m)),
    "attrib.flux.services.orientations_constater_echeances": lambda m: {
        "aujourd_hui": _echeance_passee(_orientation_vers_l_etat(m)),
    },
    "attrib.flux.services.orientation_attribuer": lambda m: {
        "orientation": _orientation_vers_l_etat(m),
        "demande": m.caleol.demande("Preneur"),
        "date_attribution": date.today(),
    },
    "attrib.flux.services.conventions_importer": lambda m: {
        "bailleur": m.bailleur,
        "fichier": "Réservataire;Contingent;Part du flux (%);Début\nPréfecture de l'Aude;etat_agents;5;2026-01-01\n".encode(),
        "nom_fichier": "conventions.csv",
    },
    # commissions
    "attrib.commissions.services.commission_creer": lambda m: {
        "bailleur": m.bailleur,
        "nom": "CALEOL Gruissan",
        "membres": membres_caleol(),
    },
    "attrib.commissions.services.commission_quorum_fixer": lambda m: {"commission": m.caleol.commission, "quorum": 3},
    "attrib.commissions.services.seance_creer": lambda m: {
        "commission": m.caleol.commission,
        "date_seance": JOUR_SEANCE + timedelta(days=14),
    },
    "attrib.commissions.services.presences_enregistrer": lambda m: {
        "seance": _seance_prevue(m),
        "presences": {x.pk: ModePresence.SEANCE for x in m.caleol.commission.membres.all()},
    },
    "attrib.commissions.services.seance_ouvrir": lambda m: {"seance": _seance_prevue(m)},
    "attrib.commissions.services.seance_cloturer": lambda m: {
        "seance": m.caleol.seance,
        "close_le": a_l_heure(JOUR_SEANCE, 11),
    },
    "attrib.commissions.services.proces_verbal_corriger": lambda m: {
        "seance": _seance_close(m),
        "motif": "Nom d'un membre corrigé.",
    },
    "attrib.commissions.services.vote_enregistrer": lambda m: {
        "examen": _examens(m)[0],
        "membre": _deliberatif(m),
        "sens": "pour",
    },
    "attrib.commissions.services.examen_inscrire": lambda m: {
        "seance": m.caleol.seance,
        "logement": m.caleol.logement,
        "candidats": m.caleol.demandes[:3],
    },
    "attrib.commissions.services.decision_enregistrer": lambda m: {
        "examen": _examens(m)[0],
        "type_decision": TypeDecision.ATTRIBUTION,
        "votes": m.caleol.pour,
    },
    "attrib.commissions.services.offre_emettre": lambda m: {
        "logement": _logement_attribue(m),
        "envoyee_le": JOUR_SEANCE + timedelta(days=1),
    },
    "attrib.commissions.services.offre_repondre": lambda m: {
        "offre": _offre(m),
        "accepte": True,
        "repondue_le": JOUR_SEANCE + timedelta(days=3),
    },
    "attrib.commissions.services.offre_suivante": lambda m: {
        "offre": services_commissions.offre_repondre(
            auteur=SYSTEME,
            offre=_offre(m),
            accepte=False,
            motif_refus="localisation",
            logement_adapte=True,
            repondue_le=JOUR_SEANCE + timedelta(days=3),
        ),
        "envoyee_le": JOUR_SEANCE + timedelta(days=4),
    },
    "attrib.commissions.services.offres_expirer": lambda m: {"aujourd_hui": _offre(m).date_limite + timedelta(days=1)},
    "attrib.commissions.services.bail_signer": lambda m: {
        "offre": services_commissions.offre_repondre(
            auteur=SYSTEME, offre=_offre(m), accepte=True, repondue_le=JOUR_SEANCE + timedelta(days=3)
        ),
        "date_signature": JOUR_SEANCE + timedelta(days=10),
        "accord_collectif": False,
        "deja_locataire": False,
    },
    # rapprochement
    "attrib.rapprochement.services.candidats_designer": lambda m: {
        "logement_libere": _orientation_vers_l_etat(m).logement_libere,
        "seance": _seance_prevue(m),
        "demandes": m.caleol.demandes[:3],
    },
    "attrib.rapprochement.services.lot_proposer": lambda m: {
        "organisation": m.bailleur,
        "epci": m.epci,
        "debut": date.today(),
        "fin": date.today() + timedelta(days=30),
    },
    "attrib.rapprochement.services.lot_inscrire": lambda m: {"lot": _lot(m), "logements": [1]},
}

#: A batch belongs to its organisation: any of its members launches and puts it on the agenda (a read-only
#: member included, as before the actor); the others are refused.
MEMBRE_EN_LECTURE_AUTORISE = {
    "attrib.rapprochement.services.lot_proposer",
    "attrib.rapprochement.services.lot_inscrire",
}

TABLES: tuple[type[models.Model], ...] = (
    ConventionReservation,
    ReglageFlux,
    LogementLibere,
    Orientation,
    Commission,
    MembreCommission,
    Seance,
    Presence,
    Examen,
    Decision,
    Vote,
    Offre,
    Bail,
    LotPropositions,
    Evenement,
    Document,
    Demande,
)


def _etat() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a service of these apps may write, in full."""
    return {t._meta.label: list(t.objects.order_by("pk").values_list()) for t in TABLES}


def _refuses(m: Monde, nom: str) -> dict[str, Acteur]:
    demandeur = UserFactory(username="demandeur.martin")
    refuses = {
        "anonyme": ANONYME,
        "demandeur": Acteur(
            nature=Nature.DEMANDEUR,
            utilisateur=demandeur,
            demande_ids=frozenset({m.caleol.demandes[0].pk}),
        ),
        "gestionnaire d'un autre bailleur": acteur_de(membre(m.autre_bailleur, Role.GESTIONNAIRE, username="autre")),
    }
    if nom not in MEMBRE_EN_LECTURE_AUTORISE:
        refuses["membre du bailleur en consultation"] = acteur_de(
            membre(m.bailleur, Role.CONSULTATION, username="consultation")
        )
    return refuses


def test_chaque_service_qui_ecrit_a_son_constructeur_d_arguments() -> None:
    assert {nom for nom, _ in _ecrivains()} == set(CONSTRUCTEURS)


@pytest.mark.parametrize(("nom", "fonction"), _ecrivains(), ids=lambda x: x if isinstance(x, str) else "")
def test_un_acteur_sans_droit_est_refuse_et_rien_n_est_ecrit(nom: str, fonction: FunctionType, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert nom in CONSTRUCTEURS, f"{nom} écrit mais n'a pas de constructeur d'arguments dans ce test"
    m = _monde()
    arguments = CONSTRUCTEURS[nom](m)
    refuses = _refuses(m, nom)
    avant = _etat()
    for qui, acteur in refuses.items():
        with pytest.raises(Refus) as refus:
            fonction(**arguments, auteur=acteur)
        assert refus.value.message.startswith("Seul"), f"{nom} refusé à « {qui} » sans dire qui peut : {refus.value}"
        assert _etat() == avant, f"{nom} a écrit pour « {qui} » avant de refuser"


def test_le_systeme_et_le_gestionnaire_du_bailleur_passent(settings: Any) -> None:
    """The same calls are allowed to who has the right: the refusals above are the rule, not a broken call."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    m = _monde()
    gestionnaire = acteur_de(m.caleol.gestionnaire)
    seance = services_commissions.seance_creer(
        **CONSTRUCTEURS["attrib.commissions.services.seance_creer"](m), auteur=gestionnaire
    )
    assert seance.statut == StatutSeance.PREVUE and seance.cree_par == m.caleol.gestionnaire
    reglage = services_flux.reglage_flux_enregistrer(
        **CONSTRUCTEURS["attrib.flux.services.reglage_flux_enregistrer"](m), auteur=gestionnaire
    )
    assert reglage.modifie_par == m.caleol.gestionnaire
    orientation = _orientation_vers_l_etat(m)
    etat = acteur_de(membre(m.caleol.etat, Role.GESTIONNAIRE, username="prefecture"))
    proposee = services_flux.orientation_candidats_proposer(orientation=orientation, nombre_candidats=2, auteur=etat)
    assert proposee.statut == StatutOrientation.CANDIDATS_PROPOSES
    assert services_commissions.offres_expirer(auteur=acteur_systeme("commande expirer_offres")) == 0


# --- visible_to ---------------------------------------------------------------------------------------------


def test_visible_to_nobody_and_an_applicant_see_nothing_the_system_everything(settings: Any) -> None:
    """Every ``visible_to(acteur)`` of these apps: nothing for nobody and for an applicant's account (whose
    own demand is not a commission, an agreement nor a lease), everything for the system, its own rows for the
    bailleur's read-only member, none of them for another bailleur's manager."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    m = _monde()
    _orientation_vers_l_etat(m)
    _offre(m)
    _lot(m)
    querysets: dict[str, Callable[[Acteur], models.QuerySet[Any]]] = {
        "conventions": ConventionReservation.objects.visible_to,
        "logements libérés": LogementLibere.objects.visible_to,
        "orientations": Orientation.objects.visible_to,
        "commissions": Commission.objects.visible_to,
        "séances": Seance.objects.visible_to,
        "offres": Offre.objects.visible_to,
        "offres du périmètre": Offre.objects.du_perimetre,
        "lots": LotPropositions.objects.visible_to,
    }
    refuses = _refuses(m, "")
    lecture = refuses.pop("membre du bailleur en consultation")
    for nom, visibles in querysets.items():
        tout = visibles(acteur_systeme("test")).count()
        assert tout > 0, nom
        assert visibles(lecture).count() == tout, f"{nom} : le bailleur voit les siens"
        for qui, acteur in refuses.items():
            assert not visibles(acteur).exists(), f"{nom} visibles de « {qui} »"

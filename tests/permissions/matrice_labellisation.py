"""Priority labels (issue 15). A demand's labels page: whoever sees the demand (and a social service following the
household). The queue « Labels à examiner »: every manager of an organisation (it lists what its organisations may
decide). Examining a proposal: the holder of the right on the demand's territory (without a local rule, the
State's services for an L441-1 letter). In the applicant space, the household asks for the recognition of a
situation and gives or withdraws its consent to share, on its own demand only. « Ménages accompagnés » and
« Valider ce critère »: the social service (the criterion: only on a household it follows with its consent). The
local rules: read by every member of an organisation, recorded by the EPCI or the holder of the right. The
applicant gets 404 on every staff page."""

from __future__ import annotations

from typing import Any

from attrib.labellisation.enums import ObjetConsentement
from attrib.labellisation.services import accompagnement_ouvrir, consentement_recueillir, label_proposer
from attrib.organisations.acteurs import acteur_systeme
from attrib.organisations.models import Organisation
from tests.permissions.outils import AUTHENTIFIES, ENREGISTREURS, VOIENT_DEMANDE, R

GESTIONNAIRES = AUTHENTIFIES - {"sans_organisation", "consultation"}

LIGNES = [
    R("labellisation:a_examiner", GESTIONNAIRES),
    R("labellisation:demande", VOIENT_DEMANDE, args=("dans",)),
    R("labellisation:demande", set(), args=("hors",)),
    # An empty proposal is answered with its errors (400) to whoever sees the demand: the right to propose is
    # checked on the label chosen (tests/labellisation/test_cycle.py).
    R("labellisation:demande", VOIENT_DEMANDE, methode="post", args=("dans",), donnees={}),
    R("labellisation:examiner", {"etat"}, methode="post", args=("label_dans",), donnees={}),
    R("labellisation:accompagnes", {"service_social"}),
    R("labellisation:critere", {"service_social"}, methode="post", args=("dans", "violences"), donnees={}),
    R("labellisation:critere", set(), methode="post", args=("hors", "violences"), donnees={}),
    # Qualifying a demand: a desk's manager who may update it (the demand « dans » is registered at the desk).
    R("labellisation:qualifier", ENREGISTREURS, methode="post", args=("dans",), donnees={}),
    R("labellisation:qualifier", set(), methode="post", args=("hors",), donnees={}),
    # The local rules: every member of an organisation reads those of its territory; a rule is recorded by the
    # EPCI's managers or by the holder of the right (the State, for the DALO and the L441-1 letters by default).
    R("labellisation:regles", AUTHENTIFIES - {"sans_organisation"}),
    R("labellisation:regle_nouvelle", {"epci", "etat"}),
    R("labellisation:regle_nouvelle", {"epci", "etat"}, methode="post", donnees={}),
    # The household's space: its own demand only (its « titulaire » link); every staff account gets 404.
    R("demandeurs:label_proposer", {"demandeur"}, args=("dans",)),
    R("demandeurs:label_proposer", {"demandeur"}, methode="post", args=("dans",), donnees={}),
    R("demandeurs:label_proposer", set(), args=("hors",)),
    R("demandeurs:label_proposer", set(), methode="post", args=("hors",), donnees={}),
    R("demandeurs:partage_donner", {"demandeur"}, methode="post", args=("dans",), donnees={}),
    R("demandeurs:partage_donner", set(), methode="post", args=("hors",), donnees={}),
    R("demandeurs:partage_retirer", {"demandeur"}, methode="post", args=("dans",), donnees={}),
    R("demandeurs:partage_retirer", set(), methode="post", args=("hors",), donnees={}),
]


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """A proposal on the demand « dans » and the social service following its household with its consent."""
    systeme = acteur_systeme("matrice")
    dans = ids["dans"]
    label = label_proposer(demande=dans, type_label="l441_k", motif="Hébergée chez un tiers", auteur=systeme)
    consentement = consentement_recueillir(
        demande=dans,
        objet=ObjetConsentement.ACCOMPAGNEMENT_SOCIAL,
        auteur=systeme,
        mode="ecrit",
        organisation=orgs["service_social"],
    )
    accompagnement_ouvrir(demande=dans, auteur=systeme, consentement=consentement)
    return {"label_dans": label}

"""Batch proposals for a period: one first candidate per dwelling (each household first at most once) and
ranked alternates, maximising the total value under the CIA objectives and the rating rule, with a
certificate of optimality (``docs/appariement.md``).

Typical use::

    instance = InstanceAppariement.depuis_tables(logements=..., demandes=..., candidatures=...)
    # or: instance_depuis_index(index, logements)
    objectifs = objectifs_cia(regles.objectifs, reservataires)
    solution = proposer(instance, contraintes_objectifs(instance, objectifs, etat))
    assert solution.verify() == []
    solution.propositions(), solution.bilans(), solution.certificat
"""

from attrib.engine.appariement.construction import instance_depuis_index
from attrib.engine.appariement.contraintes import ContraintePart, contraintes_objectifs
from attrib.engine.appariement.instance import InstanceAppariement
from attrib.engine.appariement.references import (
    ResultatMILP,
    affectation_gloutonne,
    pourvus_maximum,
    resoudre_milp,
)
from attrib.engine.appariement.solution import Bilan, Certificat, Proposition, Solution, suppleants
from attrib.engine.appariement.solveur import proposer

__all__ = [
    "Bilan",
    "Certificat",
    "ContraintePart",
    "InstanceAppariement",
    "Proposition",
    "ResultatMILP",
    "Solution",
    "affectation_gloutonne",
    "contraintes_objectifs",
    "instance_depuis_index",
    "pourvus_maximum",
    "proposer",
    "resoudre_milp",
    "suppleants",
]

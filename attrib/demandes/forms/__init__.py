"""Forms of the demand screens, built on the shared DSFR form library (``attrib.common.forms``).

The forms only check what a person can fix on the page; the services stay the single source of truth for the
business rules. A form of a demand or a person follows that object's rule set (``attrib.engine.validation``).

Topic modules:

- ``enregistrement``: step 1 of the CERFA (desk, filing date) and the CSV import;
- ``personnes``: applicant, co-applicant, other persons to be housed (formset), essential-worker fields;
- ``ressources``: monthly resources of a person, reference tax income of the household;
- ``logement``: current dwelling and motives, dwelling sought with its communes, priorities and DALO;
- ``cycle_de_vie``: renewal and radiation;
- ``modification``: the sections of the modification page and the DALO decision;
- ``menage``: the household of a registered demand (formset);
- ``liste``: search box and filters of the list;
- ``instruction``: duplicate decision, deposit and refusal of a supporting document;
- ``_commun``: what several of them share (rule-set base form, amounts, typologies, person field groups).
"""

from attrib.demandes.forms._commun import TYPOLOGIES, verifier_date_expulsion
from attrib.demandes.forms.cycle_de_vie import RadiationForm, RenouvellementForm
from attrib.demandes.forms.enregistrement import EnregistrementForm, ImportForm
from attrib.demandes.forms.instruction import DoublonDecisionForm, PieceDepotForm, PieceRefusForm
from attrib.demandes.forms.liste import RechercheForm
from attrib.demandes.forms.logement import CHAMPS_COMMUNES, NB_COMMUNES, LogementActuelForm, LogementRechercheForm
from attrib.demandes.forms.menage import CHAMPS_PERSONNE_MENAGE, MenageFormSet, PersonneMenageForm
from attrib.demandes.forms.modification import (
    CoordonneesForm,
    DecisionDaloForm,
    EmploiForm,
    ModificationLogementForm,
    ModificationRechercheForm,
    ModificationRessourcesForm,
    ModificationSituationsForm,
)
from attrib.demandes.forms.personnes import (
    CodemandeurForm,
    DemandeurForm,
    PersonneALogerForm,
    PersonnesFormSet,
    choix_secteurs_essentiels,
    preparer_champs_emploi,
)
from attrib.demandes.forms.ressources import RESSOURCES_PERSONNE, RessourcesMenageForm, RessourcesPersonneForm

__all__ = [
    "CHAMPS_COMMUNES",
    "CHAMPS_PERSONNE_MENAGE",
    "NB_COMMUNES",
    "RESSOURCES_PERSONNE",
    "TYPOLOGIES",
    "CodemandeurForm",
    "CoordonneesForm",
    "DecisionDaloForm",
    "DemandeurForm",
    "DoublonDecisionForm",
    "EmploiForm",
    "EnregistrementForm",
    "ImportForm",
    "LogementActuelForm",
    "LogementRechercheForm",
    "MenageFormSet",
    "ModificationLogementForm",
    "ModificationRechercheForm",
    "ModificationRessourcesForm",
    "ModificationSituationsForm",
    "PersonneALogerForm",
    "PersonneMenageForm",
    "PersonnesFormSet",
    "PieceDepotForm",
    "PieceRefusForm",
    "RadiationForm",
    "RechercheForm",
    "RenouvellementForm",
    "RessourcesMenageForm",
    "RessourcesPersonneForm",
    "choix_secteurs_essentiels",
    "preparer_champs_emploi",
    "verifier_date_expulsion",
]

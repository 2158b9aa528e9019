"""Online filing (``/mon-espace/deposer/``, decision 0029): the household fills the CERFA in seven steps, each checked
by the desk's forms and their rule sets, with a draft kept in its login session between steps; the last step shows
everything, the notice on its data and asks its consent, then one call to the filing service
(:func:`attrib.demandeurs.services_depot.demande_deposer_en_ligne`), which registers the demand through the desk's
own service. The new demand is linked to the account: « Ma demande » opens at once.

Also the attestation of registration of a demand the account follows (``/mon-espace/demandes/<pk>/attestation/``),
as frozen at its event (``attrib.demandes.attestation``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from attrib.common.brouillon import BrouillonEtapes
from attrib.common.brouillon import donnees_postees as _donnees_postees
from attrib.common.brouillon import tous_valides as _valides
from attrib.common.brouillon import valeur_lisible as _valeur_lisible
from attrib.common.brouillon import valeurs_saisies as _valeurs
from attrib.common.forms import resume_erreurs
from attrib.common.limites import adresse_client
from attrib.common.view_helpers import exiger
from attrib.demandes import enums
from attrib.demandes.attestation import attestation_a_servir
from attrib.demandes.forms import CHAMPS_COMMUNES, RESSOURCES_PERSONNE
from attrib.demandes.forms._commun import _COORDONNEES
from attrib.demandes.models import PrioriteLegale
from attrib.demandeurs import selectors
from attrib.demandeurs.acteur import compte_de
from attrib.demandeurs.forms_depot import (
    CodemandeurForm,
    ConsentementForm,
    ContactDepotForm,
    DemandeurDepotForm,
    LogementActuelDepotForm,
    LogementRechercheForm,
    PersonnesFormSet,
    RessourcesMenageForm,
    RessourcesPersonneForm,
)
from attrib.demandeurs.models import CompteDemandeur
from attrib.demandeurs.services import LiaisonVerrouillee
from attrib.demandeurs.services_depot import (
    DemandeDejaActive,
    communes_ouvertes,
    demande_active_du_compte,
    demande_deposer_en_ligne,
    depot_ouvert,
)
from attrib.demandeurs.views import espace_demandeur
from attrib.engine.parametres.arbre import valeur
from attrib.organisations.acteurs import Refus, acteur_systeme

ETAPES: dict[str, str] = {
    "menage": "Votre ménage",
    "personnes": "Les autres personnes à loger",
    "ressources": "Vos ressources",
    "logement": "Votre logement actuel",
    "souhaits": "Le logement que vous souhaitez",
    "contact": "Vos coordonnées",
    "recapitulatif": "Récapitulatif, accord et envoi",
}
ORDRE = list(ETAPES)
DERNIERE = ORDRE[-1]
#: The draft, in the login session (never beside the session of the desk's own wizard).
CLE_SESSION = "attrib_depot_en_ligne"


class Brouillon(BrouillonEtapes):
    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request, cle=CLE_SESSION, ordre=ORDRE)


def _priorites() -> list[tuple[str, str]]:
    """The L441-1 priorities in force: the household declares its own situation (sensitive ones included)."""
    jour = timezone.localdate()
    return [(p.code, str(p)) for p in PrioriteLegale.objects.filter(date_debut__lte=jour).exclude(date_fin__lt=jour)]


def _formulaires(
    etape: str, *, brouillon: Brouillon, compte: CompteDemandeur | None, donnees: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The forms of a step: bound to ``donnees`` when given, else filled with what the draft holds."""
    saisie = brouillon.saisie(etape)

    def initial(cle: str) -> Any:
        return None if donnees is not None else saisie.get(cle)

    if etape == "menage":
        formulaires: dict[str, Any] = {
            "demandeur": DemandeurDepotForm(donnees, prefix="demandeur", initial=initial("demandeur"))
        }
        if brouillon.codemandeur:
            formulaires["codemandeur"] = CodemandeurForm(
                donnees, prefix="codemandeur", initial=initial("codemandeur") or {}
            )
        return formulaires
    if etape == "personnes":
        lignes = initial("personnes")
        return {"personnes": PersonnesFormSet(donnees, prefix="personnes", initial=lignes or [])}
    if etape == "ressources":
        formulaires = {
            "ressources_demandeur": RessourcesPersonneForm(
                donnees,
                prefix="ressources_demandeur",
                initial=initial("ressources_demandeur"),
                titre="Vos ressources mensuelles",
            )
        }
        if brouillon.codemandeur:
            formulaires["ressources_codemandeur"] = RessourcesPersonneForm(
                donnees,
                prefix="ressources_codemandeur",
                initial=initial("ressources_codemandeur"),
                titre="Ressources mensuelles du co-demandeur",
            )
        formulaires["ressources_menage"] = RessourcesMenageForm(
            donnees, prefix="ressources_menage", initial=initial("ressources_menage")
        )
        return formulaires
    if etape == "logement":
        return {
            "logement_actuel": LogementActuelDepotForm(
                donnees, prefix="logement_actuel", initial=initial("logement_actuel")
            )
        }
    if etape == "souhaits":
        return {
            "logement_recherche": LogementRechercheForm(
                donnees,
                prefix="logement_recherche",
                initial=initial("logement_recherche"),
                communes=communes_ouvertes(),
                priorites=_priorites(),
            )
        }
    if etape == "contact":
        defaut = {"email": compte.courriel} if compte is not None and compte.courriel else {}
        return {"contact": ContactDepotForm(donnees, prefix="contact", initial=initial("contact") or defaut)}
    return {}


def _url(etape: str) -> str:
    return reverse("demandeurs:deposer_etape", args=[etape])


def _ferme(request: HttpRequest, compte: CompteDemandeur | None) -> HttpResponse | None:
    """The page that replaces the form when the account already holds an active demand or when no online desk is
    open; ``None`` when the household may file."""
    propre = demande_active_du_compte(compte) if compte is not None else None
    if propre is None and depot_ouvert():
        return None
    return render(request, "demandeurs/depot/ferme.html", {"demande": propre})


@espace_demandeur
@require_http_methods(["GET", "POST"])
def deposer(request: HttpRequest) -> HttpResponse:
    """Start, or resume, the filing; POST ``action=abandonner`` drops the draft."""
    if request.method == "POST":
        exiger(request.POST.get("action") == "abandonner")
        Brouillon(request).effacer()
        messages.info(request, "Votre saisie a été abandonnée : rien n'a été enregistré ni envoyé.")
        return redirect("demandeurs:espace")
    compte = compte_de(request.acteur)  # type: ignore[attr-defined]
    if (page := _ferme(request, compte)) is not None:
        return page
    brouillon = Brouillon(request)
    return redirect(_url(brouillon.premiere_incomplete()) + ("" if brouillon.vide() else "?reprise=1"))


@espace_demandeur
@require_http_methods(["GET", "POST"])
def deposer_etape(request: HttpRequest, etape: str) -> HttpResponse:
    exiger(etape in ETAPES)
    compte = compte_de(request.acteur)  # type: ignore[attr-defined]
    if (page := _ferme(request, compte)) is not None:
        return page
    brouillon = Brouillon(request)
    premiere = brouillon.premiere_incomplete()
    if ORDRE.index(etape) > ORDRE.index(premiere):
        return redirect(_url(premiere))
    if etape == DERNIERE:
        return _recapitulatif(request, brouillon, compte)
    if request.method == "POST":
        action = request.POST.get("action", "suivant")
        formulaires = _formulaires(etape, brouillon=brouillon, compte=compte, donnees=request.POST)
        saisie = {cle: _valeurs(f) for cle, f in formulaires.items()}
        rang = ORDRE.index(etape)
        if action in ("suivant", "precedent") and _valides(formulaires):
            brouillon.enregistrer(etape, saisie, valide=True)
            return redirect(_url(ORDRE[rang + 1] if action == "suivant" else ORDRE[max(rang - 1, 0)]))
        if action == "precedent":
            brouillon.enregistrer(etape, saisie, valide=False)
            return redirect(_url(ORDRE[max(rang - 1, 0)]))
        if action != "suivant":
            ancre = _appliquer_action(action, etape, saisie, brouillon)
            brouillon.enregistrer(etape, saisie, valide=False)
            return redirect(_url(etape) + ancre)
        return _rendre_etape(request, etape, formulaires, brouillon)
    formulaires = _formulaires(etape, brouillon=brouillon, compte=compte)
    return _rendre_etape(request, etape, formulaires, brouillon)


_RETIRER_PERSONNE = re.compile(r"^retirer_personne_(\d+)$")


def _appliquer_action(action: str, etape: str, saisie: dict[str, Any], brouillon: Brouillon) -> str:
    """Add or remove the co-applicant or a person; returns the anchor to go back to."""
    if etape == "menage" and action == "ajouter_codemandeur":
        brouillon.codemandeur = True
        return "#formulaire-codemandeur"
    if etape == "menage" and action == "retirer_codemandeur":
        brouillon.codemandeur = False
        saisie.pop("codemandeur", None)
        ressources = {k: v for k, v in brouillon.saisie("ressources").items() if k != "ressources_codemandeur"}
        brouillon.enregistrer("ressources", ressources, valide=False)
        return "#section-codemandeur"
    if etape == "personnes" and action == "ajouter_personne":
        saisie["personnes"].append({})
        return f"#personne-{len(saisie['personnes'])}"
    if etape == "personnes" and (m := _RETIRER_PERSONNE.match(action)):
        i = int(m.group(1))
        if 0 <= i < len(saisie["personnes"]):
            del saisie["personnes"][i]
        return "#formset-personnes"
    raise Http404("Action inconnue.")


def _contexte_etapes(etape: str) -> dict[str, Any]:
    rang = ORDRE.index(etape)
    return {
        "etape": etape,
        "numero_etape": rang + 1,
        "nb_etapes": len(ORDRE),
        "titre_etape": ETAPES[etape],
        "etape_suivante": ETAPES[ORDRE[rang + 1]] if rang + 1 < len(ORDRE) else "",
        "etape_precedente_url": _url(ORDRE[rang - 1]) if rang else "",
        "action_url": _url(etape),
    }


def _rendre_etape(
    request: HttpRequest,
    etape: str,
    formulaires: dict[str, Any],
    brouillon: Brouillon,
    *,
    autres_erreurs: Sequence[dict[str, str]] = (),
    statut: int = 200,
) -> HttpResponse:
    return render(
        request,
        "demandeurs/depot/etape.html",
        {
            **_contexte_etapes(etape),
            "formulaires": formulaires,
            "erreurs": resume_erreurs(formulaires.values()),
            "autres_erreurs": autres_erreurs,
            "codemandeur": brouillon.codemandeur,
            "reprise": request.method == "GET" and "reprise" in request.GET and not brouillon.vide(),
        },
        status=statut,
    )


def _etapes_validees(brouillon: Brouillon, compte: CompteDemandeur | None) -> dict[str, dict[str, Any]]:
    """Every step rebuilt from the draft and validated again (the lists it offers may have changed)."""
    resultat = {}
    for etape in ORDRE[:-1]:
        vides = _formulaires(etape, brouillon=brouillon, compte=compte)
        donnees = _donnees_postees(vides, brouillon.saisie(etape))
        resultat[etape] = _formulaires(etape, brouillon=brouillon, compte=compte, donnees=donnees)
        _valides(resultat[etape])
    return resultat


def _recapitulatif(request: HttpRequest, brouillon: Brouillon, compte: CompteDemandeur | None) -> HttpResponse:
    etapes = _etapes_validees(brouillon, compte)
    for etape, formulaires in etapes.items():
        if not _valides(formulaires):
            return _rendre_etape(request, etape, formulaires, brouillon)
    accord = ConsentementForm(request.POST if request.method == "POST" else None, prefix="accord")
    alerte = ""
    statut = 200
    if request.method == "POST" and accord.is_valid():
        arguments, plan = _arguments_service(etapes)
        try:
            demande = demande_deposer_en_ligne(
                auteur=request.acteur,  # type: ignore[attr-defined]
                consentement=accord.cleaned_data["consentement"],
                adresse=adresse_client(request),
                **arguments,
            )
        except LiaisonVerrouillee as exc:
            alerte, statut = exc.messages[0], 429
        except DemandeDejaActive as exc:
            alerte, statut = exc.messages[0], 409
        except Refus as exc:
            alerte, statut = str(exc), 403
        except ValidationError as exc:
            reponse, perdues = _erreurs_du_service(request, exc, etapes, plan, brouillon, accord)
            if reponse is not None:
                return reponse
            alerte, statut = " ".join(perdues), 400
        else:
            brouillon.effacer()
            messages.success(
                request,
                format_html(
                    "Votre demande est enregistrée sous le numéro unique <strong>{}</strong>. Votre attestation "
                    'd\'enregistrement vous est envoyée par courriel ; vous pouvez aussi <a href="{}">la télécharger '
                    "(PDF)</a>.",
                    demande.numero_unique,
                    reverse("demandeurs:attestation", args=[demande.pk]),
                ),
            )
            return redirect("demandeurs:demande", demande.pk)
    return render(
        request,
        "demandeurs/depot/recapitulatif.html",
        {
            **_contexte_etapes(DERNIERE),
            "sections": _sections(etapes),
            "accord": accord,
            "erreurs": resume_erreurs([accord]),
            "alerte": alerte,
            "mentions": _mentions(),
        },
        status=statut,
    )


def _mentions() -> dict[str, Any]:
    """What the notice on the data says that comes from dated data (the retention after the demand's end)."""
    jour = timezone.localdate()
    return {"conservation_mois": int(valeur("conservation.demandes_radiees_mois", jour).valeur)}


def _lignes(form: Any, donnees: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [
        (str(champ.label), texte)
        for nom, champ in form.fields.items()
        if (texte := _valeur_lisible(champ, donnees.get(nom))) is not None
    ]


def _sections(etapes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    sections = []
    for etape, formulaires in etapes.items():
        blocs = []
        for formulaire in formulaires.values():
            if isinstance(formulaire, BaseFormSet):
                remplies = formulaire.lignes_remplies()  # type: ignore[attr-defined]
                for n, (i, donnees) in enumerate(remplies, start=1):
                    blocs.append({"titre": f"Personne n° {n}", "lignes": _lignes(formulaire.forms[i], donnees)})
                if not remplies:
                    blocs.append({"titre": "", "lignes": [("Autres personnes à loger", "Aucune")]})
            else:
                blocs.append({"titre": formulaire.titre, "lignes": _lignes(formulaire, formulaire.cleaned_data)})
        sections.append(
            {"numero": ORDRE.index(etape) + 1, "titre": ETAPES[etape], "blocs": blocs, "url": _url(etape), "cle": etape}
        )
    return sections


def _sans_vides(donnees: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in donnees.items() if v is not None}


def _arguments_service(etapes: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], list[tuple[str, int | None]]]:
    """The keyword arguments of the filing service, and where each person was typed (to place its errors)."""
    menage, ressources, recherche_form = (
        etapes["menage"],
        etapes["ressources"],
        etapes["souhaits"]["logement_recherche"],
    )
    personnes: list[dict[str, Any]] = [
        {
            **menage["demandeur"].cleaned_data,
            **etapes["contact"]["contact"].cleaned_data,
            **ressources["ressources_demandeur"].cleaned_data,
            "role": enums.RolePersonne.DEMANDEUR,
        }
    ]
    plan: list[tuple[str, int | None]] = [("demandeur", None)]
    if "codemandeur" in menage:
        personnes.append(
            {
                **menage["codemandeur"].cleaned_data,
                **ressources["ressources_codemandeur"].cleaned_data,
                "role": enums.RolePersonne.CODEMANDEUR,
            }
        )
        plan.append(("codemandeur", None))
    for i, ligne in etapes["personnes"]["personnes"].lignes_remplies():
        personnes.append({**ligne, "role": enums.RolePersonne.PERSONNE_A_LOGER})
        plan.append(("personnes", i))
    actuel = dict(etapes["logement"]["logement_actuel"].cleaned_data)
    motifs = actuel.pop("motifs_secondaires", [])
    recherche = {k: v for k, v in recherche_form.cleaned_data.items() if k not in CHAMPS_COMMUNES and k != "priorites"}
    arguments = {
        "donnees": _sans_vides({**ressources["ressources_menage"].cleaned_data, **actuel, **recherche}),
        "personnes": personnes,
        "communes": recherche_form.communes(),
        "motifs_secondaires": motifs,
        "priorites": recherche_form.cleaned_data.get("priorites", []),
    }
    return arguments, plan


_CLE_PERSONNE = re.compile(r"^personnes\[(\d+)\]\.(\w+)$")
_CLE_LISTE = re.compile(r"^(communes|motifs_secondaires|priorites)\[(\d+)\]$")


def _place(
    cle: str, etapes: dict[str, dict[str, Any]], plan: list[tuple[str, int | None]]
) -> tuple[str, Any, str | None] | None:
    """The step, form and field of an error of the service, ``None`` when it belongs to none."""
    if m := _CLE_PERSONNE.match(cle):
        i, champ = int(m.group(1)), m.group(2)
        if i >= len(plan):
            return None
        cle_form, ligne = plan[i]
        if ligne is not None:
            form = etapes["personnes"]["personnes"].forms[ligne]
            return "personnes", form, champ if champ in form.fields else None
        if champ in RESSOURCES_PERSONNE:
            return "ressources", etapes["ressources"][f"ressources_{cle_form}"], champ
        if cle_form == "demandeur" and champ in _COORDONNEES:
            return "contact", etapes["contact"]["contact"], champ
        form = etapes["menage"][cle_form]
        return "menage", form, champ if champ in form.fields else None
    if cle == "personnes":
        return "menage", etapes["menage"]["demandeur"], None
    if m := _CLE_LISTE.match(cle):
        liste, rang = m.group(1), int(m.group(2))
        recherche = etapes["souhaits"]["logement_recherche"]
        if liste == "communes":
            return "souhaits", recherche, recherche.champ_commune(rang)
        if liste == "motifs_secondaires":
            return "logement", etapes["logement"]["logement_actuel"], "motifs_secondaires"
        return "souhaits", recherche, "priorites"
    if cle == "communes":
        return "souhaits", etapes["souhaits"]["logement_recherche"], CHAMPS_COMMUNES[0]
    for etape in ("ressources", "logement", "souhaits"):
        for form in etapes[etape].values():
            if not isinstance(form, BaseFormSet) and cle in form.fields:
                return etape, form, cle
    return None


def _a_des_erreurs(formulaire: Any) -> bool:
    if isinstance(formulaire, BaseFormSet):
        return any(f.errors for f in formulaire.forms) or bool(formulaire.non_form_errors())
    return bool(formulaire.errors)


def _erreurs_du_service(
    request: HttpRequest,
    exc: ValidationError,
    etapes: dict[str, dict[str, Any]],
    plan: list[tuple[str, int | None]],
    brouillon: Brouillon,
    accord: ConsentementForm,
) -> tuple[HttpResponse | None, list[str]]:
    """Each located error of the service on its step and field: the first step in error is shown, with the others
    named above its form. Without a step in error, the messages that belong to no field are returned for the
    summary page (the consent's own error is already on its form)."""
    perdues: list[str] = []
    erreurs = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for cle, liste in erreurs.items():
        for message in liste:
            if cle == "consentement":
                accord.add_error("consentement", message)
            elif (place := _place(cle, etapes, plan)) is not None:
                place[1].add_error(place[2], message)
            else:
                perdues.append(message)
    en_erreur = [e for e, fs in etapes.items() if any(_a_des_erreurs(f) for f in fs.values())]
    if not en_erreur:
        return None, perdues
    premiere = en_erreur[0]
    autres = [
        {
            "ancre": _url(e),
            "libelle": f"Étape {ORDRE.index(e) + 1} — {ETAPES[e]}",
            "message": "des champs sont à corriger",
        }
        for e in en_erreur[1:]
    ] + [{"ancre": "", "libelle": "Demande", "message": m} for m in perdues]
    return _rendre_etape(request, premiere, etapes[premiere], brouillon, autres_erreurs=autres, statut=400), []


# --- the attestation in the applicant's space -------------------------------------------------------------------


@espace_demandeur
def attestation(request: HttpRequest, pk: int) -> HttpResponse:
    """The attestation of registration of a demand the account follows, as frozen at its event (the same bytes the
    desk prints). Its PDF is made from the frozen page at the first download, by Attrib itself."""
    demande = selectors.demande_de(request.acteur, pk)  # type: ignore[attr-defined]
    if demande is None:
        raise Http404("Page introuvable.")
    document = attestation_a_servir(demande, auteur=acteur_systeme("attestation lue dans l'espace demandeur"))
    reponse = HttpResponse(document.octets, content_type="application/pdf")
    reponse["Content-Disposition"] = f'inline; filename="{document.nom_fichier}"'
    return reponse

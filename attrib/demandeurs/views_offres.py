"""The household answers an offer from its space (``/mon-espace/demandes/<pk>/offres/<offre pk>/``): the dwelling
as the offer letter describes it, the deadline, what accepting, refusing or not answering does, and the two
answers (decision 0028). Every account linked to the demand reads the page; only the household itself (its own
link) answers; the offer letter (PDF, frozen when the offer was made) is served to them too."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from attrib.commissions import courrier, parametres
from attrib.commissions import selectors as commissions_selectors
from attrib.commissions.enums import StatutOffre
from attrib.commissions.models import Offre
from attrib.commissions.services import offre_repondre
from attrib.common.forms import resume_erreurs
from attrib.common.view_helpers import placer_erreurs, reponse_fichier
from attrib.demandes.models import Demande
from attrib.demandeurs import offres, selectors
from attrib.demandeurs.forms_offres import AcceptationForm, RefusForm
from attrib.demandeurs.views import espace_demandeur
from attrib.organisations.acteurs import Acteur


def _demande_et_offre(acteur: Acteur, pk: int, offre_pk: int) -> tuple[Demande, Offre]:
    """The account's demand and its offer; 404 for any other (another household's demand, another demand's
    offer), like a missing page."""
    demande = selectors.demande_de(acteur, pk)
    offre = offres.offre_de(demande, offre_pk) if demande is not None else None
    if demande is None or offre is None:
        raise Http404("Page introuvable.")
    return demande, offre


#: A POST that is neither answer (a form forged or broken): said on the page, nothing recorded.
SANS_REPONSE = {
    "ancre": "repondre-titre",
    "libelle": "Votre réponse",
    "message": "Choisissez d'accepter ou de refuser ce logement.",
}


def _contexte(
    acteur: Acteur, demande: Demande, offre: Offre, acceptation: Any, refus: Any, autres: list[dict[str, str]]
) -> dict[str, Any]:
    logement = offre.logement
    loyer, charges = logement.loyer_principal, logement.charges
    return {
        "demande": demande,
        "offre": offre,
        "logement": logement,
        "bailleur": logement.residence.bailleur,
        "adresse": commissions_selectors.adresse(logement),
        "total_mensuel": (loyer + charges) if loyer is not None and charges is not None else None,
        "decision": offre.decision,
        "en_attente": offres.en_attente(offre),
        "peut_repondre": offres.peut_repondre(acteur, offre),
        "titulaire": demande.pk in acteur.demandes_titulaire,
        "consequences": offres.consequences(offre),
        "source_delai": parametres.source("delai_reponse_offre_jours", offre.envoyee_le),
        "acceptation": acceptation,
        "refus": refus,
        "erreurs": autres + resume_erreurs([acceptation, refus]),
        "statuts": StatutOffre,
        "aujourd_hui": timezone.localdate(),
    }


@espace_demandeur
@require_http_methods(["GET", "POST"])
def offre(request: HttpRequest, pk: int, offre_pk: int) -> HttpResponse:
    acteur: Acteur = request.acteur  # type: ignore[attr-defined]
    demande, objet = _demande_et_offre(acteur, pk, offre_pk)
    reponse = request.POST.get("reponse") if request.method == "POST" else None
    acceptation = AcceptationForm(request.POST if reponse == "accepte" else None, prefix="accepter")
    refus = RefusForm(request.POST if reponse == "refuse" else None, prefix="refus")
    statut = 200
    autres: list[dict[str, str]] = []
    if request.method == "POST":
        # Only the household itself answers: the form is not offered to anyone else, who gets 404 like a missing
        # page. An answer the service refuses (already answered, deadline passed, a reason missing) is shown.
        if demande.pk not in acteur.demandes_titulaire:
            raise Http404("Page introuvable.")
        form: Any = acceptation if reponse == "accepte" else refus
        if reponse not in ("accepte", "refuse"):
            autres.append(SANS_REPONSE)
        elif form.is_valid():
            arguments = refus.arguments() if reponse == "refuse" else {}
            try:
                offre_repondre(offre=objet, accepte=reponse == "accepte", auteur=acteur, **arguments)
            except ValidationError as exc:
                placer_erreurs(exc, form)
            else:
                messages.success(
                    request,
                    "Votre acceptation est enregistrée : le bailleur va vous contacter."
                    if reponse == "accepte"
                    else "Votre refus est enregistré. Votre demande reste en cours.",
                )
                return redirect("demandeurs:offre", demande.pk, objet.pk)
        statut = 400
        objet.refresh_from_db()
    return render(
        request,
        "demandeurs/offres/offre.html",
        _contexte(acteur, demande, objet, acceptation, refus, autres),
        status=statut,
    )


@espace_demandeur
@require_GET
def offre_courrier(request: HttpRequest, pk: int, offre_pk: int) -> HttpResponse:
    """The offer letter, as it was frozen when the offer was made (the one the household received)."""
    _, objet = _demande_et_offre(request.acteur, pk, offre_pk)  # type: ignore[attr-defined]
    document = courrier.a_servir(objet)
    return reponse_fichier(document.octets, document.nom_fichier, "application/pdf")

"""Screens of the housing stock: the list of residences with its filters, the page of one residence
(characteristics, dwellings, ratings, occupancy indicators) and the map of the territory.

Views translate HTTP into calls to the selectors; a residence outside the user's territory answers 404
like a missing page. Ratings are read through ``attrib.qualification.selectors``, which keep every note
confidential until its campaign is closed.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from attrib.common.forms import resume_erreurs
from attrib.engine.qualification import ECHELLE_VIVRE_ENSEMBLE
from attrib.organisations.acteurs import acteur_de
from attrib.patrimoine import consultation, indicateurs
from attrib.patrimoine.carte import CLASSES, NOTES_FRAGILES, carte_territoire
from attrib.patrimoine.forms import RechercheResidencesForm
from attrib.patrimoine.selectors import logements_de, residence_visible
from attrib.qualification import permissions as permissions_qualification
from attrib.qualification import selectors as selectors_qualification
from attrib.qualification.parametres import parametres as parametres_qualification

PAR_PAGE = 50


@require_GET
def liste(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = RechercheResidencesForm(
        request.GET or None,
        communes=consultation.communes_du_parc(user),
        bailleurs=consultation.bailleurs_du_parc(user),
        notes=parametres_qualification().choix_notes(),
    )
    qs = consultation.residences_liste(user, form.filtres(), form.recherche())
    page = Paginator(qs.select_related("commune", "bailleur", "qpv"), PAR_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "patrimoine/liste.html",
        {
            "form": form,
            "page": page,
            "erreurs": resume_erreurs([form]),
            "filtres_actifs": bool(form.filtres() or form.recherche()),
        },
    )


@require_GET
def residence(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    r = residence_visible(user, pk)
    logements = list(logements_de(r))
    historique = selectors_qualification.historique_residence(user, r)
    closes = [h for h in historique if h.campagne.est_close]
    retenue = next((h for h in closes if h.note_retenue is not None), None)
    series = indicateurs.indicateurs_de(r)
    libelles_notes = parametres_qualification().libelles_notes
    return render(
        request,
        "patrimoine/residence.html",
        {
            "residence": r,
            "logements": logements,
            "composition": consultation.composition(logements),
            "regles": consultation.regles_estimation(r),
            "estimes": {
                "loyer": any(lo.loyer_estime for lo in logements),
                "surface": any(lo.surface_estimee for lo in logements),
                "typologie": any(lo.typologie_estimee for lo in logements),
                "bailleur": r.bailleur_estime,
            },
            "historique_clos": closes,
            "campagnes_en_cours": [h for h in historique if not h.campagne.est_close],
            "retenue": retenue,
            "libelle_note_retenue": libelles_notes.get(retenue.note_retenue)
            if retenue and retenue.note_retenue
            else "",
            "enjeux": selectors_qualification.enjeux_de(r),
            "peut_marquer": permissions_qualification.peut_marquer_enjeu(acteur_de(user), r),
            "indicateurs": series[0] if series else None,
            "indicateurs_valeurs": indicateurs.valeurs(series[0]) if series else [],
            "indicateurs_anterieurs": [(i, indicateurs.valeurs(i)) for i in series[1:]],
            "libelles_indicateurs": indicateurs.INDICATEURS,
        },
    )


@require_GET
def carte(request: HttpRequest) -> HttpResponse:
    notes = parametres_qualification().libelles_notes
    return render(
        request,
        "patrimoine/carte.html",
        {
            "carte": carte_territoire(request.user),
            "classes": CLASSES,
            "notes": [n for n in range(ECHELLE_VIVRE_ENSEMBLE.minimum, ECHELLE_VIVRE_ENSEMBLE.maximum + 1)],
            "libelles_fragiles": [notes[n] for n in sorted(NOTES_FRAGILES) if n in notes],
        },
    )

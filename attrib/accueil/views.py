"""Home page: per role, the useful links and the counts of the user's perimeter."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from attrib.commissions import permissions as commissions_permissions
from attrib.commissions import selectors as commissions_selectors
from attrib.demandes import enums, selectors
from attrib.demandes.comptes import compter
from attrib.demandes.models import Demande, PieceJustificative
from attrib.organisations import permissions
from attrib.organisations.acteurs import acteur_de


def accueil(request: HttpRequest) -> HttpResponse:
    user = request.user
    visibles = Demande.objects.visible_to(acteur_de(user))
    contexte: dict[str, Any] = {
        "memberships": permissions.memberships(user),
        # Counted once per state of the demand file (attrib.demandes.comptes).
        "nb_actives": compter(visibles.actives()),
        "nb_echeances": compter(selectors.demandes_liste(user=user, filtres={"echeance_proche": "oui"})),
        "peut_enregistrer": permissions.peut_enregistrer_demande(acteur_de(user)),
        "peut_doublons": permissions.peut_traiter_doublons(acteur_de(user)),
        "peut_valider": permissions.peut_valider_pieces(acteur_de(user)),
    }
    if contexte["peut_doublons"]:
        # Same pairs as the duplicates page: both demands in the perimeter.
        contexte["nb_doublons"] = selectors.doublons_liste(user=user, les_deux_visibles=True).count()
    if contexte["peut_valider"]:
        pieces = PieceJustificative.objects.filter(
            statut=enums.StatutPiece.FOURNIE, demande__in=visibles.values("pk")
        ).select_related("demande")
        if not permissions.peut_voir_situations_sensibles(acteur_de(user)):
            pieces = pieces.filter(sensible=False)
        contexte["nb_pieces"] = pieces.count()
        contexte["pieces"] = list(pieces.order_by("fournie_le", "pk")[:10])
    if commissions_permissions.peut_acceder(acteur_de(user)):
        contexte["caleol"] = commissions_selectors.a_suivre(acteur_de(user))
        # Members of a commission who are not a bailleur see the count, not the bailleurs' offers page.
        contexte["peut_voir_offres"] = commissions_permissions.peut_voir_offres(acteur_de(user))
    return render(request, "accueil/accueil.html", contexte)

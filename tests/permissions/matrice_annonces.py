"""Location voulue (issue 14). Staff: the section (lists, rules, dwellings to advertise) belongs to the members of
a bailleur, of a réservataire or of an EPCI; a draft advert to those who manage it (here the bailleur, the dwelling
being its own share); a published advert is read by the whole section; presenting the first applicants belongs to
whoever designates the dwelling's candidates (the bailleur for its own share). The household reads the published
adverts in its space and applies, withdraws, follows its applications; every staff account gets 404 there. The
outcomes of a territory's adverts and their ranking data are public, to everybody, without login."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from attrib.annonces.services import (
    annonce_clore,
    annonce_creer,
    annonce_publier,
    candidature_deposer,
    photo_ajouter,
    regle_enregistrer,
)
from attrib.commissions.services import commission_creer, seance_creer
from attrib.flux.services import logement_declarer_libere, orientation_forcer
from attrib.organisations.acteurs import acteur_de, acteur_systeme
from attrib.organisations.models import Organisation, User
from attrib.patrimoine.models import Logement, Residence
from attrib.territoires.models import EPCI
from tests.factories import NARBONNE, creer_demande, membres_caleol, personne
from tests.permissions.outils import FLUX, PROFILS, R

#: Everybody, the applicant included; the anonymous visitor gets the public pages too (``anonyme="autorise"``).
PUBLIC = set(PROFILS) - {"anonyme"}
BAILLEUR = {"bailleur"}
DEMANDEUR = {"demandeur"}


class _Valeur:
    """An argument passed as it is (an advert's reference), not as an object's key."""

    def __init__(self, valeur: str) -> None:
        self.pk = valeur


LIGNES = [
    # Staff: the section.
    R("annonces:liste", FLUX),
    R("annonces:regles", FLUX),
    R("annonces:regle_nouvelle", BAILLEUR),
    R("annonces:regle_nouvelle", BAILLEUR, methode="post", donnees={}),
    R("annonces:a_publier", FLUX),
    R("annonces:creer", BAILLEUR, methode="post", args=("lv_orientation_libre",), donnees={}),
    # The State's dwelling: its réservataire may designate, so it may try (the lapsed deadline is refused, said on
    # the page it is sent back to).
    R("annonces:creer", {"bailleur", "etat"}, methode="post", args=("flux_orientation_etat",), donnees={}),
    R("annonces:creer", set(), methode="post", args=("lv_orientation_hors",), donnees={}),
    # A draft: its managers only.
    R("annonces:annonce", BAILLEUR, args=("lv_brouillon",)),
    R("annonces:modifier", BAILLEUR, args=("lv_brouillon",)),
    R("annonces:modifier", BAILLEUR, methode="post", args=("lv_brouillon",), donnees={}),
    R("annonces:modifier", set(), args=("lv_ouverte",)),
    R("annonces:photo_ajouter", BAILLEUR, methode="post", args=("lv_brouillon",), donnees={}),
    R("annonces:photo_retirer", BAILLEUR, methode="post", args=("lv_brouillon", "lv_photo_brouillon"), donnees={}),
    R("annonces:photo", BAILLEUR, args=("lv_brouillon", "lv_photo_brouillon")),
    R("annonces:apercu", BAILLEUR, args=("lv_brouillon",)),
    R("annonces:publier", BAILLEUR, args=("lv_brouillon",)),
    R("annonces:publier", BAILLEUR, methode="post", args=("lv_brouillon",), donnees={}),
    R("annonces:publier", set(), args=("lv_ouverte",)),
    R("annonces:retirer", BAILLEUR, args=("lv_brouillon",)),
    R("annonces:retirer", BAILLEUR, methode="post", args=("lv_ouverte",), donnees={}),
    # A published advert: read by the section, managed by the bailleur.
    R("annonces:annonce", FLUX, args=("lv_ouverte",)),
    R("annonces:annonce", FLUX, args=("lv_close",)),
    R("annonces:apercu", FLUX, args=("lv_ouverte",)),
    R("annonces:photo", FLUX, args=("lv_ouverte", "lv_photo_ouverte")),
    R("annonces:photo", set(), args=("lv_ouverte", "lv_photo_brouillon")),
    R("annonces:clore", BAILLEUR, methode="post", args=("lv_ouverte",), donnees={}),
    R("annonces:presenter", BAILLEUR, methode="post", args=("lv_close",), donnees={}),
    R("annonces:presenter", set(), methode="post", args=("lv_ouverte",), donnees={}),
    # The household's pages.
    R("annonces_demandeur:logements", DEMANDEUR),
    R("annonces_demandeur:candidatures", DEMANDEUR),
    R("annonces_demandeur:annonce", DEMANDEUR, args=("lv_ouverte",)),
    R("annonces_demandeur:annonce", DEMANDEUR, args=("lv_close",)),
    R("annonces_demandeur:annonce", set(), args=("lv_brouillon",)),
    R("annonces_demandeur:photo", DEMANDEUR, args=("lv_ouverte", "lv_photo_ouverte")),
    R("annonces_demandeur:photo", set(), args=("lv_brouillon", "lv_photo_brouillon")),
    R("annonces_demandeur:candidater", DEMANDEUR, args=("lv_libre",)),
    R("annonces_demandeur:candidater", DEMANDEUR, methode="post", args=("lv_libre",), donnees={}),
    R("annonces_demandeur:candidater", set(), args=("lv_close",)),
    R("annonces_demandeur:retirer", DEMANDEUR, methode="post", args=("lv_candidature",), donnees={}),
    R("annonces_demandeur:retirer", set(), methode="post", args=("lv_candidature_autre",), donnees={}),
    # Public pages: everybody, without login.
    R("annonces_publiques:territoires", PUBLIC, anonyme="autorise"),
    R("annonces_publiques:resultats", PUBLIC, args=("siad_gn",), anonyme="autorise"),
    R("annonces_publiques:verifier", PUBLIC, args=("siad_gn",), anonyme="autorise"),
    R("annonces_publiques:classement", PUBLIC, args=("siad_gn", "lv_reference_close"), anonyme="autorise"),
    R("annonces_publiques:classement", set(), args=("siad_gn", "lv_reference_ouverte"), anonyme="refus"),
]


def _png(couleur: str) -> SimpleUploadedFile:
    """A small real PNG photo (Pillow writes it: the service checks it with Pillow)."""
    tampon = io.BytesIO()
    Image.new("RGB", (8, 6), couleur).save(tampon, "PNG")
    return SimpleUploadedFile(f"{couleur}.png", tampon.getvalue(), content_type="image/png")


def donnees(orgs: dict[str, Organisation], ids: dict[str, Any]) -> dict[str, Any]:
    """The bailleur puts its own share in location voulue (100 %). Five T2 of Narbonne freed today and brought to
    its own share: a draft advert with a photo; an advert open with a photo, applied to by the household « dans »
    (the applicant's account) and by a neighbour's demand; an open advert nobody applied to; an advert closed with its
    ranking; a freed dwelling still without an advert. A planned session of the bailleur's commission."""
    systeme = acteur_systeme("test")
    bailleur = orgs["bailleur"]
    jour = timezone.localdate()
    maintenant = timezone.now()
    regle_enregistrer(bailleur=bailleur, debut=jour - timedelta(days=30), part=100, auteur=systeme)
    residence = Residence.objects.create(
        identifiant="LV-NARBONNE",
        commune_id=NARBONNE,
        bailleur=bailleur,
        numero_voie="3",
        type_voie="rue",
        nom_voie="des Annonces",
        type_construction="collectif",
        source="rpls_adresses",
    )

    def libere(i: int) -> Any:
        logement = Logement.objects.create(
            residence=residence,
            identifiant=f"LV-NARBONNE-{i}",
            nb_pieces=2,
            surface_habitable=Decimal("45"),
            financement="PLUS",
            loyer_principal=Decimal("320"),
            charges=Decimal("40"),
            etage=1,
        )
        ll = logement_declarer_libere(
            auteur=systeme, logement=logement, date_liberation=jour, nature="relocation", aujourd_hui=jour
        )
        orientation = ll.orientation
        assert orientation is not None
        if orientation.reservataire_id is not None:
            orientation = orientation_forcer(
                orientation=orientation, reservataire=bailleur, motif="Essai de location voulue", auteur=systeme
            )
        return orientation

    avant = maintenant - timedelta(days=10)

    def annonce(i: int, *, publiee: datetime | None = None) -> Any:
        objet = annonce_creer(orientation=libere(i), auteur=systeme, maintenant=publiee or maintenant)
        if publiee is not None:
            objet = annonce_publier(annonce=objet, auteur=systeme, maintenant=publiee)
        return objet

    brouillon = annonce(1)
    photo_brouillon = photo_ajouter(
        annonce=brouillon,
        image=_png("white"),
        texte_alternatif="Séjour avec une fenêtre",
        auteur=systeme,
    )
    ouverte = annonce_creer(orientation=libere(2), auteur=systeme)
    photo_ouverte = photo_ajouter(
        annonce=ouverte,
        image=_png("grey"),
        texte_alternatif="Cuisine équipée",
        auteur=systeme,
    )
    ouverte = annonce_publier(annonce=ouverte, auteur=systeme)
    libre = annonce_publier(annonce=annonce_creer(orientation=libere(3), auteur=systeme), auteur=systeme)
    close = annonce(4, publiee=avant)
    demandeur = acteur_de(User.objects.get(username="demandeur"))
    candidature = candidature_deposer(annonce=ouverte, demande=ids["dans"], auteur=demandeur)
    voisine = creer_demande(guichet_org=orgs["guichet"], personnes=[personne(nom="Voisine", prenoms="Anne")])
    autre = candidature_deposer(annonce=ouverte, demande=voisine, auteur=systeme)
    candidature_deposer(annonce=close, demande=ids["dans"], auteur=systeme, maintenant=avant + timedelta(hours=1))
    annonce_clore(annonce=close, auteur=systeme)
    orientation_libre = libere(5)
    commission = commission_creer(auteur=systeme, bailleur=bailleur, nom="CALEOL Narbonne", membres=membres_caleol())
    seance_creer(auteur=systeme, commission=commission, date_seance=jour + timedelta(days=7))
    close.refresh_from_db()
    return {
        "lv_brouillon": brouillon,
        "lv_photo_brouillon": photo_brouillon,
        "lv_ouverte": ouverte,
        "lv_photo_ouverte": photo_ouverte,
        "lv_libre": libre,
        "lv_close": close,
        "lv_candidature": candidature,
        "lv_candidature_autre": autre,
        "lv_orientation_libre": orientation_libre,
        "lv_orientation_hors": ids["flux_libere_hors"].orientation,
        "lv_reference_close": _Valeur(close.reference),
        "lv_reference_ouverte": _Valeur(ouverte.reference),
        "siad_gn": EPCI.objects.get(siren="241100593"),
    }

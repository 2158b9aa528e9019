"""Reads the screens of location voulue need beyond ``attrib.annonces.selectors``: the progress of each pair's rule,
the timeline of an advert, its ranking as stored at closing (each rank with the engine's ``raison()``), the photos
with their address, the public of an advert in plain French, the outcomes a territory publishes.

Nothing here writes; what an actor may see is still ``visible_to(acteur)`` and ``attrib.annonces.selectors``."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, QueryDict
from django.urls import reverse
from django.utils import timezone

from attrib.annonces import parametres, permissions
from attrib.annonces.enums import PublicAnnonce, StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature, PhotoAnnonce, RegleLocationVoulue
from attrib.annonces.selectors import (
    CLASSEMENT_PUBLIE,
    PartLocationVoulue,
    classement_de,
    duree_publication,
    part_du_couple,
)
from attrib.demandes.models import Demande
from attrib.engine.annonces.classement import Rang
from attrib.engine.annonces.regles import texte_candidatures_restantes
from attrib.flux.models import ConventionReservation
from attrib.organisations.acteurs import Acteur
from attrib.organisations.models import Organisation
from attrib.territoires.models import EPCI, Commune

# --- rules of the pairs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigneRegle:
    """A rule, whether it is in force on the day, and its pair's progress in the day's year
    (``selectors.part_du_couple``: dwellings oriented, advertised, the share aimed at)."""

    regle: RegleLocationVoulue
    en_vigueur: bool
    part: PartLocationVoulue


def lignes_regles(regles: list[RegleLocationVoulue], *, jour: date) -> list[LigneRegle]:
    parts: dict[tuple[int, int | None, int], PartLocationVoulue] = {}
    lignes = []
    for regle in regles:
        cle = (regle.bailleur_id, regle.reservataire_id, int(regle.part))
        if cle not in parts:
            parts[cle] = part_du_couple(bailleur_id=cle[0], reservataire_id=cle[1], annee=jour.year, part_cible=cle[2])
        lignes.append(
            LigneRegle(
                regle=regle,
                en_vigueur=regle.debut <= jour and (regle.fin is None or jour <= regle.fin),
                part=parts[cle],
            )
        )
    return lignes


def reservataires_des_bailleurs(bailleurs: list[Organisation]) -> QuerySet[Organisation]:
    """The réservataires holding an agreement with one of ``bailleurs`` (the flux a rule may concern)."""
    ids = ConventionReservation.objects.filter(bailleur__in=bailleurs).values("reservataire_id")
    return Organisation.objects.filter(pk__in=ids).order_by("nom")


# --- an advert, staff side ---------------------------------------------------------------------------------------


def cloture_si_publiee(annonce: Annonce, maintenant: datetime | None = None) -> datetime:
    """The closing an advert would have if it were published now (its own once published): its pair's rule's
    length, or the territory's (``selectors.duree_publication``)."""
    if annonce.cloture_le is not None:
        return annonce.cloture_le
    maintenant = maintenant or timezone.now()
    return maintenant + timedelta(days=duree_publication(annonce.regle, timezone.localdate(maintenant)))


def peut_retirer(acteur: Acteur, annonce: Annonce) -> bool:
    """Withdraw an advert: before the committee (draft, open, closed), by those who manage it."""
    return annonce.statut in (
        StatutAnnonce.BROUILLON,
        StatutAnnonce.PUBLIEE,
        StatutAnnonce.CLOSE,
    ) and permissions.peut_gerer_annonce(acteur, annonce)


def candidatures_recues(annonce: Annonce) -> int:
    """Applications received and not withdrawn."""
    return annonce.candidatures.exclude(statut=StatutCandidature.RETIREE).count()


@dataclass(frozen=True)
class Etape:
    libelle: str
    moment: datetime | None
    faite: bool
    detail: str = ""


def chronologie(annonce: Annonce) -> list[Etape]:
    """The life of an advert: created, published, closes on (or closed), in committee, lease — and withdrawn."""
    etapes = [Etape("Créée", annonce.cree_le, True)]
    if annonce.statut == StatutAnnonce.RETIREE:
        if annonce.publiee_le:
            etapes.append(Etape("Publiée", annonce.publiee_le, True))
        etapes.append(Etape("Retirée", annonce.retiree_le, True, annonce.motif_retrait))
        return etapes
    etapes.append(Etape("Publiée", annonce.publiee_le, annonce.publiee_le is not None))
    if annonce.close_le is not None:
        etapes.append(Etape("Candidatures closes, classement établi", annonce.close_le, True))
    else:
        etapes.append(Etape("Clôture des candidatures prévue", annonce.cloture_le, False))
    if annonce.statut == StatutAnnonce.SANS_SUITE:
        etapes.append(Etape("Close sans attribution", annonce.close_le, True))
        return etapes
    etapes.append(
        Etape(
            "Candidats présentés à la commission",
            None,
            annonce.seance_id is not None,
            f"Séance du {annonce.seance.date:%d/%m/%Y} ({annonce.seance.commission.nom})" if annonce.seance else "",
        )
    )
    etapes.append(Etape("Bail signé, résultat publié", annonce.resultat_publie_le, annonce.bail_id is not None))
    return etapes


@dataclass(frozen=True)
class LigneClassement:
    candidature: Candidature
    rang: Rang


@dataclass(frozen=True)
class ClassementStocke:
    """The ranking written at closing, each rank with its application (``selectors.classement_de``), and the
    applications set aside with their motive."""

    lignes: list[LigneClassement]
    ecartees: list[Candidature]


def lignes_classement(annonce: Annonce) -> ClassementStocke | None:
    classement = classement_de(annonce)
    if classement is None:
        return None
    par_jeton = {
        c.jeton: c for c in annonce.candidatures.filter(statut=StatutCandidature.CLASSEE).select_related("demande")
    }
    ecartees = list(
        annonce.candidatures.filter(statut=StatutCandidature.ECARTEE).select_related("demande").order_by("deposee_le")
    )
    return ClassementStocke([LigneClassement(par_jeton[r.jeton], r) for r in classement.rangs], ecartees)


def nombre_a_presenter(annonce: Annonce, jour: date | None = None) -> int:
    """How many ranked applications go to the committee: the territory's number (``candidats_presentes``), fewer
    if fewer were ranked."""
    nombre = parametres.candidats_presentes(jour or timezone.localdate())
    return min(nombre, annonce.candidatures.filter(statut=StatutCandidature.CLASSEE).count())


def rang_de(candidature: Candidature) -> Rang | None:
    """The rank of a classified application with what separated it (``Rang.raison()``), or ``None``."""
    if candidature.statut != StatutCandidature.CLASSEE:
        return None
    classement = classement_de(candidature.annonce)
    return classement.rang_de(candidature.jeton) if classement is not None else None


def communes_des_annonces(annonces: QuerySet[Annonce]) -> QuerySet[Commune]:
    return Commune.objects.filter(pk__in=annonces.values("commune_id")).order_by("nom")


def reservataires_filtrables(acteur: Acteur, annonces: QuerySet[Annonce]) -> list[Organisation]:
    """The flux the list may be filtered by: the réservataires of the actor's agreements and of the adverts it
    sees."""
    conventions = ConventionReservation.objects.visible_to(acteur).values("reservataire_id")
    return list(
        Organisation.objects.filter(Q(pk__in=conventions) | Q(pk__in=annonces.values("reservataire_id"))).order_by(
            "nom"
        )
    )


def parametres_sans_page(donnees: QueryDict) -> str:
    """The list's filters, to keep them in the pagination's links."""
    return urlencode([(k, v) for k, v in donnees.items() if k != "page"])


# --- photos --------------------------------------------------------------------------------------------------------

#: The only types a photo is served as (``services.photo_ajouter`` checked the image with Pillow).
TYPES_PHOTO = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def servir_photo(photo: PhotoAnnonce) -> FileResponse:
    """A photo, shown in the page (an image checked at upload, under its own type, never sniffed)."""
    nom = photo.image.name or ""
    extension = "." + nom.rsplit(".", 1)[-1].lower() if "." in nom else ""
    type_ = TYPES_PHOTO.get(extension) or mimetypes.guess_type(nom)[0] or "application/octet-stream"
    if type_ not in TYPES_PHOTO.values():
        type_ = "application/octet-stream"
    reponse = FileResponse(photo.image.open("rb"), content_type=type_)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "default-src 'none'; sandbox"
    reponse["Cache-Control"] = "private, max-age=3600"
    return reponse


def photos_avec_adresse(annonce: Annonce, vue: str) -> list[tuple[PhotoAnnonce, str]]:
    return [(p, reverse(vue, args=[annonce.pk, p.pk])) for p in annonce.photos.all()]


def premiere_photo(annonce: Annonce, vue: str) -> tuple[PhotoAnnonce, str] | None:
    photos = photos_avec_adresse(annonce, vue)
    return photos[0] if photos else None


# --- an advert, household side ------------------------------------------------------------------------------------

#: Who may apply, in the household's words (the enum's labels are the staff's).
PUBLICS_EN_CLAIR = {
    PublicAnnonce.TOUS: "Tous les ménages dont la demande de logement social est en cours peuvent candidater.",
    PublicAnnonce.Q1: (
        "Réservée aux ménages aux ressources les plus faibles : le quart des demandeurs du territoire qui ont "
        "les plus petites ressources (premier quartile)."
    ),
    PublicAnnonce.PRIORITAIRES: (
        "Réservée aux ménages reconnus prioritaires : droit au logement opposable (DALO) ou priorité fixée "
        "par la loi (article L441-1 du code de la construction et de l'habitation)."
    ),
}


def public_en_clair(annonce: Annonce) -> str:
    return PUBLICS_EN_CLAIR.get(PublicAnnonce(annonce.public), "")


def annonce_pour_demandeur(pk: int, demande: Demande | None) -> Annonce | None:
    """An advert a household may read: published (open, closed, with its outcome), or one its demand applied to
    (withdrawn ones included: it reads why)."""
    annonce = Annonce.objects.select_related("commune", "bailleur", "seance").filter(pk=pk).first()
    if annonce is None:
        return None
    if annonce.statut not in (StatutAnnonce.BROUILLON, StatutAnnonce.RETIREE):
        return annonce
    if annonce.statut == StatutAnnonce.RETIREE and demande is not None and annonce.publiee_le is not None:
        return annonce if annonce.candidatures.filter(demande=demande).exists() else None
    return None


def candidature_en_cours(annonce: Annonce, demande: Demande) -> Candidature | None:
    """The demand's application to the advert that is not withdrawn, if any."""
    return (
        Candidature.objects.filter(annonce=annonce, demande=demande)
        .exclude(statut=StatutCandidature.RETIREE)
        .order_by("-deposee_le")
        .first()
    )


def annonces_candidatees(demande: Demande) -> set[int]:
    return set(
        Candidature.objects.filter(demande=demande)
        .exclude(statut=StatutCandidature.RETIREE)
        .values_list("annonce_id", flat=True)
    )


def texte_restantes(*, restantes: int, maximum: int) -> str:
    """« Vous pouvez encore candidater à 2 annonces (3 candidatures ouvertes au plus). »"""
    return texte_candidatures_restantes(ouvertes=max(0, maximum - restantes), maximum=maximum)


def limite_de(demande: Demande, jour: date | None = None) -> str:
    """The household's open applications against the territory's limit, in its words."""
    maximum = parametres.candidatures_ouvertes_maximum(jour or timezone.localdate())
    ouvertes = Candidature.objects.filter(demande=demande).ouvertes().count()
    return texte_candidatures_restantes(ouvertes=ouvertes, maximum=maximum)


# --- public outcomes ---------------------------------------------------------------------------------------------


def _publiques(epci: EPCI) -> QuerySet[Annonce]:
    return Annonce.objects.filter(commune__epci_id=epci.pk, statut__in=CLASSEMENT_PUBLIE, close_le__isnull=False)


def resultats_publics(epci: EPCI) -> list[Annonce]:
    """The territory's closed adverts, the latest first, with the number of applications received (not
    withdrawn)."""
    return list(
        _publiques(epci)
        .select_related("commune")
        .annotate(nb_recues=Count("candidatures", filter=~Q(candidatures__statut=StatutCandidature.RETIREE)))
        .order_by("-close_le", "-pk")
    )


def annonce_publique(epci: EPCI, reference: str) -> Annonce | None:
    return _publiques(epci).filter(reference=reference).first()

"""The life of an advert before its closing: made from a freed dwelling oriented to its réservataire (a draft),
its texts and photos prepared, published (frozen, open for the pair's length), or withdrawn.

The advert never touches the orientation: the dwelling stays in its réservataire's flux, the advert only changes
how its candidates are found. The figures of the dwelling (rent, charges, surface, floor, lift, accessibility,
energy label, financing) are the stock's: copied at creation, read again at publication, then frozen; a correction
is made in the stock (``attrib.patrimoine``), so that the shortlist, the committee and the advert say the same. The
bailleur writes the title, the description, the neighbourhood and who the advert is for."""

from __future__ import annotations

import io
import struct
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from PIL import Image, UnidentifiedImageError

from attrib.annonces import permissions
from attrib.annonces.enums import EN_COURS, PublicAnnonce, StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, Candidature, PhotoAnnonce, RegleLocationVoulue
from attrib.annonces.selectors import duree_publication, ecarts_a_la_regle, regle_en_vigueur
from attrib.annonces.services._commun import (
    DESCRIPTION_MAX,
    MOTIF_MAX,
    _annonce_verrouillee,
    _jour,
    _le,
    _maintenant,
    _texte,
    _utilisateur,
    _verrouiller,
    annonce_en_clair,
    typologie_texte,
)
from attrib.annonces.taches import alertes_mettre_en_file
from attrib.common.services import evenement_enregistrer
from attrib.demandes import quartile
from attrib.engine.annonces import empreinte, nouvelle_graine
from attrib.engine.rapprochement.texte import decimal
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import LogementLibere, Orientation
from attrib.organisations.acteurs import Acteur
from attrib.patrimoine.models import Logement

#: What the bailleur writes on a draft (the dwelling's figures are the stock's).
CHAMPS_MODIFIABLES = ("titre", "description", "quartier", "public", "motif_public")
#: Photo formats accepted (read by Pillow from the content), and the extension each is stored under.
FORMATS_PHOTO = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
TITRE_MAX = 200
TEXTE_ALTERNATIF_MAX = 250


def photo_taille_max_octets() -> int:
    """The largest photo accepted, in bytes (``settings.ATTRIB_ANNONCE_PHOTO_TAILLE_MAX_MO``, technical knob)."""
    return int(settings.ATTRIB_ANNONCE_PHOTO_TAILLE_MAX_MO) * 1024 * 1024


def photos_max() -> int:
    """Photos an advert holds at most (``settings.ATTRIB_ANNONCE_PHOTOS_MAX``)."""
    return int(settings.ATTRIB_ANNONCE_PHOTOS_MAX)


# --- what the advert copies of the dwelling --------------------------------------------------------------------


def _adresse(logement: Logement) -> str:
    r = logement.residence
    rue = " ".join(p for p in (r.numero_voie, r.indice_repetition, r.type_voie, r.nom_voie) if p)
    ville = " ".join(p for p in (r.code_postal, r.commune.nom) if p)
    return ", ".join(p for p in (rue, ville) if p)


def _copie_du_logement(ll: LogementLibere, erreurs: dict[str, list[str]]) -> dict[str, Any]:
    """The dwelling's figures as the advert shows them; what is missing to advertise it goes to ``erreurs``."""
    lg = ll.logement
    financement = ll.financement or lg.financement
    if financement not in ("PLAI", "PLUS", "PLS"):
        erreurs.setdefault("orientation", []).append(
            f"Le financement du logement {lg.identifiant} n'est pas renseigné (PLAI, PLUS ou PLS) dans le "
            "patrimoine : sans lui, l'éligibilité des candidats ne peut pas être vérifiée."
        )
    if lg.loyer_principal is None:
        erreurs.setdefault("orientation", []).append(
            f"Le loyer du logement {lg.identifiant} n'est pas renseigné dans le patrimoine : une annonce dit son loyer."
        )
    if not lg.surface_habitable or lg.surface_habitable <= 0:
        erreurs.setdefault("orientation", []).append(
            f"La surface du logement {lg.identifiant} n'est pas renseignée dans le patrimoine."
        )
    return {
        "commune": ll.commune,
        "adresse": _adresse(lg)[:300] or ll.commune.nom,
        "typologie": ll.typologie,
        "surface": lg.surface_habitable,
        "etage": lg.etage,
        "ascenseur": lg.ascenseur,
        "accessible": lg.adapte_pmr,
        "etiquette_energie": lg.dpe_energie or "",
        "loyer": lg.loyer_principal if lg.loyer_principal is not None else Decimal("0"),
        "charges": lg.charges,
        "financement": financement,
        "en_qpv": ll.en_qpv,
    }


def _titre_par_defaut(copie: dict[str, Any]) -> str:
    return f"{typologie_texte(int(copie['typologie']))} de {decimal(float(copie['surface']), 1)} m² à {copie['commune'].nom}"


def _verifier_public(
    public: str, motif_public: str, *, en_qpv: bool, epci: str | None, jour: date, erreurs: dict[str, list[str]]
) -> None:
    if public not in PublicAnnonce.values:
        erreurs.setdefault("public", []).append(
            f"Public « {public} » inconnu (attendu : {', '.join(PublicAnnonce.values)})."
        )
        return
    if public == PublicAnnonce.Q1 and en_qpv:
        erreurs.setdefault("public", []).append(
            "Une annonce réservée aux ménages du premier quartile porte sur un logement hors quartier prioritaire "
            "(QPV) : c'est l'objectif d'attribution qu'elle sert."
        )
    if public == PublicAnnonce.Q1 and (
        epci is None or quartile.seuil_q1(epci_siren=epci, annee=jour.year).valeur is None
    ):
        erreurs.setdefault("public", []).append(
            "Le seuil du premier quartile du territoire n'est pas connu : une annonce ne peut pas être réservée aux "
            "ménages du premier quartile."
        )
    if public != PublicAnnonce.TOUS and not motif_public:
        erreurs.setdefault("motif_public", []).append(
            "Dites l'objectif de la convention intercommunale d'attribution qui justifie de réserver l'annonce : "
            "il est affiché sur l'annonce."
        )


def _qualifie(
    orientation: Orientation, ll: LogementLibere, jour: date, erreurs: dict[str, list[str]]
) -> RegleLocationVoulue | None:
    """The pair's rule in force under which the dwelling qualifies; what stops it goes to ``erreurs``."""
    pour = orientation.reservataire or "sa part non réservée"
    if not orientation.actuelle:
        erreurs.setdefault("orientation", []).append(
            "Cette orientation n'est plus en vigueur : partez de l'orientation actuelle du logement."
        )
    if ll.exclu:
        erreurs.setdefault("orientation", []).append(
            "Ce logement est sorti de l'assiette du flux : il ne se publie pas en location voulue."
        )
    if orientation.statut != StatutOrientation.A_PROPOSER:
        erreurs.setdefault("orientation", []).append(
            f"Le logement n'attend plus de candidats (orientation : {orientation.get_statut_display().lower()})."
        )
    elif orientation.date_limite_proposition is not None and orientation.date_limite_proposition < jour:
        erreurs.setdefault("orientation", []).append(
            f"Le délai de proposition de {pour} a expiré le {orientation.date_limite_proposition:%d/%m/%Y}."
        )
    regle = regle_en_vigueur(bailleur_id=ll.bailleur_id, reservataire_id=orientation.reservataire_id, jour=jour)
    if regle is None:
        erreurs.setdefault("orientation", []).append(
            f"Aucune règle de location voulue de {ll.bailleur} pour {pour} n'est en vigueur le {jour:%d/%m/%Y}."
        )
        return None
    financement = ll.financement or ll.logement.financement
    if ecarts := ecarts_a_la_regle(regle, typologie=ll.typologie, en_qpv=ll.en_qpv, financement=financement):
        erreurs.setdefault("orientation", []).append(
            f"Ce logement ne relève pas de la location voulue de {ll.bailleur} pour {pour} : {' ; '.join(ecarts)}."
        )
    return regle


def _prochaine_reference(annee: int) -> str:
    prefixe = f"LV-{annee}-"
    derniere = (
        Annonce.objects.filter(reference__startswith=prefixe).aggregate(m=Max("reference"))["m"] or f"{prefixe}000000"
    )
    return f"{prefixe}{int(derniere[-6:]) + 1:06d}"


def _logement_libere(orientation: Orientation) -> LogementLibere:
    """The freed dwelling, locked (one advert at a time is made from it), with its orientations."""
    _verrouiller(LogementLibere.objects.filter(pk=orientation.logement_libere_id))
    return (
        LogementLibere.objects.select_related("logement__residence__commune", "commune", "bailleur")
        .prefetch_related("orientations__reservataire")
        .get(pk=orientation.logement_libere_id)
    )


# --- creation and preparation ----------------------------------------------------------------------------------


@transaction.atomic
def annonce_creer(
    *,
    orientation: Orientation,
    public: str = PublicAnnonce.TOUS,
    motif_public: str = "",
    titre: str = "",
    description: str = "",
    quartier: str = "",
    auteur: Acteur,
    maintenant: datetime | None = None,
) -> Annonce:
    """A draft advert of the freed dwelling of ``orientation`` (its orientation in force, to a réservataire or to
    the bailleur's own share, waiting for candidates), under the pair's rule in force, with the stock's figures,
    a fresh seed whose hash is the commitment the advert will publish, and its reference « LV-année-numéro »."""
    maintenant = _maintenant(maintenant)
    jour = _jour(maintenant)
    orientation = Orientation.objects.select_related("reservataire").get(pk=orientation.pk)
    ll = _logement_libere(orientation)
    auteur.exiger(permissions.peut_creer_annonce(auteur, ll), permissions.REFUS_CREER)
    erreurs: dict[str, list[str]] = {}
    regle = _qualifie(orientation, ll, jour, erreurs)
    en_cours = Annonce.objects.filter(logement_libere=ll, statut__in=list(EN_COURS)).first()
    if en_cours is not None:
        erreurs.setdefault("orientation", []).append(f"Ce logement a déjà une annonce en cours ({en_cours.reference}).")
    copie = _copie_du_logement(ll, erreurs)
    motif_public = _texte(motif_public, "motif_public", "Motif de la restriction", MOTIF_MAX, erreurs)
    _verifier_public(public, motif_public, en_qpv=ll.en_qpv, epci=ll.commune.epci_id, jour=jour, erreurs=erreurs)
    titre = _texte(titre, "titre", "Titre", TITRE_MAX, erreurs) or _titre_par_defaut(copie)[:TITRE_MAX]
    description = _texte(description, "description", "Description", DESCRIPTION_MAX, erreurs)
    quartier = _texte(quartier, "quartier", "La résidence et son quartier", DESCRIPTION_MAX, erreurs)
    if erreurs:
        raise ValidationError(erreurs)
    assert regle is not None
    graine = nouvelle_graine()
    for _essai in range(5):
        try:
            with transaction.atomic():
                annonce = Annonce.objects.create(
                    reference=_prochaine_reference(maintenant.year),
                    orientation=orientation,
                    logement_libere=ll,
                    logement=ll.logement,
                    bailleur=ll.bailleur,
                    reservataire=orientation.reservataire,
                    regle=regle,
                    public=public,
                    motif_public=motif_public if public != PublicAnnonce.TOUS else "",
                    titre=titre,
                    description=description,
                    quartier=quartier,
                    empreinte=empreinte(graine),
                    graine=graine,
                    cree_par=_utilisateur(auteur),
                    cree_le=maintenant,
                    **copie,
                )
            break
        except IntegrityError:
            if Annonce.objects.filter(logement_libere=ll, statut__in=list(EN_COURS)).exists():
                raise ValidationError({"orientation": ["Ce logement vient de recevoir une annonce."]}) from None
    else:
        raise ValidationError({"__all__": ["La référence de l'annonce n'a pas pu être attribuée : réessayez."]})
    evenement_enregistrer(
        objet=ll,
        action="annonce_creee",
        resume=f"Annonce {annonce.reference} préparée pour le logement {ll.logement.identifiant} (location voulue).",
        auteur=_utilisateur(auteur),
        organisation=orientation.reservataire or ll.bailleur,
        details={"annonce": annonce.pk, "orientation": orientation.pk, "regle": regle.pk},
    )
    return annonce


def _exiger_brouillon(annonce: Annonce, cle: str = "__all__") -> None:
    if annonce.statut != StatutAnnonce.BROUILLON:
        raise ValidationError(
            {
                cle: [
                    f"L'annonce {annonce.reference} est {annonce.get_statut_display().lower()} : elle ne se modifie plus."
                ]
            }
        )


@transaction.atomic
def annonce_modifier(*, annonce: Annonce, auteur: Acteur, **champs: Any) -> Annonce:
    """Change what the bailleur writes on a draft: ``titre``, ``description``, ``quartier``, ``public`` and
    ``motif_public`` (:data:`CHAMPS_MODIFIABLES`)."""
    annonce = _annonce_verrouillee(annonce)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    _exiger_brouillon(annonce)
    erreurs: dict[str, list[str]] = {}
    for cle in champs:
        if cle not in CHAMPS_MODIFIABLES:
            erreurs[cle] = [
                "Ce champ ne se modifie pas sur l'annonce : les caractéristiques du logement se corrigent dans le "
                "patrimoine, et l'annonce les relit à sa publication."
            ]
    valeurs = {c: champs.get(c, getattr(annonce, c)) for c in CHAMPS_MODIFIABLES}
    titre = _texte(str(valeurs["titre"]), "titre", "Titre", TITRE_MAX, erreurs)
    if not titre:
        erreurs.setdefault("titre", []).append("Donnez un titre à l'annonce.")
    description = _texte(str(valeurs["description"]), "description", "Description", DESCRIPTION_MAX, erreurs)
    quartier = _texte(str(valeurs["quartier"]), "quartier", "La résidence et son quartier", DESCRIPTION_MAX, erreurs)
    motif_public = _texte(str(valeurs["motif_public"]), "motif_public", "Motif de la restriction", MOTIF_MAX, erreurs)
    public = str(valeurs["public"])
    _verifier_public(
        public,
        motif_public,
        en_qpv=annonce.en_qpv,
        epci=annonce.commune.epci_id,
        jour=timezone.localdate(),
        erreurs=erreurs,
    )
    if erreurs:
        raise ValidationError(erreurs)
    annonce.titre, annonce.description, annonce.quartier = titre, description, quartier
    annonce.public = public
    annonce.motif_public = motif_public if public != PublicAnnonce.TOUS else ""
    annonce.save(update_fields=list(CHAMPS_MODIFIABLES))
    return annonce


def _lire_image(image: Any, erreurs: dict[str, list[str]]) -> tuple[bytes, str] | None:
    """The photo's bytes and the extension of its format read from its content (JPEG, PNG or WebP)."""
    taille = int(getattr(image, "size", 0) or 0) if image is not None else 0
    if image is None or not taille:
        erreurs.setdefault("image", []).append("La photo est vide : joignez une image JPEG, PNG ou WebP.")
        return None
    maximum = photo_taille_max_octets()
    if taille > maximum:
        erreurs.setdefault("image", []).append(
            f"La photo est trop lourde ({decimal(taille / 1048576, 1)} Mo) : {decimal(maximum / 1048576, 1)} Mo au "
            "plus. Réduisez sa taille, puis déposez-la à nouveau."
        )
        return None
    image.seek(0)
    contenu = bytes(image.read())
    image.seek(0)
    try:
        with Image.open(io.BytesIO(contenu)) as img:
            genre = img.format or ""
            img.verify()
    # Pillow says a damaged file in many ways: a truncated or corrupt PNG raises SyntaxError (« broken PNG file »),
    # a cut stream EOFError or struct.error.
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        struct.error,
        Image.DecompressionBombError,
    ):
        genre = ""
    if genre not in FORMATS_PHOTO:
        erreurs.setdefault("image", []).append(
            "Le fichier n'est pas une image JPEG, PNG ou WebP lisible : enregistrez la photo dans l'un de ces formats."
        )
        return None
    return contenu, FORMATS_PHOTO[genre]


@transaction.atomic
def photo_ajouter(*, annonce: Annonce, image: Any, texte_alternatif: str, auteur: Acteur) -> PhotoAnnonce:
    """Add a photo to a draft, with the text that says what it shows (read by screen readers)."""
    annonce = _annonce_verrouillee(annonce)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    _exiger_brouillon(annonce, "image")
    erreurs: dict[str, list[str]] = {}
    texte = _texte(texte_alternatif, "texte_alternatif", "Texte alternatif", TEXTE_ALTERNATIF_MAX, erreurs)
    if not texte:
        erreurs.setdefault("texte_alternatif", []).append(
            "Décrivez ce que montre la photo (par exemple « Séjour lumineux avec balcon ») : les personnes qui ne "
            "la voient pas lisent ce texte."
        )
    nombre = annonce.photos.count()
    if nombre >= photos_max():
        erreurs.setdefault("image", []).append(
            f"L'annonce a déjà {nombre} photos, le maximum : retirez-en une avant d'en ajouter une autre."
        )
    lue = _lire_image(image, erreurs) if not erreurs.get("image") else None
    if erreurs:
        raise ValidationError(erreurs)
    assert lue is not None
    contenu, extension = lue
    ordre = (annonce.photos.aggregate(m=Max("ordre"))["m"] or 0) + 1
    photo = PhotoAnnonce(annonce=annonce, texte_alternatif=texte, ordre=ordre)
    photo.image.save(f"{uuid.uuid4().hex}{extension}", ContentFile(contenu), save=False)
    photo.save()
    return photo


@transaction.atomic
def photo_retirer(*, photo: PhotoAnnonce, auteur: Acteur) -> None:
    """Remove a photo of a draft (its file too)."""
    annonce = _annonce_verrouillee(photo.annonce)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    _exiger_brouillon(annonce, "image")
    photo = PhotoAnnonce.objects.get(pk=photo.pk, annonce=annonce)
    fichier = photo.image.name
    photo.delete()
    if fichier:
        stockage = photo.image.storage
        transaction.on_commit(lambda: stockage.delete(fichier))


# --- publication and withdrawal --------------------------------------------------------------------------------


@transaction.atomic
def annonce_publier(*, annonce: Annonce, auteur: Acteur, maintenant: datetime | None = None) -> Annonce:
    """Publish a draft: the dwelling's figures are read again from the stock and frozen, the advert opens now
    and closes after the pair's publication length (or the territory's), its commitment is published. The
    dwelling must still wait for its candidates under the pair's rule, and the closing must fall within the
    réservataire's proposal deadline."""
    maintenant = _maintenant(maintenant)
    jour = _jour(maintenant)
    annonce = _annonce_verrouillee(annonce)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    _exiger_brouillon(annonce)
    orientation = Orientation.objects.select_related("reservataire").get(pk=annonce.orientation_id)
    ll = _logement_libere(orientation)
    erreurs: dict[str, list[str]] = {}
    regle = _qualifie(orientation, ll, jour, erreurs)
    copie = _copie_du_logement(ll, erreurs)
    _verifier_public(
        annonce.public,
        annonce.motif_public,
        en_qpv=bool(copie["en_qpv"]),
        epci=ll.commune.epci_id,
        jour=jour,
        erreurs=erreurs,
    )
    cloture = maintenant + timedelta(days=duree_publication(regle, jour))
    limite = orientation.date_limite_proposition
    if limite is not None and _jour(cloture) > limite:
        pour = orientation.reservataire or "le réservataire"
        erreurs.setdefault("__all__", []).append(
            f"L'annonce serait close le {_le(cloture)}, après la date limite de proposition de {pour} "
            f"({limite:%d/%m/%Y}) : les candidats ne pourraient plus être présentés à temps."
        )
    if erreurs:
        raise ValidationError(erreurs)
    assert regle is not None
    for champ, valeur in copie.items():
        setattr(annonce, champ, valeur)
    annonce.regle = regle
    annonce.statut = StatutAnnonce.PUBLIEE
    annonce.publiee_le = maintenant
    annonce.publiee_par = _utilisateur(auteur)
    annonce.cloture_le = cloture
    annonce.save()
    evenement_enregistrer(
        objet=ll,
        action="annonce_publiee",
        resume=f"Annonce {annonce.reference} publiée le {_le(maintenant)} : candidatures ouvertes jusqu'au "
        f"{_le(cloture)}.",
        auteur=_utilisateur(auteur),
        organisation=annonce.reservataire or annonce.bailleur,
        details={"annonce": annonce.pk, "empreinte": annonce.empreinte},
    )
    # The households the advert matches are told by the worker, once the publication is committed.
    alertes_mettre_en_file(annonce)
    return annonce


@transaction.atomic
def annonce_retirer(*, annonce: Annonce, motif: str, auteur: Acteur, maintenant: datetime | None = None) -> Annonce:
    """Withdraw an advert before the committee (a draft, an open advert, or a closed one not yet presented), with
    its reason. Its applications still open are closed with it, and each household is told."""
    maintenant = _maintenant(maintenant)
    annonce = _annonce_verrouillee(annonce)
    auteur.exiger(permissions.peut_gerer_annonce(auteur, annonce), permissions.REFUS_GERER)
    erreurs: dict[str, list[str]] = {}
    if annonce.statut not in (StatutAnnonce.BROUILLON, StatutAnnonce.PUBLIEE, StatutAnnonce.CLOSE):
        erreurs["__all__"] = [
            f"L'annonce {annonce.reference} est {annonce.get_statut_display().lower()} : elle ne se retire qu'avant "
            "la présentation des candidats à la commission."
        ]
    motif = _texte(motif, "motif", "Motif du retrait", MOTIF_MAX, erreurs)
    if not motif and "motif" not in erreurs:
        erreurs["motif"] = ["Dites pourquoi l'annonce est retirée."]
    if erreurs:
        raise ValidationError(erreurs)
    candidatures = list(
        Candidature.objects.select_for_update()
        .filter(annonce=annonce)
        .exclude(statut=StatutCandidature.RETIREE)
        .select_related("demande")
    )
    for c in candidatures:
        if c.statut == StatutCandidature.DEPOSEE:
            c.statut = StatutCandidature.RETIREE
            c.retiree_le = maintenant
            c.save(update_fields=["statut", "retiree_le"])
    annonce.statut = StatutAnnonce.RETIREE
    annonce.retiree_le = maintenant
    annonce.motif_retrait = motif
    annonce.save(update_fields=["statut", "retiree_le", "motif_retrait"])
    for c in candidatures:
        evenement_enregistrer(
            objet=c.demande,
            action="annonce_retiree",
            resume=f"Le bailleur a retiré {annonce_en_clair(annonce)} le {_le(maintenant)} : votre candidature est "
            "close. Elle ne compte plus parmi vos candidatures ouvertes.",
            auteur=_utilisateur(auteur),
            organisation=annonce.bailleur,
            visible_demandeur=True,
            details={"annonce": annonce.pk, "candidature": c.pk},
        )
    evenement_enregistrer(
        objet=annonce.logement_libere,
        action="annonce_retiree",
        resume=f"Annonce {annonce.reference} retirée le {_le(maintenant)}. Motif : {motif}",
        auteur=_utilisateur(auteur),
        organisation=annonce.reservataire or annonce.bailleur,
        details={"annonce": annonce.pk, "candidatures": len(candidatures)},
    )
    return annonce

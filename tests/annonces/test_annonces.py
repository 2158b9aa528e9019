"""An advert before its closing: made from a freed dwelling oriented and waiting (the orientation untouched), its
texts and photos prepared on the draft, published for the pair's length, withdrawn before the committee."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from attrib.annonces.enums import PublicAnnonce, StatutAnnonce, StatutCandidature
from attrib.annonces.models import Annonce, PhotoAnnonce, RegleLocationVoulue
from attrib.annonces.services import (
    annonce_creer,
    annonce_modifier,
    annonce_publier,
    annonce_retirer,
    candidature_deposer,
    photo_ajouter,
    photo_retirer,
    regle_enregistrer,
)
from attrib.common.models import Evenement
from attrib.flux.enums import StatutOrientation
from attrib.flux.models import Orientation
from attrib.flux.services import orientation_candidats_proposer
from attrib.organisations.acteurs import Refus, acteur_de
from attrib.patrimoine.enums import SourceResidence, TypeConstruction
from attrib.patrimoine.models import Residence
from tests.annonces.conftest import SYSTEME, MondeLV
from tests.factories import NARBONNE

pytestmark = pytest.mark.django_db


def _image(format_: str, taille: tuple[int, int] = (40, 30), bruit: bool = False) -> bytes:
    tampon = io.BytesIO()
    img = Image.effect_noise(taille, 100).convert("RGB") if bruit else Image.new("RGB", taille, (120, 160, 200))
    img.save(tampon, format=format_)
    return tampon.getvalue()


# --- creation --------------------------------------------------------------------------------------------------


def test_l_annonce_copie_le_logement_et_engage_son_tirage(lv: MondeLV) -> None:
    orientation = lv.monde.ll_etat.orientations.get(actuelle=True)
    annonce = annonce_creer(orientation=orientation, quartier="Proche du canal de la Robine.", auteur=lv.bailleur)
    assert annonce.statut == StatutAnnonce.BROUILLON
    assert annonce.reference == f"LV-{lv.jour.year}-000001"
    assert annonce.titre == "T3 de 62 m² à Narbonne"
    assert (annonce.typologie, annonce.surface, annonce.loyer, annonce.charges) == (
        3,
        Decimal("62"),
        Decimal("430"),
        Decimal("70"),
    )
    assert (annonce.etage, annonce.financement, annonce.en_qpv, annonce.commune_id) == (0, "PLUS", False, NARBONNE)
    assert annonce.reservataire == lv.monde.etat and annonce.regle == lv.regle_etat
    assert annonce.empreinte == hashlib.sha256(f"attrib-lv-v1:{annonce.graine}".encode()).hexdigest()
    # The dwelling still counts in the State's flux: its orientation is untouched.
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.A_PROPOSER and orientation.actuelle
    autre = annonce_creer(orientation=lv.monde.ll_propre.orientations.get(actuelle=True), auteur=lv.bailleur)
    assert autre.reference == f"LV-{lv.jour.year}-000002" and autre.graine != annonce.graine
    assert autre.reservataire is None and autre.regle == lv.regle_bailleur


def test_le_reservataire_publie_le_logement_qui_lui_est_oriente_pas_celui_du_bailleur(lv: MondeLV) -> None:
    annonce = annonce_creer(orientation=lv.monde.ll_etat.orientations.get(actuelle=True), auteur=lv.etat)
    assert annonce.cree_par == lv.monde.gestionnaire_etat
    with pytest.raises(Refus, match="Seuls les gestionnaires du bailleur, ou ceux du réservataire"):
        annonce_creer(orientation=lv.monde.ll_propre.orientations.get(actuelle=True), auteur=lv.etat)


def test_un_logement_hors_de_la_regle_ne_se_publie_pas(lv: MondeLV) -> None:
    regle_enregistrer(
        bailleur=lv.monde.bailleur,
        reservataire=lv.monde.etat,
        debut=lv.jour,
        part=30,
        typologie_max=2,
        financements=["PLAI"],
        auteur=SYSTEME,
    )
    with pytest.raises(ValidationError) as exc:
        annonce_creer(orientation=lv.monde.ll_etat.orientations.get(actuelle=True), auteur=lv.bailleur)
    assert exc.value.message_dict["orientation"] == [
        "Ce logement ne relève pas de la location voulue de Alogea pour Préfecture de l'Aude : la règle retient les "
        "logements jusqu'au T2 ; la règle ne retient que les financements PLAI."
    ]
    assert not Annonce.objects.exists()


def test_un_logement_qui_n_attend_plus_de_candidats_ne_se_publie_pas(lv: MondeLV) -> None:
    orientation = lv.monde.ll_etat.orientations.get(actuelle=True)
    orientation_candidats_proposer(orientation=orientation, nombre_candidats=3, auteur=SYSTEME)
    with pytest.raises(ValidationError) as exc:
        annonce_creer(orientation=orientation, auteur=lv.bailleur)
    assert exc.value.message_dict["orientation"] == [
        "Le logement n'attend plus de candidats (orientation : candidats proposés)."
    ]


def test_un_logement_n_a_qu_une_annonce_en_cours(lv: MondeLV) -> None:
    premiere = lv.annonce(publier=False)
    with pytest.raises(ValidationError) as exc:
        lv.annonce(publier=False)
    assert exc.value.message_dict["orientation"] == [f"Ce logement a déjà une annonce en cours ({premiere.reference})."]
    annonce_retirer(annonce=premiere, motif="Travaux imprévus.", auteur=lv.bailleur)
    assert lv.annonce(publier=False).reference != premiere.reference


def test_une_restriction_du_public_est_motivee_et_le_premier_quartile_hors_qpv(lv: MondeLV) -> None:
    orientation = lv.monde.ll_etat.orientations.get(actuelle=True)
    with pytest.raises(ValidationError) as exc:
        annonce_creer(orientation=orientation, public=PublicAnnonce.PRIORITAIRES, auteur=lv.bailleur)
    assert exc.value.message_dict["motif_public"] == [
        "Dites l'objectif de la convention intercommunale d'attribution qui justifie de réserver l'annonce : il "
        "est affiché sur l'annonce."
    ]
    residence = Residence.objects.create(
        identifiant="QUAI",
        nom="Le Quai",
        commune_id=NARBONNE,
        bailleur=lv.monde.bailleur,
        en_qpv=True,
        type_construction=TypeConstruction.COLLECTIF,
        source=SourceResidence.RPLS_ADRESSES,
    )
    lv.monde.residence = residence
    ll = lv.liberer("QUAI-1")
    assert ll.en_qpv
    with pytest.raises(ValidationError) as exc:
        annonce_creer(
            orientation=ll.orientations.get(actuelle=True),
            public=PublicAnnonce.Q1,
            motif_public="Objectif CIA : 25 % d'attributions hors QPV au premier quartile.",
            auteur=lv.bailleur,
        )
    assert exc.value.message_dict["public"] == [
        "Une annonce réservée aux ménages du premier quartile porte sur un logement hors quartier prioritaire "
        "(QPV) : c'est l'objectif d'attribution qu'elle sert."
    ]


# --- the draft -------------------------------------------------------------------------------------------------


def test_le_bailleur_redige_le_brouillon_mais_pas_les_chiffres_du_logement(lv: MondeLV) -> None:
    annonce = lv.annonce(publier=False)
    annonce = annonce_modifier(
        annonce=annonce,
        titre="T3 lumineux en rez-de-jardin",
        description="Séjour double, deux chambres.",
        public=PublicAnnonce.PRIORITAIRES,
        motif_public="Objectif CIA : 25 % des attributions aux ménages prioritaires.",
        auteur=lv.bailleur,
    )
    assert (annonce.titre, annonce.public) == ("T3 lumineux en rez-de-jardin", PublicAnnonce.PRIORITAIRES)
    with pytest.raises(ValidationError) as exc:
        annonce_modifier(annonce=annonce, loyer=Decimal("300"), titre="", auteur=lv.bailleur)
    assert exc.value.message_dict == {
        "loyer": [
            "Ce champ ne se modifie pas sur l'annonce : les caractéristiques du logement se corrigent dans le "
            "patrimoine, et l'annonce les relit à sa publication."
        ],
        "titre": ["Donnez un titre à l'annonce."],
    }
    annonce_publier(annonce=annonce, auteur=lv.bailleur)
    with pytest.raises(ValidationError) as exc:
        annonce_modifier(annonce=annonce, titre="Autre titre", auteur=lv.bailleur)
    assert exc.value.messages == [
        f"L'annonce {annonce.reference} est publiée, candidatures ouvertes : elle ne se modifie plus."
    ]


def test_les_photos_sont_des_images_avec_leur_texte_alternatif(
    lv: MondeLV, settings: object, django_capture_on_commit_callbacks: Any
) -> None:
    annonce = lv.annonce(publier=False)
    for format_ in ("JPEG", "PNG", "WEBP"):
        photo = photo_ajouter(
            annonce=annonce,
            image=ContentFile(_image(format_), name=f"photo.{format_.lower()}"),
            texte_alternatif=f"Séjour ({format_})",
            auteur=lv.bailleur,
        )
        assert photo.image.name.endswith({"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[format_])
    assert [p.ordre for p in annonce.photos.all()] == [1, 2, 3]
    with pytest.raises(ValidationError) as exc:
        photo_ajouter(
            annonce=annonce,
            image=ContentFile(b"%PDF-1.4 pas une image", name="plan.jpg"),
            texte_alternatif="  ",
            auteur=lv.bailleur,
        )
    assert exc.value.message_dict == {
        "image": [
            "Le fichier n'est pas une image JPEG, PNG ou WebP lisible : enregistrez la photo dans l'un de ces formats."
        ],
        "texte_alternatif": [
            "Décrivez ce que montre la photo (par exemple « Séjour lumineux avec balcon ») : les personnes qui ne la "
            "voient pas lisent ce texte."
        ],
    }
    # A damaged PNG (a byte of its image data changed: Pillow reads the header, then fails on the checksum) is
    # refused in French like any unreadable file, never an error page.
    abimee = bytearray(_image("PNG"))
    abimee[abimee.index(b"IDAT") + 6] ^= 0xFF
    with pytest.raises(ValidationError) as exc:
        photo_ajouter(
            annonce=annonce,
            image=ContentFile(bytes(abimee), name="abimee.png"),
            texte_alternatif="Séjour",
            auteur=lv.bailleur,
        )
    assert exc.value.message_dict["image"][0].startswith("Le fichier n'est pas une image JPEG, PNG ou WebP lisible")
    settings.ATTRIB_ANNONCE_PHOTO_TAILLE_MAX_MO = 1  # type: ignore[attr-defined]
    lourde = _image("PNG", (900, 900), bruit=True)
    assert len(lourde) > 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        photo_ajouter(
            annonce=annonce,
            image=ContentFile(lourde, name="grande.png"),
            texte_alternatif="Cuisine",
            auteur=lv.bailleur,
        )
    assert exc.value.message_dict["image"][0].startswith("La photo est trop lourde (")
    settings.ATTRIB_ANNONCE_PHOTOS_MAX = 3  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as exc:
        photo_ajouter(
            annonce=annonce,
            image=ContentFile(_image("PNG"), name="x.png"),
            texte_alternatif="Cuisine",
            auteur=lv.bailleur,
        )
    assert exc.value.message_dict["image"] == [
        "L'annonce a déjà 3 photos, le maximum : retirez-en une avant d'en ajouter une autre."
    ]
    fichier = Path(photo.image.path)
    assert fichier.exists()
    with django_capture_on_commit_callbacks(execute=True):
        photo_retirer(photo=photo, auteur=lv.bailleur)
    assert annonce.photos.count() == 2
    assert not fichier.exists()


# --- publication -----------------------------------------------------------------------------------------------


def test_la_publication_fige_l_annonce_pour_la_duree_de_la_regle(lv: MondeLV) -> None:
    annonce = lv.annonce(publier=False)
    # A correction made in the stock while the advert is a draft reaches it at publication.
    lv.monde.ll_etat.logement.__class__.objects.filter(pk=lv.monde.ll_etat.logement_id).update(charges=Decimal("75"))
    annonce = annonce_publier(annonce=annonce, auteur=lv.etat)
    assert annonce.statut == StatutAnnonce.PUBLIEE and annonce.charges == Decimal("75")
    assert annonce.publiee_par == lv.monde.gestionnaire_etat
    assert annonce.publiee_le is not None and annonce.cloture_le == annonce.publiee_le + timedelta(days=7)
    (evenement,) = Evenement.objects.filter(action="annonce_publiee")
    assert evenement.details["empreinte"] == annonce.empreinte
    # A pair's own length.
    regle_enregistrer(bailleur=lv.monde.bailleur, debut=lv.jour, part=50, duree_publication_jours=10, auteur=SYSTEME)
    propre = lv.annonce(ll=lv.monde.ll_propre)
    assert propre.cloture_le is not None and propre.publiee_le is not None
    assert propre.cloture_le - propre.publiee_le == timedelta(days=10)


def test_l_annonce_ne_se_clot_pas_apres_le_delai_du_reservataire(lv: MondeLV) -> None:
    annonce = lv.annonce(publier=False)
    limite = lv.jour + timedelta(days=3)
    Orientation.objects.filter(pk=annonce.orientation_id).update(date_limite_proposition=limite)
    with pytest.raises(ValidationError) as exc:
        annonce_publier(annonce=annonce, auteur=lv.bailleur)
    (message,) = exc.value.message_dict["__all__"]
    assert message.endswith(
        f"après la date limite de proposition de Préfecture de l'Aude ({limite:%d/%m/%Y}) : les candidats ne "
        "pourraient plus être présentés à temps."
    )
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.BROUILLON


# --- withdrawal ------------------------------------------------------------------------------------------------


def test_une_annonce_retiree_clot_ses_candidatures_et_previent_les_menages(lv: MondeLV) -> None:
    annonce = lv.annonce()
    candidatures = [
        candidature_deposer(annonce=annonce, demande=lv.d[nom], auteur=lv.menage(nom)) for nom in ("famille", "couple")
    ]
    with pytest.raises(ValidationError) as exc:
        annonce_retirer(annonce=annonce, motif=" ", auteur=lv.bailleur)
    assert exc.value.message_dict == {"motif": ["Dites pourquoi l'annonce est retirée."]}
    annonce = annonce_retirer(annonce=annonce, motif="Dégât des eaux : travaux.", auteur=lv.bailleur)
    assert annonce.statut == StatutAnnonce.RETIREE and annonce.motif_retrait == "Dégât des eaux : travaux."
    for c in candidatures:
        c.refresh_from_db()
        assert c.statut == StatutCandidature.RETIREE and c.retiree_le == annonce.retiree_le
        (avis,) = Evenement.objects.filter(action="annonce_retiree", cible_id=str(c.demande_id))
        assert avis.visible_demandeur
        assert avis.resume.startswith(f"Le bailleur a retiré l'annonce {annonce.reference} (T3 à Narbonne) le ")
        assert "Dégât" not in avis.resume
    assert not Annonce.objects.publiees().filter(pk=annonce.pk).exists()
    with pytest.raises(ValidationError):
        annonce_retirer(annonce=annonce, motif="Encore.", auteur=lv.bailleur)


def test_seuls_les_gestionnaires_de_l_annonce_la_preparent_et_la_publient(lv: MondeLV) -> None:
    annonce = lv.annonce(publier=False)
    epci = lv.monde.agent_epci
    for appel in (
        lambda a: annonce_modifier(annonce=annonce, titre="X", auteur=a),
        lambda a: annonce_publier(annonce=annonce, auteur=a),
        lambda a: annonce_retirer(annonce=annonce, motif="X", auteur=a),
        lambda a: photo_ajouter(
            annonce=annonce, image=ContentFile(_image("PNG"), name="x.png"), texte_alternatif="X", auteur=a
        ),
    ):
        with pytest.raises(Refus, match="Seuls les gestionnaires du bailleur et du réservataire du logement"):
            appel(acteur_de(epci))
    annonce.refresh_from_db()
    assert annonce.statut == StatutAnnonce.BROUILLON and annonce.titre == "T3 de 62 m² à Narbonne"
    assert not PhotoAnnonce.objects.exists()


def test_sans_regle_en_vigueur_le_logement_ne_se_publie_pas(lv: MondeLV) -> None:
    # Alogea's own share had a rule until yesterday.
    RegleLocationVoulue.objects.filter(pk=lv.regle_bailleur.pk).update(fin=lv.jour - timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        annonce_creer(orientation=lv.monde.ll_propre.orientations.get(actuelle=True), auteur=lv.bailleur)
    assert exc.value.message_dict["orientation"] == [
        f"Aucune règle de location voulue de Alogea pour sa part non réservée n'est en vigueur le {lv.jour:%d/%m/%Y}."
    ]

"""Closed lists of location voulue: the life of an advert, its public, the life of an application."""

from __future__ import annotations

from django.db import models


class StatutAnnonce(models.TextChoices):
    BROUILLON = "brouillon", "En préparation"
    PUBLIEE = "publiee", "Publiée, candidatures ouvertes"
    CLOSE = "close", "Candidatures closes, classement publié"
    EN_COMMISSION = "en_commission", "Candidats présentés à la commission"
    ATTRIBUEE = "attribuee", "Attribuée, bail signé"
    SANS_SUITE = "sans_suite", "Close sans attribution"
    RETIREE = "retiree", "Retirée par le bailleur"


#: An advert on which applications can still be made or withdrawn.
OUVERTES = (StatutAnnonce.PUBLIEE,)
#: An advert still holding the freed dwelling (another advert of the same dwelling cannot be made).
EN_COURS = (StatutAnnonce.BROUILLON, StatutAnnonce.PUBLIEE, StatutAnnonce.CLOSE, StatutAnnonce.EN_COMMISSION)


class PublicAnnonce(models.TextChoices):
    """Who may apply. A restriction is justified by the territory's attribution objectives (CIA) and said on the
    advert (``Annonce.motif_public``)."""

    TOUS = "tous", "Tous les demandeurs dont la demande est active"
    Q1 = "q1", "Ménages du premier quartile de ressources"
    PRIORITAIRES = "prioritaires", "Ménages reconnus prioritaires (DALO ou article L441-1)"


class StatutCandidature(models.TextChoices):
    """``RETIREE``: withdrawn by the household before the closing, or closed without it (the advert withdrawn, the
    household housed elsewhere); the household's history says which."""

    DEPOSEE = "deposee", "Déposée"
    RETIREE = "retiree", "Retirée"
    CLASSEE = "classee", "Classée à la clôture"
    ECARTEE = "ecartee", "Écartée à la clôture"

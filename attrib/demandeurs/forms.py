"""Forms of the applicant space and the staff login that refuses applicant accounts. Every rule lives in the
services; the forms only carry fields and their French labels."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from attrib.common.forms import FormulaireDsfr
from attrib.demandeurs.models import CompteDemandeur, Qualite
from attrib.demandeurs.services import normaliser_courriel


class ConnexionPersonnelForm(AuthenticationForm):
    """The staff login: an applicant account never logs in here (its own login is in the applicant space)."""

    def confirm_login_allowed(self, user: Any) -> None:
        if CompteDemandeur.objects.filter(utilisateur=user).exists():
            raise self.get_invalid_login_error()
        super().confirm_login_allowed(user)


class ConnexionDemandeurForm(FormulaireDsfr, AuthenticationForm):
    """The applicant login: e-mail and password; a staff account never logs in here."""

    username = forms.CharField(label="Adresse de courriel", max_length=254)
    error_messages = {
        "invalid_login": "Adresse de courriel ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
        "non_verifie": (
            "Vous n'avez pas encore confirmé votre adresse de courriel : ouvrez le lien que nous vous avons envoyé. "
            "Un nouveau lien vient de vous être envoyé."
        ),
    }

    def clean(self) -> dict[str, Any]:
        courriel = normaliser_courriel(self.cleaned_data.get("username") or "")
        compte = CompteDemandeur.objects.select_related("utilisateur").filter(courriel=courriel).first()
        self.compte = compte
        # Authenticate the account's user; an unknown address is still counted by django-axes as a failure.
        self.cleaned_data["username"] = compte.utilisateur.get_username() if compte else courriel
        return super().clean()

    def confirm_login_allowed(self, user: Any) -> None:
        compte = getattr(self, "compte", None)
        if compte is None or compte.utilisateur_id != user.pk:
            raise self.get_invalid_login_error()
        super().confirm_login_allowed(user)
        if not compte.verifie:
            raise forms.ValidationError(self.error_messages["non_verifie"], code="non_verifie")


class InscriptionForm(FormulaireDsfr, forms.Form):
    courriel = forms.EmailField(
        label="Adresse de courriel",
        max_length=254,
        help_text="Nous vous enverrons un lien pour la confirmer. Format attendu : prenom.nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mot_de_passe = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="Au moins 12 caractères, pas uniquement des chiffres, pas un mot de passe courant.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class DemanderCodeForm(FormulaireDsfr, forms.Form):
    numero_unique = forms.CharField(
        label="Numéro unique de votre demande",
        max_length=30,
        help_text="Il figure sur votre attestation d'enregistrement : 19 caractères, par exemple 01126060000012MHN01.",
    )


class LierForm(FormulaireDsfr, forms.Form):
    numero_unique = forms.CharField(label="Numéro unique de votre demande", max_length=30)
    code = forms.CharField(
        label="Code reçu",
        max_length=20,
        help_text="8 caractères, reçus par courriel ou par courrier.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}),
    )


class AccesForm(FormulaireDsfr, forms.Form):
    courriel = forms.EmailField(
        label="Adresse de courriel de son compte",
        max_length=254,
        help_text="La personne doit avoir créé son compte dans l'espace demandeur et confirmé cette adresse.",
    )
    qualite = forms.ChoiceField(
        label="Cette personne est",
        choices=[(Qualite.CODEMANDEUR.value, "Co-demandeur"), (Qualite.TRAVAILLEUR_SOCIAL.value, "Travailleur social")],
        widget=forms.RadioSelect,
    )

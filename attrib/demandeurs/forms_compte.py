"""Forms of the applicant's own account: « Mot de passe oublié » (the address) and the new password (Django's
``SetPasswordForm``: the two entries match, the installation's validators). The rules live in
``attrib.demandeurs.services_compte``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from attrib.common.forms import FormulaireDsfr

AIDE_MOT_DE_PASSE = (
    "Au moins 12 caractères, pas uniquement des chiffres, pas un mot de passe courant, ni proche de votre adresse "
    "de courriel."
)


class DemandeReinitialisationForm(FormulaireDsfr, forms.Form):
    courriel = forms.EmailField(
        label="Adresse de courriel de votre compte",
        max_length=254,
        help_text="Format attendu : prenom.nom@exemple.fr",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class NouveauMotDePasseForm(FormulaireDsfr, SetPasswordForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Nouveau mot de passe"
        self.fields["new_password1"].help_text = AIDE_MOT_DE_PASSE
        self.fields["new_password2"].label = "Confirmez le nouveau mot de passe"
        self.fields["new_password2"].help_text = "Saisissez-le une seconde fois."

"""``python -m tests.fournisseur_oidc.serveur``: migrate the provider's own database, create the person who logs
in and Attrib's client application (from the environment), then serve on a free port of 127.0.0.1 and print
``PORT <n>`` on the first line."""

from __future__ import annotations

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.fournisseur_oidc.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import get_application_model  # noqa: E402


class Silencieux(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - wsgiref's name
        pass


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    personne = get_user_model().objects.create_user(
        username=os.environ["FOURNISSEUR_IDENTIFIANT"],
        password=os.environ["FOURNISSEUR_MOT_DE_PASSE"],
        first_name="Léa",
        last_name="Martin",
        email="lea.martin@example.org",
    )
    Application = get_application_model()
    Application.objects.create(
        name="Attrib",
        user=personne,
        client_id=os.environ["FOURNISSEUR_CLIENT_ID"],
        client_secret=os.environ["FOURNISSEUR_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["FOURNISSEUR_REDIRECTION"],
        post_logout_redirect_uris=os.environ.get("FOURNISSEUR_DECONNEXION", ""),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    serveur = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=Silencieux)
    print(f"PORT {serveur.server_port}", flush=True)
    serveur.serve_forever()


if __name__ == "__main__":
    sys.exit(main())

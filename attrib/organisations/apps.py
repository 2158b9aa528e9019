from typing import Any

from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "attrib.organisations"
    label = "organisations"

    def ready(self) -> None:
        from attrib.common.services import enregistrer_organisation_par_defaut
        from attrib.organisations.permissions import memberships

        def premiere_organisation(user: Any) -> Any | None:
            """An export without a named organisation is journalled under the author's first one."""
            return next((m.organisation for m in memberships(user)), None)

        enregistrer_organisation_par_defaut(premiere_organisation)

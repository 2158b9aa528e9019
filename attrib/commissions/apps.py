from django.apps import AppConfig


class CommissionsConfig(AppConfig):
    name = "attrib.commissions"
    label = "commissions"
    verbose_name = "CALEOL : commissions, décisions, offres et baux"

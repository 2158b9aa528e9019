from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "attrib.journal"
    label = "journal"
    verbose_name = "Journal des modifications"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from attrib.journal import contexte, declencheurs

        connection_created.connect(contexte.connexion_creee, dispatch_uid="attrib_journal_connexion")
        pre_migrate.connect(declencheurs.avant_migration, sender=self, dispatch_uid="attrib_journal_avant")
        post_migrate.connect(declencheurs.apres_migration, sender=self, dispatch_uid="attrib_journal_declencheurs")

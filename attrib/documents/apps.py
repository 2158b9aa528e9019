from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "attrib.documents"
    label = "documents"
    verbose_name = "documents figés"

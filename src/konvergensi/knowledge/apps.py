from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "konvergensi.knowledge"
    verbose_name = "Basis pengetahuan (praktik baik dan panduan)"

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "konvergensi.reviews"
    verbose_name = "Reviu kinerja tahunan (Aksi 8)"

    def ready(self) -> None:
        # The built-in sections (plan vs budget, coverage, prevalence, lokus, rembuk); other apps add theirs.
        from konvergensi.aksi import work
        from konvergensi.reports import registry

        from . import builtin
        from .aksi_work import SOURCE

        builtin.register_all()
        work.register(SOURCE)
        # `konvergensi report reviu`: the annual performance review as PDF or Word.
        registry.register(
            registry.ReportKind(
                "reviu",
                "Reviu kinerja tahunan (Aksi 8)",
                registry.lazy("konvergensi.reviews.documents:report_build"),
                permission="review_read",
            )
        )

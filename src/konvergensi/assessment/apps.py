from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "konvergensi.assessment"
    verbose_name = "Penilaian kinerja"

    def ready(self) -> None:
        from konvergensi.reports import registry

        from . import layer

        # `konvergensi report penilaian`: the district's published assessment (or, with --provinsi, the
        # province's ranking).
        registry.register(
            registry.ReportKind(
                "penilaian",
                "Hasil penilaian kinerja aksi konvergensi",
                registry.lazy("konvergensi.assessment.documents:report_build"),
                permission="assessment_read",
                build_province=registry.lazy("konvergensi.assessment.documents:report_build_province"),
            )
        )
        # The picture's "kelas" layer: the published class of each district.
        layer.register()

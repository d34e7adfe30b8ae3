from django.urls import path

from . import views

app_name = "ansit"
urlpatterns = [
    path("ansit/<str:kode>/", views.home, name="home"),
    path("ansit/<str:kode>/analisis/baru/", views.analysis_create, name="analysis-create"),
    path("ansit/<str:kode>/templat-sebaran.xlsx", views.template_download, name="template"),
    path("ansit/<str:kode>/reviu/", views.reviews, name="reviews"),
    path("ansit/<str:kode>/rekomendasi/", views.recommendations, name="recommendations"),
    path(
        "ansit/<str:kode>/rekomendasi/susun/", views.recommendations_generate, name="recommendations-generate"
    ),
    path("ansit/<str:kode>/rekomendasi/tambah/", views.recommendation_add, name="recommendation-add"),
    path("ansit/<str:kode>/dokumen/", views.documents, name="documents"),
    path("ansit/<str:kode>/dokumen/buat/", views.document_start, name="document-start"),
    path("ansit/<str:kode>/catatan-aksi-6/", views.notes, name="notes"),
    path("analisis/<int:pk>/", views.analysis_detail, name="analysis-detail"),
    path("analisis/<int:pk>/keputusan/", views.analysis_decide, name="analysis-decide"),
    path("analisis/<int:pk>/cakupan/", views.coverage, name="coverage"),
    path("analisis/<int:pk>/lokus/", views.lokus, name="lokus"),
    path("analisis/<int:pk>/lokus/konfirmasi/", views.lokus_confirm, name="lokus-confirm"),
    path("analisis/<int:pk>/matriks/", views.matrix, name="matrix"),
    path("analisis/<int:pk>/matriks.xlsx", views.matrix_xlsx, name="matrix-xlsx"),
    path("reviu/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviu/<int:pk>/komentar/", views.review_comment, name="review-comment"),
    path("rekomendasi/<int:pk>/", views.recommendation_update, name="recommendation-update"),
    path("dokumen-ansit/<int:pk>/unduh/<str:fmt>/", views.document_download, name="document-download"),
    path("dokumen-ansit/<int:pk>/lampirkan/", views.document_attach, name="document-attach"),
]

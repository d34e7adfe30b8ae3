from django import forms
from django.utils.translation import gettext_lazy as _

from konvergensi_core.aksi import Move


class AksiUpdateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    # A date input sends and shows ISO dates whatever the language: with the locale's "28-02-2026" the
    # browser showed an empty date and saving only an OPD change wiped the deadline.
    due_date = forms.DateField(
        label=_("Batas waktu"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )
    opd = forms.ModelChoiceField(
        label=_("OPD penanggung jawab"),
        queryset=None,
        required=False,
        empty_label=_("— belum ditentukan —"),
    )

    def __init__(self, *args, opd_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opd"].queryset = opd_queryset


class MoveForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    move = forms.ChoiceField(choices=[(m.value, m.value) for m in Move], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Alasan / catatan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Berkas (PDF, DOCX, XLSX, PNG, JPG)"))
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=300)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Komentar"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

from django import forms
from django.utils.translation import gettext_lazy as _


class OPDForm(forms.Form):
    singkatan = forms.CharField(label=_("Singkatan"), max_length=30)
    nama = forms.CharField(label=_("Nama lengkap"), max_length=200)


class PuskesmasForm(forms.Form):
    kode = forms.CharField(label=_("Kode puskesmas (Kemenkes)"), max_length=20)
    nama = forms.CharField(label=_("Nama puskesmas"), max_length=120)
    kecamatan = forms.ChoiceField(label=_("Kecamatan tempat puskesmas"))
    desa = forms.MultipleChoiceField(
        label=_("Desa/kelurahan wilayah kerja"), widget=forms.SelectMultiple(attrs={"size": 12})
    )

    def __init__(self, *args, kecamatan_list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kecamatan"].choices = [(k.kode, f"{k.nama} ({k.kode})") for k in kecamatan_list]
        self.fields["desa"].choices = [
            (k.nama, [(d.kode, f"{d.nama} ({d.kode})") for d in k.desa_list]) for k in kecamatan_list
        ]

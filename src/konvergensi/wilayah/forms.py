from django import forms
from django.utils.translation import gettext_lazy as _


class OPDForm(forms.Form):
    singkatan = forms.CharField(label=_("Singkatan"), max_length=30)
    nama = forms.CharField(label=_("Nama lengkap"), max_length=200)

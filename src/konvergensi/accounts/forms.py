from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("Nama pengguna"),
        max_length=60,
        regex=r"^[a-zA-Z0-9._-]+$",
        error_messages={"invalid": _("Gunakan huruf, angka, titik, garis bawah atau tanda hubung.")},
    )
    full_name = forms.CharField(label=_("Nama lengkap"), max_length=120)
    email = forms.EmailField(label=_("Surel"), required=False)
    password = forms.CharField(label=_("Kata sandi awal"), widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(label=_("Peran"))
    region = forms.ChoiceField(label=_("Wilayah"), required=False)
    opd = forms.ChoiceField(label=_("OPD (untuk staf OPD)"), required=False)
    puskesmas = forms.ChoiceField(label=_("Puskesmas (untuk petugas puskesmas)"), required=False)

    def __init__(self, *args, roles, regions, opd_choices, puskesmas_choices, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [(r, labels[r]) for r in roles]
        self.fields["region"].choices = [("", _("— pilih —"))] + regions
        self.fields["opd"].choices = [("", "—")] + opd_choices
        self.fields["puskesmas"].choices = [("", "—")] + puskesmas_choices


class OTPCodeForm(forms.Form):
    """A six-digit code from the authenticator app (or, at login, a recovery code)."""

    code = forms.CharField(
        label=_("Kode"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True, "size": 12}
        ),
    )


class TwoFactorDisableForm(forms.Form):
    password = forms.CharField(
        label=_("Kata sandi"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Kode dari aplikasi autentikator atau kode pemulihan"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "size": 12}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Kata sandi"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordChangeForm(forms.Form):
    """One's own new password, after the current one."""

    old_password = forms.CharField(
        label=_("Kata sandi saat ini"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("Kata sandi baru"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Ulangi kata sandi baru"),
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password2") != data["new_password1"]:
            self.add_error("new_password2", _("Kedua kata sandi baru tidak sama."))
        return data


class PasswordResetForm(PasswordChangeForm):
    """A new password an administrator gives an account of their scope (its owner then changes it)."""

    old_password = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi sementara")
        self.fields["new_password2"].label = _("Ulangi kata sandi sementara")

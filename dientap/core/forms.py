from django import forms
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """dd/mm/yyyy text input (what Vietnamese users type)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off", **(attrs or {})},
            format="%d/%m/%Y",
        )


class DateTimeInput(forms.DateTimeInput):
    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off", **(attrs or {})},
            format="%d/%m/%Y %H:%M",
        )


class ServiceModelForm(forms.ModelForm):
    """Base of every model form: validates; the view hands `service_data()` to a service.

    Knows the user (to scope its choices with `restrict`) and carries the object's version,
    so that a save based on a stale page is refused instead of overwriting someone's change.
    The form never saves by itself.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.label_suffix = ""
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.widget = DateTimeInput()
            elif isinstance(field, forms.DateField):
                field.widget = DateInput()

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields
                if name in self.cleaned_data}

    def expected_version(self):
        return self.cleaned_data.get("version") if self.instance.pk else None

    def save(self, commit=True):  # pragma: no cover - guard
        raise NotImplementedError("Forms do not save; call the service.")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)

from django import forms
from django.utils.translation import gettext_lazy as _

from dientap.core.scoping import VIEW
from dientap.organizations.models import Area


class NewExerciseForm(forms.Form):
    """Code name, area and start date of the exercise an import creates."""

    code_name = forms.CharField(label=_("code name"), max_length=40,
                                help_text=_("Mật danh, e.g. TQ-28"))
    name = forms.CharField(label=_("name"), max_length=255, required=False,
                           help_text=_("Leave empty to keep the name in the file."))
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.none())
    start_date = forms.DateField(label=_("start date"),
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("All dates move with it (rounds, holdings, due "
                                             "dates)."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.restrict(user, VIEW).select_related("level")


class ImportFileForm(NewExerciseForm):
    file = forms.FileField(label=_("exercise file (.json)"),
                           help_text=_("A file exported from dientap (format "
                                       "“dientap-exercise”, version 1)."))

    field_order = ["file", "code_name", "name", "area", "start_date"]


class ExportForm(forms.Form):
    people = forms.BooleanField(label=_("with people"), required=False, initial=True,
                                help_text=_("Committee members, who plays which role, signers "
                                            "and drafters."))
    results = forms.BooleanField(label=_("with results"), required=False, initial=False,
                                 help_text=_("Attendance, document statuses and versions, "
                                             "handling of situations, observations, scores and "
                                             "corrective actions (for the archive; an import "
                                             "never brings them back)."))

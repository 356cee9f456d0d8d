from django import forms
from django.utils.translation import gettext_lazy as _

from dientap.core.forms import ServiceModelForm
from dientap.exercises.models import Round

from .models import Report


class ReportCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices,
                             widget=forms.RadioSelect, initial=Report.Kind.ROUND)
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(),
                                   required=False,
                                   help_text=_("For a round report: the round it is about."))
    unclassified = forms.BooleanField(
        label=_("Unclassified version"), required=False,
        help_text=_("Leave classified details out: the report then carries no secrecy mark."))
    title = forms.CharField(label=_("Summary (trích yếu)"), required=False, max_length=500,
                            help_text=_("Leave empty for the usual title."))

    def __init__(self, *args, user=None, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["round"].queryset = exercise.rounds.order_by("start_date", "id")

    def clean(self):
        data = super().clean()
        if data.get("kind") == Report.Kind.ROUND and not data.get("round"):
            self.add_error("round", _("Choose the round the report is about."))
        return data


class ReportForm(ServiceModelForm):
    class Meta:
        model = Report
        fields = ["title", "overview", "conduct", "strengths", "shortcomings", "conclusion",
                  "status", "place", "issuer_code", "sign_authority", "sign_on_behalf",
                  "sign_title", "sign_name"]
        widgets = {name: forms.Textarea(attrs={"rows": 10}) for name in (
            "overview", "conduct", "strengths", "shortcomings", "conclusion")}

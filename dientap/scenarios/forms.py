from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dientap.core.forms import QuickSelect, ServiceModelForm
from dientap.core.scoping import VIEW
from dientap.documents.models import Document
from dientap.exercises.models import ContentItem

from . import scenario_time, selectors, spreadsheet
from .models import Handling, Situation


class ScenarioTimeField(forms.CharField):
    """Text like “N-57 07:30”, “ngày N-57, 07 giờ 30”, “giờ G”, “D+2 H+3 M+45”."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("e.g. N-57 07:30, ngày N-1, 06 giờ 00, N+2, giờ G, "
                                         "G+1:30, D+2 H+3 M+45"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "N-57 07:30",
                                                           "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return scenario_time.parse(value)


class SituationForm(ServiceModelForm):
    when = ScenarioTimeField(label=_("Scenario time"))
    field_order = ["code", "when", "title", "content"]

    class Meta:
        model = Situation
        fields = ["code", "title", "content", "issuer_kind", "issuer", "method",
                  "receiving_bodies", "handling_kind", "expected_handling", "deadline_minutes",
                  "documents", "content_item", "classification", "depends_on"]
        widgets = {"receiving_bodies": forms.CheckboxSelectMultiple,
                   "content": forms.Textarea(attrs={"rows": 5}),
                   "expected_handling": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise = exercise
        if self.instance.pk:
            self.fields["when"].initial = self.instance.time_label
        self.fields["receiving_bodies"].queryset = selectors.frame_bodies(exercise)
        self.fields["documents"].queryset = Document.objects.restrict(self.user, VIEW,
                                                                    exercise=exercise)
        self.fields["documents"].required = False
        self.fields["content_item"].queryset = ContentItem.objects.filter(
            issue__phase__exercise=exercise)
        deps = Situation.objects.restrict(self.user, VIEW, exercise=exercise)
        if self.instance.pk:
            deps = deps.exclude(pk=self.instance.pk)
        self.fields["depends_on"].queryset = deps.order_by("position")

    def service_data(self) -> dict:
        data = super().service_data()
        when = self.cleaned_data.get("when")
        data.update(scenario_minutes=when.minutes, g_relative=when.g_relative)
        return data


class ShiftForm(forms.Form):
    minutes = forms.IntegerField(label=_("Shift by (minutes, may be negative)"))
    situations = forms.ModelMultipleChoiceField(queryset=Situation.objects.none())

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["situations"].queryset = queryset


class _BodyChoices(ModelChoiceIterator):
    """The bodies as (id, short name) pairs read as plain values, not as model objects."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, short_name, name in self.queryset.values_list("pk", "short_name", "name"):
            yield (pk, short_name or name)


class BodyChoiceField(forms.ModelChoiceField):
    iterator = _BodyChoices
    widget = QuickSelect


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect,
                               choices=[("", _("All"))] + list(Situation.Status.choices))
    handling = forms.ChoiceField(label=_("Expected handling"), required=False,
                                 widget=QuickSelect,
                                 choices=[("", _("All"))] + list(Handling.choices))
    body = BodyChoiceField(label=_("Receiving body"), required=False, queryset=None)
    order = forms.ChoiceField(label=pgettext_lazy("sorting", "Order"), required=False,
                              widget=QuickSelect,
                              choices=[("time", _("By scenario time")),
                                       ("position", _("By number"))])

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = selectors.frame_bodies(exercise)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))


class MappingForm(forms.Form):
    """Which column holds which field (chosen by the user, guessed from the headers)."""

    def __init__(self, *args, headers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(none)"))] + [
            (str(i), spreadsheet.column_name(headers, i)) for i in range(len(headers))]
        for key, label, _vi, _aliases, required in spreadsheet.FIELDS:
            self.fields[key] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.fields[key].widget.attrs["data-required"] = "1" if required else ""

    def mapping(self) -> dict:
        return {k: (int(v) if v not in ("", None) else None)
                for k, v in self.cleaned_data.items() if k in spreadsheet.FIELD_KEYS}

    def clean(self):
        data = super().clean()
        missing = [str(label) for key, label, _vi, _a, required in spreadsheet.FIELDS
                   if required and not data.get(key)]
        if missing:
            raise ValidationError(_("Choose a column for: {fields}.").format(
                fields=", ".join(missing)))
        return data

from django import forms
from django.utils.translation import gettext_lazy as _

from dientap.conferences.models import AgendaItem
from dientap.core.forms import ServiceModelForm

from . import selectors
from .models import (
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Criterion,
    Observation,
    ScaleLevel,
)


class _ExerciseForm(ServiceModelForm):
    """A form under one exercise: its choices are the exercise's, as the user sees them."""

    def __init__(self, *args, exercise=None, **kwargs):
        self.exercise = exercise
        super().__init__(*args, **kwargs)
        if "owner_body" in self.fields:
            self.fields["owner_body"].queryset = selectors.exercise_bodies(exercise)
        if "round" in self.fields:
            self.fields["round"].queryset = exercise.rounds.order_by("start_date", "id")


class ObservationForm(_ExerciseForm):
    """The quick entry: kind, what was seen, about what (preselected), optional photo."""

    photo = forms.FileField(label=_("Photo"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*",
                                                                   "capture": "environment"}))

    class Meta:
        model = Observation
        fields = ["kind", "text", "holding", "agenda_item", "body", "document_version",
                  "delivery", "scenario_time"]
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.observation_choices(self.user, self.exercise)
        self.fields["holding"].queryset = choices["holdings"]
        self.fields["body"].queryset = choices["bodies"]
        self.fields["document_version"].queryset = choices["versions"]
        self.fields["delivery"].queryset = choices["deliveries"]
        items = AgendaItem.objects.filter(conference__exercise=self.exercise)
        chosen = str(self.data.get("holding") or self.initial.get("holding") or "")
        holding = choices["holdings"].filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if holding is not None:
            items = items.filter(conference_id=holding.conference_id)
        self.fields["agenda_item"].queryset = items.order_by("conference_id", "position")
        self.fields["kind"].choices = Observation.Kind.choices
        self.fields["text"].widget.attrs["data-testid"] = "obs-text"

    def service_data(self):
        data = super().service_data()
        data["photo"] = self.cleaned_data.get("photo")
        return data


class ActionForm(_ExerciseForm):
    class Meta:
        model = CorrectiveAction
        fields = ["owner_body", "title", "description", "due_date", "blocking", "round"]
        widgets = {"title": forms.Textarea(attrs={"rows": 3}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The service says what is missing, in words (not just "required").
        self.fields["owner_body"].required = False
        self.fields["due_date"].required = False
        self.fields["title"].required = False


class ActionDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("What was done"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    fixed_by_version = forms.ModelChoiceField(label=_("Fixed by the document version"),
                                              queryset=None, required=False)
    fixed_by_holding = forms.ModelChoiceField(label=_("Fixed in the holding"), queryset=None,
                                              required=False)

    def __init__(self, *args, user, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.observation_choices(user, exercise)
        self.fields["fixed_by_version"].queryset = choices["versions"]
        self.fields["fixed_by_holding"].queryset = choices["holdings"]


class ReopenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("Why is it reopened?"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReadyForm(forms.Form):
    override_reason = forms.CharField(
        label=_("Reason for overriding open blocking actions"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))


class CriterionForm(_ExerciseForm):
    class Meta:
        model = Criterion
        fields = ["title", "description", "scale"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = self.exercise.scales.all()


class ScoreForm(forms.Form):
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=None)
    round = forms.ModelChoiceField(label=_("Round"), queryset=None, required=False)
    body = forms.ModelChoiceField(label=_("Body"), queryset=None, required=False)
    holding = forms.ModelChoiceField(label=_("or the holding"), queryset=None, required=False)
    level = forms.CharField(label=_("Rating (code on the criterion's scale)"), max_length=10)
    comment = forms.CharField(label=_("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.ModelMultipleChoiceField(label=_("Evidence (observations)"), queryset=None,
                                              required=False)

    def __init__(self, *args, user, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["criterion"].queryset = selectors.criteria(user, exercise)
        self.fields["round"].queryset = exercise.rounds.order_by("start_date", "id")
        self.fields["body"].queryset = selectors.exercise_bodies(exercise)
        self.fields["holding"].queryset = selectors.observation_choices(
            user, exercise)["holdings"]
        self.fields["evidence"].queryset = selectors.observation_list(user, exercise)
        codes = ScaleLevel.objects.filter(scale__exercise=exercise).values_list(
            "code", "label").order_by("scale_id", "-points")
        self.fields["level"].help_text = ", ".join(f"{c} = {label}" for c, label in codes)


class ChecklistItemForm(_ExerciseForm):
    evidence_file = forms.FileField(label=_("Evidence file (photo or PDF)"), required=False)

    class Meta:
        model = ChecklistItem
        fields = ["category", "title", "owner_body", "round", "due_date", "status", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def service_data(self):
        data = super().service_data()
        data["evidence_file"] = self.cleaned_data.get("evidence_file")
        return data


class ChecklistStatusForm(ChecklistItemForm):
    """What the owning body changes: status and evidence."""

    class Meta(ChecklistItemForm.Meta):
        fields = ["status", "evidence"]


class BudgetLineForm(_ExerciseForm):
    class Meta:
        model = BudgetLine
        fields = ["title", "owner_body", "planned", "actual", "note"]

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dientap.core.forms import ServiceModelForm
from dientap.core.scoping import VIEW
from dientap.organizations.models import Area, Body, Person, Post

from .models import Committee, CommitteeMember, Exercise, FrameParticipant, Membership, Round


class ExerciseForm(ServiceModelForm):
    class Meta:
        model = Exercise
        fields = ["code_name", "name", "theme", "area", "kind", "form", "start_date", "end_date"]
        widgets = {"theme": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.restrict(self.user, VIEW).select_related(
            "level"
        )


class CommitteeForm(ServiceModelForm):
    class Meta:
        model = Committee
        fields = ["kind", "name", "sort_order"]


class CommitteeMemberForm(ServiceModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["person", "position", "post", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.restrict(self.user, VIEW)
        self.fields["post"].queryset = Post.objects.restrict(self.user, VIEW).select_related(
            "person", "body"
        )
        self.fields["post"].label_from_instance = lambda p: f"{p.person} · {p.title}"


class FrameParticipantForm(ServiceModelForm):
    class Meta:
        model = FrameParticipant
        fields = ["body", "person", "post", "role", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.restrict(self.user, VIEW)
        self.fields["person"].queryset = Person.objects.restrict(self.user, VIEW)
        self.fields["person"].help_text = _("Leave empty for the body as a whole.")
        self.fields["post"].queryset = Post.objects.restrict(self.user, VIEW).select_related(
            "person", "body"
        )
        self.fields["post"].label_from_instance = lambda p: f"{p.person} · {p.title}"


class RoundForm(ServiceModelForm):
    class Meta:
        model = Round
        fields = ["kind", "number", "start_date", "end_date"]


class MembershipForm(ServiceModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.restrict(self.user, VIEW).select_related("body")
            .order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.username} · {u}" + (f" · {u.body}" if u.body_id else "")
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Exercise.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StructureNodeForm(forms.Form):
    """Title of a phase, training issue or content item (the level is in the URL)."""

    title = forms.CharField(label=_("title"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        self.user, self.instance = user, instance
        if instance is not None:
            kwargs.setdefault("initial", {"title": instance.title, "version": instance.version})
        super().__init__(*args, **kwargs)
        self.label_suffix = ""

    def service_data(self):
        return {"title": self.cleaned_data["title"].strip()}

    def expected_version(self):
        return self.cleaned_data.get("version")

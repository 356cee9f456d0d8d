from django import forms

from dientap.core.forms import ServiceModelForm
from dientap.core.scoping import VIEW
from dientap.exercises.models import ContentItem
from dientap.organizations.models import Body, Post

from .models import AgendaItem, Attendance, CompositionEntry, Conference, Holding


def _post_label(post):
    return f"{post.person} · {post.title}"


class ConferenceForm(ServiceModelForm):
    class Meta:
        model = Conference
        fields = ["title", "body", "kind", "content_item", "chair_post", "secretary_post",
                  "location", "output", "sort_order"]

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        exercise = exercise or getattr(self.instance, "exercise", None)
        self.fields["body"].queryset = Body.objects.restrict(self.user, VIEW)
        posts = Post.objects.restrict(self.user, VIEW).select_related("person")
        for name in ("chair_post", "secretary_post"):
            self.fields[name].queryset = posts
            self.fields[name].label_from_instance = _post_label
        self.fields["content_item"].queryset = ContentItem.objects.filter(
            issue__phase__exercise=exercise).select_related("issue", "issue__phase")


class HoldingForm(ServiceModelForm):
    class Meta:
        model = Holding
        fields = ["round", "starts_at", "ends_at", "location", "notes"]

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = exercise.rounds.all()


class AgendaItemForm(ServiceModelForm):
    class Meta:
        model = AgendaItem
        fields = ["content", "method", "presenter_post", "presenter_text", "advisory_bodies",
                  "minutes", "documents", "expected_output"]
        widgets = {"method": forms.Textarea(attrs={"rows": 3}),
                   "advisory_bodies": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter_post"].queryset = Post.objects.restrict(
            self.user, VIEW).select_related("person")
        self.fields["presenter_post"].label_from_instance = _post_label
        self.fields["advisory_bodies"].queryset = Body.objects.restrict(self.user, VIEW)

    def clean_minutes(self):
        minutes = self.cleaned_data["minutes"]
        if not minutes:
            from django.utils.translation import gettext as _

            raise forms.ValidationError(_("Allot at least one minute."))
        return minutes


class CompositionEntryForm(ServiceModelForm):
    class Meta:
        model = CompositionEntry
        fields = ["kind", "title", "body", "post", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.restrict(self.user, VIEW)
        self.fields["post"].queryset = Post.objects.restrict(self.user, VIEW).select_related(
            "person")
        self.fields["post"].label_from_instance = _post_label
        self.fields["position"].required = False


class AttendanceForm(ServiceModelForm):
    """One seat's row on the attendance checklist."""

    class Meta:
        model = Attendance
        fields = ["status", "substitute_name", "substitute_post", "late_minutes", "note"]
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def expected_version(self):
        return self.cleaned_data.get("version")

from dientap.core.forms import ServiceModelForm
from dientap.core.scoping import VIEW
from dientap.organizations.models import Body, Post

from .models import Conference, Holding


class ConferenceForm(ServiceModelForm):
    class Meta:
        model = Conference
        fields = ["title", "body", "kind", "chair_post", "location", "output", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.restrict(self.user, VIEW)
        self.fields["chair_post"].queryset = Post.objects.restrict(self.user, VIEW).select_related(
            "person"
        )
        self.fields["chair_post"].label_from_instance = lambda p: f"{p.person} · {p.title}"


class HoldingForm(ServiceModelForm):
    class Meta:
        model = Holding
        fields = ["round", "starts_at", "ends_at", "location", "notes"]

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = exercise.rounds.all()

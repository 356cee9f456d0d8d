from dientap.core.forms import ServiceModelForm
from dientap.core.scoping import VIEW

from .models import Area, Body, Person, Post


class BodyForm(ServiceModelForm):
    class Meta:
        model = Body
        fields = ["name", "short_name", "kind", "area", "parent", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.restrict(self.user, VIEW)
        parents = Body.objects.restrict(self.user, VIEW)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class PersonForm(ServiceModelForm):
    class Meta:
        model = Person
        fields = ["full_name", "rank", "phone", "email", "notes"]


class PostForm(ServiceModelForm):
    class Meta:
        model = Post
        fields = ["body", "title", "is_head", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.restrict(self.user, VIEW)

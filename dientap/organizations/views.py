from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dientap.core import pagecache
from dientap.core.audit import entries_for
from dientap.core.pagecache import page_cache
from dientap.core.paging import page_of
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.views import ServiceFormView, get_scoped, post_service_action
from dientap.exercises.models import CommitteeMember, Exercise, FrameParticipant

from . import selectors, services
from .forms import BodyForm, PersonForm, PostForm
from .models import Body, Person, Post


def scoped_get(model, user, pk, action=VIEW):
    return get_scoped(model.objects.all(), user, pk, action)


@login_required
@page_cache(pagecache.LISTS)
def person_list(request):
    query = request.GET.get("q", "").strip()
    page = page_of(request, selectors.person_list(request.user, query=query))
    return render(request, "organizations/person_list.html", {
        "page": page, "people": page.object_list, "q": query,
        "can_create": request.user.has_perm("organizations.add_person"),
    })


@login_required
def person_detail(request, pk):
    person = scoped_get(Person, request.user, pk)
    exercises = Exercise.objects.restrict(request.user, VIEW)
    return render(request, "organizations/person_detail.html", {
        "person": person,
        "posts": selectors.person_posts(request.user, person),
        "frame_entries": FrameParticipant.objects.filter(person=person, exercise__in=exercises)
        .select_related("exercise", "body", "post"),
        "committee_seats": CommitteeMember.objects.filter(
            person=person, committee__exercise__in=exercises
        ).select_related("committee", "committee__exercise"),
        "can_change": Person.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
        "audit_entries": entries_for(person)[:20],
    })


@login_required
def body_list(request):
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in Body.Kind.values:
        kind = ""
    page = page_of(request, selectors.body_list(request.user, query=query, kind=kind))
    return render(request, "organizations/body_list.html", {
        "page": page, "bodies": page.object_list, "q": query, "kind": kind,
        "kinds": Body.Kind.choices,
        "can_create": request.user.has_perm("organizations.add_body"),
    })


@login_required
def body_detail(request, pk):
    body = scoped_get(Body, request.user, pk)
    exercises = Exercise.objects.restrict(request.user, VIEW)
    return render(request, "organizations/body_detail.html", {
        "body": body,
        "posts": selectors.body_posts(request.user, body),
        "children": Body.objects.restrict(request.user, VIEW).filter(parent=body),
        "frame_entries": FrameParticipant.objects.filter(body=body, exercise__in=exercises)
        .select_related("exercise", "person").order_by("exercise", "role"),
        "can_change": Body.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
        "audit_entries": entries_for(body)[:20],
    })


class CreatePermissionMixin(LoginRequiredMixin):
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonCreateView(CreatePermissionMixin, ServiceFormView):
    permission = "organizations.add_person"
    form_class = PersonForm
    title = gettext_lazy("New person")
    success_message = gettext_lazy("Person created.")

    def perform(self, form):
        return services.person_create(acting_user=self.request.user, **form.service_data())

    @property
    def cancel_url(self):
        return reverse("organizations:person_list")


class ObjectEditMixin(LoginRequiredMixin):
    model = None

    @cached_property
    def object(self):
        return scoped_get(self.model, self.request.user, self.kwargs["pk"], CHANGE)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object  # noqa: B018 - resolve access first
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    @property
    def cancel_url(self):
        return self.object.get_absolute_url()

    @property
    def title(self):
        return _("Edit {name}").format(name=self.object)


class PersonEditView(ObjectEditMixin, ServiceFormView):
    model = Person
    form_class = PersonForm
    success_message = gettext_lazy("Person saved.")

    def perform(self, form):
        return services.person_update(self.object, acting_user=self.request.user,
                                      expected_version=form.expected_version(),
                                      **form.service_data())


class PostCreateView(ServiceFormView):
    form_class = PostForm
    success_message = gettext_lazy("Post added.")

    @cached_property
    def person(self):
        return scoped_get(Person, self.request.user, self.kwargs["pk"], CHANGE)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.person  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Add a post for {person}").format(person=self.person)

    @property
    def cancel_url(self):
        return self.person.get_absolute_url()

    def perform(self, form):
        services.post_create(acting_user=self.request.user, person=self.person,
                             **form.service_data())
        return self.person


@require_POST
@login_required
def post_delete(request, pk):
    post = scoped_get(Post, request.user, pk, CHANGE)
    return post_service_action(
        request, lambda: services.post_delete(post, acting_user=request.user),
        success_message=_("Post removed."), redirect_to=post.person.get_absolute_url(),
    )


class BodyCreateView(CreatePermissionMixin, ServiceFormView):
    permission = "organizations.add_body"
    form_class = BodyForm
    title = gettext_lazy("New body")
    success_message = gettext_lazy("Body created.")

    def perform(self, form):
        return services.body_create(acting_user=self.request.user, **form.service_data())

    @property
    def cancel_url(self):
        return reverse("organizations:body_list")


class BodyEditView(ObjectEditMixin, ServiceFormView):
    model = Body
    form_class = BodyForm
    success_message = gettext_lazy("Body saved.")

    def perform(self, form):
        return services.body_update(self.object, acting_user=self.request.user,
                                    expected_version=form.expected_version(),
                                    **form.service_data())

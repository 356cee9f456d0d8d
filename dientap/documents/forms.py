from django import forms
from django.utils.translation import gettext_lazy as _

from dientap.conferences.models import Conference
from dientap.core.forms import DateInput, ServiceModelForm
from dientap.core.scoping import VIEW
from dientap.exercises.models import ContentItem
from dientap.organizations.models import Body, Person

from . import services, templates_data
from .models import Document, DocumentVersion, FormatFamily


class DocumentForm(ServiceModelForm):
    class Meta:
        model = Document
        fields = ["title", "doc_type", "owner_body", "drafter", "conferences", "content_items",
                  "due_date", "is_required", "classification", "urgency", "recipients",
                  "copies", "copying_allowed", "format_family", "parent_issuer", "issuer_code",
                  "place", "sign_authority", "sign_on_behalf", "sign_title", "sign_name"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, exercise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.exercise = exercise
        self.fields["owner_body"].queryset = Body.objects.restrict(self.user, VIEW)
        self.fields["recipients"].queryset = Body.objects.restrict(self.user, VIEW)
        self.fields["drafter"].queryset = Person.objects.restrict(self.user, VIEW)
        self.fields["conferences"].queryset = Conference.objects.restrict(
            self.user, VIEW, exercise=exercise)
        self.fields["content_items"].queryset = ContentItem.objects.restrict(
            self.user, VIEW, exercise=exercise)
        family = self.fields["format_family"]
        family.required = False
        family.choices = [("", _("From the owning body")), *FormatFamily.choices]
        if not self.instance.pk:
            family.initial = ""
        for name in ("parent_issuer", "issuer_code", "place"):
            self.fields[name].help_text = str(self.fields[name].help_text) + " " + str(
                _("Left empty, it is filled from the owning body."))

    def clean_format_family(self):
        value = self.cleaned_data.get("format_family")
        body = self.cleaned_data.get("owner_body")
        if not value and body is not None:
            value = services.default_format_family(body)
        return value


class UserForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=Document.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IssueForm(UserForm):
    issued_date = forms.DateField(label=_("issue date"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UploadForm(UserForm):
    file = forms.FileField(label=_("file (.docx, .odt or .pdf)"), allow_empty_file=True)
    note = forms.CharField(label=_("change note"), max_length=500, required=False)


class WriteForm(UserForm):
    text = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 20}),
                           help_text=_("One paragraph per line."))
    note = forms.CharField(label=_("change note"), max_length=500, required=False)


class CommentForm(UserForm):
    version = forms.ModelChoiceField(label=_("version"), queryset=DocumentVersion.objects.none(),
                                     required=False, empty_label=_("the whole document"))
    quote = forms.CharField(label=_("quoted passage"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}),
                            help_text=_("Copy the passage you comment on; leave empty to "
                                        "comment on the whole version."))
    text = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, document=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = DocumentVersion.objects.restrict(
            self.user, VIEW).filter(document=document).order_by("-number")
        self.fields["version"].label_from_instance = lambda v: _("version {number}").format(
            number=v.number)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SeedForm(UserForm):
    template = forms.ChoiceField(label=_("template"), choices=templates_data.choices)
    fallback_body = forms.ModelChoiceField(
        label=_("body for documents that match no body"), required=False,
        queryset=Body.objects.none(),
        help_text=_("Each document goes to the exercise body that usually drafts it; the "
                    "others go to this body."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fallback_body"].queryset = Body.objects.restrict(self.user, VIEW)

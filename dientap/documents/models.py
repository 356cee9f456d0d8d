"""The exercise document set (văn kiện): register, versions, review comments, numbering,
and the access log of classified documents.

Who sees a document is decided in one place, ``Document.scope_filter``; versions, comments
and access-log rows follow their document.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dientap.accounts.models import Clearance
from dientap.core.scoping import VIEW, RestrictedQuerySet
from dientap.exercises import access
from dientap.exercises.models import Exercise, ExerciseChild, Membership


class DocType(models.TextChoices):
    INTENTION = "intention", _("Intention")
    PLAN = "plan", _("Plan")
    GUIDANCE = "guidance", _("Guidance")
    RESOLUTION = "resolution", _("Resolution")
    DECISION = "decision", _("Decision")
    DEFENCE_DECISION = "defence_decision", _("Defensive-operations decision")
    ORDER = "order", _("Order")
    DIRECTIVE = "directive", _("Directive")
    SUBMISSION = "submission", _("Submission")
    REPORT = "report", _("Report")
    SCRIPT = "script", _("Script")
    MINUTES = "minutes", _("Minutes")
    OTHER = "other", _("Other")


# What is printed on the document (always Vietnamese: it is the document's own text) and the
# abbreviation used in its symbol (Decree 30/2020, Appendix III).
DOC_TYPE_PRINT = {
    DocType.INTENTION: ("Ý ĐỊNH", "YĐ"),
    DocType.PLAN: ("KẾ HOẠCH", "KH"),
    DocType.GUIDANCE: ("HƯỚNG DẪN", "HD"),
    DocType.RESOLUTION: ("NGHỊ QUYẾT", "NQ"),
    DocType.DECISION: ("QUYẾT ĐỊNH", "QĐ"),
    DocType.DEFENCE_DECISION: ("QUYẾT TÂM TÁC CHIẾN PHÒNG THỦ", "QT"),
    DocType.ORDER: ("MỆNH LỆNH", "ML"),
    DocType.DIRECTIVE: ("CHỈ THỊ", "CT"),
    DocType.SUBMISSION: ("TỜ TRÌNH", "TTr"),
    DocType.REPORT: ("BÁO CÁO", "BC"),
    DocType.SCRIPT: ("KỊCH BẢN", "KB"),
    DocType.MINUTES: ("BIÊN BẢN", "BB"),
    DocType.OTHER: ("", "VB"),
}


class FormatFamily(models.TextChoices):
    STATE = "state", _("State body (Decree 30/2020)")
    PARTY = "party", _("Party body")
    MILITARY = "military", _("Military body")


class Urgency(models.TextChoices):
    NONE = "", _("Not urgent")
    URGENT = "khan", _("Urgent (Khẩn)")
    VERY_URGENT = "thuong_khan", _("Very urgent (Thượng khẩn)")
    FLASH = "hoa_toc", _("Flash (Hỏa tốc)")


URGENCY_MARK = {"khan": "KHẨN", "thuong_khan": "THƯỢNG KHẨN", "hoa_toc": "HỎA TỐC"}
SECRECY_MARK = {1: "MẬT", 2: "TỐI MẬT", 3: "TUYỆT MẬT"}


class Authority(models.TextChoices):
    """How the signer signs (thể thức ký): for the collective, on behalf, by order …"""

    OWN = "", _("In their own name")
    TM = "TM.", _("TM. (on behalf of the collective)")
    KT = "KT.", _("KT. (deputy signing for the head)")
    TL = "TL.", _("TL. (by order of the head)")
    TUQ = "TUQ.", _("TUQ. (by authorisation)")
    Q = "Q.", _("Q. (acting head)")


class Document(ExerciseChild):
    class Status(models.TextChoices):
        REQUIRED = "required", _("Required")
        DRAFTING = "drafting", _("Drafting")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        RETURNED = "returned", _("Returned with comments")
        REVISED = "revised", _("Revised")
        APPROVED = "approved", _("Approved")
        ISSUED = "issued", _("Issued")

    DONE_STATUSES = (Status.APPROVED, Status.ISSUED)

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="documents")
    title = models.CharField(_("summary (trích yếu)"), max_length=500,
                             help_text=_("e.g. Về việc chuyển địa phương sang thời chiến"))
    doc_type = models.CharField(_("type"), max_length=20, choices=DocType.choices)
    owner_body = models.ForeignKey("organizations.Body", verbose_name=_("owning body"),
                                   on_delete=models.PROTECT, related_name="owned_documents")
    drafter = models.ForeignKey("organizations.Person", verbose_name=_("drafter"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    conferences = models.ManyToManyField("conferences.Conference", verbose_name=_("conferences"),
                                         blank=True, related_name="documents")
    content_items = models.ManyToManyField("exercises.ContentItem",
                                           verbose_name=_("content items"), blank=True,
                                           related_name="documents")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    is_required = models.BooleanField(
        _("required for the exercise"), default=True,
        help_text=_("Counted in the share of required documents approved."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.REQUIRED)
    classification = models.IntegerField(_("classification"), choices=Clearance.choices,
                                         default=Clearance.NONE)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices,
                               default=Urgency.NONE, blank=True)
    recipients = models.ManyToManyField(
        "organizations.Body", verbose_name=_("recipients"), blank=True, related_name="+",
        help_text=_("Bodies that receive it (Nơi nhận); for a classified document, only their "
                    "cleared members may read it."))
    copies = models.PositiveSmallIntegerField(_("number of copies"), default=0,
                                              help_text=_("0 for no limit."))
    copying_allowed = models.BooleanField(_("copying allowed"), default=True)
    # Output (format family, issuer, signature).
    format_family = models.CharField(_("format family"), max_length=20,
                                     choices=FormatFamily.choices, default=FormatFamily.STATE)
    parent_issuer = models.CharField(
        _("governing body line"), max_length=200, blank=True,
        help_text=_("Printed above the issuing body, e.g. BỘ TƯ LỆNH QUÂN KHU 2"))
    issuer_code = models.CharField(_("issuer code in the symbol"), max_length=20, blank=True,
                                   help_text=_("e.g. UBND, TU, BCH"))
    place = models.CharField(_("place name"), max_length=100, blank=True,
                             help_text=_("e.g. Tuyên Quang"))
    sign_authority = models.CharField(_("signing authority"), max_length=5,
                                      choices=Authority.choices, default=Authority.OWN,
                                      blank=True)
    sign_on_behalf = models.CharField(_("on behalf of"), max_length=200, blank=True,
                                      help_text=_("e.g. ỦY BAN NHÂN DÂN (after TM.)"))
    sign_title = models.CharField(_("signer's post"), max_length=200, blank=True,
                                  help_text=_("e.g. CHỦ TỊCH"))
    sign_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    # Set when issued.
    number = models.PositiveIntegerField(_("number"), null=True, blank=True, editable=False)
    number_year = models.PositiveSmallIntegerField(_("numbering year"), null=True, blank=True,
                                                   editable=False)
    issued_date = models.DateField(_("issue date"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["exercise", "owner_body__sort_order", "due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_body", "number_year", "number"],
                condition=Q(number__isnull=False) & Q(classification=0),
                name="document_number_once_open",
            ),
            models.UniqueConstraint(
                fields=["owner_body", "number_year", "number"],
                condition=Q(number__isnull=False) & Q(classification__gt=0),
                name="document_number_once_classified",
            ),
        ]

    def __str__(self):
        return f"{self.type_print or self.get_doc_type_display()} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("documents:detail", args=[self.pk])

    @property
    def is_classified(self) -> bool:
        return self.classification > Clearance.NONE

    @property
    def type_print(self) -> str:
        return DOC_TYPE_PRINT[DocType(self.doc_type)][0]

    @property
    def secrecy_mark(self) -> str:
        return SECRECY_MARK.get(self.classification, "")

    @property
    def urgency_mark(self) -> str:
        return URGENCY_MARK.get(self.urgency, "")

    @property
    def symbol(self) -> str:
        """"QĐ-UBND" (State, military) or "NQ/TU" (Party): without the number."""
        abbreviation = DOC_TYPE_PRINT[DocType(self.doc_type)][1]
        code = self.issuer_code or "VB"
        if self.format_family == FormatFamily.PARTY:
            return f"{abbreviation}/{code}"
        return f"{abbreviation}-{code}"

    @property
    def number_symbol(self) -> str:
        """"05/QĐ-UBND", "05-NQ/TU"; the number left blank before issue ("     /QĐ-UBND")."""
        number = f"{self.number:02d}" if self.number else "\u00a0" * 6
        sep = "-" if self.format_family == FormatFamily.PARTY else "/"
        return f"{number}{sep}{self.symbol}"

    @classmethod
    def scope_filter(cls, user, action):
        """The one access rule of documents.

        Unclassified documents: everybody who sees the exercise. Classified documents (Mật and
        above): only users cleared to the document's level whose body is a recipient or who
        are on the Organizing Committee of the exercise (superusers are let through by
        ``restrict``). To change: Organizing Committee staff and directors of the exercise,
        and the owning body's members, among those who may see it.
        """
        need_to_know = access.role_q(user, "exercise", [Membership.Role.ORGANIZER])
        if user.body_id:
            need_to_know |= Q(pk__in=cls.recipients.through.objects.filter(
                body_id=user.body_id).values("document_id"))
        cleared = Q(classification__lte=user.clearance) & need_to_know
        q = access.visible_q(user, "exercise") & (Q(classification=Clearance.NONE) | cleared)
        if action == VIEW:
            return q
        may_change = access.role_q(user, "exercise", Membership.MANAGING_ROLES)
        if user.body_id:
            may_change |= Q(owner_body_id=user.body_id)
        return q & may_change


class NumberCounter(models.Model):
    """The last number given per issuing body, calendar year and series (open or classified).

    Locked with SELECT … FOR UPDATE while a number is given, so that two documents issued at
    the same moment never get the same number.
    """

    body = models.ForeignKey("organizations.Body", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    classified = models.BooleanField(default=False)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "classified"],
                                    name="number_counter_once")
        ]

    def __str__(self):
        return f"{self.body_id}/{self.year}/{'M' if self.classified else ''}{self.last}"


class DocumentVersion(ExerciseChild):
    """One immutable version: an uploaded file (stored by checksum) or text written in the app."""

    class Format(models.TextChoices):
        DOCX = "docx", ".docx"
        ODT = "odt", ".odt"
        PDF = "pdf", ".pdf"
        TEXT = "text", _("text written in the app")

    exercise_path = "document__exercise"

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64)
    text = models.TextField(_("text"), blank=True)
    note = models.CharField(_("change note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_once")
        ]

    def __str__(self):
        return _("{document}, version {number}").format(document=self.document,
                                                        number=self.number)

    def audit_exercise_id(self):
        return self.document.exercise_id

    @classmethod
    def scope_filter(cls, user, action):
        # Follows its document (classification included), not only the exercise.
        return Q(document__in=Document.objects.restrict(user, action))

    @property
    def is_file(self) -> bool:
        return self.format != self.Format.TEXT

    @property
    def is_diffable(self) -> bool:
        return self.format in (self.Format.DOCX, self.Format.ODT, self.Format.TEXT)


class Comment(ExerciseChild):
    """A reviewer's comment on a version (or the whole document), open until closed."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    exercise_path = "document__exercise"

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="comments")
    on_version = models.ForeignKey(DocumentVersion, verbose_name=_("version"), null=True,
                                   blank=True, on_delete=models.CASCADE,
                                   related_name="comments")
    quote = models.TextField(_("quoted passage"), blank=True,
                             help_text=_("Leave empty to comment on the whole document."))
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["document", "created_at", "id"]

    def __str__(self):
        return self.text[:80]

    def audit_exercise_id(self):
        return self.document.exercise_id

    @classmethod
    def scope_filter(cls, user, action):
        return Q(document__in=Document.objects.restrict(user, action))

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class AccessLog(models.Model):
    """Who viewed or downloaded a classified document, when, and which copy."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        DOWNLOAD = "download", _("downloaded")

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.CASCADE,
                                 related_name="access_log")
    version = models.ForeignKey(DocumentVersion, verbose_name=_("version"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(_("user name"), max_length=150)
    body_name = models.CharField(_("body"), max_length=255, blank=True)
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    what = models.CharField(_("what"), max_length=100, blank=True,
                            help_text=_("e.g. version 2 (.docx), formatted PDF"))
    copy_number = models.PositiveIntegerField(_("copy number"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-timestamp", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "copy_number"],
                                    name="access_copy_number_once")
        ]

    def __str__(self):
        return f"{self.user_name} {self.get_action_display()} {self.document_id}"

    @classmethod
    def scope_filter(cls, user, action):
        return Q(document__in=Document.objects.restrict(user, VIEW)) if action == VIEW else Q(
            pk__in=[])

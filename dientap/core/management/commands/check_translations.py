"""Fail when a user-facing string has no Vietnamese translation, or the compiled catalogue
is stale. With --update, refresh the catalogue from the sources and recompile it."""

import os
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

LANGUAGES = ["vi"]  # English is the source language: complete by construction.
DOMAINS = ["django"]
SOURCES = ["dientap", "config"]
IGNORE = ["*/tests/*", "*/static/*"]


class Command(BaseCommand):
    help = "Check that every user-facing string is translated (and the .mo files are current)."

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true",
                            help="refresh the .po files from the sources and compile the .mo files")

    def handle(self, *args, update=False, **options):
        locale_dir = Path(settings.LOCALE_PATHS[0])
        problems = []
        for language in LANGUAGES:
            for domain in DOMAINS:
                po_path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
                fresh = self._extract(po_path, language, domain)
                if update:
                    fresh.metadata.update({"Language": language,
                                           "Project-Id-Version": "dientap",
                                           "Content-Type": "text/plain; charset=UTF-8"})
                    fresh.metadata.pop("POT-Creation-Date", None)
                    fresh.metadata_is_fuzzy = False
                    po_path.parent.mkdir(parents=True, exist_ok=True)
                    fresh.save(str(po_path))
                    fresh.save_as_mofile(str(po_path.with_suffix(".mo")))
                    self.stdout.write(f"updated {po_path.relative_to(settings.BASE_DIR)}")
                problems += self._check(po_path, fresh, language)
        if problems:
            for line in problems[:200]:
                self.stderr.write(line)
            raise CommandError(f"{len(problems)} translation problem(s); fix the .po file and run "
                               "`dientap manage check_translations --update`.")
        self.stdout.write("translations complete")

    def _extract(self, po_path: Path, language: str, domain: str) -> polib.POFile:
        """The catalogue as the sources need it now, merged with the current translations.

        makemessages writes into any `locale` folder it finds above a source file, so it runs
        in a scratch tree that links the sources and holds a copy of the catalogue: the
        project's own files are never touched (unless --update copies the result back).
        """
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for name in SOURCES:
                (root / name).symlink_to(Path(settings.BASE_DIR) / name)
            target = root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            target.parent.mkdir(parents=True)
            if po_path.exists():
                shutil.copy(po_path, target)
            cwd = Path.cwd()
            try:
                os.chdir(root)
                with override_settings(LOCALE_PATHS=[str(root / "locale")]):
                    # .jinja: the row templates (core/jinja.py) write their words _("…").
                    extensions = ["html", "txt", "py", "jinja"] if domain == "django" else None
                    call_command("makemessages", locale=[language], domain=domain, verbosity=0,
                                 ignore_patterns=IGNORE, no_obsolete=True, no_location=True,
                                 symlinks=True, extensions=extensions)
            finally:
                os.chdir(cwd)
            return polib.pofile(str(target), wrapwidth=100)

    def _check(self, po_path: Path, fresh: polib.POFile, language: str) -> list[str]:
        problems = []
        for entry in fresh:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append(f"{language}: fuzzy: {entry.msgid!r}")
            elif entry.msgid_plural:
                if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                    problems.append(f"{language}: untranslated plural: {entry.msgid!r}")
            elif not entry.msgstr:
                problems.append(f"{language}: untranslated: {entry.msgid!r}")
        mo_path = po_path.with_suffix(".mo")
        if not po_path.exists() or not mo_path.exists():
            problems.append(f"{language}: missing {po_path.name} or {mo_path.name}")
            return problems
        committed = polib.pofile(str(po_path))
        if {e.msgid for e in fresh if not e.obsolete} - {e.msgid for e in committed}:
            problems.append(f"{language}: {po_path.name} lacks strings now in the sources")
        compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo_path))}
        for entry in committed.translated_entries():
            key = (entry.msgctxt, entry.msgid)
            if not entry.msgid_plural and compiled.get(key) != entry.msgstr:
                problems.append(f"{language}: {mo_path.name} is out of date ({entry.msgid!r})")
                break
        return problems

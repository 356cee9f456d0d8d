"""The shipped templates: JSON files in the reuse format in ``library/`` (data, not code)."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LIBRARY = Path(__file__).resolve().parent / "library"


@dataclass(frozen=True)
class Template:
    slug: str
    name: str
    description: str
    kind: str
    level: str
    counts: dict

    def data(self) -> dict:
        return load(self.slug)


@cache
def _read(slug: str) -> str:
    return (LIBRARY / f"{slug}.json").read_text(encoding="utf-8")


def load(slug: str) -> dict:
    """A fresh copy of the template's data (KeyError when there is no such template)."""
    if slug not in {t.slug for t in templates()}:
        raise KeyError(slug)
    return json.loads(_read(slug))


@cache
def templates() -> tuple[Template, ...]:
    found = []
    for path in sorted(LIBRARY.glob("*.json")):
        data = json.loads(_read(path.stem))
        meta = data.get("template") or {}
        found.append(Template(
            slug=path.stem, name=meta.get("name") or path.stem,
            description=meta.get("description", ""), kind=data["exercise"]["kind"],
            level=data["exercise"].get("level_name", ""),
            counts={"phases": len(data["structure"]), "conferences": len(data["conferences"]),
                    "documents": len(data["documents"]), "situations": len(data["situations"])},
        ))
    order = {"tinh-khu-vuc-phong-thu": 0, "xa-khu-vuc-phong-thu": 1, "phong-thu-dan-su": 2}
    return tuple(sorted(found, key=lambda t: (order.get(t.slug, 9), t.slug)))


def get(slug: str) -> Template | None:
    return next((t for t in templates() if t.slug == slug), None)

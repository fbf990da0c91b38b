"""The knowledge base as files: loading, checking and writing ``guides_kb/``.

Layout::

    guides_kb/guides/<department>/<slug>.yml   one guide per file
    guides_kb/themes.yml                        "一件事" themes
    guides_kb/halls.yml                         service groups and halls
    guides_kb/licence_types.yml                 e-licence types
    guides_kb/synonyms.yml                      citizens' words for KB terms

Files are written in one canonical form (``dump_yaml``), so that export after import gives
back the same bytes and a reviewer's diff shows only real changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from assistant.kb import schema

GUIDES_DIR = "guides"
THEMES_FILE = "themes.yml"
HALLS_FILE = "halls.yml"
LICENCES_FILE = "licence_types.yml"
SYNONYMS_FILE = "synonyms.yml"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, located as precisely as we can."""

    file: str
    field: str
    message: str
    guide: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.guide}]" if self.guide else "")
        return f"{where} {self.field}: {self.message}"


@dataclass
class Bundle:
    """Everything in ``guides_kb/``, validated item by item."""

    guides: dict[str, schema.Guide] = field(default_factory=dict)  # relative path -> guide
    themes: list[schema.Theme] = field(default_factory=list)
    groups: list[schema.ServiceGroup] = field(default_factory=list)
    halls: list[schema.Hall] = field(default_factory=list)
    licence_types: list[schema.LicenceType] = field(default_factory=list)
    synonyms: list[schema.SynonymGroup] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # leading comment of each list file


# ---------------------------------------------------------------- reading

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


def _read_yaml(path: Path, rel: str, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(rel, "(file)", "not UTF-8 text"))
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problems.append(
            Problem(rel, "(file)", f"malformed YAML: {where}{getattr(exc, 'problem', exc)}")
        )
        return None


def _leading_comment(path: Path) -> str:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")


def validation_problems(
    exc: ValidationError, rel: str, guide: str | None, prefix: str = ""
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        out.append(Problem(rel, (prefix + loc) or "(root)", msg, guide))
    return out


def _parse_list(
    kb_dir: Path, filename: str, key: str, model: type[BaseModel], problems: list[Problem]
) -> list[Any]:
    path = kb_dir / filename
    if not path.exists():
        problems.append(Problem(filename, "(file)", "missing"))
        return []
    data = _read_yaml(path, filename, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        problems.append(Problem(filename, key, f"expected a top-level '{key}:' list"))
        return []
    out = []
    for i, item in enumerate(data[key]):
        label = item.get("name") if isinstance(item, dict) else None
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            problems.extend(validation_problems(exc, filename, label, f"{key}[{i}]."))
    return out


def parse_guide(data: Any, rel: str) -> tuple[schema.Guide | None, list[Problem]]:
    if not isinstance(data, dict):
        return None, [Problem(rel, "(root)", "a guide file must be a mapping of fields")]
    label = data.get("name") if isinstance(data.get("name"), str) else None
    try:
        return schema.Guide.model_validate(data), []
    except ValidationError as exc:
        return None, validation_problems(exc, rel, label)


def load_bundle(kb_dir: Path) -> tuple[Bundle, list[Problem]]:
    problems: list[Problem] = []
    bundle = Bundle()
    gdir = kb_dir / GUIDES_DIR
    for path in sorted(gdir.rglob("*.yml")) if gdir.exists() else []:
        rel = path.relative_to(kb_dir).as_posix()
        data = _read_yaml(path, rel, problems)
        if data is None:
            continue
        guide, errs = parse_guide(data, rel)
        problems.extend(errs)
        if guide:
            bundle.guides[rel] = guide
    bundle.themes = _parse_list(kb_dir, THEMES_FILE, "themes", schema.Theme, problems)
    bundle.groups = _parse_list(kb_dir, HALLS_FILE, "groups", schema.ServiceGroup, problems)
    bundle.halls = _parse_list(kb_dir, HALLS_FILE, "halls", schema.Hall, problems)
    bundle.licence_types = _parse_list(
        kb_dir, LICENCES_FILE, "licence_types", schema.LicenceType, problems
    )
    bundle.synonyms = _parse_list(kb_dir, SYNONYMS_FILE, "synonyms", schema.SynonymGroup, problems)
    for name in (THEMES_FILE, HALLS_FILE, LICENCES_FILE, SYNONYMS_FILE):
        if (kb_dir / name).exists():
            bundle.headers[name] = _leading_comment(kb_dir / name)
    problems.extend(cross_problems(bundle))
    return bundle, problems


# ---------------------------------------------------------------- cross-checks


@dataclass(frozen=True)
class Refs:
    """The names other content may refer to."""

    guide_names: frozenset[str]
    hall_names: frozenset[str]
    licence_codes: frozenset[str]
    group_keys: frozenset[str]


def refs_of(bundle: Bundle) -> Refs:
    return Refs(
        guide_names=frozenset(g.name for g in bundle.guides.values()),
        hall_names=frozenset(h.name for h in bundle.halls),
        licence_codes=frozenset(t.code for t in bundle.licence_types),
        group_keys=frozenset(g.key for g in bundle.groups),
    )


def guide_reference_problems(guide: schema.Guide, refs: Refs, rel: str) -> list[Problem]:
    """Problems of one guide against the rest of the KB (also used on an editor's save)."""
    out: list[Problem] = []
    for i, m in enumerate(guide.materials):
        if m.licence and m.licence not in refs.licence_codes:
            out.append(
                Problem(
                    rel,
                    f"materials[{i}].licence",
                    f"unknown licence type '{m.licence}'",
                    guide.name,
                )
            )
    for h in guide.halls:
        if h not in refs.hall_names:
            out.append(Problem(rel, "halls", f"unknown hall '{h}'", guide.name))
    if guide.service_group not in refs.group_keys:
        out.append(
            Problem(
                rel, "service_group", f"unknown service group '{guide.service_group}'", guide.name
            )
        )
    for r in guide.related:
        if r not in refs.guide_names:
            out.append(Problem(rel, "related", f"unknown related item '{r}'", guide.name))
        elif r == guide.name:
            out.append(Problem(rel, "related", "a guide cannot be related to itself", guide.name))
    return out


def cross_problems(bundle: Bundle) -> list[Problem]:
    out: list[Problem] = []
    refs = refs_of(bundle)
    for key, label in (("name", "name"), ("slug", "slug"), ("code", "code")):
        counts = Counter(getattr(g, key) for g in bundle.guides.values())
        for rel, g in bundle.guides.items():
            if counts[getattr(g, key)] > 1:
                out.append(Problem(rel, label, f"duplicate {label} '{getattr(g, key)}'", g.name))
    for rel, g in bundle.guides.items():
        if Path(rel).stem != g.slug:
            out.append(Problem(rel, "slug", f"file name must be '{g.slug}.yml'", g.name))
        out.extend(guide_reference_problems(g, refs, rel))
    theme_counts = Counter(t.name for t in bundle.themes)
    for i, t in enumerate(bundle.themes):
        if theme_counts[t.name] > 1 or t.name in refs.guide_names:
            out.append(
                Problem(THEMES_FILE, f"themes[{i}].name", f"duplicate name '{t.name}'", t.name)
            )
        for item in t.items:
            if item not in refs.guide_names:
                out.append(
                    Problem(THEMES_FILE, f"themes[{i}].items", f"unknown item '{item}'", t.name)
                )
    for i, h in enumerate(bundle.halls):
        for k in h.groups:
            if k not in refs.group_keys:
                out.append(
                    Problem(
                        HALLS_FILE, f"halls[{i}].groups", f"unknown service group '{k}'", h.name
                    )
                )
        for n in [*h.accepts, *h.excludes]:
            if n not in refs.guide_names:
                out.append(Problem(HALLS_FILE, f"halls[{i}]", f"unknown item '{n}'", h.name))
    for what, names in (
        ("halls", [h.name for h in bundle.halls]),
        ("licence_types", [t.code for t in bundle.licence_types]),
    ):
        for n, c in Counter(names).items():
            if c > 1:
                out.append(
                    Problem(
                        HALLS_FILE if what == "halls" else LICENCES_FILE, what, f"duplicate '{n}'"
                    )
                )
    seen: dict[str, str] = {}
    for i, s in enumerate(bundle.synonyms):
        for v in s.variants:
            if v in seen and seen[v] != s.canonical:
                out.append(
                    Problem(
                        SYNONYMS_FILE,
                        f"synonyms[{i}].variants",
                        f"'{v}' is also a variant of '{seen[v]}'",
                    )
                )
            seen[v] = s.canonical
    return out


# ---------------------------------------------------------------- writing


class _Dumper(yaml.SafeDumper):
    pass


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = (
        all(isinstance(x, (str, int, float, bool)) for x in data)
        and sum(len(str(x)) + 2 for x in data) <= 90
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _is_scalar(x: Any) -> bool:
    return isinstance(x, (str, int, float, bool)) and "\n" not in str(x)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    small = (
        all(
            _is_scalar(v) or (isinstance(v, list) and all(_is_scalar(x) for x in v))
            for v in data.values()
        )
        and sum(len(str(k)) + len(str(v)) for k, v in data.items()) <= 70
    )
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=small)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", data, style="|" if "\n" in data else None
    )


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(dict, _represent_dict)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000)


def content_of(model: BaseModel) -> dict[str, Any]:
    """The canonical JSON-able content of a KB model (defaults left out)."""
    return model.model_dump(mode="json", exclude_defaults=True)


def content_hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    ).hexdigest()


def guide_file_text(guide: schema.Guide) -> str:
    return dump_yaml(content_of(guide))


def write_bundle(bundle: Bundle, kb_dir: Path) -> list[Path]:
    written: list[Path] = []

    def put(rel: str, text: str) -> None:
        path = kb_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for rel, guide in sorted(bundle.guides.items()):
        put(rel, guide_file_text(guide))
    h = bundle.headers
    put(
        THEMES_FILE,
        h.get(THEMES_FILE, "") + dump_yaml({"themes": [content_of(t) for t in bundle.themes]}),
    )
    put(
        HALLS_FILE,
        h.get(HALLS_FILE, "")
        + dump_yaml(
            {
                "groups": [content_of(g) for g in bundle.groups],
                "halls": [content_of(x) for x in bundle.halls],
            }
        ),
    )
    put(
        LICENCES_FILE,
        h.get(LICENCES_FILE, "")
        + dump_yaml({"licence_types": [content_of(t) for t in bundle.licence_types]}),
    )
    put(
        SYNONYMS_FILE,
        h.get(SYNONYMS_FILE, "")
        + dump_yaml({"synonyms": [content_of(s) for s in bundle.synonyms]}),
    )
    return written

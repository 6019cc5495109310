"""Prompt templates live in the package's `prompts/` folder and are filled with `string.Template` ($var)."""

from __future__ import annotations

from string import Template

from interviewer.settings import PACKAGE_DIR

PROMPTS_DIR = PACKAGE_DIR / "prompts"


class PromptError(ValueError):
    pass


def render(name: str, **values: str) -> str:
    """Fill `prompts/<name>.txt`. A variable the template needs but was not given is an error, not a blank."""
    path = PROMPTS_DIR / f"{name}.txt"
    try:
        template = Template(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise PromptError(f"prompt template {path} cannot be read: {e}") from e
    try:
        return template.substitute(values)
    except KeyError as e:
        raise PromptError(f"prompt {name!r} needs ${e.args[0]}, which was not given") from e

"""The README stays true: every setting is documented, every command it shows parses."""

import re
import shlex

from interviewer.cli import build_parser
from interviewer.settings import REPO_ROOT, Settings

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _env_names(fields: dict | None = None, prefix: str = "INTERVIEWER_") -> set[str]:
    """Every environment name a setting has, nested groups included (INTERVIEWER_VOICE__TURNS__HOLD_S)."""
    names = set()
    for name, field in (Settings.model_fields if fields is None else fields).items():
        nested = getattr(field.annotation, "model_fields", None)
        if nested:
            names |= _env_names(nested, f"{prefix}{name.upper()}__")
        else:
            names.add(f"{prefix}{name.upper()}")
    return names


def test_every_setting_is_in_the_table() -> None:
    documented = set(re.findall(r"^\| `(INTERVIEWER_[A-Z_]+)`", README, flags=re.M))
    assert documented == _env_names()


def test_every_cli_example_parses() -> None:
    parser = build_parser()
    commands = re.findall(r"^\.venv/bin/interviewer (.+?)(?:\s+#.*)?$", README, flags=re.M)
    assert len(commands) >= 7
    for command in commands:
        parser.parse_args(shlex.split(command))  # exits (fails the test) on an unknown option


def test_quick_start_has_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = re.search(r"```bash\n(.*?)```", quick, flags=re.S)
    assert block is not None
    assert [line.split("#")[0].strip() for line in block.group(1).strip().splitlines()] == ["make run", "make test"]

"""docs/deployment.md, read block by block and followed on this machine.

Every fenced block of the guide named ``file=…`` or ``step=…`` is used
here as written, with only the example addresses and paths swapped for
this machine's (``Machine.localise``): the environment file, the systemd
units (their ExecStart, Environment and EnvironmentFile lines), the VCL,
the nginx site and the shell steps. A block the harness does not use
fails ``test_every_block_of_the_guide_is_followed``.
"""

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
FENCE = re.compile(
    r"^```(?P<language>\w+) (?P<kind>file|step)=(?P<name>\S+)\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
# The guide's example machines, as named in its VCL and environment file.
EXAMPLE_NODES = ("10.0.0.11", "10.0.0.12")


def blocks() -> dict[str, str]:
    """``{"file:/etc/…": text, "step:install": text}`` in the guide's order."""
    found = {}
    for match in FENCE.finditer(GUIDE.read_text()):
        found[f"{match['kind']}:{match['name']}"] = match["body"]
    return found


@dataclass
class Machine:
    """This machine standing in for the guide's: a folder for ``/``, its ports."""

    root: Path
    ports: dict[str, int]
    used: set[str] = field(default_factory=set)

    def path(self, example: str) -> Path:
        return self.root / example.lstrip("/")

    def localise(self, text: str) -> str:
        swaps = [
            ("/srv/broadsheet-src", str(ROOT)),
            ("/opt/broadsheet", str(self.path("/opt/broadsheet"))),
            ("/etc/", f"{self.root}/etc/"),
            ("/run/", f"{self.root}/run/"),
            ("/root/", f"{self.root}/root/"),
            ("127.0.0.1:6081", f"127.0.0.1:{self.ports['varnish']}"),
            ("--host 0.0.0.0", "--host 127.0.0.1"),
            # Its own working folder and pid file, beside the others'.
            (
                "varnishd -a",
                f"varnishd -n {self.root}/varnish -P {self.root}/varnish.pid -a",
            ),
            ("listen 443 ssl", f"listen 127.0.0.1:{self.ports['tls']} ssl"),
            ("listen 80;", f"listen 127.0.0.1:{self.ports['http']};"),
        ]
        for example, node in zip(EXAMPLE_NODES, ("web1", "web2"), strict=True):
            text = text.replace(
                f'.host = "{example}";\n    .port = "8000";',
                f'.host = "127.0.0.1";\n    .port = "{self.ports[node]}";',
            )
        for old, new in swaps:
            text = text.replace(old, new)
        return text

    def block(self, key: str) -> str:
        self.used.add(key)
        return self.localise(blocks()[key])

    def write_file(self, example_path: str) -> Path:
        """Write the guide's ``file=`` block where this machine keeps it."""
        target = self.path(example_path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.block(f"file:{example_path}"))
        return target

    def run_step(self, name: str, env: dict, timeout: float = 600):
        script = self.block(f"step:{name}")
        return subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def environment_file(text: str, values: dict[str, str]) -> tuple[str, dict]:
    """The guide's environment file with this machine's values.

    Every variable the guide sets must be given a value here (so a new one
    in the guide cannot go untested); ``values`` may add test-only ones.
    """
    names = [
        line.split("=", 1)[0]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    missing = [name for name in names if name not in values]
    assert not missing, f"no local value for {missing} of the guide's file"
    lines = [f"{name}={values[name]}" for name in values]
    return "\n".join(lines) + "\n", dict(values)


@dataclass
class Unit:
    command: list[str]
    environment: dict[str, str]
    environment_file: str
    runtime_directory: str


def unit(text: str, instance: str = "") -> Unit:
    """The [Service] lines of a systemd unit, with ``%i`` as ``instance``."""
    text = text.replace("%i", instance)
    values: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals:
            values.setdefault(key.strip(), []).append(value.strip())
    environment = dict(item.split("=", 1) for item in values.get("Environment", []))
    return Unit(
        command=shlex.split(values["ExecStart"][0]),
        environment=environment,
        environment_file=values["EnvironmentFile"][0],
        runtime_directory=values.get("RuntimeDirectory", [""])[0],
    )


def read_environment_file(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    return dict(pairs)

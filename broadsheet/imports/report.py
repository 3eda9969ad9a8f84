"""What an import did: counts per kind and action, warnings, refusals."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

# The order kinds appear in the report.
KINDS = (
    "author section tag newsletter article image comment subscriber redirect".split()
)


@dataclass
class Report:
    platform: str
    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)

    def count(self, kind: str, action: str, number: int = 1) -> None:
        if number:
            self.counts[kind][action] += number

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}" if where else message)

    def refuse(self, where: str, reason: str) -> None:
        self.refused.append(f"{where}: {reason}")

    def checkpoint(self) -> tuple:
        counts = {kind: Counter(actions) for kind, actions in self.counts.items()}
        return counts, len(self.warnings)

    def rollback(self, checkpoint: tuple) -> None:
        counts, warnings = checkpoint
        self.counts = defaultdict(Counter, counts)
        del self.warnings[warnings:]

    def as_dict(self) -> dict:
        return {kind: dict(actions) for kind, actions in self.counts.items()}

    def text(self, *, run_id=None, seconds: float | None = None) -> str:
        verb = "Dry run of a" if self.dry_run else "Import of a"
        lines = [
            f"{verb} {self.platform} export" + (f" (run {run_id})" if run_id else "")
        ]
        if seconds is not None:
            lines.append(f"Took {seconds:.1f} s.")
        lines += ["", "Counts:"]
        for kind in sorted(self.counts, key=lambda k: [*KINDS, k].index(k)):
            actions = ", ".join(
                f"{n} {a}" for a, n in sorted(self.counts[kind].items())
            )
            lines.append(f"  {kind}: {actions}")
        if self.skipped:
            lines += ["", "Not imported (by design):"]
            lines += [f"  {n} × {reason}" for reason, n in self.skipped.most_common()]
        lines += ["", f"Items not imported, with why ({len(self.refused)}):"]
        lines += [f"  {line}" for line in self.refused] or ["  none"]
        lines += ["", f"Warnings ({len(self.warnings)}):"]
        lines += [f"  {line}" for line in self.warnings] or ["  none"]
        return "\n".join(lines) + "\n"

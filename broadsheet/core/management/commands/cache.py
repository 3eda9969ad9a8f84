"""`broadsheet cache stats|purge`: look at and empty the page cache of every process."""

import json

from django.core.management.base import BaseCommand, CommandError

from broadsheet.core.pagecache import coherence
from broadsheet.core.pagecache.keys import EVERYTHING


class Command(BaseCommand):
    help = "Show the page cache's figures, or purge it by key or whole."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        stats = actions.add_parser("stats", help="hits and misses per route")
        stats.add_argument("--json", action="store_true", help="print JSON")
        purge = actions.add_parser(
            "purge", help="purge responses depending on KEY (e.g. page:12)"
        )
        purge.add_argument("keys", nargs="*", metavar="KEY")
        purge.add_argument("--all", action="store_true", help="purge everything")

    def handle(self, *args, action, **options):
        if action == "stats":
            self.stats(as_json=options["json"])
        else:
            self.purge(options["keys"], everything=options["all"])

    def stats(self, *, as_json: bool) -> None:
        figures = coherence.collected_stats()
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2, sort_keys=True))
            return
        self.stdout.write(
            f"{figures['processes']} serving processes, {figures['entries']} "
            f"responses in memory, {figures['bytes'] / 1048576:.1f} MiB"
        )
        outcomes = ("hit", "stale", "refresh", "miss", "pass")
        self.stdout.write(
            f"{'route':<28}" + "".join(f"{name:>10}" for name in outcomes) + "  hit %"
        )
        for route, counts in sorted(figures["routes"].items()):
            served = counts.get("hit", 0) + counts.get("stale", 0)
            total = sum(counts.get(name, 0) for name in outcomes)
            ratio = f"{100 * served / total:6.1f}" if total else "     -"
            self.stdout.write(
                f"{route:<28}"
                + "".join(f"{counts.get(name, 0):>10}" for name in outcomes)
                + f" {ratio}"
            )

    def purge(self, keys: list[str], *, everything: bool) -> None:
        if everything == bool(keys):
            raise CommandError("Name the keys to purge, or --all (not both).")
        wanted = frozenset({EVERYTHING} if everything else keys)
        coherence.purge(wanted)
        self.stdout.write(
            "Purged everything."
            if everything
            else f"Purged responses depending on {', '.join(sorted(wanted))}."
        )

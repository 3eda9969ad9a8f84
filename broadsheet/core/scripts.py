"""The reader script: native ES modules in static/js/, no build step.

``js/broadsheet.js`` is the entry (base.html loads it as a module script); it
imports one module per feature, which may import shared ones (storage.js).
Every ``.js`` file in static/js/ is a module of it: the service worker
precaches them all (pwa/views.py), base.html preloads them, and a test checks
that the entry reaches each one through its imports.
"""

from pathlib import Path

JS_DIR = Path(__file__).resolve().parent.parent / "static" / "js"
ENTRY = "js/broadsheet.js"
# Static paths of the modules besides the entry, in a stable order.
MODULES = tuple(
    path
    for path in sorted(f"js/{file.name}" for file in JS_DIR.glob("*.js"))
    if path != ENTRY
)

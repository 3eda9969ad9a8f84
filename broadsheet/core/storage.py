"""Static files storage: hashed names, compressed copies, and JS module imports
rewritten to the hashed names of the modules they import."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, with Django's rewriting of ``import … from "./x.js";``.

    The reader script is native ES modules (static/js/) served under far-future
    caching, so an import must name the hashed file, or a new deploy would mix
    old and new modules. Write imports as relative paths ("./share.js").
    """

    support_js_module_import_aggregation = True

"""The production static files storage: WhiteNoise's compressed storage, without compressing source maps.

`prongsai serve` compresses the static files (gzip, and Brotli when its module is installed) at every start in
production.  Source maps (.map: 5.5 MB of the API pages' JavaScript) are read only by a developer's browser tools:
served as they are, they no longer cost 10 of the 16 s of CPU that compressing took before serving.  A storage class
rather than a setting, so that only the processes that collect static files import WhiteNoise's compressor.
"""

from __future__ import annotations

from whitenoise.compress import Compressor  # type: ignore[import-untyped]  # whitenoise ships no types
from whitenoise.storage import CompressedStaticFilesStorage  # type: ignore[import-untyped]  # no types either

#: compressed anyway by their format, plus the source maps
SKIPPED = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


class CompressedStaticFiles(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs):
        return super().create_compressor(**{**kwargs, "extensions": SKIPPED})

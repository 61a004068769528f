"""The production static files storage: WhiteNoise's compressed storage, compressing only what changed.

`prongsai serve` (and `prongsai migrate`) collect the static files at every start in production, and WhiteNoise's
storage would compress every one of them again each time (gzip, and Brotli when its module is installed): 2.6 MB
of JavaScript and CSS, about 6 s of CPU before the server answers.  A file whose compressed copies an earlier start
wrote is left as it is: WhiteNoise gives each copy its file's modification time, and collectstatic copies a file
again (with a new time) only when its source changed.  Source maps (.map: 5.5 MB of the API pages' JavaScript) are
read only by a developer's browser tools and are served as they are.  A storage class rather than a setting, so
that only the processes that collect static files import WhiteNoise's compressor.
"""

from __future__ import annotations

import os

from whitenoise.compress import Compressor  # type: ignore[import-untyped]  # whitenoise ships no types
from whitenoise.storage import CompressedStaticFilesStorage  # type: ignore[import-untyped]  # no types either

#: compressed anyway by their format, plus the source maps
SKIPPED = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")


class ChangedFilesCompressor(Compressor):
    def compress(self, path: str) -> list[str]:
        return self.compressed_copies(path) or super().compress(path)

    def compressed_copies(self, path: str) -> list[str]:
        """The compressed copies of ``path`` an earlier start wrote, when all of them are there and carry the
        file's own modification time (WhiteNoise's ``write_data`` sets it); else nothing, and it is compressed."""
        suffixes = [s for s, used in ((".br", self.use_brotli), (".gz", self.use_gzip)) if used]
        try:
            mtime = os.stat(path).st_mtime
            fresh = suffixes and all(os.stat(path + suffix).st_mtime == mtime for suffix in suffixes)
        except OSError:  # a copy is missing (a first start, or the file did not compress well)
            return []
        return [path + suffix for suffix in suffixes] if fresh else []


class CompressedStaticFiles(CompressedStaticFilesStorage):
    def create_compressor(self, **kwargs):
        return ChangedFilesCompressor(**{**kwargs, "extensions": SKIPPED})

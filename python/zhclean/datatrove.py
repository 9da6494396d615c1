"""A datatrove pipeline step: documents' text cleaned by zhclean.

::

    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from zhclean.datatrove import ZhcleanStep

    pipeline = [JsonlReader("in/"), ZhcleanStep(preset="ocr-news"), JsonlWriter("out/")]

Each document's ``text`` is replaced by its cleaned form (documents are
cleaned in batches, the GIL released); a document cleaned to nothing is
dropped unless ``keep_empty``. The step counts what it changed in
datatrove's stats.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Optional

import zhclean

try:
    from datatrove.pipeline.base import PipelineStep
except ImportError as e:  # pragma: no cover - depends on the machine
    raise ImportError("zhclean.datatrove needs datatrove: pip install datatrove") from e


class ZhcleanStep(PipelineStep):
    """See the module docs."""

    name = "zhclean"
    type = "🧹 - CLEAN"

    def __init__(self, preset: Optional[str] = None, config: zhclean.Config = None, batch: int = 256,
                 keep_empty: bool = False) -> None:
        super().__init__()
        self.preset, self.config, self.batch, self.keep_empty = preset, config, batch, keep_empty
        self._cleaner: Optional[zhclean.Cleaner] = None

    def _clean(self, docs: List[Any]) -> Iterable[Any]:
        if self._cleaner is None:
            self._cleaner = zhclean.Cleaner(self.preset, self.config)
        texts = [d.text for d in docs]
        for d, t, out in zip(docs, texts, self._cleaner.clean_batch(texts)):
            # A document keeps its own final-newline convention.
            if not t.endswith("\n") and out.endswith("\n"):
                out = out[:-1]
            self.stat_update("changed" if out != t else "unchanged")
            if not out and not self.keep_empty:
                self.stat_update("dropped_empty")
                continue
            d.text = out
            yield d

    def run(self, data: Iterable[Any], rank: int = 0, world_size: int = 1) -> Iterable[Any]:
        buf: List[Any] = []
        for doc in data:
            buf.append(doc)
            if len(buf) == self.batch:
                yield from self._clean(buf)
                buf = []
        if buf:
            yield from self._clean(buf)

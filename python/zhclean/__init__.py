"""zhclean: repairs Chinese text from newspaper OCR and web crawls, for corpora.

The Python face of the zhclean Rust library. No cleaning logic lives in
Python: every call goes to the library, so a result here is byte for byte
what the ``zhclean`` command gives.

>>> from zhclean import Cleaner
>>> Cleaner().clean("當前位置 活動在 洛陽開幕。")
'当前位置活动在洛阳开幕。\\n'
>>> Cleaner(config={"script": {"config": "s2t"}}).clean("当前位置")
'當前位置\\n'

Importing starts no thread: Spark and multiprocessing workers fork safely.
"""
from __future__ import annotations

import json as _json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import _zhclean
from ._zhclean import (
    KEY_VERSION,
    ZhcleanError,
    convert,
    drop_paragraphs,
    drop_record_paragraphs,
    paragraph_keys,
    presets,
    record_keys,
)

__all__ = [
    "Cleaner",
    "Config",
    "ZhcleanError",
    "KEY_VERSION",
    "clean_arrow",
    "convert",
    "drop_paragraphs",
    "drop_record_paragraphs",
    "paragraph_keys",
    "presets",
    "record_keys",
]

Config = Union[None, str, Dict[str, Any]]


class Cleaner:
    """A compiled cleaning pipeline, built once and shared (thread-safe).

    ``preset`` is one of :func:`presets` (``default``, ``ocr-news``,
    ``web``, ``minimal``). ``config`` is TOML text as ``zhclean --config``
    reads it, or the same settings as a dict; it is applied over ``preset``
    (when ``preset`` is None, over the config's own ``preset`` line, else
    ``default``). A bad preset or setting raises :class:`ZhcleanError`
    with the library's message.
    """

    def __init__(self, preset: Optional[str] = None, config: Config = None) -> None:
        if config is None:
            self._inner = _zhclean.Cleaner(preset=preset)
        elif isinstance(config, str):
            self._inner = _zhclean.Cleaner(preset=preset, toml=config)
        elif isinstance(config, dict):
            self._inner = _zhclean.Cleaner(preset=preset, json=_json.dumps(config))
        else:
            raise TypeError(f"config must be TOML text or a dict, not {type(config).__name__}")

    def config_toml(self) -> str:
        """The full configuration as TOML (what ``zhclean presets`` prints)."""
        return self._inner.config_toml()

    def clean(self, text: str) -> str:
        """Cleans one document (the GIL is released while it runs)."""
        return self._inner.clean(text)

    def clean_batch(self, texts: Sequence[str]) -> List[str]:
        """Cleans many documents in one call, the GIL released throughout:
        several Python threads may call it at once."""
        return self._inner.clean_batch(list(texts))

    def explain(self, text: str) -> List[Dict[str, Any]]:
        """The edits cleaning ``text`` makes, as the CLI's ``--audit``
        writes them for a plain-text document: ``step``, ``pass``,
        ``reason``, ``byte`` (in ``text``, UTF-8), ``pass_byte`` (in that
        pass's input), ``removed``, ``inserted``."""
        return self._inner.explain(text)

    def clean_jsonl(self, lines: Sequence[bytes], field: str = "text", name: str = "<records>",
                    at: Tuple[int, int] = (0, 0)) -> List[bytes]:
        """Cleans JSONL records (each a line without its newline) as the
        CLI cleans a shard without corpus dedup: one output line each, the
        other fields' bytes kept. ``at`` is where the records start in the
        shard ``name`` (lines and bytes before them): a bad record raises,
        naming the shard's line and byte as the CLI does."""
        return self._inner.clean_jsonl([bytes(l) for l in lines], field, name, tuple(at))

    def clean_jsonl_keyed(self, lines: Sequence[bytes], field: str = "text", name: str = "<records>",
                          at: Tuple[int, int] = (0, 0), min_chars: int = 20) -> Tuple[List[bytes], List[List[bytes]]]:
        """:meth:`clean_jsonl`, and each output record's paragraph keys
        (as :func:`record_keys`): phase one of corpus dedup in one call."""
        return self._inner.clean_jsonl_keyed([bytes(l) for l in lines], field, name, tuple(at), min_chars)

    def clean_arrow(self, array: Any) -> Any:
        """See :func:`clean_arrow`."""
        return clean_arrow(array, self)


def clean_arrow(array: Any, cleaner: Optional[Cleaner] = None) -> Any:
    """Cleans every string of a ``pyarrow`` string array (``string`` or
    ``large_string``; a ``ChunkedArray`` chunk by chunk) and returns an
    array of the same type (``large_string`` if the result outgrows 32-bit
    offsets). Nulls stay null. The strings go to the library as the
    array's buffers: no Python code runs per document. Each string keeps
    its own final-newline convention, as a JSONL text field does in corpus
    mode (``clean`` adds the final newline a plain-text file gets).

    For Spark's ``mapInArrow``, Ray's ``map_batches(batch_format="pyarrow")``
    and datatrove.
    """
    import pyarrow as pa

    cleaner = cleaner or _default()
    if isinstance(array, pa.ChunkedArray):
        return pa.chunked_array([clean_arrow(c, cleaner) for c in array.chunks])
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        raise TypeError(f"clean_arrow needs a string array, not {array.type}")
    large = pa.types.is_large_string(array.type)
    validity, offsets, data = array.buffers()
    offs, out = cleaner._inner.clean_arrow_buffers(
        offsets.to_pybytes() if offsets is not None else b"",
        data.to_pybytes() if data is not None else b"",
        array.offset,
        len(array),
        large,
    )
    n = len(array)
    if validity is not None and array.offset:
        # The validity bitmap starts at the array's offset; the new array
        # starts at 0.
        validity = pa.array(array.is_valid()).buffers()[1]
    result = pa.Array.from_buffers(pa.large_string(), n, [validity, pa.py_buffer(offs), pa.py_buffer(out)],
                                   null_count=array.null_count)
    if not large and len(out) < 2**31:
        result = result.cast(pa.string())
    return result


_DEFAULT: Optional[Cleaner] = None


def _default() -> Cleaner:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT

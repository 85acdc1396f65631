"""Stream a CSV file as batches of string columns with pyarrow, keeping what a report needs.

Every column is read as text (types are checked later, vectorised, so one bad cell does not
stop the read). The header is read as data row 0, so duplicate or blank labels survive.
Rows with too few or too many cells are set aside by pyarrow's invalid-row handler with
their record number and text (``Ragged``); empty lines stay in as rows of empty cells, so
row numbers agree with frictionless. A UTF-8 BOM and CRLF line ends are accepted.

pyarrow parses without the GIL in a thread of ours, at most ``AHEAD`` batches ahead of the
checks (pyarrow's own threads would read up to 32 blocks ahead and give no record numbers).
A file is handed to pyarrow as a ``_Paced`` file: pyarrow reads the raw blocks in one of its
I/O threads, which would otherwise hold 32 blocks (32 MB) read ahead of the parser.

Two faults make pyarrow give up on a file; both are handled by reading it again:

- invalid UTF-8 (in a cell, or in a ragged row's text, which pyarrow decodes for the
  handler and fails on silently): each bad line is reported (``encoding-error``), the bad
  bytes are replaced by U+FFFD and the file is read again from memory, so its other faults
  are found too;
- a record longer than a block (usually a stray quote): the file is read again as one block.

Anything else pyarrow cannot parse becomes a ``format-error`` finding, never a traceback.

This module is the one Arrow reader of CSV files: the validator streams a table
(``read``), the loader reads it in one piece (``read_all``, by path). Text records, for
the tooling that wants rows as written, come from ``metadata.files.records``. Each file is
found through the package reader (``metadata.files``) first.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.csv as pacsv

from bdigest_data.catalogue import ENCODING_ERROR, FORMAT_ERROR, SOURCE_ERROR
from bdigest_data.findings import Finding
from bdigest_data.metadata.files import records

BLOCK_SIZE = 1 << 20  # bytes per batch
AHEAD = 2  # batches parsed ahead of the checks
LEAD = 4  # raw blocks read ahead of the batches parsed
PACE_WAIT = 1.0  # seconds a read waits for its turn at most (a safeguard, never a deadlock)
HEADER_PROBE = 1 << 20  # bytes read to count the header's cells
SPARE_COLUMNS = 64  # typed as text beyond the header's count, should pyarrow count more
_BAD_BYTES = re.compile("[\udc80-\udcff]+")
T = TypeVar("T")


@dataclass
class Ragged:
    """A record whose cell count differs from the header's (pyarrow skipped it)."""

    row: int  # 1-based data row (the header is record 1)
    cells: list[str]
    newlines: int  # line breaks inside the record


@dataclass
class CsvStream:
    """An opened CSV file: its header and its data rows, batch by batch.

    ``ragged`` fills up while ``batches`` is consumed; a ragged row's data row number is
    known exactly, so the rows in ``batches`` are the data rows that are not ragged.
    """

    labels: list[str]
    header_newlines: int
    batches: Iterator[pa.RecordBatch]
    ragged: list[Ragged] = field(default_factory=list)
    reader: pacsv.CSVStreamingReader | None = None  # what ``batches`` reads; see _finish


class _Paced:
    """A file that pyarrow may read at most ``LEAD`` blocks ahead of the batches parsed
    (``advance``: one more batch parsed). A read past its turn waits, ``PACE_WAIT`` seconds
    at most, so that a reader needing more blocks than expected is slowed, never stopped.
    Once closed it reads as an empty file. ``close`` waits for pyarrow's last read: a
    reader dropped while its I/O thread still reads waits for that thread with the GIL
    held (pyarrow 14), and a read needs the GIL."""

    def __init__(self, path: str) -> None:
        self._file = pa.OSFile(path)  # blocks in Arrow's memory pool, like its own reads
        self._turn = threading.Condition()
        self._io = threading.Lock()  # a read and the closing of the file never overlap
        self._reads = 0
        self._allowed: float = LEAD
        self._ended = threading.Event()  # a read found the end of the file

    @property
    def closed(self) -> bool:
        return self._file.closed

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._file.tell()

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes (before pyarrow reads)."""
        data = self._file.read(size)
        self._file.seek(0)
        return data

    def read(self, size: int = -1) -> pa.Buffer | bytes:
        with self._turn:
            self._turn.wait_for(lambda: self._reads < self._allowed, timeout=PACE_WAIT)
            self._reads += 1
        with self._io:
            data = b"" if self._file.closed else self._file.read_buffer(size)
        if not data:
            self._ended.set()
        return data

    def advance(self, blocks: float = 1) -> None:
        with self._turn:
            self._allowed += blocks
            self._turn.notify_all()

    def close(self) -> None:
        self.advance(float("inf"))  # a read still waiting goes on (to an end of file)
        with self._io:
            self._file.close()
        self._ended.wait(PACE_WAIT)


@contextlib.contextmanager
def _source(source: str | pa.BufferReader) -> Iterator[_Paced | pa.BufferReader]:
    """``source`` as pyarrow reads it: a path as a ``_Paced`` file, closed on leaving."""
    if not isinstance(source, str):
        yield source
        return
    paced = _Paced(source)
    try:
        yield paced
    finally:
        paced.close()


def read(path: Path, consume: Callable[[CsvStream], T]) -> tuple[T | None, list[Finding]]:
    """Open ``path``, hand the stream to ``consume`` and return its result with the
    findings of reading (encoding, format). ``consume`` may be called again from the start
    after a fault pyarrow cannot get past, so it must not keep state between calls."""
    findings: list[Finding] = []
    source: str | pa.BufferReader = str(path)
    block = BLOCK_SIZE
    repaired = False
    while True:
        with _UNRAISABLE as seen, _source(source) as opened:
            stream = None
            try:
                stream = _open(opened, block)
                if stream is None:
                    return None, [*findings, Finding(
                        code=SOURCE_ERROR,
                        message="the file is empty; a CSV table needs at least a header line")]
                result = consume(stream)
                reason = ""
            except pa.ArrowInvalid as exc:
                reason = str(exc)
            finally:
                if stream is not None:
                    _finish(stream, opened)
            if _UNRAISABLE.decode_errors > seen:
                reason = "invalid UTF8 in a row with too few or too many cells"
        if not reason:
            return result, findings
        if "UTF8" in reason and not repaired:
            data, findings = _repair_utf8(path.read_bytes())
            source, repaired = pa.BufferReader(_arrow_owned(data)), True
        elif "straddl" in reason and block < path.stat().st_size + 1:
            block = path.stat().st_size + 1
        else:
            message = f"the CSV file cannot be parsed: {reason}"
            return None, [*findings, Finding(code=FORMAT_ERROR, message=message)]


class _Unraisable:
    """Counts, instead of printing, the decoding errors pyarrow hits on a ragged row's text
    (it decodes the text before it calls the invalid-row handler, possibly in one of its
    threads, and reports a failure only to ``sys.unraisablehook``). The hook is installed
    while any read runs (``with _UNRAISABLE as seen``: the count when the read began); a
    read that saw the count grow is repeated after repairing the file's UTF-8 (with reads
    of several tables at once, another table's error may cost one more read, no more)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.decode_errors = 0
        self.previous: Callable[[Any], object] = sys.unraisablehook

    def __enter__(self) -> int:
        with self.lock:
            if not self.users:
                self.previous = sys.unraisablehook
                sys.unraisablehook = self.hook
            self.users += 1
            return self.decode_errors

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.users -= 1
            if not self.users:
                sys.unraisablehook = self.previous

    def hook(self, event: Any) -> None:
        if isinstance(event.exc_value, UnicodeDecodeError):
            with self.lock:
                self.decode_errors += 1
            return
        self.previous(event)


_UNRAISABLE = _Unraisable()


def _open(source: _Paced | pa.BufferReader, block: int) -> CsvStream | None:
    """The stream of ``source``, parsed ``AHEAD`` of its consumer."""
    ragged: list[Ragged] = []

    def skip(row: pacsv.InvalidRow) -> str:
        if row.number is None:
            return "error"
        cells = next(records(io.StringIO(row.text, newline="")), [])
        ragged.append(Ragged(row=row.number - 1, cells=cells, newlines=row.text.count("\n")))
        return "skip"

    try:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(use_threads=False, block_size=block,
                                           autogenerate_column_names=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=skip),
            convert_options=pacsv.ConvertOptions(column_types=_as_text(source),
                                                 strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        if "Empty CSV file" in str(exc):
            return None
        raise
    try:
        first = reader.read_next_batch()
        while first.num_rows == 0:  # pyarrow may hand out an empty batch first
            first = reader.read_next_batch()
    except BaseException:
        _drain(reader, source)  # never dropped with a read in flight (see _finish)
        raise
    labels = [c[0].as_py() for c in first.columns]
    header_newlines = sum(label.count("\n") for label in labels)

    def batches() -> Iterator[pa.RecordBatch]:
        if first.num_rows > 1:
            # a copy without the header: no Arrow kernel sees a sliced array (on
            # sliced text, if_else corrupts values in pyarrow 16-23)
            yield pa.RecordBatch.from_arrays(
                [pa.concat_arrays([c.slice(1)]) for c in first.columns],
                names=first.schema.names)
        yield from _ahead(_pacing(reader, source), AHEAD)

    return CsvStream(labels, header_newlines, batches(), ragged, reader)


def _finish(stream: CsvStream, source: _Paced | pa.BufferReader) -> None:
    """Stop ``stream`` and run its reader to the end before anyone drops it. A reader
    dropped while its I/O thread is about to call ``_Paced.read`` deadlocks: pyarrow 14
    waits for that thread in the reader's dealloc, holding the GIL the read needs (a
    consumer that stops early, e.g. after a fault, leaves such a read behind). So: stop
    every read return the end of the file (closing ``source``), stop the thread parsing
    ahead (closing ``batches``), then read the rest, which waits with the GIL released."""
    if isinstance(source, _Paced):
        source.close()
    close = getattr(stream.batches, "close", None)
    if close is not None:
        close()
    if stream.reader is not None:
        _drain(stream.reader, source)


def _drain(reader: pacsv.CSVStreamingReader, source: _Paced | pa.BufferReader) -> None:
    """Read ``reader`` to its end, ``source`` reading as an end of file from now on (closed
    here unless ``_finish`` did: ``close`` waits for pyarrow's last read, once is enough)."""
    if isinstance(source, _Paced) and not source.closed:
        source.close()
    with contextlib.suppress(pa.ArrowInvalid, StopIteration):
        while True:
            reader.read_next_batch()


def _pacing(reader: pacsv.CSVStreamingReader, source: _Paced | pa.BufferReader
            ) -> Iterator[pa.RecordBatch]:
    """The batches of ``reader``, each letting it read one more block of ``source``."""
    for batch in reader:
        if isinstance(source, _Paced):
            source.advance()
        yield batch


_DONE = object()


def _ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    """``items``, produced by a thread at most ``depth`` ahead of the consumer; an exception
    of the producer is raised in the consumer."""
    queue: Queue[Any] = Queue(depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                queue.put(item)
                if stop.is_set():
                    return
        except BaseException as exc:  # handed to the consumer
            queue.put(exc)
            return
        queue.put(_DONE)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (item := queue.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # let a blocked producer finish
            with contextlib.suppress(Empty):
                queue.get(timeout=0.01)


def _as_text(source: _Paced | pa.BufferReader) -> dict[str, pa.DataType]:
    """``column_types`` reading every column as text: as many as the header has cells
    (counted by the csv module on the file's first block), with room to spare."""
    if isinstance(source, _Paced):
        head = source.head(HEADER_PROBE)
    else:
        source.seek(0)
        head = source.read(HEADER_PROBE)
        source.seek(0)
    text = head.decode("utf-8", "replace").removeprefix("\ufeff")
    count = len(next(records(io.StringIO(text, newline="")), []))
    return {f"f{i}": pa.string() for i in range(count + SPARE_COLUMNS)}


def _arrow_owned(data: bytes) -> pa.Buffer:
    """``data`` copied into Arrow's memory: a buffer wrapping the Python bytes would be
    released by whichever of pyarrow's threads drops it last, and taking the GIL there at
    interpreter exit aborts the process (see ``read_all``)."""
    out = pa.BufferOutputStream()
    out.write(data)
    return out.getvalue()


def _repair_utf8(data: bytes) -> tuple[bytes, list[Finding]]:
    """Replace invalid UTF-8 byte runs by U+FFFD; one ``encoding-error`` per bad line."""
    text = data.decode("utf-8", "surrogateescape")
    findings: list[Finding] = []
    last_line = 0
    for m in _BAD_BYTES.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if line == last_line:
            continue
        last_line = line
        raw = m.group().encode("utf-8", "surrogateescape")
        findings.append(Finding(
            code=ENCODING_ERROR, line=line, value=raw.hex(" "),
            message=f"line {line} is not valid UTF-8 (bytes {raw.hex(' ')}); the file must be "
                    "UTF-8 encoded"))
    return _BAD_BYTES.sub("\ufffd", text).encode("utf-8"), findings


def read_all(path: Path, column_types: dict[str, pa.DataType],
             null_values: Sequence[str]) -> pa.Table:
    """The CSV file at ``path`` in one read, each column typed by ``column_types`` (text),
    ``null_values`` (quoted or not) as nulls, blank lines kept as rows of nulls so that row
    numbers are exact. A record longer than pyarrow's block is read again with the file as
    one block. Raises ``pa.ArrowInvalid`` when the file is not such a CSV, ``OSError``
    when it cannot be read.

    pyarrow opens the file itself, by path: an input wrapping a Python object (bytes,
    BytesIO, ``pa.BufferReader(bytes)``) is released by whichever of pyarrow's threads
    drops the reader last, maybe after ``read_csv`` returned, and taking the GIL at
    interpreter exit there aborts the process ("terminate called without an active
    exception", Python < 3.14)."""
    size = path.stat().st_size
    parse = pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
    convert = pacsv.ConvertOptions(column_types=column_types, null_values=list(null_values),
                                   strings_can_be_null=True, quoted_strings_can_be_null=True)
    block = BLOCK_SIZE
    while True:
        try:
            return pacsv.read_csv(str(path), parse_options=parse, convert_options=convert,
                                  read_options=pacsv.ReadOptions(block_size=block))
        except pa.ArrowInvalid as exc:
            if "straddl" not in str(exc) or block > size:
                raise
            block = size + 1

"""PDF: parsed with pypdf, every object of every revision inspected, active content refused. No Django.

Searching the bytes for ``/JavaScript`` misses a marker inside a compressed object stream and one
written with a name escape (``/J#61vaScript``). So the document is parsed, names come out decoded, and
every object is looked at, wherever it lives:

1. every object the cross-reference sections list (pypdf merges all revisions): the object streams
   first, decoded and parsed here, every object they pack (current or not) walked and the current ones
   handed to the reader's cache; then every other listed object;
2. every ``N G obj`` in the file that is not the listed version, parsed where it stands: the objects of
   earlier revisions that a later incremental update replaced, objects no cross-reference section
   lists any more, and the object streams among them, unpacked the same way.

Each dictionary is checked for active content, with the name of what was found and where. What pypdf
cannot read is refused with its reason, never "accepted because nothing was found".

The work is bounded, so that no file costs unbounded memory or time: decoded bytes per stream and
for all object streams together (``Limits.max_pdf_stream_bytes``, ``max_pdf_decoded_bytes``), the
number of objects (``max_pdf_objects``) and the reads of the tokenizer (``max_pdf_parse_reads``), each
object parsed once, and none of pypdf's searches of the whole file for a misplaced object (``_Reader``
and ``_repair_xref``: once per bad reference they made a 1 MB file cost a minute).

Decisions (see the README's Security section):

- URI links are accepted when they are http(s), mailto or tel: official documents link to legal texts
  and portals, and a viewer asks before following one. Any other scheme (``javascript:``, ``file:``,
  ``\\\\server\\share``, a relative path resolved against the file's own folder) is refused.
- GoTo, Named (next page…), Thread, SetOCGState, Trans and Hide actions move around the document or
  show and hide parts of it: accepted. Everything else is refused, unknown action types included.
- SubmitForm, ImportData *and* ResetForm are refused: a filed paper is evidence, not a live form; a
  button that sends its fields to a server, loads other data into them or wipes what the applicant
  filled in has no use once filed (print it to PDF to flatten it).
- ``/OpenAction`` is accepted when it is a destination or a plain GoTo to one (where the viewer opens);
  any other action run on opening is refused. ``/AA`` (actions run by themselves when a page opens, a
  field changes…) is refused wherever it is.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    read_object,
)

from documents.validation.base import MB, FileRejected, Limits, parser_reason
from documents.validation.office import zip_names


@dataclass(frozen=True, order=True)
class Finding:
    rank: int  # the most telling finding is reported: JavaScript before an odd link
    code: str
    message: str


# What each refused action type is, for its message and code.
_JAVASCRIPT = {"/JavaScript", "/ECMAScript"}
_FORM_ACTIONS = {"/SubmitForm", "/ResetForm", "/ImportData"}
_REMOTE_ACTIONS = {"/GoToR", "/GoToE"}
_MEDIA_ACTIONS = {"/Rendition", "/Movie", "/Sound", "/RichMediaExecute", "/GoTo3DView"}
_DANGEROUS_ACTIONS = _JAVASCRIPT | {"/Launch"} | _FORM_ACTIONS | _REMOTE_ACTIONS | _MEDIA_ACTIONS
_HARMLESS_ACTIONS = {"/GoTo", "/GoToDp", "/URI", "/Named", "/Thread", "/SetOCGState", "/Trans", "/Hide"}
_MEDIA_SUBTYPES = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
_MEDIA_KEYS = {"/RichMediaContent", "/RichMediaSettings"}
_LINK_SCHEMES = {"http", "https", "mailto", "tel"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")

# An object header is "12 0 obj": two numbers and the keyword, PDF white space between them.
_SPACES = frozenset(b"\x00\t\n\x0b\f\r ")
_DIGITS = frozenset(b"0123456789")
_HTML = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed)\b", re.IGNORECASE)
_EOF = b"%%EOF"
_OLD = " (phần cũ đã bị thay thế hoặc không dùng đến, vẫn nằm trong tệp)"


def inspect_pdf(data: bytes, limits: Limits) -> int:
    """Check a PDF and return its number of pages, or refuse it with the most telling reason."""
    bounds = limits.max_pdf_stream_bytes
    with apply_configuration(
        zlib_maximum_output_length=bounds,
        lzw_maximum_output_length=bounds,
        run_length_maximum_output_length=bounds,
        brotli_maximum_output_length=bounds,
        array_based_stream_maximum_output_length=bounds,
        maximum_declared_stream_length=limits.max_bytes,
    ):
        inspection = _Inspection(data, limits)
        try:
            pages = inspection.run()
        except FileRejected:
            raise
        except Exception as exc:  # pypdf raises many types on hostile bytes; all mean "cannot be read"
            inspection.refuse_found()
            if inspection.budget.spent:
                raise inspection.budget.refusal() from exc
            if isinstance(exc, LimitReachedError):
                raise FileRejected(
                    "pdf_too_complex", f"Tệp PDF vượt giới hạn xử lý an toàn ({parser_reason(exc)})."
                ) from exc
            raise FileRejected(
                "pdf_malformed",
                f"Tệp PDF bị hỏng hoặc sai cấu trúc, không đọc được (trình đọc PDF báo: {parser_reason(exc)}).",
            ) from exc
    if inspection.budget.spent:  # pypdf may have caught the error and carried on
        raise inspection.budget.refusal()
    inspection.refuse_found()
    _refuse_polyglot(data)
    if pages == 0:
        raise FileRejected("pdf_malformed", "Tệp PDF bị hỏng: không có trang nào.")
    if pages > limits.max_pdf_pages:
        raise FileRejected(
            "too_many_pages", f"Tệp PDF có {pages} trang, tối đa {limits.max_pdf_pages} trang."
        )
    return pages


class _Budget:
    """Reads left for the tokenizer. pypdf reads a name or a string one byte at a time (~3 µs a byte):
    counting reads, not bytes, is what bounds the time a file can cost."""

    def __init__(self, reads: int) -> None:
        self.reads = self.left = reads
        self.spent = False

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            self.spent = True
            raise LimitReachedError("parsing budget exhausted")

    def refusal(self) -> FileRejected:
        return FileRejected(
            "pdf_too_complex",
            f"Tệp PDF vượt giới hạn xử lý an toàn: cần phân tích quá nhiều (hơn {self.reads:,} lần đọc).",
        )


class _Budgeted(io.BytesIO):
    """The bytes every parser in this module reads, on the shared budget."""

    def __init__(self, data: bytes, budget: _Budget) -> None:
        super().__init__(data)
        self.budget = budget

    def read(self, size: int | None = -1, /) -> bytes:
        budget = self.budget  # inlined spend(): pypdf calls this once per byte of a name or string
        budget.left -= 1
        if budget.left < 0:
            budget.spend()
        return super().read(size)


class _Inspection:
    def __init__(self, data: bytes, limits: Limits) -> None:
        self.data = data
        self.limits = limits
        self.budget = _Budget(limits.max_pdf_parse_reads)
        self.findings: set[Finding] = set()
        self.objects = 0
        self.decoded = 0
        self.object_streams: set[bytes] = set()
        self.headers: list[tuple[int, int, int, int]] = []
        self.reader: _Reader

    def run(self) -> int:
        self.headers = self._object_headers()
        reader = self.reader = _Reader(_Budgeted(self.data, self.budget), strict=False)
        if reader.is_encrypted:
            raise FileRejected(
                "pdf_encrypted", "Tệp PDF được mã hóa hoặc đặt mật khẩu: hãy nộp bản không mã hóa."
            )
        self._repair_xref(reader)
        # Object streams first, parsed here (on the budget) and handed to the reader's cache, so that
        # the reader never parses them again; then the page tree; then every other listed object.
        for number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
            self._load_object_stream(reader, number)
        pages = len(reader.pages)
        for idnum, generation in self._listed_objects(reader):
            where = f"đối tượng {idnum} {generation}"
            try:
                obj = reader.get_object(IndirectObject(idnum, generation, reader))
            except (FileRejected, LimitReachedError):
                raise
            except Exception as exc:
                raise FileRejected(
                    "pdf_malformed",
                    f"Tệp PDF bị hỏng: không đọc được {where} (trình đọc PDF báo: {parser_reason(exc)}).",
                ) from exc
            if obj is not None:
                self.walk(obj, where)
        for where, obj in self._objects_where_they_stand(reader):
            self.walk(obj, where)
        self.walk(reader.trailer, "phần cuối tệp (trailer)")
        return pages

    def label(self, idnum: int, generation: int) -> str:
        text = f"đối tượng {idnum} {generation}"
        if generation == 0 and idnum in self.reader.xref_objStm:
            text += f" trong luồng đối tượng {self.reader.xref_objStm[idnum][0]}"
        return text

    def count(self, more: int = 1) -> None:
        self.objects += more
        if self.objects > self.limits.max_pdf_objects:
            raise FileRejected(
                "pdf_too_complex",
                f"Tệp PDF có hơn {self.limits.max_pdf_objects} đối tượng: vượt giới hạn xử lý an toàn.",
            )

    def _object_headers(self) -> list[tuple[int, int, int, int]]:
        """(start, end, number, generation) of every ``N G obj`` in the file, in one pass: each
        ``obj`` found by ``bytes.find``, its two numbers read backwards (a regular expression tried
        at every byte took two seconds over a 13 MB scan)."""
        data, found = self.data, []
        at = data.find(b"obj")
        while at != -1:
            if not data[at + 3 : at + 4].isalpha():  # "objx" is no keyword
                generation_end = _skip_back(data, at - 1, _SPACES)
                generation_start = _skip_back(data, generation_end, _DIGITS)
                number_end = _skip_back(data, generation_start, _SPACES)
                number_start = _skip_back(data, number_end, _DIGITS)
                if (
                    generation_end < at - 1
                    and 0 < generation_end - generation_start <= 5
                    and number_end < generation_start
                    and 0 < number_end - number_start <= 10
                ):
                    self.count()
                    found.append(
                        (
                            number_start + 1,
                            at + 3,
                            int(data[number_start + 1 : number_end + 1]),
                            int(data[generation_start + 1 : generation_end + 1]),
                        )
                    )
            at = data.find(b"obj", at + 3)
        return found

    def _repair_xref(self, reader: PdfReader) -> None:
        """Point every cross-reference entry at its object's header, or drop it. pypdf searches the
        whole file again for each entry whose offset is wrong: thousands of wrong entries in a large
        file made that minutes of work. The search finds what this one pass over the headers finds."""
        last = {(number, generation): start for start, _end, number, generation in self.headers}
        for generation, entries in reader.xref.items():
            for idnum, offset in list(entries.items()):
                if generation == 65535:
                    continue
                found = _header_at(self.data, offset)
                if found is not None and found[:2] == (idnum, generation):
                    entries[idnum] = found[2]  # where its number starts, as the header scan has it
                elif (idnum, generation) in last:
                    entries[idnum] = last[idnum, generation]
                else:
                    del entries[idnum]  # what the reader does when its search finds nothing

    def _listed_objects(self, reader: PdfReader) -> Iterator[tuple[int, int]]:
        """Every object the cross-reference sections list outside object streams (those were walked
        when their stream was loaded)."""
        free = reader.xref_free_entry
        for generation, entries in list(reader.xref.items()):
            if generation == 65535:
                continue
            for idnum in list(entries):
                if not free.get(generation, {}).get(idnum, False):
                    self.count()
                    yield idnum, generation

    def _load_object_stream(self, reader: _Reader, number: int) -> None:
        where = f"luồng đối tượng {number}"
        try:
            stream = reader.get_object(IndirectObject(number, 0, reader))
        except (FileRejected, LimitReachedError):
            raise
        except Exception as exc:
            raise FileRejected(
                "pdf_malformed",
                f"Tệp PDF bị hỏng: không đọc được {where} (trình đọc PDF báo: {parser_reason(exc)}).",
            ) from exc
        if (
            number in reader.xref_objStm
            or not isinstance(stream, StreamObject)
            or stream.get("/Type") != "/ObjStm"
        ):
            raise FileRejected("pdf_malformed", f"Tệp PDF bị hỏng: {where} không phải luồng đối tượng.")
        for member, obj in self._object_stream(stream, where):
            if reader.xref_objStm.get(member, (None,))[0] == number:
                if reader.cache_get_indirect_object(0, member) is None:
                    reader.cache_indirect_object(0, member, obj)
                self.walk(obj, f"đối tượng {member} 0 trong {where}")
            else:
                self.walk(obj, f"đối tượng {member} 0 trong {where}{_OLD}")

    def _objects_where_they_stand(self, reader: _Reader) -> Iterator[tuple[str, PdfObject]]:
        """Every object header in the file, parsed where it stands: the objects of earlier revisions
        and orphans. The objects the cross-reference lists were parsed, strictly, through it: they
        are skipped, with whatever header-like bytes their streams hold. A header that does not parse
        is a false match inside binary data (an image, a font) and is skipped too; the bytes parsed
        for those are counted, so that overlapping false starts cannot make the work quadratic."""
        stream = _Budgeted(self.data, self.budget)
        budget = 2 * len(self.data) + MB
        parsed_to = 0
        for start, end, idnum, generation in self.headers:
            if start < parsed_to:
                continue
            if reader.xref.get(generation, {}).get(idnum) == start and (idnum, generation) in reader.ends:
                parsed_to = reader.ends[idnum, generation]
                continue
            stream.seek(end)
            try:
                _skip_space(stream)
                obj = read_object(stream, reader)
            except (FileRejected, LimitReachedError):
                raise
            except Exception:
                budget -= stream.tell() - end
                if budget < 0:
                    raise FileRejected(
                        "pdf_too_complex",
                        "Tệp PDF có cấu trúc chồng chéo bất thường: vượt giới hạn xử lý an toàn.",
                    ) from None
                continue
            parsed_to = stream.tell()
            where = f"đối tượng {idnum} {generation}{_OLD}"
            yield where, obj
            if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
                for member, packed in self._object_stream(obj, f"luồng đối tượng {idnum}"):
                    yield f"đối tượng {member} 0 trong luồng đối tượng {idnum}{_OLD}", packed

    def _object_stream(self, stream: StreamObject, where: str) -> Iterator[tuple[int, PdfObject]]:
        """The objects packed in an object stream, decoded once within the limits (the same stream
        met again, as an earlier revision's copy say, yields nothing)."""
        key = hashlib.blake2b(stream._data, digest_size=16).digest()
        if key in self.object_streams:
            return
        self.object_streams.add(key)
        content = stream.get_data()
        self.decoded += len(content)
        if self.decoded > self.limits.max_pdf_decoded_bytes:
            raise FileRejected(
                "pdf_too_complex",
                f"Các luồng đối tượng của tệp PDF giải nén ra hơn {self.limits.max_pdf_decoded_bytes // MB} MB: "
                "vượt giới hạn xử lý an toàn.",
            )
        count, first = stream.get("/N"), stream.get("/First")
        if not isinstance(count, NumberObject) or not isinstance(first, NumberObject):
            raise FileRejected("pdf_malformed", f"Tệp PDF bị hỏng: {where} thiếu /N hoặc /First.")
        self.count(int(count))
        buffer = _Budgeted(content, self.budget)
        header: list[tuple[int, int]] = []
        try:
            for _ in range(int(count)):
                _skip_space(buffer)
                number_token = NumberObject.read_from_stream(buffer)
                _skip_space(buffer)
                offset_token = NumberObject.read_from_stream(buffer)
                header.append((int(number_token), int(offset_token)))
            for number, offset in header:
                if not 0 <= int(first) + offset < len(content):
                    raise ValueError(f"object {number} outside the stream")
                buffer.seek(int(first) + offset)
                _skip_space(buffer)
                obj = read_object(buffer, self.reader)
                yield number, obj
        except (FileRejected, LimitReachedError):
            raise
        except Exception as exc:
            raise FileRejected(
                "pdf_malformed",
                f"Tệp PDF bị hỏng: không đọc được {where} (trình đọc PDF báo: {parser_reason(exc)}).",
            ) from exc

    # -----------------------------------------------------------------------------------------
    # What is looked for in each object

    def found(self, rank: int, code: str, message: str) -> None:
        self.findings.add(Finding(rank, code, message))

    def refuse_found(self) -> None:
        if self.findings:
            finding = min(self.findings)
            raise FileRejected(finding.code, f"{finding.message}: không được chấp nhận.")

    def walk(self, obj: PdfObject, where: str) -> None:
        """Check an object and every dictionary nested in it (indirect references are not followed:
        each indirect object is walked on its own)."""
        pending: list[PdfObject] = [obj]
        while pending:
            node = pending.pop()
            if isinstance(node, DictionaryObject):
                self.check_dictionary(node, where)
                pending.extend(value for _key, value in dict.items(node))
            elif isinstance(node, ArrayObject):
                pending.extend(list.__iter__(node))

    def check_dictionary(self, node: DictionaryObject, where: str) -> None:
        keys = set(dict.keys(node))
        kind, subtype, action = self.name(node, "/Type"), self.name(node, "/Subtype"), self.name(node, "/S")
        if "/JS" in keys:
            self.found(0, "pdf_javascript", f"Tệp PDF chứa mã JavaScript (khóa /JS, {where})")
        if "/JavaScript" in keys:
            self.found(
                0, "pdf_javascript", f"Tệp PDF chứa danh mục mã JavaScript (/Names /JavaScript, {where})"
            )
        # Outside an /A, /OpenAction, /Next or /AA entry /S has other meanings (a border style, a page
        # label, a structure element), so only the action types that are never anything else count here.
        if action in _DANGEROUS_ACTIONS or action == "/URI" or (kind == "/Action" and action is not None):
            self.check_action(node, where)
        embedded = [key for key in ("/EmbeddedFiles", "/EF") if key in keys]
        if kind == "/EmbeddedFile":
            embedded.append("/Type /EmbeddedFile")
        if subtype == "/FileAttachment":
            embedded.append("chú thích /FileAttachment")
        if embedded:
            self.found(2, "pdf_embedded_file", f"Tệp PDF chứa tệp nhúng bên trong ({embedded[0]}, {where})")
        media = ([subtype] if subtype in _MEDIA_SUBTYPES else []) + sorted(keys & _MEDIA_KEYS)
        if media:
            self.found(
                3,
                "pdf_rich_media",
                f"Tệp PDF chứa nội dung đa phương tiện (Flash, 3D, âm thanh, video: {media[0]}, {where})",
            )
        if "/XFA" in keys:
            self.found(4, "pdf_xfa", f"Tệp PDF là biểu mẫu động XFA (/XFA, {where})")
        if "/AA" in keys and self._is_non_empty(dict.get(node, "/AA")):
            self.found(
                6, "pdf_auto_action", f"Tệp PDF chứa hành động tự chạy (/AA) ở {_owner(node)} ({where})"
            )
        if "/OpenAction" in keys:
            self.check_open_action(dict.get(node, "/OpenAction"), where)
        for key in ("/A", "/Next"):
            if key in keys:
                for target, there in self._actions(dict.get(node, key), where):
                    self.check_action(target, there)

    def name(self, node: DictionaryObject, key: str) -> str | None:
        """A name entry, through one indirect reference (``/S 5 0 R`` must not hide ``/JavaScript``)."""
        value = self._resolve(dict.get(node, key))
        return str(value) if isinstance(value, NameObject) else None

    def check_action(self, action: DictionaryObject, where: str) -> None:
        kind = self.name(action, "/S")
        if kind is None:
            return
        if kind in _JAVASCRIPT:
            self.found(0, "pdf_javascript", f"Tệp PDF chứa mã JavaScript (hành động {kind}, {where})")
        elif kind == "/Launch":
            self.found(1, "pdf_launch", f"Tệp PDF chứa lệnh chạy chương trình hoặc mở tệp (Launch, {where})")
        elif kind in _MEDIA_ACTIONS:
            self.found(
                3, "pdf_rich_media", f"Tệp PDF chứa lệnh phát nội dung đa phương tiện ({kind}, {where})"
            )
        elif kind in _FORM_ACTIONS:
            self.found(
                5,
                "pdf_form_action",
                f"Tệp PDF chứa lệnh biểu mẫu {kind[1:]} (gửi, nhập hoặc xóa dữ liệu; hãy in ra PDF để làm phẳng) ({where})",
            )
        elif kind in _REMOTE_ACTIONS:
            self.found(5, "pdf_remote_action", f"Tệp PDF chứa lệnh mở tài liệu khác ({kind[1:]}, {where})")
        elif kind == "/URI":
            self.check_link(action, where)
        elif kind not in _HARMLESS_ACTIONS:
            self.found(5, "pdf_action", f"Tệp PDF chứa hành động «{kind[1:]}» ({where})")

    def check_link(self, action: DictionaryObject, where: str) -> None:
        target = self._resolve(dict.get(action, "/URI"))
        uri = target.decode("latin-1") if isinstance(target, bytes) else str(target or "")
        match = _SCHEME.match(uri.strip().lower())
        if match is None or match[1] not in _LINK_SCHEMES:
            shown = uri.strip()[:60] or "(trống)"
            self.found(
                8,
                "pdf_unsafe_link",
                f"Tệp PDF chứa liên kết không an toàn «{shown}» (chỉ nhận liên kết http, https, mailto, tel; {where})",
            )

    def check_open_action(self, value: PdfObject | None, where: str) -> None:
        action, where = self._follow(value, where)
        if isinstance(action, DictionaryObject):
            kind = self.name(action, "/S")
            if kind != "/GoTo" or "/Next" in action:
                name = kind[1:] if kind is not None else "?"
                self.found(
                    7,
                    "pdf_open_action",
                    f"Tệp PDF tự thực hiện hành động «{name}» khi mở (/OpenAction, {where})",
                )
            self.check_action(action, where)
        elif action is not None and not isinstance(action, ArrayObject):
            self.found(7, "pdf_open_action", f"Tệp PDF có /OpenAction không hợp lệ ({where})")

    def _resolve(self, value: PdfObject | None) -> PdfObject | None:
        if isinstance(value, IndirectObject):
            # One level, through the reader: what the viewer would find there.
            return value.get_object()
        return value

    def _follow(self, value: PdfObject | None, where: str) -> tuple[PdfObject | None, str]:
        """``value`` through one indirect reference, and where that leads, for the message."""
        if isinstance(value, IndirectObject):
            return value.get_object(), f"{where} → {self.label(value.idnum, value.generation)}"
        return value, where

    def _actions(self, value: PdfObject | None, where: str) -> Iterable[tuple[DictionaryObject, str]]:
        resolved, there = self._follow(value, where)
        items = list.__iter__(resolved) if isinstance(resolved, ArrayObject) else [resolved]
        for item in items:
            action, here = self._follow(item, there)
            if isinstance(action, DictionaryObject) and "/S" in dict.keys(action):
                yield action, here

    def _is_non_empty(self, value: PdfObject | None) -> bool:
        resolved = self._resolve(value)
        return not isinstance(resolved, DictionaryObject) or len(resolved) > 0


class _Reader(PdfReader):
    """pypdf's reader without its search of the whole file for an object that no cross-reference
    section lists: such a reference is null (ISO 32000-2 §7.3.10). Searching once per missing
    reference, a 1 MB file with 3,000 of them took a minute to read. Objects in object streams come
    from the cache the inspection fills. It notes where each object it parses from the file ends."""

    def __init__(self, stream: io.BytesIO, strict: bool) -> None:
        self.ends: dict[tuple[int, int], int] = {}
        super().__init__(stream, strict=strict)

    def get_object(self, indirect_reference: int | IndirectObject) -> PdfObject | None:
        reference = (
            IndirectObject(indirect_reference, 0, self)
            if isinstance(indirect_reference, int)
            else indirect_reference
        )
        if reference.generation == 0 and reference.idnum in self.xref_objStm:
            # The inspection parses every object stream itself (on its budget) and fills the cache:
            # an object its stream does not hold is null, not a reason to parse the stream again.
            cached = self.resolved_objects.get((0, reference.idnum))
            return cached if cached is not None else NullObject()
        if reference.idnum not in self.xref.get(reference.generation, {}):
            return NullObject()
        parsed = (reference.generation, reference.idnum) in self.resolved_objects
        obj = super().get_object(reference)
        if not parsed:
            self.ends[reference.idnum, reference.generation] = self.stream.tell()
        return obj


_HEADER_AT = re.compile(
    rb"[\x00\t\n\x0b\f\r ]*([0-9]{1,10})[\x00\t\n\x0b\f\r ]+([0-9]{1,5})[\x00\t\n\x0b\f\r ]+obj"
)


def _skip_back(data: bytes, at: int, kinds: frozenset[int]) -> int:
    """The index of the first byte at or before ``at``, going backwards, that is not in ``kinds``."""
    while at >= 0 and data[at] in kinds:
        at -= 1
    return at


def _header_at(data: bytes, offset: int) -> tuple[int, int, int] | None:
    """(number, generation, where the number starts) of the object header at ``offset``."""
    match = _HEADER_AT.match(data, offset) if 0 <= offset < len(data) else None
    return (int(match[1]), int(match[2]), match.start(1)) if match else None


def _owner(node: DictionaryObject) -> str:
    """What a dictionary holding /AA is, in words."""
    kind = dict.get(node, "/Type")
    if kind == "/Catalog":
        return "cấp tài liệu"
    if kind in ("/Page", "/Pages"):
        return "trang"
    if "/FT" in node:
        return "trường biểu mẫu"
    if kind == "/Annot" or "/Subtype" in node:
        return "chú thích"
    return "đối tượng"


def _skip_space(stream: io.BytesIO) -> None:
    while (byte := stream.read(1)) and byte in b"\x00\t\n\f\r ":
        pass
    if byte:
        stream.seek(-1, 1)


def _refuse_polyglot(data: bytes) -> None:
    """A file that is a PDF *and* something else: read as the other thing by another program."""
    end = data.rfind(_EOF)
    if end < 0:
        raise FileRejected("pdf_malformed", "Tệp PDF bị hỏng: không có dấu kết thúc %%EOF.")
    tail = data[end + len(_EOF) :].strip(b"\x00\t\n\f\r ")
    if tail:
        raise FileRejected(
            "pdf_polyglot",
            f"Tệp PDF có {len(tail)} byte dữ liệu lạ sau dấu kết thúc %%EOF (tệp ghép): không được chấp nhận.",
        )
    if _HTML.search(data, 0, 1024):
        raise FileRejected(
            "pdf_polyglot",
            "Tệp PDF chứa mã HTML ở phần đầu, trình duyệt có thể đọc nó như một trang web (tệp ghép): "
            "không được chấp nhận.",
        )
    if zip_names(data):
        raise FileRejected(
            "pdf_polyglot", "Tệp vừa là PDF vừa là tệp nén ZIP (tệp ghép): không được chấp nhận."
        )

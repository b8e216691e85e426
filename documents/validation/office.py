"""Office files: Word/Excel (OOXML) and OpenDocument are ZIP archives, Word/Excel 97-2003 are OLE2
compound files. No Django.

A ZIP archive is judged from its central directory and each member's local header *before* anything is
decompressed: a member flagged encrypted or compressed with a method Office never uses is refused with
that reason (``zipfile`` would raise RuntimeError / NotImplementedError on reading it: the 500 this
module exists to prevent). Then every member is decompressed in chunks, bounded by the declared sizes
(which are themselves bounded), so that a bad CRC or a truncated archive is found, and the few XML
parts that say whether the document carries macros or fetches a remote template are parsed.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterable
from xml.etree import ElementTree

from documents.validation.base import DOC, ODS, ODT, XLS, FileKind, FileRejected, Limits, parser_reason

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

ODF_MIMETYPES = {ODT.content_type: ODT, ODS.content_type: ODS}

_ENCRYPTED = 0x0001 | 0x0040  # general purpose flags: traditional (bit 0) or strong (bit 6) encryption
_UTF8 = 0x0800  # general purpose flag: the name is UTF-8 (otherwise code page 437)
_METHODS = {zipfile.ZIP_STORED: "Stored", zipfile.ZIP_DEFLATED: "Deflate"}  # all Office/ODF ever write
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_XML_PART_MAX = 4 * MB  # content types, relationships, manifest: a few KB in real files
_RATIO_FLOOR = MB  # below this, however well the archive compresses, it is no bomb
_MAX_ENTRIES_TO_PARSE = 65_535  # what a ZIP without the ZIP64 extension can hold


def zip_entries_at_most(data: bytes) -> int:
    """An upper bound on the members ``zipfile`` would read, counted without parsing: each starts with
    the central directory signature. ``zipfile`` builds an object per member, however many the
    directory holds (a 20 MB directory holds 450,000)."""
    return data.count(b"PK\x01\x02")


def zip_names(data: bytes) -> set[str] | None:
    """The member names of a ZIP archive from its central directory, or None when it has none (or
    more members than any office file has)."""
    if zip_entries_at_most(data) > _MAX_ENTRIES_TO_PARSE:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename for info in archive.infolist()}
    except Exception:  # zipfile raises half a dozen types on hostile bytes; any of them means "not a ZIP"
        return None


def odf_mimetype(data: bytes) -> str | None:
    """The ``mimetype`` an OpenDocument file declares in its first member, which the format requires
    to be stored uncompressed: read from the local header, without decompressing anything."""
    if len(data) < _LOCAL_HEADER.size:
        return None
    _sig, _version, flags, method, _t, _d, _crc, size, _usize, name_len, extra_len = (
        _LOCAL_HEADER.unpack_from(data)
    )
    start = _LOCAL_HEADER.size + name_len + extra_len
    if (
        data[_LOCAL_HEADER.size : _LOCAL_HEADER.size + name_len] != b"mimetype"
        or method
        or flags & _ENCRYPTED
    ):
        return None
    value = data[start : start + size]
    if size > 200 or len(value) != size:
        return None
    return value.decode("ascii", "replace").strip()


def inspect_office(data: bytes, kind: FileKind, limits: Limits) -> None:
    """Refuse, with the reason, an office file that is broken, encrypted, a bomb, or carries code."""
    if kind in (DOC, XLS):
        inspect_ole(data, kind)
        return
    label = kind.label
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        raise FileRejected(
            "office_malformed", f"Tệp {label} bị hỏng hoặc không đầy đủ ({parser_reason(exc)})."
        ) from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, data, label, limits)
        _check_code_by_name(infos, label)
        _read_every_member(archive, infos, label)
        if kind in (ODT, ODS):
            _check_odf_manifest(archive, label)
        else:
            _check_ooxml_parts(archive, infos, label)


def _check_directory(infos: list[zipfile.ZipInfo], data: bytes, label: str, limits: Limits) -> None:
    if len(infos) > limits.max_zip_members:
        raise FileRejected(
            "zip_bomb",
            f"Tệp {label} có {len(infos)} mục nén, tối đa {limits.max_zip_members}: không được chấp nhận.",
        )
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        if _unsafe_path(name):
            raise FileRejected(
                "zip_path",
                f"Tệp {label} chứa mục có đường dẫn không hợp lệ «{name[:80]}»: không được chấp nhận.",
            )
        if name in seen:
            # Two members with one name: each reader picks a different one (a known evasion).
            raise FileRejected("office_malformed", f"Tệp {label} bị hỏng: có hai mục cùng tên «{name[:80]}».")
        seen.add(name)
        if info.flag_bits & _ENCRYPTED:
            raise FileRejected(
                "office_encrypted",
                f"Tệp {label} được mã hóa hoặc đặt mật khẩu (mục «{name[:80]}»): hãy nộp bản không mã hóa.",
            )
        if info.compress_type not in _METHODS:
            raise FileRejected(
                "zip_method",
                f"Tệp {label} dùng phương thức nén không hỗ trợ (số {info.compress_type}, mục «{name[:80]}»); "
                "chỉ nhận Stored/Deflate như Office và LibreOffice ghi.",
            )
    _check_local_headers(infos, data, label)
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > limits.max_zip_uncompressed:
        raise FileRejected(
            "zip_bomb",
            f"Tệp {label} giải nén ra {total / MB:.0f} MB, tối đa {limits.max_zip_uncompressed // MB} MB: "
            "không được chấp nhận.",
        )
    if total > _RATIO_FLOOR and total / compressed > limits.max_zip_ratio:
        raise FileRejected(
            "zip_bomb",
            f"Tệp {label} có tỉ lệ nén bất thường ({total // compressed}:1, tối đa {limits.max_zip_ratio}:1): "
            "không được chấp nhận.",
        )


def _unsafe_path(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name:
        return True
    if any(ord(ch) < 32 for ch in name):
        return True
    parts = name.split("/")
    return ":" in parts[0] or any(part in ("..", ".") for part in parts)


def _check_local_headers(infos: list[zipfile.ZipInfo], data: bytes, label: str) -> None:
    """Each member's local header must agree with the central directory (a reader that walks the local
    headers must see the same archive), and no two members' data may overlap (the overlapping-entries
    zip bomb) or run past the end (a truncated archive)."""
    spans: list[tuple[int, int, str]] = []
    renamed: list[str] = []
    for info in infos:
        name = info.filename[:80]
        offset = info.header_offset
        header = data[offset : offset + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size:
            raise FileRejected("office_malformed", f"Tệp {label} bị cắt cụt (mục «{name}» nằm ngoài tệp).")
        signature, _v, flags, method, _t, _d, _crc, _size, _usize, name_len, extra_len = _LOCAL_HEADER.unpack(
            header
        )
        if signature != b"PK\x03\x04":
            raise FileRejected("office_malformed", f"Tệp {label} bị hỏng: không tìm thấy mục «{name}».")
        if (flags & _ENCRYPTED) != (info.flag_bits & _ENCRYPTED) or method != info.compress_type:
            raise FileRejected(
                "office_malformed",
                f"Tệp {label} bị hỏng: phần đầu của mục «{name}» không khớp danh mục của tệp nén.",
            )
        start = offset + _LOCAL_HEADER.size + name_len + extra_len
        end = start + info.compress_size
        if end > len(data):
            raise FileRejected("office_malformed", f"Tệp {label} bị cắt cụt (mục «{name}» không đầy đủ).")
        spans.append((offset, end, name))
        local_name = data[offset + _LOCAL_HEADER.size : offset + _LOCAL_HEADER.size + name_len]
        if local_name.decode("utf-8" if flags & _UTF8 else "cp437", "replace") != info.orig_filename:
            renamed.append(name)
    spans.sort()
    for (_start, end, name), (next_start, _end, next_name) in itertools.pairwise(spans):
        if next_start < end:
            raise FileRejected(
                "office_malformed", f"Tệp {label} bị hỏng: mục «{name}» và «{next_name}» chồng lên nhau."
            )
    if renamed:
        raise FileRejected(
            "office_malformed",
            f"Tệp {label} bị hỏng: tên mục «{renamed[0]}» khác nhau giữa phần đầu và danh mục.",
        )


_OOXML_CODE = (
    ("vbaproject.bin", "macro VBA"),
    ("vbaprojectsignature.bin", "macro VBA"),
    ("vbadata.xml", "macro VBA"),
)


def _check_code_by_name(infos: Iterable[zipfile.ZipInfo], label: str) -> None:
    for info in infos:
        lower = info.filename.lower()
        base = lower.rsplit("/", 1)[-1]
        what = next((words for name, words in _OOXML_CODE if base == name), None)
        if what is None and lower.startswith("xl/macrosheets/"):
            what = "macro Excel 4.0"
        elif what is None and "/activex/" in f"/{lower}":
            what = "điều khiển ActiveX"
        elif what is None and lower.startswith(("basic/", "scripts/")):
            what = "macro/tập lệnh"
        if what is not None:
            raise FileRejected(
                "macro", f"Tệp {label} chứa {what} ({info.filename[:80]}): không được chấp nhận."
            )


def _read_every_member(archive: zipfile.ZipFile, infos: Iterable[zipfile.ZipInfo], label: str) -> None:
    """Decompress each member in chunks (never more than its declared, bounded size) and check its
    CRC: a corrupt or truncated member is named."""
    for info in infos:
        if info.is_dir():
            continue
        try:
            with archive.open(info) as member:
                while member.read(MB):
                    pass
        except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError, struct.error...
            raise FileRejected(
                "office_malformed",
                f"Tệp {label} bị hỏng: không giải nén được mục «{info.filename[:80]}» ({parser_reason(exc)}).",
            ) from exc


def _xml_part(archive: zipfile.ZipFile, name: str, label: str) -> ElementTree.Element | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _XML_PART_MAX:
        raise FileRejected("office_malformed", f"Tệp {label} bị hỏng: phần «{name[:80]}» lớn bất thường.")
    try:
        # The standard parser resolves no external entity and caps entity expansion (expat ≥ 2.4).
        return ElementTree.fromstring(archive.read(info))
    except (ElementTree.ParseError, zlib.error, zipfile.BadZipFile, ValueError) as exc:
        raise FileRejected(
            "office_malformed",
            f"Tệp {label} bị hỏng: phần «{name[:80]}» không đọc được ({parser_reason(exc)}).",
        ) from exc


_MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "macrosheet", "activex")
# Relationships that make Word or Excel fetch and load something from elsewhere when the file opens
# (remote template injection and its kin); plain hyperlinks are normal and stay.
_REMOTE_LOADS = {"attachedTemplate", "oleObject", "subDocument", "frame"}


def _check_ooxml_parts(archive: zipfile.ZipFile, infos: Iterable[zipfile.ZipInfo], label: str) -> None:
    types = _xml_part(archive, "[Content_Types].xml", label)
    for element in types.iter() if types is not None else ():
        content_type = element.get("ContentType", "")
        if any(marker in content_type.lower() for marker in _MACRO_CONTENT_TYPES):
            raise FileRejected(
                "macro", f"Tệp {label} là loại có macro ({content_type[:100]}): không được chấp nhận."
            )
    for info in infos:
        if not info.filename.endswith(".rels"):
            continue
        relationships = _xml_part(archive, info.filename, label)
        for element in relationships.iter() if relationships is not None else ():
            kind = element.get("Type", "").rsplit("/", 1)[-1]
            if element.get("TargetMode") == "External" and kind in _REMOTE_LOADS:
                target = element.get("Target", "")[:80]
                raise FileRejected(
                    "office_external",
                    f"Tệp {label} tải nội dung từ bên ngoài khi mở ({kind}: {target}): không được chấp nhận.",
                )


_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"


def _check_odf_manifest(archive: zipfile.ZipFile, label: str) -> None:
    # An OpenDocument file with a password keeps ordinary ZIP members whose content is encrypted; only
    # the manifest says so.
    manifest = _xml_part(archive, "META-INF/manifest.xml", label)
    if manifest is not None and manifest.find(f".//{_MANIFEST}encryption-data") is not None:
        raise FileRejected("office_encrypted", f"Tệp {label} được đặt mật khẩu: hãy nộp bản không mã hóa.")


# ---------------------------------------------------------------------------------------------
# OLE2 compound files (Word/Excel 97-2003): the directory, read by following the allocation table.

_OLE_HEADER = struct.Struct("<8s16sHHHHH6sIIIIIIIII")
_CHAIN_ENDS = (0xFFFFFFFF, 0xFFFFFFFE)  # free sector, end of chain
_MAX_OLE_ENTRIES = 50_000
_MINI_CUTOFF = 4096  # smaller streams live in the mini stream


class _Ole:
    """Just enough of [MS-CFB] to list the entries and read the first sector of a big stream."""

    def __init__(self, data: bytes) -> None:
        fields = _OLE_HEADER.unpack_from(data)
        magic, byte_order, shift = fields[0], fields[4], fields[5]
        fat_sectors, first_dir, first_difat, difat_sectors = fields[9], fields[10], fields[15], fields[16]
        if magic != OLE_MAGIC or byte_order != 0xFFFE or shift not in (9, 12):
            raise ValueError("not an OLE2 header")
        self.data, self.size = data, 1 << shift
        per_sector = self.size // 4
        fat_numbers = list(struct.unpack_from("<109I", data, 76))
        following, hops = first_difat, 0
        while following not in _CHAIN_ENDS and hops <= difat_sectors:
            values = struct.unpack(f"<{per_sector}I", self.sector(following))
            fat_numbers.extend(values[:-1])
            following, hops = values[-1], hops + 1
        self.fat: list[int] = []
        for number in fat_numbers[:fat_sectors]:
            self.fat.extend(struct.unpack(f"<{per_sector}I", self.sector(number)))
        self.entries: dict[str, tuple[int, int]] = {}
        current, visited = first_dir, set()
        while current not in _CHAIN_ENDS:
            if current in visited or current >= len(self.fat) or len(self.entries) > _MAX_OLE_ENTRIES:
                raise ValueError("broken directory chain")
            visited.add(current)
            block = self.sector(current)
            for at in range(0, self.size, 128):
                name_len, kind = struct.unpack_from("<HB", block, at + 64)
                if kind in (1, 2, 5) and 2 <= name_len <= 64:
                    name = block[at : at + name_len - 2].decode("utf-16-le", "replace").lower()
                    self.entries[name] = struct.unpack_from("<II", block, at + 116)
            current = self.fat[current]
        if not self.entries:
            raise ValueError("empty directory")

    def sector(self, number: int) -> bytes:
        start = (number + 1) * self.size  # the header takes the place of sector -1
        block = self.data[start : start + self.size]
        if len(block) != self.size:
            raise ValueError(f"sector {number} outside the file")
        return block

    def head(self, name: str) -> bytes:
        """The first sector of a stream held in regular sectors (b"" for a small or missing one)."""
        start, length = self.entries.get(name, (0, 0))
        return self.sector(start)[:length] if length >= _MINI_CUTOFF else b""


def ole_entries(data: bytes) -> list[str] | None:
    """The (lower-case) names of every storage and stream of an OLE2 compound file, or None when its
    header or directory cannot be read."""
    try:
        return list(_Ole(data).entries)
    except (ValueError, struct.error, IndexError):
        return None


_OLE_MACROS = {"_vba_project_cur", "_vba_project", "vba", "macros"}
_OLE_ENCRYPTED = {"encryptedpackage", "encryptioninfo"}  # an encrypted OOXML file, or RC4 CryptoAPI
_WORD_ENCRYPTED = 0x0100  # FibBase.fEncrypted ([MS-DOC] 2.5.2)
_XLS_FILEPASS = 0x002F  # BIFF8 FilePass record ([MS-XLS] 2.4.117): the workbook is encrypted


def inspect_ole(data: bytes, kind: FileKind) -> None:
    try:
        ole = _Ole(data)
        encrypted = bool(ole.entries.keys() & _OLE_ENCRYPTED)
        if kind is DOC:
            fib = ole.head("worddocument")
            encrypted = encrypted or (
                len(fib) >= 12 and bool(struct.unpack_from("<H", fib, 10)[0] & _WORD_ENCRYPTED)
            )
        else:
            encrypted = encrypted or _xls_filepass(ole.head("workbook") or ole.head("book"))
    except (ValueError, struct.error, IndexError) as exc:
        raise FileRejected(
            "office_malformed", f"Tệp {kind.label} bị hỏng, không đọc được ({parser_reason(exc)})."
        ) from exc
    if encrypted:
        raise FileRejected(
            "office_encrypted", f"Tệp {kind.label} được đặt mật khẩu: hãy nộp bản không mã hóa."
        )
    macro = next((name for name in ole.entries if name in _OLE_MACROS), None)
    if macro is not None:
        raise FileRejected("macro", f"Tệp {kind.label} chứa macro VBA ({macro}): không được chấp nhận.")


def _xls_filepass(head: bytes) -> bool:
    # The FilePass record follows the BOF record (and at most a few others) in the first sector.
    at = 0
    while at + 4 <= len(head):
        record, length = struct.unpack_from("<HH", head, at)
        if record == _XLS_FILEPASS:
            return True
        at += 4 + length
    return False

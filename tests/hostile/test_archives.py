"""Hostile input, archives door: release archives (zip, tar) read by ``validate``, ``diff``
and the release routine through ``metadata.files.unpack``.

Each test builds a broken (or legal) archive from a copy of the real package, in a temp
dir, and states in its docstring the promise it tests. Nothing here relies on
``tarfile``'s extraction filters, which Python 3.11.0-3.11.3 lack: CI runs this file on
Debian's system Python 3.11.2 too.
"""

from __future__ import annotations

import io
import shutil
import stat
import struct
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_cli

import bdigest_data as bd
from bdigest_data.metadata import files as reader
from bdigest_data.metadata.files import PackageError, open_files, unpack
from bdigest_data.release.archive import build_archive

PREFIX = "bdigest-data-x"


@pytest.fixture
def release_zip(package_copy: Path, tmp_path: Path) -> Path:
    """The package copy as the release routine archives it (a real release zip)."""
    return build_archive(package_copy, tmp_path / "release" / f"{PREFIX}.zip", PREFIX, 0)


def package_tar(package_copy: Path, out: Path, *, extra: Callable[[tarfile.TarFile], None]
                | None = None, mode: str = "w:gz") -> Path:
    """The package copy as a tar archive (one top-level folder), ``extra`` adding members."""
    with tarfile.open(out, mode) as tf:
        tf.add(package_copy, arcname=PREFIX)
        if extra is not None:
            extra(tf)
    return out


def add_bytes(tf: tarfile.TarFile, name: str, data: bytes, kind: bytes = tarfile.REGTYPE,
              linkname: str = "") -> None:
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = kind, linkname, len(data) if kind == tarfile.REGTYPE \
        else 0
    tf.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def copy_zip(src: Path, out: Path, extra: Callable[[zipfile.ZipFile], None]) -> Path:
    """``src`` copied member by member, then ``extra`` writing more members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        extra(zout)
    return out


def patch_member(archive: Path, member: str, *, local: dict[int, tuple[str, int]],
                 central: dict[int, tuple[str, int]], data: Callable[[bytes], bytes]
                 | None = None) -> None:
    """Rewrite fields of ``member``'s local header and central-directory entry in place
    (offset -> (struct format, value)); ``data`` rewrites its compressed bytes."""
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
        start_dir = zf.start_dir  # type: ignore[attr-defined]
    for offset, (fmt, value) in local.items():
        struct.pack_into(fmt, raw, info.header_offset + offset, value)
    pos = start_dir
    while raw[pos:pos + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", raw, pos + 28)
        if raw[pos + 46:pos + 46 + name_len].decode() == member:
            for offset, (fmt, value) in central.items():
                struct.pack_into(fmt, raw, pos + offset, value)
        pos += 46 + name_len + extra_len + comment_len
    if data is not None:
        name_len, extra_len = struct.unpack_from("<HH", raw, info.header_offset + 26)
        begin = info.header_offset + 30 + name_len + extra_len
        end = begin + info.compress_size
        raw[begin:end] = data(bytes(raw[begin:end]))
    archive.write_bytes(bytes(raw))


BIG = f"{PREFIX}/data/derivations.csv"  # a deflated member of some 20 kB


def encrypted(archive: Path) -> None:
    flags = zipfile.ZipFile(archive).getinfo(BIG).flag_bits | 0x1
    patch_member(archive, BIG, local={6: ("<H", flags)}, central={8: ("<H", flags)})


def unknown_method(archive: Path) -> None:
    patch_member(archive, BIG, local={8: ("<H", 99)}, central={10: ("<H", 99)})


def corrupt_data(archive: Path) -> None:
    patch_member(archive, BIG, local={}, central={},
                 data=lambda b: b[:100] + bytes(x ^ 0x55 for x in b[100:200]) + b[200:])


def bad_crc(archive: Path) -> None:
    crc = zipfile.ZipFile(archive).getinfo(BIG).CRC ^ 0xFFFF
    patch_member(archive, BIG, local={14: ("<I", crc)}, central={16: ("<I", crc)})


def truncated_tar(archive: Path) -> None:
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])


def not_an_archive(archive: Path) -> None:
    archive.write_text("not an archive at all\n", encoding="utf-8")


UNREADABLE = {  # fault -> (archive kind, damage, what the message says)
    "encrypted zip member": ("zip", encrypted, "is encrypted"),
    "unknown compression method": ("zip", unknown_method, "compression method 99"),
    "corrupt zip data": ("zip", corrupt_data, "cannot be read"),
    "bad CRC": ("zip", bad_crc, "Bad CRC-32"),
    "truncated tar.gz": ("tar", truncated_tar, "cannot unpack"),
    "zip that is not an archive": ("zip", not_an_archive, "not a readable zip archive"),
    "tar.gz that is not an archive": ("tar", not_an_archive, "not a readable tar archive"),
}


def damaged(kind: str, damage: Callable[[Path], None], package_copy: Path, tmp_path: Path
            ) -> Path:
    if kind == "zip":
        archive = build_archive(package_copy, tmp_path / f"{PREFIX}.zip", PREFIX, 0)
    else:
        archive = package_tar(package_copy, tmp_path / f"{PREFIX}.tar.gz")
    damage(archive)
    return archive


@pytest.mark.parametrize("fault", UNREADABLE)
def test_an_unreadable_archive_is_a_located_error_with_exit_2(fault, package_copy, tmp_path):
    """Every way an archive can be unreadable (encrypted, unknown method, corrupt data, bad
    CRC, truncated, not an archive) is a clean error naming the archive (and the member
    where there is one), exit 2 for validate and diff, never a traceback."""
    kind, damage, says = UNREADABLE[fault]
    archive = damaged(kind, damage, package_copy, tmp_path)
    with pytest.raises(PackageError, match=says) as raised:
        bd.validate(archive)
    assert str(archive) in str(raised.value)
    if kind == "zip" and damage is not not_an_archive:
        assert f"member {BIG!r}" in str(raised.value)
    for args in (("validate", "--package", str(archive)), ("diff", str(archive),
                                                            str(package_copy))):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert says in result.stderr and archive.name in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("name", "says"), [
    ("/tmp/bdigest-absolute-member.txt", "is absolute"),
    (f"{PREFIX}/../escaped.txt", "contains '..'"),
])
def test_a_tar_member_outside_the_folder_is_refused(name, says, package_copy, tmp_path):
    """A tar member with an absolute name or under '..' is refused (the reader's rule),
    naming it, and nothing is written outside the temporary folder."""
    archive = package_tar(package_copy, tmp_path / "a.tar.gz",
                          extra=lambda tf: add_bytes(tf, name, b"outside\n"))
    with pytest.raises(PackageError, match=says):
        bd.validate(archive)
    assert not Path("/tmp/bdigest-absolute-member.txt").exists()
    assert not (tmp_path / "escaped.txt").exists()


def test_duplicate_member_names_are_refused(package_copy, release_zip, tmp_path):
    """A member name that occurs twice (zip or tar; also spelled ./x) is refused: which
    copy would be read is not for the archive to decide."""
    twice = f"{PREFIX}/data/actors.csv"
    with pytest.warns(UserWarning, match="Duplicate name"):
        zipped = copy_zip(release_zip, tmp_path / "dup.zip",
                          lambda zf: zf.writestr(twice, "actor_id\nevil\n"))
    tarred = package_tar(package_copy, tmp_path / "dup.tar",
                         extra=lambda tf: add_bytes(tf, f"./{twice}", b"actor_id\nevil\n"),
                         mode="w")
    for archive in (zipped, tarred):
        with pytest.raises(PackageError, match="occurs twice"):
            bd.validate(archive)
        result = run_cli("diff", str(archive), str(package_copy))
        assert result.returncode == 2 and "occurs twice" in result.stderr


@pytest.mark.parametrize(("kind", "says"), [
    (tarfile.SYMTYPE, "is a symbolic link"),
    (tarfile.LNKTYPE, "is a hard link"),
    (tarfile.FIFOTYPE, "is a FIFO"),
    (tarfile.CHRTYPE, "is a character device"),
])
def test_tar_links_and_special_members_are_refused(kind, says, package_copy, tmp_path):
    """A tar member that is a symbolic or hard link (or a FIFO or device) is refused: an
    archive holds regular files and directories only."""
    archive = package_tar(package_copy, tmp_path / "links.tar.gz", extra=lambda tf: add_bytes(
        tf, f"{PREFIX}/data/link.csv", b"", kind, linkname="/etc/passwd"))
    with pytest.raises(PackageError, match=f"member '{PREFIX}/data/link.csv' {says}"):
        bd.validate(archive)


def test_a_zip_symlink_member_is_refused(release_zip, tmp_path):
    """A zip member whose mode says symbolic link is refused."""
    def link(zf: zipfile.ZipFile) -> None:
        info = zipfile.ZipInfo(f"{PREFIX}/data/link.csv")
        info.create_system, info.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")

    archive = copy_zip(release_zip, tmp_path / "link.zip", link)
    result = run_cli("validate", "--package", str(archive))
    assert result.returncode == 2 and "is a symbolic link" in result.stderr


def bomb(release_zip: Path, out: Path, size: int) -> Path:
    """The release zip plus one member of ``size`` zero bytes (deflated to ~1/1000)."""
    return copy_zip(release_zip, out, lambda zf: zf.writestr(
        zipfile.ZipInfo(f"{PREFIX}/data/bomb.csv"), bytes(size), zipfile.ZIP_DEFLATED))


def written(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_a_zip_bomb_is_refused_before_anything_is_written(release_zip, tmp_path):
    """An archive whose members declare far more bytes than its descriptor's resources
    (plus a margin for descriptor, schemas and documents) is refused from the headers,
    before a byte is written: a small zip of 32 MiB of zeros here."""
    archive = bomb(release_zip, tmp_path / "bomb.zip", 32 * 1024**2)
    assert archive.stat().st_size < 2 * 1024**2
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(PackageError, match="declare .* bytes unpacked, more than"):
        unpack(archive, dest)
    assert written(dest) == 0
    result = run_cli("validate", "--package", str(archive))
    assert result.returncode == 2 and "more than" in result.stderr


def test_a_member_whose_header_lies_about_its_size_is_refused(release_zip, tmp_path):
    """Headers can lie: a member that declares 10 bytes but holds 32 MiB is read only up
    to what it declares and then refused (its CRC), so the lie writes nothing large."""
    archive = bomb(release_zip, tmp_path / "liar.zip", 32 * 1024**2)
    name = f"{PREFIX}/data/bomb.csv"
    patch_member(archive, name, local={22: ("<I", 10)}, central={24: ("<I", 10)})
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(PackageError, match=f"member '{name}' cannot be read"):
        unpack(archive, dest)
    assert written(dest) < 1024**2


def test_bytes_beyond_the_header_are_counted_and_refused(release_zip, tmp_path, monkeypatch):
    """The unpacker counts the bytes it writes: a member stream that yields more than its
    header declares is refused (whatever the zip or tar module lets through)."""
    opened = reader._Archive.open

    def overlong(self: reader._Archive, member: reader._Member) -> io.BytesIO:
        with opened(self, member) as fh:
            return io.BytesIO(fh.read() + b"x")

    monkeypatch.setattr(reader._Archive, "open", overlong)
    with pytest.raises(PackageError, match="holds more bytes than its header declares"):
        unpack(release_zip, tmp_path / "dest")


def test_legal_archives_still_work(package_copy, release_zip, tmp_path):
    """A real release archive built by the release routine, and the same package as
    .tar.gz, .tar (with ./ entries) and a zip without a top folder, validate as the
    directory does and diff as identical to it; the unpacked files have plain modes."""
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(flat, "w") as zf:
        for f in sorted(package_copy.rglob("*")):
            zf.write(f, f.relative_to(package_copy).as_posix())
    dotted = tmp_path / "dotted.tar"
    with tarfile.open(dotted, "w") as tf:
        tf.add(package_copy, arcname=".")
    archives = [release_zip, package_tar(package_copy, tmp_path / "p.tar.gz"), dotted, flat]
    for archive in archives:
        report = bd.validate(archive, checks=["structure", "integrity"])
        assert report.valid, (archive, report.findings)
        result = run_cli("diff", str(archive), str(package_copy))
        assert result.returncode == 0, result.stderr
        assert "smallest version bump required: none" in result.stdout
    with open_files(archives[1]) as files:
        modes = {stat.S_IMODE(p.stat().st_mode) & 0o7022 for p in files.root.rglob("*")}
        assert modes == {0}  # no setuid, setgid, sticky or group/world-writable bit


def test_an_archive_named_by_content_is_still_an_archive(release_zip, tmp_path):
    """An archive is recognised by its first bytes too (a zip saved without .zip)."""
    unnamed = tmp_path / "release-download"
    shutil.copy(release_zip, unnamed)
    assert reader.archive_kind(unnamed) == "zip"
    assert bd.validate(unnamed, checks=["integrity"]).valid

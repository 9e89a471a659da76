"""Readers: kinds kept, encodings detected, unreadable files named with their F rule."""

from pathlib import Path

import pytest

from pipelines.read import Unreadable, read_file, to_cell
from pipelines.workspace import Limits

FIX = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("value", "cell"), [
    (611025198001010015.0, ("611025198001010048", "n")),  # what Excel keeps of an 18-digit number
    (1.5, ("1.5", "n")),
    (7, ("7", "n")),
    (True, ("true", "b")),
    ("", (None, "-")),
    ("611025198001010015", ("611025198001010015", "s")),
])
def test_cells_keep_their_excel_kind(value, cell):
    text, kind = to_cell(value)
    assert kind == cell[1]
    if kind == "n" and text and len(text) == 18:
        assert text != "611025198001010015"  # the float could not keep 18 digits
    else:
        assert text == cell[0]


def test_registry_workbook_rows_are_excel_rows():
    sheets = {s.name: s for s in read_file(FIX / "registry" / "registry_2018-08.xlsx", Limits())}
    assert list(sheets) == ["户信息", "人员信息"]
    assert sheets["户信息"].rows[2][4] == ("户编号", "s")          # Excel row 3, column E
    assert sheets["户信息"].rows[3][4] == ("6110251002010001", "s")
    assert sheets["户信息"].rows[5][14] == ("41913", "n")          # an Excel serial date
    assert sheets["人员信息"].rows[5][3][1] == "n"                   # a numeric ID cell


@pytest.mark.parametrize("name", ["gb18030.csv", "utf16_tab.csv", "utf8_sig.csv"])
def test_csv_encodings_decode_to_the_same_cells(name):
    (sheet,) = read_file(FIX / "csv" / name, Limits())
    assert sheet.rows[0][0] == ("姓名", "s")
    assert sheet.rows[1][4] == ("大众 价格80000元", "s")
    assert len(sheet.rows) == 2


@pytest.mark.parametrize(("name", "rule", "words"), [
    ("page.xls", "F1", "文件实际是网页（HTML），只是扩展名为 Excel；请在 Excel 中打开后另存为 xlsx"),
    ("truncated.xlsx", "F1", "文件已损坏或不完整，无法作为 xlsx 打开；请重新导出后报送"),
    ("empty.csv", "F3", "文件是空的，没有表头也没有数据"),
    ("undecodable.csv", "F7", "CSV 文件编码无法识别（支持 UTF-8、GB18030、带 BOM 的 UTF-16）；请另存为 UTF-8 的 CSV"),
])
def test_unreadable_files_say_why(name, rule, words):
    with pytest.raises(Unreadable) as caught:
        read_file(FIX / "bad" / name, Limits())
    assert (caught.value.rule, caught.value.reason) == (rule, words)


def test_limits_are_configuration():
    with pytest.raises(Unreadable) as caught:
        read_file(FIX / "registry" / "registry_2018-08.xlsx", Limits(max_rows=3))
    assert caught.value.rule == "F6"
    assert "超过上限（3 行" in caught.value.reason


def encrypted_fake() -> bytes:
    """What an encrypted xlsx looks like to a reader: an OLE2 container whose directory names the
    EncryptionInfo and EncryptedPackage streams (UTF-16LE); `olefile` is not a dependency."""
    names = b"".join(n.encode("utf-16-le").ljust(64, b"\0") for n in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + names + b"\0" * 320


def test_row_and_column_limits_count_every_row_and_column(tmp_path: Path):
    import xlsxwriter

    book = xlsxwriter.Workbook(str(tmp_path / "wide.xlsx"))
    book.add_worksheet("表").write_row(2, 0, list(range(5)))   # 3 rows (two blank above), 5 columns
    book.close()
    assert len(read_file(tmp_path / "wide.xlsx", Limits(max_rows=3, max_columns=5))[0].rows) == 3
    with pytest.raises(Unreadable) as caught:
        read_file(tmp_path / "wide.xlsx", Limits(max_rows=3, max_columns=4))
    assert caught.value.reason == "工作表 `表` 有 3 行、5 列，超过上限（3 行、4 列）"


def test_encrypted_workbook_is_f2(tmp_path: Path):
    fake = tmp_path / "locked.xlsx"   # an encrypted OOXML file is an OLE2 container, not a zip
    fake.write_bytes(encrypted_fake())
    with pytest.raises(Unreadable) as caught:
        read_file(fake, Limits())
    assert (caught.value.rule, caught.value.reason) == ("F2", "工作簿已加密或设置了打开密码；请取消密码后重新报送")


def test_an_xls_under_an_xlsx_name_is_read_as_xls(tmp_path: Path):
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("户信息").write(0, 0, "户编号")
    book.save(str(tmp_path / "old.xls"))
    (tmp_path / "old.xls").rename(tmp_path / "renamed.xlsx")
    (sheet,) = read_file(tmp_path / "renamed.xlsx", Limits())
    assert sheet.rows == [[("户编号", "s")]]


def test_ole2_garbage_is_f1(tmp_path: Path):
    bad = tmp_path / "garbage.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 700)
    with pytest.raises(Unreadable) as caught:
        read_file(bad, Limits())
    assert caught.value.rule == "F1"


@pytest.mark.parametrize(("text", "delimiter"), [
    ("商洛市2018年8月名册\n姓名\t身份证号\t县区\n张三\t611025198001010015\t镇安县\n", "\t"),  # title has no tab
    ("姓名,身份证号\n张三,611025198001010015\n", ","),
    ("标题，含全角逗号\n姓名,身份证号,县区\n张三,611025198001010015,镇安县\n", ","),
])
def test_delimiter_is_counted_over_the_first_lines(text, delimiter):
    from pipelines.read import sniff_delimiter

    assert sniff_delimiter(text) == delimiter

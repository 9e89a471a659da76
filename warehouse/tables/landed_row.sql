-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS landed_row (
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    row_uid VARCHAR,
    tbl VARCHAR,
    cells VARCHAR[],
    kinds VARCHAR
);
COMMENT ON TABLE landed_row IS '落地原始行：每个输入文件的每个数据行一行，附带血缘';
COMMENT ON COLUMN landed_row.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN landed_row.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN landed_row.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN landed_row.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN landed_row.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN landed_row.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN landed_row.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN landed_row.tbl IS '目标表: Canonical table the row belongs to.';
COMMENT ON COLUMN landed_row.cells IS '原始单元格: Every cell of the row as text, in sheet column order.';
COMMENT ON COLUMN landed_row.kinds IS '单元格类型: One character per cell: s string, n number, d date, b boolean, e error, ''-'' empty.';

-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS landed_sheet (
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    tbl VARCHAR,
    header_row BIGINT,
    headers VARCHAR[]
);
COMMENT ON TABLE landed_sheet IS '已落地的工作表及其表头';
COMMENT ON COLUMN landed_sheet.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN landed_sheet.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN landed_sheet.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN landed_sheet.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN landed_sheet.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN landed_sheet.tbl IS '目标表: Canonical table the row belongs to.';
COMMENT ON COLUMN landed_sheet.header_row IS '表头行号: Excel row number of the header.';
COMMENT ON COLUMN landed_sheet.headers IS '表头: The header row as written.';

-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS ledger (
    file_hash VARCHAR,
    office VARCHAR,
    path VARCHAR,
    file_name VARCHAR,
    size BIGINT,
    first_seen TIMESTAMP,
    submitted_at TIMESTAMP,
    status VARCHAR,
    reason VARCHAR,
    rule VARCHAR,
    month VARCHAR,
    scope VARCHAR,
    load_id VARCHAR,
    rows_read BIGINT,
    rows_accepted BIGINT,
    rows_warned BIGINT,
    rows_rejected BIGINT,
    duplicate_of VARCHAR
);
COMMENT ON TABLE ledger IS '文件台账：收件箱中见过的每个文件一行';
COMMENT ON COLUMN ledger.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN ledger.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN ledger.path IS '文件路径: Path of the file relative to the inbox.';
COMMENT ON COLUMN ledger.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN ledger.size IS '文件大小（字节）: File size in bytes.';
COMMENT ON COLUMN ledger.first_seen IS '首次发现时间: When the ledger first saw the file.';
COMMENT ON COLUMN ledger.submitted_at IS '报送时间: The file''s modification time when the ledger first saw it.';
COMMENT ON COLUMN ledger.status IS '文件状态: What happened to the file.';
COMMENT ON COLUMN ledger.reason IS '原因: Why the file was quarantined, duplicated or superseded (Chinese, for the sender).';
COMMENT ON COLUMN ledger.rule IS '规则: Rule id from rules.md, with an optional finer suffix (A1.checksum).';
COMMENT ON COLUMN ledger.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN ledger.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN ledger.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN ledger.rows_read IS '读取行数: Data rows read.';
COMMENT ON COLUMN ledger.rows_accepted IS '接收行数: Rows accepted without warnings.';
COMMENT ON COLUMN ledger.rows_warned IS '带警告接收行数: Rows accepted with warnings.';
COMMENT ON COLUMN ledger.rows_rejected IS '退回行数: Rows rejected.';
COMMENT ON COLUMN ledger.duplicate_of IS '重复于: File hash of the file this one duplicates (F8).';

-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS ledger_event (
    changed_at TIMESTAMP,
    file_hash VARCHAR,
    path VARCHAR,
    status_from VARCHAR,
    status_to VARCHAR,
    reason VARCHAR
);
COMMENT ON TABLE ledger_event IS '文件状态变更记录（替换、恢复），附原因';
COMMENT ON COLUMN ledger_event.changed_at IS '变更时间: When a file''s standing changed.';
COMMENT ON COLUMN ledger_event.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN ledger_event.path IS '文件路径: Path of the file relative to the inbox.';
COMMENT ON COLUMN ledger_event.status_from IS '原状态: The file''s status before the change.';
COMMENT ON COLUMN ledger_event.status_to IS '新状态: The file''s status after the change.';
COMMENT ON COLUMN ledger_event.reason IS '原因: Why the file was quarantined, duplicated or superseded (Chinese, for the sender).';

-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS issues (
    office VARCHAR,
    file_name VARCHAR,
    file_hash VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    column_name VARCHAR,
    column_letter VARCHAR,
    value VARCHAR,
    rule VARCHAR,
    severity VARCHAR,
    message VARCHAR,
    fix VARCHAR,
    household_id VARCHAR,
    person_id VARCHAR,
    run_id VARCHAR
);
COMMENT ON TABLE issues IS '问题清单：各规则发现的问题（证件号、电话已脱敏） (every open finding, masked)';
COMMENT ON COLUMN issues.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN issues.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN issues.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN issues.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN issues.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN issues.column_name IS '列名: The column header as the sender wrote it.';
COMMENT ON COLUMN issues.column_letter IS '列号: Excel column letter.';
COMMENT ON COLUMN issues.value IS '值: The raw cell value (full in the working database, masked when published).';
COMMENT ON COLUMN issues.rule IS '规则: Rule id from rules.md, with an optional finer suffix (A1.checksum).';
COMMENT ON COLUMN issues.severity IS '严重程度: Severity word from rules.md.';
COMMENT ON COLUMN issues.message IS '问题说明: What is wrong, in Chinese, for the sender.';
COMMENT ON COLUMN issues.fix IS '处理建议: What to do about it.';
COMMENT ON COLUMN issues.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN issues.person_id IS '人编号: Registry person number.';
COMMENT ON COLUMN issues.run_id IS '运行编号: Id of the flow run.';

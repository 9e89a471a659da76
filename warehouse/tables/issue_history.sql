-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS issue_history (
    issue_key VARCHAR,
    problem_key VARCHAR,
    rule VARCHAR,
    severity VARCHAR,
    office VARCHAR,
    file_name VARCHAR,
    file_hash VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    column_name VARCHAR,
    column_letter VARCHAR,
    value VARCHAR,
    household_id VARCHAR,
    person_id VARCHAR,
    message VARCHAR,
    fix VARCHAR,
    first_seen_run VARCHAR,
    first_seen_month VARCHAR,
    last_seen_run VARCHAR,
    last_seen_month VARCHAR,
    resolved_run VARCHAR,
    resolved_month VARCHAR,
    resolution VARCHAR
);
COMMENT ON TABLE issue_history IS '问题历史：每个发现过的问题一行，首次/最近发现与解决的运行，只增不删';
COMMENT ON COLUMN issue_history.issue_key IS '问题标识: md5 of what identifies the problem: rule, severity, sender, file hash, sheet, row, column, value, household and person.';
COMMENT ON COLUMN issue_history.problem_key IS '问题主体标识: md5 of the problem without its file: rule, sender, household, person, column (and the value when the row is tied to no household). The same problem_key open in a newer file means the problem was carried over, not fixed.';
COMMENT ON COLUMN issue_history.rule IS '规则: Rule id from rules.md, with an optional finer suffix (A1.checksum).';
COMMENT ON COLUMN issue_history.severity IS '严重程度: Severity word from rules.md.';
COMMENT ON COLUMN issue_history.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN issue_history.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN issue_history.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN issue_history.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN issue_history.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN issue_history.column_name IS '列名: The column header as the sender wrote it.';
COMMENT ON COLUMN issue_history.column_letter IS '列号: Excel column letter.';
COMMENT ON COLUMN issue_history.value IS '值: The raw cell value (full in the working database, masked when published).';
COMMENT ON COLUMN issue_history.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN issue_history.person_id IS '人编号: Registry person number.';
COMMENT ON COLUMN issue_history.message IS '问题说明: What is wrong, in Chinese, for the sender.';
COMMENT ON COLUMN issue_history.fix IS '处理建议: What to do about it.';
COMMENT ON COLUMN issue_history.first_seen_run IS '首次发现运行: Run id of the run that first found the problem.';
COMMENT ON COLUMN issue_history.first_seen_month IS '首次发现月份: Reporting month (YYYY-MM) of that run.';
COMMENT ON COLUMN issue_history.last_seen_run IS '最近发现运行: Run id of the latest run that still found the problem.';
COMMENT ON COLUMN issue_history.last_seen_month IS '最近发现月份: Reporting month (YYYY-MM) of that run.';
COMMENT ON COLUMN issue_history.resolved_run IS '解决运行: Run id of the first run that no longer found the problem (a corrected file, a later month); NULL while open.';
COMMENT ON COLUMN issue_history.resolved_month IS '解决月份: Reporting month (YYYY-MM) of the resolving run; NULL while open.';
COMMENT ON COLUMN issue_history.resolution IS '解决方式: fixed: the problem is gone; carried: its file was replaced but the same problem is open in the newer file (a new history row).';

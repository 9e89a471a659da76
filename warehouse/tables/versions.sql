-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS versions (
    version VARCHAR,
    published_at TIMESTAMP,
    reporting_month VARCHAR,
    as_of DATE,
    income_line DOUBLE,
    months_covered VARCHAR[],
    files_used BIGINT,
    files VARCHAR[],
    rule_summary VARCHAR,
    households BIGINT,
    people BIGINT
);
COMMENT ON TABLE versions IS '发布版本：每次发布一行 (one row per published version)';
COMMENT ON COLUMN versions.version IS '版本号: Published version the row belongs to.';
COMMENT ON COLUMN versions.published_at IS '发布时间: When the version was published (UTC).';
COMMENT ON COLUMN versions.reporting_month IS '报告月份: The run''s reporting month (YYYY-MM).';
COMMENT ON COLUMN versions.as_of IS '统计截止日: Last day of the reporting month.';
COMMENT ON COLUMN versions.income_line IS '脱贫收入标准（元）: The year''s income line for the exit check.';
COMMENT ON COLUMN versions.months_covered IS '覆盖月份: Reporting months of the files in force.';
COMMENT ON COLUMN versions.files_used IS '使用文件数: Files whose rows are in force in this version.';
COMMENT ON COLUMN versions.files IS '使用文件: office/file name (month) of every file in force.';
COMMENT ON COLUMN versions.rule_summary IS '规则汇总: JSON: number of open issues per rule id.';
COMMENT ON COLUMN versions.households IS '户数（户）: Registered households.';
COMMENT ON COLUMN versions.people IS '人数（人）: Registered members.';

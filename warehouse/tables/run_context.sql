-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS run_context (
    run_id VARCHAR,
    reporting_month VARCHAR,
    as_of DATE,
    version_id VARCHAR,
    income_line DOUBLE
);
COMMENT ON TABLE run_context IS '本次运行的报告月份与截止日';
COMMENT ON COLUMN run_context.run_id IS '运行编号: Id of the flow run.';
COMMENT ON COLUMN run_context.reporting_month IS '报告月份: The run''s reporting month (YYYY-MM).';
COMMENT ON COLUMN run_context.as_of IS '统计截止日: Last day of the reporting month.';
COMMENT ON COLUMN run_context.version_id IS '版本号: Published version id, derived from the inputs and configuration.';
COMMENT ON COLUMN run_context.income_line IS '脱贫收入标准（元）: The year''s income line for the exit check.';

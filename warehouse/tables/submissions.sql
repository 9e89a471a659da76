-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS submissions (
    reporting_month VARCHAR,
    office VARCHAR,
    verdict VARCHAR,
    submitted_at TIMESTAMP,
    due_date DATE,
    files_in BIGINT,
    rows_accepted BIGINT,
    rows_rejected BIGINT,
    open_problems BIGINT,
    change_accepted BIGINT
);
COMMENT ON TABLE submissions IS '报送情况：每个报送单位每个月是否按时报送、迟报或未报，接收与退回行数、待改问题 (the expected-submission calendar, DHIS2-style)';
COMMENT ON COLUMN submissions.reporting_month IS '报告月份: The run''s reporting month (YYYY-MM).';
COMMENT ON COLUMN submissions.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN submissions.verdict IS '报送情况: on_time: the month''s first file was submitted by the due date; late: after it; missing: no file of the sender''s for the month was taken in.';
COMMENT ON COLUMN submissions.submitted_at IS '报送时间: The file''s modification time when the ledger first saw it.';
COMMENT ON COLUMN submissions.due_date IS '应报日期: The due day of the month after the reporting month (sources/<office>.yaml due_day).';
COMMENT ON COLUMN submissions.files_in IS '文件数: Files of the sender''s taken in for the month (superseded ones included).';
COMMENT ON COLUMN submissions.rows_accepted IS '接收行数: Rows accepted without warnings.';
COMMENT ON COLUMN submissions.rows_rejected IS '退回行数: Rows rejected.';
COMMENT ON COLUMN submissions.open_problems IS '待改问题数: Reject and warning findings on the sender''s files in force for the month.';
COMMENT ON COLUMN submissions.change_accepted IS '接收行数较上月变化: Rows accepted minus the previous month''s (empty when either month has no file).';

-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS intake_run (
    run_id VARCHAR,
    started TIMESTAMP
);
COMMENT ON TABLE intake_run IS '每次运行的开始记录（被中断的运行的发现由接手的运行继承）';
COMMENT ON COLUMN intake_run.run_id IS '运行编号: Id of the flow run.';
COMMENT ON COLUMN intake_run.started IS '开始时间: When the run started.';

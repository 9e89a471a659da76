-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS intake_observation (
    path VARCHAR,
    size BIGINT,
    mtime_ns BIGINT,
    seen_at TIMESTAMP
);
COMMENT ON TABLE intake_observation IS '轮询模式下每个收件箱文件上次看到的大小与修改时间（文件不再变化才接收）';
COMMENT ON COLUMN intake_observation.path IS '文件路径: Path of the file relative to the inbox.';
COMMENT ON COLUMN intake_observation.size IS '文件大小（字节）: File size in bytes.';
COMMENT ON COLUMN intake_observation.mtime_ns IS '修改时间（纳秒）: The file''s modification time (ns since the epoch): at the poll (intake_observation), after writing (feedback_file).';
COMMENT ON COLUMN intake_observation.seen_at IS '观察时间: When the poll saw the file.';

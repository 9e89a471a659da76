-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS feedback_file (
    outbox_path VARCHAR,
    content_digest VARCHAR,
    size BIGINT,
    mtime_ns BIGINT
);
COMMENT ON TABLE feedback_file IS '已写出的反馈工作簿（回执、纠错清单）及其内容指纹：内容未变且文件未被改动时不重写';
COMMENT ON COLUMN feedback_file.outbox_path IS '反馈文件路径: Path of a feedback workbook relative to the outbox.';
COMMENT ON COLUMN feedback_file.content_digest IS '内容指纹: SHA-256 of what a feedback workbook says (its rows and the code that lays them out).';
COMMENT ON COLUMN feedback_file.size IS '文件大小（字节）: File size in bytes.';
COMMENT ON COLUMN feedback_file.mtime_ns IS '修改时间（纳秒）: The file''s modification time (ns since the epoch): at the poll (intake_observation), after writing (feedback_file).';

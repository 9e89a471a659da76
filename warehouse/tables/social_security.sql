-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS social_security (
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    row_uid VARCHAR,
    outcome VARCHAR,
    month VARCHAR,
    scope VARCHAR,
    name VARCHAR,
    id_number VARCHAR,
    id_number_original VARCHAR,
    assistance_type VARCHAR,
    assistance_start_date DATE,
    monthly_amount DOUBLE,
    is_deceased BOOLEAN,
    death_date DATE
);
COMMENT ON TABLE social_security IS '社会保障兜底 (assistance, per person and type)';
COMMENT ON COLUMN social_security.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN social_security.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN social_security.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN social_security.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN social_security.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN social_security.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN social_security.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN social_security.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN social_security.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN social_security.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN social_security.name IS '姓名: Person''s name.';
COMMENT ON COLUMN social_security.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN social_security.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN social_security.assistance_type IS '保障类别: Assistance type.';
COMMENT ON COLUMN social_security.assistance_start_date IS '保障开始日期: Assistance start date.';
COMMENT ON COLUMN social_security.monthly_amount IS '月保障金额（元）: Monthly assistance amount.';
COMMENT ON COLUMN social_security.is_deceased IS '是否死亡注销: Deregistered as deceased.';
COMMENT ON COLUMN social_security.death_date IS '死亡日期: Date of death.';

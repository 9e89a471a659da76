-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS education (
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
    school_name VARCHAR,
    name VARCHAR,
    id_number VARCHAR,
    id_number_original VARCHAR,
    school_stage VARCHAR,
    grade VARCHAR,
    enrolment_status VARCHAR,
    aid_programme VARCHAR,
    aid_amount DOUBLE,
    guardian_name VARCHAR,
    guardian_id_number VARCHAR
);
COMMENT ON TABLE education IS '教育资助 (students, per person)';
COMMENT ON COLUMN education.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN education.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN education.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN education.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN education.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN education.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN education.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN education.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN education.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN education.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN education.school_name IS '学校名称: School.';
COMMENT ON COLUMN education.name IS '姓名: Person''s name.';
COMMENT ON COLUMN education.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN education.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN education.school_stage IS '学段: School stage.';
COMMENT ON COLUMN education.grade IS '年级: Grade as written.';
COMMENT ON COLUMN education.enrolment_status IS '就读状态: Enrolment status.';
COMMENT ON COLUMN education.aid_programme IS '资助项目: Student aid programme.';
COMMENT ON COLUMN education.aid_amount IS '资助金额（元）: Student aid amount (not income).';
COMMENT ON COLUMN education.guardian_name IS '监护人姓名: Guardian''s name.';
COMMENT ON COLUMN education.guardian_id_number IS '监护人身份证号: Guardian''s resident ID number.';

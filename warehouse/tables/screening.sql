-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS screening (
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
    finding_category VARCHAR,
    finding_source VARCHAR,
    finding_detail VARCHAR,
    registration_date DATE
);
COMMENT ON TABLE screening IS '数据比对 (screening findings, per person and category)';
COMMENT ON COLUMN screening.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN screening.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN screening.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN screening.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN screening.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN screening.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN screening.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN screening.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN screening.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN screening.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN screening.name IS '姓名: Person''s name.';
COMMENT ON COLUMN screening.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN screening.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN screening.finding_category IS '比对类别: Screening finding category.';
COMMENT ON COLUMN screening.finding_source IS '比对来源: Registry that reported the finding.';
COMMENT ON COLUMN screening.finding_detail IS '比对明细: Details (vehicle brand and price, company, payroll unit).';
COMMENT ON COLUMN screening.registration_date IS '登记日期: Date registered.';

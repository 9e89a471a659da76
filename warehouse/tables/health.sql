-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS health (
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
    basic_medical_insurance VARCHAR,
    serious_illness_insurance VARCHAR,
    family_doctor_signed BOOLEAN,
    disease_category VARCHAR,
    inpatient_reimbursement DOUBLE
);
COMMENT ON TABLE health IS '健康扶贫 (health insurance, per person)';
COMMENT ON COLUMN health.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN health.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN health.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN health.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN health.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN health.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN health.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN health.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN health.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN health.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN health.name IS '姓名: Person''s name.';
COMMENT ON COLUMN health.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN health.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN health.basic_medical_insurance IS '城乡居民基本医疗保险: Basic medical insurance status.';
COMMENT ON COLUMN health.serious_illness_insurance IS '大病保险: Serious-illness insurance status.';
COMMENT ON COLUMN health.family_doctor_signed IS '家庭医生签约: Signed with a family doctor.';
COMMENT ON COLUMN health.disease_category IS '病种类别: Disease category.';
COMMENT ON COLUMN health.inpatient_reimbursement IS '年度住院报销金额（元）: Inpatient reimbursement this year.';

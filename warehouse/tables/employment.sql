-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS employment (
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
    county_name VARCHAR,
    work_region VARCHAR,
    employer VARCHAR,
    work_months BIGINT,
    monthly_wage DOUBLE,
    is_welfare_post BOOLEAN,
    welfare_post_type VARCHAR,
    employment_registration_date DATE
);
COMMENT ON TABLE employment IS '就业务工 (employment, per person)';
COMMENT ON COLUMN employment.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN employment.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN employment.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN employment.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN employment.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN employment.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN employment.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN employment.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN employment.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN employment.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN employment.name IS '姓名: Person''s name.';
COMMENT ON COLUMN employment.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN employment.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN employment.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN employment.work_region IS '务工地域: Where the person works.';
COMMENT ON COLUMN employment.employer IS '务工单位: Employer.';
COMMENT ON COLUMN employment.work_months IS '务工时间（月）: Months worked in the year (0-12).';
COMMENT ON COLUMN employment.monthly_wage IS '月均工资（元）: Average monthly wage.';
COMMENT ON COLUMN employment.is_welfare_post IS '是否公益性岗位: Holds a public-welfare post.';
COMMENT ON COLUMN employment.welfare_post_type IS '公益性岗位类型: Public-welfare post type.';
COMMENT ON COLUMN employment.employment_registration_date IS '就业登记日期: Employment registration date.';

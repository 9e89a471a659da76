-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS registry_person (
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
    household_id VARCHAR,
    person_id VARCHAR,
    name VARCHAR,
    id_number VARCHAR,
    id_number_original VARCHAR,
    sex VARCHAR,
    relation_to_head VARCHAR,
    ethnicity VARCHAR,
    education_level VARCHAR,
    school_status VARCHAR,
    health_status VARCHAR[],
    labour_skill VARCHAR,
    work_status VARCHAR,
    work_months BIGINT,
    has_basic_medical BOOLEAN,
    has_serious_illness_insurance BOOLEAN
);
COMMENT ON TABLE registry_person IS '建档立卡人员信息 (registry members)';
COMMENT ON COLUMN registry_person.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN registry_person.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN registry_person.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN registry_person.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN registry_person.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN registry_person.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN registry_person.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN registry_person.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN registry_person.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN registry_person.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN registry_person.household_id IS '户编号: Registry household number (a registry number, not personal data).';
COMMENT ON COLUMN registry_person.person_id IS '人编号: Registry person number.';
COMMENT ON COLUMN registry_person.name IS '姓名: Person''s name.';
COMMENT ON COLUMN registry_person.id_number IS '身份证号: Resident ID number, 18 characters after clean-up (GB 11643).';
COMMENT ON COLUMN registry_person.id_number_original IS '原证件号码: The ID as written when it was upgraded from 15 digits (A3).';
COMMENT ON COLUMN registry_person.sex IS '性别: Sex.';
COMMENT ON COLUMN registry_person.relation_to_head IS '与户主关系: Relation to the household head.';
COMMENT ON COLUMN registry_person.ethnicity IS '民族: Ethnicity.';
COMMENT ON COLUMN registry_person.education_level IS '文化程度: Education level.';
COMMENT ON COLUMN registry_person.school_status IS '在校生状况: Schooling status.';
COMMENT ON COLUMN registry_person.health_status IS '健康状况: Health conditions (several at once).';
COMMENT ON COLUMN registry_person.labour_skill IS '劳动技能: Labour capacity.';
COMMENT ON COLUMN registry_person.work_status IS '务工状况: Migrant-work status.';
COMMENT ON COLUMN registry_person.work_months IS '务工时间（月）: Months worked in the year (0-12).';
COMMENT ON COLUMN registry_person.has_basic_medical IS '是否参加城乡居民基本医疗保险: Registry: in basic medical insurance.';
COMMENT ON COLUMN registry_person.has_serious_illness_insurance IS '是否参加大病保险: Registry: in serious-illness insurance.';

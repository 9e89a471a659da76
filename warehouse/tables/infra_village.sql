-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS infra_village (
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
    county_name VARCHAR,
    township_name VARCHAR,
    village_name VARCHAR,
    village_code VARCHAR,
    has_paved_road BOOLEAN,
    natural_villages_30plus BIGINT,
    natural_villages_30plus_with_road BIGINT,
    farm_households BIGINT,
    registered_population BIGINT,
    households_with_power BIGINT,
    households_with_tap_water BIGINT,
    has_standard_clinic BOOLEAN
);
COMMENT ON TABLE infra_village IS '村级设施 (village infrastructure)';
COMMENT ON COLUMN infra_village.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN infra_village.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN infra_village.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN infra_village.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN infra_village.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN infra_village.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN infra_village.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN infra_village.outcome IS '处理结果: Row outcome fixed when it is read.';
COMMENT ON COLUMN infra_village.month IS '报送月份: Reporting month of the file (YYYY-MM).';
COMMENT ON COLUMN infra_village.scope IS '报送范围: Normalized scope of the file (county code, school name, or * for the whole sender).';
COMMENT ON COLUMN infra_village.county_name IS '县(市、区): County name as written by the sender.';
COMMENT ON COLUMN infra_village.township_name IS '乡(镇): Township name as written.';
COMMENT ON COLUMN infra_village.village_name IS '行政村: Administrative village name as written.';
COMMENT ON COLUMN infra_village.village_code IS '村代码: 12-digit statistical village code.';
COMMENT ON COLUMN infra_village.has_paved_road IS '是否通沥青（水泥）路: Village has an asphalt/concrete road.';
COMMENT ON COLUMN infra_village.natural_villages_30plus IS '30户以上自然村数: Natural villages with 30+ households.';
COMMENT ON COLUMN infra_village.natural_villages_30plus_with_road IS '30户以上自然村已通组道路数: Of those, with a group road.';
COMMENT ON COLUMN infra_village.farm_households IS '农户总数（户）: Farm households in the village.';
COMMENT ON COLUMN infra_village.registered_population IS '户籍人口数（人）: Registered rural population (denominator of poverty incidence).';
COMMENT ON COLUMN infra_village.households_with_power IS '通生活用电户数（户）: Households with electricity.';
COMMENT ON COLUMN infra_village.households_with_tap_water IS '自来水入户户数（户）: Households with tap water.';
COMMENT ON COLUMN infra_village.has_standard_clinic IS '是否有标准化村卫生室: Village has a standard clinic.';

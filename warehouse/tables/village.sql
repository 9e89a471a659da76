-- generated from schemas/ by `onetable schema`; do not edit

CREATE TABLE IF NOT EXISTS village (
    village_code VARCHAR,
    township_code VARCHAR,
    county_code VARCHAR,
    gazetteer_county_name VARCHAR,
    gazetteer_township_name VARCHAR,
    gazetteer_village_name VARCHAR,
    is_unknown_village BOOLEAN,
    households BIGINT,
    people BIGINT,
    poor_people BIGINT,
    exit_ready_households BIGINT,
    has_paved_road BOOLEAN,
    natural_villages_30plus BIGINT,
    natural_villages_30plus_with_road BIGINT,
    farm_households BIGINT,
    registered_population BIGINT,
    households_with_power BIGINT,
    households_with_tap_water BIGINT,
    has_standard_clinic BOOLEAN,
    poverty_incidence DOUBLE,
    infra_village_source VARCHAR,
    load_id VARCHAR,
    office VARCHAR,
    file_hash VARCHAR,
    file_name VARCHAR,
    sheet VARCHAR,
    row BIGINT,
    row_uid VARCHAR,
    month VARCHAR
);
COMMENT ON TABLE village IS '村表：每个行政村一行（含未识别村代码） (one row per village, unknown-village codes included)';
COMMENT ON COLUMN village.village_code IS '村代码: 12-digit statistical village code.';
COMMENT ON COLUMN village.township_code IS '乡镇代码: 9-digit township code from the gazetteer; <county_code>999 when the township is unknown (C8).';
COMMENT ON COLUMN village.county_code IS '县代码: 6-digit county code (GB/T 2260) from the place gazetteer; 999999 when the county is unknown.';
COMMENT ON COLUMN village.gazetteer_county_name IS '县(市、区)（区划名称）: County name from the place gazetteer.';
COMMENT ON COLUMN village.gazetteer_township_name IS '乡(镇)（区划名称）: Township name from the place gazetteer (未识别乡镇 for an unknown township).';
COMMENT ON COLUMN village.gazetteer_village_name IS '行政村（区划名称）: Village name from the place gazetteer (未识别行政村 for an unknown village).';
COMMENT ON COLUMN village.is_unknown_village IS '是否未识别村: The village code is an unknown-village placeholder (rule C8).';
COMMENT ON COLUMN village.households IS '户数（户）: Registered households.';
COMMENT ON COLUMN village.people IS '人数（人）: Registered members.';
COMMENT ON COLUMN village.poor_people IS '贫困人口数（人）: Members of households 未脱贫, 返贫 or 预脱贫.';
COMMENT ON COLUMN village.exit_ready_households IS '达到脱贫标准户数（户）: Households whose exit check passes.';
COMMENT ON COLUMN village.has_paved_road IS '是否通沥青（水泥）路: Village has an asphalt/concrete road.';
COMMENT ON COLUMN village.natural_villages_30plus IS '30户以上自然村数: Natural villages with 30+ households.';
COMMENT ON COLUMN village.natural_villages_30plus_with_road IS '30户以上自然村已通组道路数: Of those, with a group road.';
COMMENT ON COLUMN village.farm_households IS '农户总数（户）: Farm households in the village.';
COMMENT ON COLUMN village.registered_population IS '户籍人口数（人）: Registered rural population (denominator of poverty incidence).';
COMMENT ON COLUMN village.households_with_power IS '通生活用电户数（户）: Households with electricity.';
COMMENT ON COLUMN village.households_with_tap_water IS '自来水入户户数（户）: Households with tap water.';
COMMENT ON COLUMN village.has_standard_clinic IS '是否有标准化村卫生室: Village has a standard clinic.';
COMMENT ON COLUMN village.poverty_incidence IS '贫困发生率（%）: Poor people / 户籍人口数 x 100 (empty when 户籍人口数 is not reported).';
COMMENT ON COLUMN village.infra_village_source IS '村级设施数据来源: Sender of the village infrastructure row used.';
COMMENT ON COLUMN village.load_id IS '装载批次: Load id, derived from the file''s content hash and the configuration.';
COMMENT ON COLUMN village.office IS '报送单位: Sender: the inbox folder name (offices.yaml key).';
COMMENT ON COLUMN village.file_hash IS '文件指纹: SHA-256 of the file''s bytes.';
COMMENT ON COLUMN village.file_name IS '文件名: The file''s name as the sender dropped it.';
COMMENT ON COLUMN village.sheet IS '工作表: Sheet name (CSV: the file name).';
COMMENT ON COLUMN village.row IS '行号: Row number as Excel shows it (CSV: line number, header counted).';
COMMENT ON COLUMN village.row_uid IS '行标识: Unique row id: file hash prefix, sheet and row.';
COMMENT ON COLUMN village.month IS '报送月份: Reporting month of the file (YYYY-MM).';

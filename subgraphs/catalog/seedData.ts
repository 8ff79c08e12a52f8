/**
 * The district's reference data: its 14 streets and towns, its departments, and the templates from which the data
 * catalogue (数据资源目录) is generated. Pure data and pure functions, so the seed and the tests share one source.
 *
 * Streets come from the district's reference list (`lib/reference/jinganDivisions.ts`, with its sources); the
 * departments and the catalogue templates are defined here.
 */
import { JINGAN_DIVISIONS } from "../../lib/reference/jinganDivisions.ts";
import {
  addDays,
  daysBetween,
  type LocalDate,
  SeedCalendar,
  type SeedOptions,
  shanghaiInstant,
} from "../kit/seedCalendar.ts";
import type {
  DataClassification,
  DataOpenStatus,
  DataUpdateFrequency,
  DepartmentKind,
  StreetKind,
} from "./generated/prisma/client.ts";

export interface StreetSeed {
  id: string;
  code: string;
  name: string;
  englishName: string;
  kind: StreetKind;
  areaKm2: number;
  population: number;
  officeAddress: string;
}

export interface DepartmentSeed {
  id: string;
  code: string;
  name: string;
  shortName: string;
  englishName: string;
  kind: DepartmentKind;
  streetId: string | null;
}

export interface DataResourceSeed {
  id: string;
  code: string;
  name: string;
  description: string;
  ownerDepartmentId: string;
  authoritativeSource: string;
  classification: DataClassification;
  openStatus: DataOpenStatus;
  openConditions: string | null;
  updateFrequency: DataUpdateFrequency;
  format: string;
  fieldCount: number;
  keywords: string[];
  streetId: string | null;
  publishedAt: Date;
}

/** A seeded refresh of a resource's data (数据更新), one row of its history. */
export interface DataResourceRefreshSeed {
  id: string;
  resourceId: string;
  kind: "DATA_REFRESHED";
  at: Date;
  note: string;
  synthetic: true;
}

/**
 * The 14 streets and towns, as the district's one reference list (`lib/reference/jinganDivisions.ts`) defines them.
 * The catalog is the only subgraph that stores and serves their names, codes, areas and populations.
 */
export const streets: StreetSeed[] = JINGAN_DIVISIONS.map((division) => ({
  id: division.id,
  code: division.code,
  name: division.name,
  englishName: division.englishName,
  kind: division.kind,
  areaKm2: division.areaKm2,
  population: division.population,
  officeAddress: division.officeAddress,
}));

/** Departments that other subgraphs reference by id: never rename these. */
const districtDepartments: DepartmentSeed[] = [
  dept(
    "dept-government-office",
    "GOVOFFICE",
    "上海市静安区人民政府办公室",
    "区府办",
    "General Office of the Jing'an District Government",
    "DISTRICT_OFFICE",
  ),
  dept(
    "dept-development",
    "DRC",
    "上海市静安区发展和改革委员会",
    "区发展改革委",
    "Jing'an District Development and Reform Commission",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-commerce",
    "COMMERCE",
    "上海市静安区商务委员会",
    "区商务委",
    "Jing'an District Commission of Commerce",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-science",
    "SCIENCE",
    "上海市静安区科学技术委员会",
    "区科委",
    "Jing'an District Science and Technology Commission",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-education",
    "EDU",
    "上海市静安区教育局",
    "区教育局",
    "Jing'an District Education Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-health",
    "HEALTH",
    "上海市静安区卫生健康委员会",
    "区卫健委",
    "Jing'an District Health Commission",
    "DISTRICT_BUREAU",
  ),
  dept("dept-sports", "SPORTS", "上海市静安区体育局", "区体育局", "Jing'an District Sports Bureau", "DISTRICT_BUREAU"),
  dept(
    "dept-culture",
    "CULTURE",
    "上海市静安区文化和旅游局",
    "区文化旅游局",
    "Jing'an District Culture and Tourism Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-transport",
    "TRANSPORT",
    "上海市静安区建设和管理委员会",
    "区建管委",
    "Jing'an District Construction and Management Commission",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-civil-affairs",
    "CIVIL",
    "上海市静安区民政局",
    "区民政局",
    "Jing'an District Civil Affairs Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-human-resources",
    "HRSS",
    "上海市静安区人力资源和社会保障局",
    "区人社局",
    "Jing'an District Human Resources and Social Security Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-housing",
    "HOUSING",
    "上海市静安区住房保障和房屋管理局",
    "区房管局",
    "Jing'an District Housing Administration Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-market",
    "MARKET",
    "上海市静安区市场监督管理局",
    "区市场监管局",
    "Jing'an District Administration for Market Regulation",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-ecology",
    "ECOLOGY",
    "上海市静安区生态环境局",
    "区生态环境局",
    "Jing'an District Ecology and Environment Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-greening",
    "GREENING",
    "上海市静安区绿化和市容管理局",
    "区绿化市容局",
    "Jing'an District Landscaping and City Appearance Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-emergency",
    "EMERGENCY",
    "上海市静安区应急管理局",
    "区应急局",
    "Jing'an District Emergency Management Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-medical-insurance",
    "MEDINS",
    "上海市静安区医疗保障局",
    "区医保局",
    "Jing'an District Healthcare Security Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-statistics",
    "STATS",
    "上海市静安区统计局",
    "区统计局",
    "Jing'an District Statistics Bureau",
    "DISTRICT_BUREAU",
  ),
  dept(
    "dept-public-security",
    "POLICE",
    "上海市公安局静安分局",
    "静安公安分局",
    "Jing'an Branch of the Shanghai Public Security Bureau",
    "CITY_BRANCH",
  ),
  dept("dept-data", "DATA", "上海市静安区大数据中心", "区大数据中心", "Jing'an District Big Data Centre", "CENTRE"),
  dept(
    "dept-admin-service",
    "ADMINSVC",
    "上海市静安区行政服务中心",
    "区行政服务中心",
    "Jing'an District Administrative Service Centre",
    "CENTRE",
  ),
  dept(
    "dept-city-operations",
    "CITYOPS",
    "上海市静安区城市运行管理中心",
    "区城运中心",
    "Jing'an District City Operation Management Centre",
    "CENTRE",
  ),
];

function dept(
  id: string,
  code: string,
  name: string,
  shortName: string,
  englishName: string,
  kind: DepartmentKind,
): DepartmentSeed {
  return { id, code, name, shortName, englishName, kind, streetId: null };
}

/** Each street office (街道办事处) or town government (镇人民政府) is a department with data of its own. */
function streetOfficeOf(s: StreetSeed): DepartmentSeed {
  const slug = s.id.slice("street-".length);
  const town = s.kind === "TOWN";
  return {
    id: `dept-${s.id}`,
    code: slug.toUpperCase(),
    name: town ? `上海市静安区${s.name}人民政府` : `上海市静安区人民政府${s.name}办事处`,
    shortName: town ? `${s.name}政府` : `${s.name}办事处`,
    englishName: town ? `${s.englishName} Government` : `${s.englishName} Office`,
    kind: "STREET_OFFICE",
    streetId: s.id,
  };
}

export const departments: DepartmentSeed[] = [...districtDepartments, ...streets.map(streetOfficeOf)];

// ─── data catalogue ───────────────────────────────────────────────────────────────────────────────────────────

/**
 * Classification and open status come in pairs, because the grade decides what may be opened: public data may be
 * opened outright or on conditions, internal data at most on conditions, sensitive and core data never.
 */
type Grade = "public-open" | "public-conditional" | "internal-conditional" | "internal" | "sensitive" | "core";

const grades: Record<Grade, { classification: DataClassification; openStatus: DataOpenStatus }> = {
  "public-open": { classification: "PUBLIC", openStatus: "OPEN" },
  "public-conditional": { classification: "PUBLIC", openStatus: "CONDITIONAL" },
  "internal-conditional": { classification: "INTERNAL", openStatus: "CONDITIONAL" },
  internal: { classification: "INTERNAL", openStatus: "NOT_OPEN" },
  sensitive: { classification: "SENSITIVE", openStatus: "NOT_OPEN" },
  core: { classification: "CORE", openStatus: "NOT_OPEN" },
};

const DEFAULT_OPEN_CONDITIONS = "须经数据开放平台申请并签订数据利用协议，限于协议约定用途，不得再转让。";

interface ResourceTemplate {
  /** `{street}` is replaced by the street's name in per-street templates. */
  name: string;
  description: string;
  source: string;
  grade: Grade;
  frequency: DataUpdateFrequency;
  format: string;
  fieldCount: number;
  keywords: string[];
  openConditions?: string;
}

function r(
  name: string,
  source: string,
  grade: Grade,
  frequency: DataUpdateFrequency,
  format: string,
  fieldCount: number,
  keywords: string,
  description: string,
  openConditions?: string,
): ResourceTemplate {
  return {
    name,
    description,
    source,
    grade,
    frequency,
    format,
    fieldCount,
    keywords: keywords.split(" "),
    ...(openConditions ? { openConditions } : {}),
  };
}

/** District-wide resources, by owning department. */
const districtTemplates: Record<string, ResourceTemplate[]> = {
  "dept-data": [
    r(
      "公共数据资源目录",
      "静安区数据资源管理平台",
      "public-open",
      "MONTHLY",
      "CSV",
      18,
      "数据目录 一数一源 编目",
      "全区各部门公共数据资源的目录信息，含责任部门、数源系统、分级与开放属性。",
    ),
    r(
      "公共数据开放清单",
      "静安区公共数据开放平台",
      "public-open",
      "MONTHLY",
      "CSV",
      14,
      "公共数据开放 开放清单",
      "可向社会无条件或有条件开放的公共数据资源清单及开放方式。",
    ),
    r(
      "人口综合库（区级）",
      "静安区人口综合库",
      "core",
      "DAILY",
      "数据库表",
      86,
      "人口 基础库 身份证件",
      "汇聚公安、民政、人社、卫健等数源的区级人口基础信息，按一数一源原则比对治理。",
    ),
    r(
      "法人综合库（区级）",
      "静安区法人综合库",
      "internal-conditional",
      "DAILY",
      "数据库表",
      64,
      "法人 企业 统一社会信用代码",
      "辖区法人单位基础信息及市场监管、税务、人社等部门的关联信息。",
    ),
    r(
      "空间地理库（区级）",
      "静安区空间地理库",
      "internal-conditional",
      "QUARTERLY",
      "SHP",
      22,
      "地理信息 地址 坐标",
      "标准地址、楼宇、道路与街道行政边界等空间数据。",
    ),
    r(
      "电子证照归集目录",
      "静安区电子证照库",
      "internal",
      "DAILY",
      "接口(API)",
      26,
      "电子证照 证照库",
      "区级签发的电子证照种类、签发部门与归集情况。",
    ),
    r(
      "数据共享交换申请记录",
      "静安区数据共享交换平台",
      "internal",
      "DAILY",
      "数据库表",
      19,
      "数据共享 申请 交换",
      "部门间数据共享申请、审批与交换任务的记录。",
    ),
    r(
      "数据质量核查结果",
      "静安区数据资源管理平台",
      "internal",
      "WEEKLY",
      "XLSX",
      15,
      "数据治理 数据质量",
      "各数源数据完整性、准确性、及时性核查结果与整改情况。",
    ),
    r(
      "市北可信数据经济示范园企业名录",
      "静安区法人综合库",
      "public-open",
      "QUARTERLY",
      "CSV",
      12,
      "市北 可信数据 园区 企业",
      "市北可信数据经济示范园入驻企业的名称、行业与入驻时间。",
    ),
    r(
      "区块链创新应用试点项目清单",
      "静安区数据资源管理平台",
      "public-open",
      "YEARLY",
      "XLSX",
      10,
      "区块链 试点 市北高新",
      "国家区块链创新应用试点在静安的项目名称、承担单位与应用场景。",
    ),
  ],
  "dept-health": [
    r(
      "医疗机构名录",
      "静安区全民健康信息平台",
      "public-open",
      "MONTHLY",
      "CSV",
      21,
      "医疗机构 医院 诊所",
      "辖区医院、社区卫生服务中心、门诊部与诊所的名称、地址、级别与执业科目。",
    ),
    r(
      "互联网医院服务目录",
      "静安区互联网医院平台",
      "public-open",
      "WEEKLY",
      "接口(API)",
      16,
      "互联网医院 在线问诊 复诊续方",
      "区互联网医院提供的线上咨询、复诊续方、药品配送等服务项目与开放时段。",
    ),
    r(
      "门诊号源与预计等候时间",
      "健康静安平台",
      "public-open",
      "REALTIME",
      "接口(API)",
      14,
      "便捷就医少等待 号源 等候时间",
      "各医疗机构门诊号源余量与预计等候时长，支撑便捷就医少等待场景。",
    ),
    r(
      "家庭医生签约服务统计",
      "社区卫生服务信息系统",
      "internal-conditional",
      "MONTHLY",
      "XLSX",
      12,
      "家庭医生 签约 社区卫生",
      "各社区卫生服务中心家庭医生签约人数、重点人群覆盖率等统计指标。",
    ),
    r(
      "居民电子健康档案",
      "静安区全民健康信息平台",
      "sensitive",
      "REALTIME",
      "数据库表",
      120,
      "健康档案 个人健康信息",
      "居民基本信息、既往病史、就诊与体检记录，属个人敏感信息。",
    ),
    r(
      "慢性病随访记录",
      "社区卫生服务信息系统",
      "sensitive",
      "DAILY",
      "数据库表",
      48,
      "慢病随访 高血压 糖尿病",
      "高血压、糖尿病等慢性病患者的随访记录与用药情况。",
    ),
    r(
      "养老院+互联网医院对接机构清单",
      "静安区医联体平台",
      "public-open",
      "QUARTERLY",
      "CSV",
      11,
      "养老院 互联网医院 医养结合",
      "接入区医联体平台的内设医疗机构养老院及其对口医院。",
    ),
    r(
      "预防接种门诊信息",
      "疾病预防控制信息系统",
      "public-open",
      "MONTHLY",
      "CSV",
      13,
      "预防接种 疫苗 门诊",
      "预防接种门诊的地址、服务时间与可接种疫苗种类。",
    ),
    r(
      "传染病监测报告",
      "疾病预防控制信息系统",
      "core",
      "DAILY",
      "数据库表",
      37,
      "传染病 疾病监测 公共卫生",
      "法定传染病报告与监测数据，关系公共卫生安全。",
    ),
    r(
      "医疗卫生资源统计",
      "静安区全民健康信息平台",
      "public-open",
      "YEARLY",
      "XLSX",
      24,
      "床位 卫生技术人员 统计",
      "全区医疗机构床位数、卫生技术人员数与诊疗人次等年度统计。",
    ),
  ],
  "dept-education": [
    r(
      "学校名录",
      "教育管理决策大数据平台",
      "public-open",
      "YEARLY",
      "CSV",
      19,
      "学校 中小学 幼儿园",
      "全区幼儿园、小学、初中、高中及职业学校的名称、地址、学段与办学性质。",
    ),
    r(
      "义务教育招生划片范围",
      "教育管理决策大数据平台",
      "public-open",
      "YEARLY",
      "XLSX",
      9,
      "招生 划片 对口入学",
      "公办小学、初中的对口招生地段范围。",
    ),
    r(
      "终身学习课程资源",
      "静安终身学习网",
      "public-open",
      "WEEKLY",
      "接口(API)",
      15,
      "终身教育 课程 市民学习",
      "面向市民的数字化终身教育课程、讲座与学习资源。",
    ),
    r(
      "学校体育场地开放学校名单",
      "教育管理决策大数据平台",
      "public-open",
      "MONTHLY",
      "CSV",
      12,
      "学校体育场地 开放 扫码入场",
      "向社会开放体育场地的学校、开放时段与扫码登记方式。",
    ),
    r(
      "学生数字画像",
      "学生个性化智慧学习平台",
      "core",
      "DAILY",
      "数据库表",
      96,
      "学生画像 未成年人",
      "学生学业、体质与成长数据形成的数字画像，属未成年人个人信息。",
    ),
    r(
      "学籍信息",
      "教育管理决策大数据平台",
      "sensitive",
      "DAILY",
      "数据库表",
      42,
      "学籍 未成年人",
      "在校学生学籍注册、转学与毕业信息。",
    ),
    r(
      "教育城域网网络资产清单",
      "静安教育城域网",
      "internal",
      "QUARTERLY",
      "XLSX",
      18,
      "城域网 网络安全 资产",
      "教育城域网接入学校的网络设备与安全资产台账。",
    ),
    r(
      "信息化应用标杆校名单",
      "教育管理决策大数据平台",
      "public-open",
      "YEARLY",
      "CSV",
      8,
      "数字赋能示范校 标杆校",
      "信息化应用标杆校与数字赋能示范校名单及特色应用。",
    ),
  ],
  "dept-sports": [
    r(
      "公共体育场馆名录",
      "静安体育“智信”管理系统",
      "public-open",
      "MONTHLY",
      "CSV",
      17,
      "体育场馆 健身",
      "全区公共体育场馆的名称、地址、项目与开放时间。",
    ),
    r(
      "错峰订场可预约时段",
      "静安体育“智信”管理系统",
      "public-open",
      "REALTIME",
      "接口(API)",
      12,
      "错峰订场 场地预约",
      "公共体育场馆错峰时段的可预约场地与价格。",
    ),
    r(
      "体育公益配送项目",
      "静安体育公益配送平台",
      "public-open",
      "WEEKLY",
      "接口(API)",
      14,
      "公益配送 健身指导",
      "体育公益配送课程、讲座与赛事活动及报名情况。",
    ),
    r(
      "赛事活动信息",
      "静安体育“智信”管理系统",
      "public-open",
      "WEEKLY",
      "CSV",
      13,
      "赛事 马拉松 全民健身",
      "静安国际女子马拉松等区级赛事与群众体育活动信息。",
    ),
    r(
      "市民运动数据统计",
      "静安体育“智信”管理系统",
      "sensitive",
      "DAILY",
      "数据库表",
      31,
      "运动痕迹 个人运动数据",
      "市民运动痕迹与健身数据，用于智能引导与精准推送，属个人信息。",
    ),
    r(
      "社会体育指导员名录",
      "静安体育“智信”管理系统",
      "internal-conditional",
      "QUARTERLY",
      "XLSX",
      10,
      "社会体育指导员",
      "注册社会体育指导员的等级、服务点位与服务时长。",
    ),
  ],
  "dept-culture": [
    r(
      "文化场馆名录",
      "“静安文旅”智慧服务平台",
      "public-open",
      "MONTHLY",
      "CSV",
      18,
      "文化场馆 图书馆 剧场",
      "区图书馆、文化馆、剧场与美术馆的名称、地址与开放时间。",
    ),
    r(
      "建筑可阅读点位",
      "“建筑可阅读”全景应用",
      "public-open",
      "QUARTERLY",
      "GeoJSON",
      16,
      "建筑可阅读 历史建筑 二维码",
      "设置二维码的优秀历史建筑点位、简介与开放情况。",
    ),
    r(
      "文化公益配送活动",
      "“静安文化公益配送”小程序",
      "public-open",
      "DAILY",
      "接口(API)",
      15,
      "文化公益配送 活动报名",
      "文化公益配送演出、讲座与展览活动及报名名额。",
    ),
    r(
      "旅游线路与景点",
      "“静安文旅”智慧服务平台",
      "public-open",
      "QUARTERLY",
      "CSV",
      14,
      "旅游线路 景点 一站服务舒心游",
      "静安精品文旅线路、A级景点与乐游移动驿站信息。",
    ),
    r(
      "区图书馆馆藏与借阅统计",
      "区图书馆智慧场馆系统",
      "public-open",
      "MONTHLY",
      "XLSX",
      11,
      "图书馆 借阅 智慧场馆",
      "区图书馆馆藏量、借阅量与到馆人次统计。",
    ),
    r(
      "文化公益配送注册用户",
      "“静安文化公益配送”小程序",
      "sensitive",
      "DAILY",
      "数据库表",
      20,
      "注册用户 个人信息",
      "小程序注册用户的身份与联系方式，属个人信息。",
    ),
    r(
      "文物保护单位名录",
      "“静安文旅”智慧服务平台",
      "public-open",
      "YEARLY",
      "CSV",
      12,
      "文物保护 历史风貌",
      "区内各级文物保护单位与优秀历史建筑名录。",
    ),
  ],
  "dept-transport": [
    r(
      "公共停车场（库）名录",
      "静安区智慧停车平台",
      "public-open",
      "MONTHLY",
      "CSV",
      20,
      "停车场 停车库 收费标准",
      "公共停车场（库）的名称、地址、泊位数、收费标准与开放时间。",
    ),
    r(
      "公共停车场（库）实时泊位",
      "市公共停车信息平台",
      "public-open",
      "REALTIME",
      "接口(API)",
      9,
      "实时泊位 停车诱导",
      "公共停车场（库）空余泊位的实时数据，来自市级停车信息平台。",
    ),
    r(
      "充电桩分布与快慢充数量",
      "市充电设施公共数据采集与监测平台",
      "public-open",
      "DAILY",
      "接口(API)",
      14,
      "充电桩 快充 慢充",
      "公共充电设施点位及快充、慢充桩数量与接入市级平台情况。",
    ),
    r(
      "道路停车收费记录",
      "道路停车收费系统",
      "sensitive",
      "REALTIME",
      "数据库表",
      23,
      "道路停车 车牌 行踪",
      "道路停车车牌、时段与缴费记录，涉及车辆行踪信息。",
    ),
    r(
      "在建工程项目清单",
      "建设工程管理系统",
      "public-open",
      "MONTHLY",
      "CSV",
      16,
      "在建工程 施工许可",
      "区管在建工程项目的名称、建设单位、地点与工期。",
    ),
    r(
      "道路掘路计划",
      "道路管线管理系统",
      "public-open",
      "WEEKLY",
      "CSV",
      11,
      "掘路 占路施工 交通",
      "道路掘路与占路施工的路段、时段与交通组织方案。",
    ),
    r(
      "出租车示范站候选场库",
      "静安区智慧停车平台",
      "internal",
      "QUARTERLY",
      "XLSX",
      9,
      "出租车 示范站 场库",
      "具备建设出租车示范站条件的场库评估清单。",
    ),
    r(
      "桥梁与道路设施台账",
      "道路管线管理系统",
      "internal-conditional",
      "YEARLY",
      "SHP",
      25,
      "道路 桥梁 市政设施",
      "区管道路、桥梁与附属设施的基础台账与养护等级。",
    ),
  ],
  "dept-admin-service": [
    r(
      "政务服务事项目录",
      "静安区“一网通办”平台",
      "public-open",
      "WEEKLY",
      "接口(API)",
      28,
      "一网通办 办事指南 政务服务",
      "区级政务服务事项的办事指南、受理条件与办理时限。",
    ),
    r(
      "“一件事”集成服务清单",
      "静安区“一网通办”平台",
      "public-open",
      "MONTHLY",
      "CSV",
      12,
      "一件事 集成服务",
      "已上线“一件事”集成服务的名称、涉及部门与办理渠道。",
    ),
    r(
      "“免申即享”政策清单",
      "静安区“一网通办”平台",
      "public-open",
      "MONTHLY",
      "CSV",
      15,
      "免申即享 惠企利民",
      "区级惠企利民“免申即享”政策、适用对象与兑现方式。",
    ),
    r(
      "综合窗口预约与等候时长",
      "政务智能办系统",
      "public-open",
      "REALTIME",
      "接口(API)",
      10,
      "综合窗口 预约 等候时间",
      "行政服务中心综合窗口预约量与现场等候时长。",
    ),
    r(
      "办件信息",
      "静安区“一网通办”平台",
      "sensitive",
      "REALTIME",
      "数据库表",
      54,
      "办件 申请人 个人信息",
      "政务服务申请、受理、审批与办结记录，含申请人信息。",
    ),
    r(
      "综合自助终端点位",
      "综合自助终端管理系统",
      "public-open",
      "MONTHLY",
      "CSV",
      9,
      "自助终端 楼宇 社区",
      "进村居社区、进楼宇园区的综合自助终端点位与可办事项。",
    ),
    r(
      "政务服务“好差评”统计",
      "政务服务好差评系统",
      "public-conditional",
      "MONTHLY",
      "XLSX",
      11,
      "好差评 满意度",
      "政务服务评价数量、差评整改与满意度统计。",
      "限用于政务服务质量研究，须注明数据来源。",
    ),
  ],
  "dept-market": [
    r(
      "市场主体登记信息",
      "市场主体登记系统",
      "public-open",
      "DAILY",
      "接口(API)",
      25,
      "企业登记 营业执照 统一社会信用代码",
      "辖区企业与个体工商户的登记、变更与注销公示信息。",
    ),
    r(
      "食品经营许可信息",
      "食品安全监管平台",
      "public-open",
      "DAILY",
      "CSV",
      17,
      "食品经营许可 餐饮",
      "食品经营许可证的持证主体、经营场所、经营项目与有效期。",
    ),
    r(
      "“双随机”抽查结果",
      "市场监管综合执法系统",
      "public-open",
      "MONTHLY",
      "CSV",
      13,
      "双随机 抽查 监管",
      "市场监管“双随机、一公开”抽查对象与结果。",
    ),
    r(
      "12315投诉举报统计",
      "12315投诉举报平台",
      "internal-conditional",
      "MONTHLY",
      "XLSX",
      12,
      "投诉举报 消费维权",
      "消费投诉举报的数量、类别与处理结果统计。",
    ),
    r(
      "特种设备使用登记",
      "特种设备安全监管系统",
      "internal",
      "WEEKLY",
      "数据库表",
      22,
      "特种设备 电梯 安全",
      "电梯、锅炉等特种设备的使用单位、登记与检验信息。",
    ),
    r(
      "企业信用风险分类",
      "市场监管综合执法系统",
      "core",
      "MONTHLY",
      "数据库表",
      30,
      "信用风险 监管",
      "企业信用风险分类结果，用于分级分类监管。",
    ),
  ],
  "dept-civil-affairs": [
    r(
      "养老服务机构名录",
      "静安区养老服务平台",
      "public-open",
      "MONTHLY",
      "CSV",
      18,
      "养老院 长者照护之家 日间照料",
      "养老院、长者照护之家与社区日间照料中心的地址、床位与服务内容。",
    ),
    r(
      "社区长者食堂",
      "静安区养老服务平台",
      "public-open",
      "MONTHLY",
      "CSV",
      10,
      "长者食堂 助餐",
      "社区长者食堂与助餐点的位置、供餐时段与价格。",
    ),
    r(
      "社会组织登记信息",
      "社会组织管理系统",
      "public-open",
      "MONTHLY",
      "CSV",
      14,
      "社会组织 社会团体 民办非企业",
      "区级登记社会组织的名称、类型、业务范围与登记状态。",
    ),
    r(
      "低保与特困救助对象",
      "社会救助信息系统",
      "sensitive",
      "MONTHLY",
      "数据库表",
      35,
      "社会救助 低保 特困",
      "最低生活保障与特困供养对象信息，属个人敏感信息。",
    ),
    r(
      "老年人能力评估结果",
      "静安区养老服务平台",
      "sensitive",
      "DAILY",
      "数据库表",
      40,
      "老年照护 统一需求评估",
      "老年照护统一需求评估的等级与照护计划。",
    ),
    r(
      "婚姻登记预约时段",
      "婚姻登记系统",
      "public-open",
      "DAILY",
      "接口(API)",
      7,
      "婚姻登记 预约",
      "区婚姻登记中心可预约日期与时段。",
    ),
  ],
  "dept-public-security": [
    r(
      "实有人口信息",
      "实有人口管理系统",
      "core",
      "REALTIME",
      "数据库表",
      78,
      "实有人口 居住登记",
      "辖区实有人口居住登记与变动信息。",
    ),
    r(
      "“数字哨兵”点位部署",
      "“数字哨兵”平台",
      "internal",
      "DAILY",
      "数据库表",
      16,
      "数字哨兵 防疫 场所码",
      "“数字哨兵”终端在餐饮、零售、交通、文体等场所的部署点位。",
    ),
    r(
      "交通事故统计",
      "道路交通管理系统",
      "internal-conditional",
      "MONTHLY",
      "XLSX",
      14,
      "交通事故 道路安全",
      "道路交通事故的数量、路段与成因统计。",
    ),
    r(
      "户政业务办理网点",
      "户政管理系统",
      "public-open",
      "QUARTERLY",
      "CSV",
      10,
      "户政 派出所 办事网点",
      "派出所户政窗口地址、办公时间与可办业务。",
    ),
    r(
      "公共视频监控点位",
      "公共视频图像平台",
      "core",
      "DAILY",
      "SHP",
      12,
      "视频监控 公共安全",
      "公共安全视频监控点位与覆盖范围。",
    ),
  ],
  "dept-city-operations": [
    r(
      "城市运行体征指标",
      "静安区“一网统管”城运平台",
      "internal-conditional",
      "REALTIME",
      "接口(API)",
      42,
      "一网统管 城市体征 观管防",
      "城市全生命周期体征指标体系的实时监测数据。",
    ),
    r(
      "12345市民热线工单",
      "12345市民服务热线工单系统",
      "sensitive",
      "REALTIME",
      "数据库表",
      38,
      "12345 热线 诉求",
      "市民热线诉求工单的内容、派单与处置情况，含来电人信息。",
    ),
    r(
      "12345热线诉求分类统计",
      "12345市民服务热线工单系统",
      "public-open",
      "MONTHLY",
      "XLSX",
      12,
      "12345 诉求统计",
      "热线诉求按类别、街道与处置时效的统计。",
    ),
    r(
      "应急处置事件",
      "静安区“一网统管”城运平台",
      "internal",
      "REALTIME",
      "数据库表",
      27,
      "高效处置一件事 四早五最",
      "城运平台派发的应急与联勤联动处置事件记录。",
    ),
    r(
      "城市网格划分",
      "静安区“一网统管”城运平台",
      "internal-conditional",
      "YEARLY",
      "SHP",
      9,
      "网格化管理 网格",
      "城市网格化管理的网格边界与责任单位。",
    ),
  ],
  "dept-development": [
    r(
      "区重大建设项目清单",
      "重大项目管理系统",
      "public-open",
      "YEARLY",
      "XLSX",
      14,
      "重大项目 固定资产投资",
      "年度区重大建设项目的名称、投资额与建设进度。",
    ),
    r(
      "城市数字化转型重点项目",
      "重大项目管理系统",
      "public-open",
      "QUARTERLY",
      "CSV",
      13,
      "数字化转型 重点项目 应用场景",
      "纳入区城市数字化转型的重点项目与应用场景及进展。",
    ),
    r(
      "重要商品价格监测",
      "价格监测系统",
      "public-open",
      "WEEKLY",
      "CSV",
      11,
      "价格监测 菜价 民生",
      "粮油、蔬菜、肉类等重要民生商品的价格监测数据。",
    ),
    r(
      "社会信用信息归集",
      "公共信用信息服务平台",
      "internal-conditional",
      "DAILY",
      "接口(API)",
      29,
      "社会信用 红黑名单",
      "法人与自然人公共信用信息的归集与共享。",
    ),
  ],
  "dept-commerce": [
    r(
      "南京西路商圈客流统计",
      "南京西路数字商圈平台",
      "public-conditional",
      "DAILY",
      "接口(API)",
      10,
      "南京西路 商圈 客流",
      "南京西路标杆数字化转型示范街区重点商业体的客流统计。",
      "限用于商业研究与公共服务，须以汇总粒度使用。",
    ),
    r(
      "重点商业载体名录",
      "南京西路数字商圈平台",
      "public-open",
      "YEARLY",
      "CSV",
      13,
      "商业载体 首店 新业态",
      "重点商场、商街与沉浸式新业态载体名录。",
    ),
    r(
      "外资总部企业名录",
      "外资企业服务系统",
      "public-open",
      "YEARLY",
      "CSV",
      11,
      "总部经济 跨国公司地区总部",
      "经认定的跨国公司地区总部与贸易型总部企业名录。",
    ),
    r(
      "重点企业商品销售额统计",
      "商务运行监测系统",
      "internal",
      "MONTHLY",
      "XLSX",
      16,
      "社会消费品零售 商务运行",
      "重点批发零售企业销售额与增速监测数据。",
    ),
  ],
  "dept-science": [
    r(
      "高新技术企业名录",
      "科技企业服务平台",
      "public-open",
      "YEARLY",
      "CSV",
      12,
      "高新技术企业 科技创新",
      "辖区经认定的高新技术企业名称、领域与认定年度。",
    ),
    r(
      "科技创新扶持项目",
      "科技企业服务平台",
      "public-open",
      "QUARTERLY",
      "CSV",
      14,
      "科技扶持 项目申报",
      "区级科技创新扶持项目的申报指南与立项名单。",
    ),
    r(
      "众创空间与孵化器",
      "科技企业服务平台",
      "public-open",
      "YEARLY",
      "CSV",
      10,
      "众创空间 孵化器 市北高新",
      "市北高新等园区内的众创空间、孵化器与在孵企业数量。",
    ),
  ],
  "dept-human-resources": [
    r(
      "招聘岗位信息",
      "就业服务信息系统",
      "public-open",
      "DAILY",
      "接口(API)",
      16,
      "招聘 岗位 就业服务",
      "公共就业服务机构发布的招聘岗位、要求与待遇。",
    ),
    r(
      "职业技能培训机构",
      "职业能力建设系统",
      "public-open",
      "QUARTERLY",
      "CSV",
      12,
      "职业培训 补贴培训",
      "可开展补贴性职业技能培训的机构与项目。",
    ),
    r(
      "社会保险参保信息",
      "社会保险经办系统",
      "sensitive",
      "DAILY",
      "数据库表",
      44,
      "社保 参保 缴费",
      "单位与个人社会保险参保缴费信息。",
    ),
    r(
      "人力资源服务机构名录",
      "人力资源市场管理系统",
      "public-open",
      "QUARTERLY",
      "CSV",
      11,
      "人力资源服务 许可",
      "经许可的人力资源服务机构名称、地址与业务范围。",
    ),
    r(
      "劳动人事争议仲裁统计",
      "劳动人事争议仲裁系统",
      "internal-conditional",
      "QUARTERLY",
      "XLSX",
      10,
      "劳动争议 仲裁",
      "劳动人事争议案件受理与结案统计。",
    ),
  ],
  "dept-housing": [
    r(
      "物业服务项目名录",
      "物业管理信息平台",
      "public-open",
      "MONTHLY",
      "CSV",
      15,
      "物业服务 住宅小区",
      "住宅小区物业服务企业、项目经理与服务等级。",
    ),
    r(
      "保障性租赁住房项目",
      "住房保障信息系统",
      "public-open",
      "QUARTERLY",
      "CSV",
      13,
      "保障性租赁住房 人才公寓",
      "保障性租赁住房项目的地址、房源与申请条件。",
    ),
    r(
      "旧住房成套改造与“两旧”改造计划",
      "房屋管理信息系统",
      "public-open",
      "YEARLY",
      "XLSX",
      12,
      "旧改 成套改造 城市更新",
      "旧住房成套改造、零星旧改与城市更新项目计划。",
    ),
    r(
      "房屋租赁合同备案",
      "房屋管理信息系统",
      "sensitive",
      "DAILY",
      "数据库表",
      33,
      "房屋租赁 合同备案",
      "房屋租赁合同登记备案信息，含承租人身份信息。",
    ),
    r(
      "住宅小区电梯加装进展",
      "房屋管理信息系统",
      "public-open",
      "MONTHLY",
      "CSV",
      10,
      "加装电梯 既有多层住宅",
      "既有多层住宅加装电梯的立项、施工与完工情况。",
    ),
  ],
  "dept-ecology": [
    r(
      "空气质量监测",
      "生态环境监测平台",
      "public-open",
      "REALTIME",
      "接口(API)",
      12,
      "空气质量 AQI PM2.5",
      "区内空气自动监测站的AQI与主要污染物浓度。",
    ),
    r(
      "排污许可与重点排污单位",
      "排污许可管理系统",
      "public-open",
      "QUARTERLY",
      "CSV",
      14,
      "排污许可 重点排污单位",
      "重点排污单位名录与排污许可信息。",
    ),
    r(
      "环境信访投诉",
      "生态环境信访系统",
      "internal",
      "DAILY",
      "数据库表",
      18,
      "环境投诉 噪声 油烟",
      "噪声、油烟、异味等环境信访投诉与处理结果。",
    ),
    r(
      "建设项目环评审批",
      "环评审批系统",
      "public-open",
      "MONTHLY",
      "CSV",
      11,
      "环境影响评价 审批",
      "建设项目环境影响评价文件审批结果公示。",
    ),
  ],
  "dept-greening": [
    r(
      "公园绿地名录",
      "绿化市容信息平台",
      "public-open",
      "YEARLY",
      "CSV",
      13,
      "公园 绿地 口袋公园",
      "大宁公园、静安公园等公园绿地与口袋公园的位置、面积与开放时间。",
    ),
    r(
      "公共厕所分布",
      "绿化市容信息平台",
      "public-open",
      "QUARTERLY",
      "GeoJSON",
      10,
      "公共厕所 市容",
      "公共厕所点位、开放时间与无障碍设施情况。",
    ),
    r(
      "生活垃圾分类收运统计",
      "生活垃圾分类管理系统",
      "public-open",
      "MONTHLY",
      "XLSX",
      12,
      "垃圾分类 湿垃圾 可回收物",
      "生活垃圾分类收运量与分类实效统计。",
    ),
    r(
      "户外广告设施设置",
      "绿化市容信息平台",
      "internal-conditional",
      "QUARTERLY",
      "CSV",
      14,
      "户外广告 店招",
      "户外广告与店招店牌设施的设置许可信息。",
    ),
  ],
  "dept-emergency": [
    r(
      "应急避难场所",
      "应急指挥平台",
      "public-open",
      "YEARLY",
      "GeoJSON",
      11,
      "应急避难场所 防灾",
      "应急避难场所的位置、面积与可容纳人数。",
    ),
    r(
      "安全生产重点企业",
      "安全生产监管系统",
      "internal",
      "QUARTERLY",
      "数据库表",
      20,
      "安全生产 危险化学品",
      "安全生产重点监管企业与隐患排查治理信息。",
    ),
    r(
      "应急物资储备点",
      "应急指挥平台",
      "core",
      "MONTHLY",
      "数据库表",
      15,
      "应急物资 储备",
      "区级应急物资储备点位与储备品种数量。",
    ),
    r(
      "安全生产行政处罚",
      "安全生产监管系统",
      "public-open",
      "MONTHLY",
      "CSV",
      12,
      "行政处罚 安全生产",
      "安全生产行政处罚决定公示信息。",
    ),
  ],
  "dept-medical-insurance": [
    r(
      "医保定点医药机构",
      "医保信息平台",
      "public-open",
      "MONTHLY",
      "CSV",
      14,
      "医保定点 药店 医疗机构",
      "医保定点医疗机构与定点零售药店名录。",
    ),
    r(
      "医保结算明细",
      "医保信息平台",
      "sensitive",
      "REALTIME",
      "数据库表",
      58,
      "医保结算 就诊费用",
      "参保人就诊与购药的医保结算明细。",
    ),
    r(
      "长期护理保险服务机构",
      "医保信息平台",
      "public-open",
      "QUARTERLY",
      "CSV",
      12,
      "长护险 护理服务",
      "长期护理保险定点护理服务机构与服务范围。",
    ),
  ],
  "dept-statistics": [
    r(
      "静安统计年鉴",
      "统计数据管理平台",
      "public-open",
      "YEARLY",
      "XLSX",
      60,
      "统计年鉴 国民经济",
      "全区国民经济与社会发展主要统计数据汇编。",
    ),
    r(
      "主要经济指标月报",
      "统计数据管理平台",
      "public-open",
      "MONTHLY",
      "XLSX",
      26,
      "经济指标 月报 GDP",
      "地区生产总值、税收、社会消费品零售总额等主要经济指标。",
    ),
    r(
      "第七次全国人口普查主要数据",
      "统计数据管理平台",
      "public-open",
      "YEARLY",
      "XLSX",
      22,
      "人口普查 常住人口",
      "全区及各街道（镇）常住人口、年龄结构与受教育程度。",
    ),
    r(
      "经济普查单位清查名录",
      "统计数据管理平台",
      "internal",
      "YEARLY",
      "数据库表",
      30,
      "经济普查 基本单位",
      "经济普查中清查的法人单位与产业活动单位名录。",
    ),
  ],
  "dept-government-office": [
    r(
      "政府信息公开目录",
      "政府信息公开系统",
      "public-open",
      "WEEKLY",
      "CSV",
      12,
      "政府信息公开 政策文件",
      "区政府及部门主动公开的规范性文件与政策解读。",
    ),
    r(
      "依申请公开办理统计",
      "政府信息公开系统",
      "public-open",
      "YEARLY",
      "XLSX",
      10,
      "依申请公开 年度报告",
      "政府信息依申请公开的受理与答复情况统计。",
    ),
    r(
      "人大建议政协提案办理",
      "建议提案办理系统",
      "public-conditional",
      "YEARLY",
      "XLSX",
      12,
      "人大建议 政协提案",
      "人大代表建议与政协委员提案的承办单位与办理结果。",
      "仅开放答复摘要，全文须经承办单位同意。",
    ),
  ],
};

/**
 * Resources every street has, scoped to it (`street` is set). `owner` "street-office" means the street's own office
 * or town government.
 */
const perStreetTemplates: Array<{ owner: string } & ResourceTemplate> = [
  {
    owner: "dept-sports",
    ...r(
      "{street}健身苑点设施",
      "静安体育“智信”管理系统",
      "public-open",
      "WEEKLY",
      "CSV",
      15,
      "健身苑点 健身器材 维保状态",
      "{street}健身苑点的位置、器材数量、功能与维保状态，支撑全民健身零距离场景。",
    ),
  },
  {
    // 区教育局 owns the school grounds' opening (学校体育场地开放) and serves it from the education subgraph.
    owner: "dept-education",
    ...r(
      "{street}学校体育场地开放情况",
      "教育管理决策大数据平台",
      "public-open",
      "DAILY",
      "接口(API)",
      11,
      "学校体育场地 开放时段 扫码入场",
      "{street}向社会开放的学校体育场地、当日开放时段与余量。",
    ),
  },
  {
    owner: "dept-health",
    ...r(
      "{street}社区卫生服务中心服务信息",
      "社区卫生服务信息系统",
      "public-open",
      "MONTHLY",
      "CSV",
      16,
      "社区卫生服务中心 门诊 家庭医生",
      "{street}社区卫生服务中心及服务站点的门诊时间、科室与家庭医生团队。",
    ),
  },
  {
    owner: "dept-transport",
    ...r(
      "{street}公共停车场（库）实时泊位",
      "市公共停车信息平台",
      "public-open",
      "REALTIME",
      "接口(API)",
      9,
      "实时泊位 停车场 停车诱导",
      "{street}范围内公共停车场（库）的实时空余泊位。",
    ),
  },
  {
    owner: "dept-transport",
    ...r(
      "{street}道路停车泊位",
      "道路停车收费系统",
      "public-open",
      "MONTHLY",
      "GeoJSON",
      10,
      "道路停车 收费时段",
      "{street}道路停车场的路段、泊位数与收费时段。",
    ),
  },
  {
    owner: "dept-transport",
    ...r(
      "{street}充电桩分布",
      "市充电设施公共数据采集与监测平台",
      "public-open",
      "DAILY",
      "接口(API)",
      13,
      "充电桩 快充 慢充 新能源",
      "{street}公共及专用充电桩点位、快慢充数量与实时状态。",
    ),
  },
  {
    owner: "dept-civil-affairs",
    ...r(
      "{street}养老服务设施",
      "静安区养老服务平台",
      "public-open",
      "MONTHLY",
      "CSV",
      14,
      "养老服务 长者照护 日间照料",
      "{street}养老院、长者照护之家、日间照料中心与长者食堂。",
    ),
  },
  {
    owner: "dept-culture",
    ...r(
      "{street}社区文化活动中心活动预告",
      "“静安文化公益配送”小程序",
      "public-open",
      "WEEKLY",
      "接口(API)",
      12,
      "社区文化活动中心 公益配送",
      "{street}社区文化活动中心的活动预告、报名方式与场地开放时间。",
    ),
  },
  {
    owner: "dept-greening",
    ...r(
      "{street}生活垃圾分类投放点",
      "生活垃圾分类管理系统",
      "public-open",
      "QUARTERLY",
      "GeoJSON",
      9,
      "垃圾分类 投放点 定时定点",
      "{street}住宅小区生活垃圾定时定点投放点位与投放时段。",
    ),
  },
  {
    owner: "dept-housing",
    ...r(
      "{street}住宅小区名录",
      "物业管理信息平台",
      "public-conditional",
      "YEARLY",
      "CSV",
      13,
      "住宅小区 物业 业委会",
      "{street}住宅小区的名称、地址、建成年代与物业服务企业。",
      "限用于社区服务与城市研究，不得用于商业营销。",
    ),
  },
  {
    owner: "dept-city-operations",
    ...r(
      "{street}城运工单处置情况",
      "静安区“一网统管”城运平台",
      "internal-conditional",
      "DAILY",
      "XLSX",
      14,
      "城运工单 网格 处置时效",
      "{street}网格化管理发现与派单工单的处置时效统计。",
    ),
  },
  {
    owner: "street-office",
    ...r(
      "{street}居民区（居委会）名录",
      "社区云",
      "public-open",
      "YEARLY",
      "CSV",
      10,
      "居委会 居民区 社区治理",
      "{street}各居民区（居委会）的名称、办公地址与联系电话。",
    ),
  },
  {
    owner: "street-office",
    ...r(
      "{street}社区事务受理服务中心办件统计",
      "社区事务受理服务中心系统",
      "internal-conditional",
      "MONTHLY",
      "XLSX",
      12,
      "社区事务受理 办件 一网通办",
      "{street}社区事务受理服务中心受理、办结与等候时长统计。",
    ),
  },
  {
    owner: "street-office",
    ...r(
      "{street}社区实有人口台账",
      "社区云",
      "sensitive",
      "DAILY",
      "数据库表",
      46,
      "实有人口 社区 居住信息",
      "{street}居委会采集的社区人口居住信息，属个人信息，权威数源为公安实有人口库。",
    ),
  },
  {
    owner: "street-office",
    ...r(
      "{street}独居老人关爱名单",
      "社区云",
      "sensitive",
      "MONTHLY",
      "数据库表",
      21,
      "独居老人 关爱 为老服务",
      "{street}独居、高龄老人关爱走访名单与服务记录。",
    ),
  },
];

/** Extra, street-specific resources where the source document names a pilot or a flagship. */
const streetSpecials: Array<{ street: string; owner: string } & ResourceTemplate> = [
  {
    street: "street-linfenlu",
    owner: "street-office",
    ...r(
      "临汾路街道数字家园应用场景",
      "临汾路街道数字家园平台",
      "public-open",
      "MONTHLY",
      "接口(API)",
      18,
      "数字家园 未来社区 市级试点",
      "市级数字家园试点的未来邻里、未来健康、未来养老等场景及使用情况。",
    ),
  },
  {
    street: "street-linfenlu",
    owner: "street-office",
    ...r(
      "临汾路街道智能设施感知数据",
      "临汾路街道数字家园平台",
      "internal-conditional",
      "REALTIME",
      "接口(API)",
      16,
      "物联感知 烟感 门磁",
      "社区烟感、门磁、水压等物联感知设备的告警与在线状态。",
    ),
  },
  {
    street: "street-nanjingxilu",
    owner: "street-office",
    ...r(
      "南京西路数字化转型示范街区场景清单",
      "南京西路数字商圈平台",
      "public-open",
      "QUARTERLY",
      "CSV",
      12,
      "示范街区 数字商圈 标杆",
      "南京西路标杆数字化转型示范街区的场景、载体与建设进度。",
    ),
  },
  {
    street: "street-daninglu",
    owner: "dept-culture",
    ...r(
      "大宁地区文创园区与电竞场馆",
      "“静安文旅”智慧服务平台",
      "public-open",
      "YEARLY",
      "CSV",
      11,
      "文创 电竞 大宁",
      "大宁地区文创园区与灵石中国电竞中心场馆信息。",
    ),
  },
  {
    street: "street-pengpu",
    owner: "street-office",
    ...r(
      "彭浦镇产业园区企业名录",
      "静安区法人综合库",
      "public-open",
      "YEARLY",
      "CSV",
      12,
      "产业园区 多媒体谷",
      "上海多媒体谷等镇域产业园区的入驻企业名录。",
    ),
  },
];

// Deterministic dates: entries were first catalogued over the programme years from 2019.
const FIRST_PUBLISHED = Date.UTC(2019, 0, 15, 2);
const DAY = 86_400_000;
/** Days between refreshes of the data (REALTIME sources are snapshotted daily into the history). */
const refreshPeriod: Record<DataUpdateFrequency, number> = {
  REALTIME: 1,
  DAILY: 1,
  WEEKLY: 7,
  MONTHLY: 30,
  QUARTERLY: 91,
  YEARLY: 365,
};
/** Refresh days of every resource are counted from this day, each resource at its own phase of its period. */
const REFRESH_EPOCH: LocalDate = "2019-01-15";
/** The seed writes each resource's last three refreshes up to the seed date (not the whole past). */
const REFRESHES_SEEDED = 3;
/** The window a seed run's refreshes are drawn from: three years back, to the seed date included. */
export const REFRESH_WINDOW = { from: -3 * 366, to: 1 } as const;

/** Builds the catalogue: ids `res-0001`… in generation order, codes `JA-<department code>-0001`… per department. */
export function buildDataResources(): DataResourceSeed[] {
  const departmentById = new Map(departments.map((d) => [d.id, d]));
  const entries: Array<{ template: ResourceTemplate; ownerId: string; streetId: string | null }> = [];
  for (const [ownerId, templates] of Object.entries(districtTemplates)) {
    for (const template of templates) entries.push({ template, ownerId, streetId: null });
  }
  for (const { owner, ...template } of perStreetTemplates) {
    for (const s of streets) {
      entries.push({
        template: named(template, s),
        ownerId: owner === "street-office" ? `dept-${s.id}` : owner,
        streetId: s.id,
      });
    }
  }
  for (const { street: streetId, owner, ...template } of streetSpecials) {
    entries.push({ template, ownerId: owner === "street-office" ? `dept-${streetId}` : owner, streetId });
  }

  const perDepartment = new Map<string, number>();
  return entries.map(({ template, ownerId, streetId }, index) => {
    const owner = departmentById.get(ownerId);
    if (!owner) throw new Error(`Seed template "${template.name}" names unknown department ${ownerId}.`);
    const sequence = (perDepartment.get(ownerId) ?? 0) + 1;
    perDepartment.set(ownerId, sequence);
    const { classification, openStatus } = grades[template.grade];
    // Spread publication over the programme years with a stride coprime to the range, so dates look irregular.
    const publishedAt = new Date(FIRST_PUBLISHED + ((index * 37) % 1400) * DAY);
    return {
      id: `res-${String(index + 1).padStart(4, "0")}`,
      code: `JA-${owner.code}-${String(sequence).padStart(4, "0")}`,
      name: template.name,
      description: template.description,
      ownerDepartmentId: ownerId,
      authoritativeSource: template.source,
      classification,
      openStatus,
      openConditions: openStatus === "CONDITIONAL" ? (template.openConditions ?? DEFAULT_OPEN_CONDITIONS) : null,
      updateFrequency: template.frequency,
      format: template.format,
      fieldCount: template.fieldCount,
      keywords: template.keywords,
      streetId,
      publishedAt,
    };
  });
}

/**
 * The refresh history the seed writes for the seed date: each resource's last three refreshes up to that day, on the
 * days its update frequency puts them (at 02:00, when the nightly exchange runs), never before it was catalogued.
 * A later seed date adds the refreshes since; days an earlier run's window covered are left as they are, so a
 * refresh the department recorded itself is never doubled by a seeded one.
 */
export function buildRefreshHistory(options: SeedOptions): DataResourceRefreshSeed[] {
  const calendar = new SeedCalendar(options);
  const resources = [...buildDataResources(), ...buildEnterpriseDatasets()];
  const rows: DataResourceRefreshSeed[] = [];
  resources.forEach((resource, index) => {
    const period = refreshPeriod[resource.updateFrequency];
    const phase = (index * 13) % period;
    const sinceEpoch = daysBetween(REFRESH_EPOCH, calendar.date);
    const last = addDays(calendar.date, -(((sinceEpoch - phase) % period) + period) % period);
    const published = resource.publishedAt.toISOString().slice(0, 10);
    for (let k = 0; k < REFRESHES_SEEDED; k++) {
      const day = addDays(last, -k * period);
      if (day < published || day < calendar.day(REFRESH_WINDOW.from) || calendar.covered(REFRESH_WINDOW, day)) continue;
      rows.push({
        id: `upd-${resource.id}-${day.replaceAll("-", "")}`,
        resourceId: resource.id,
        kind: "DATA_REFRESHED",
        at: shanghaiInstant(day, "02:00"),
        note: `${resource.authoritativeSource}例行更新`,
        synthetic: true,
      });
    }
  });
  return rows;
}

function named(template: ResourceTemplate, s: StreetSeed): ResourceTemplate {
  return {
    ...template,
    name: template.name.replaceAll("{street}", s.name),
    description: template.description.replaceAll("{street}", s.name),
  };
}

/**
 * Every entry of the catalogue as the catalog seeds it: id, name and owner, what composition holds the subgraphs'
 * `@dataResource` declarations to (scripts/oneDataOneSource.ts).
 */
export function publishedCatalogue(): Array<{ id: string; name: string; ownerDepartmentId: string }> {
  return [...buildDataResources(), ...buildEnterpriseDatasets()].map(({ id, name, ownerDepartmentId }) => ({
    id,
    name,
    ownerDepartmentId,
  }));
}

/** Kinds of dataset the catalogue holds about or from an enterprise (the enterprise dossier's "catalogued datasets"). */
const enterpriseDatasetKinds: Array<{
  suffix: string;
  owner: string;
  classification: DataClassification;
  openStatus: DataOpenStatus;
  frequency: DataUpdateFrequency;
  source: string;
  description: string;
  keywords: string[];
}> = [
  {
    suffix: "企业公共信用信息",
    owner: "dept-market",
    classification: "PUBLIC",
    openStatus: "OPEN",
    frequency: "DAILY",
    source: "国家企业信用信息公示系统（上海）",
    description: "登记、许可、处罚、抽查结果等依法公示的信用信息。",
    keywords: ["信用", "公示", "企业"],
  },
  {
    suffix: "数据产品登记",
    owner: "dept-data",
    classification: "INTERNAL",
    openStatus: "CONDITIONAL",
    frequency: "MONTHLY",
    source: "市北可信数据经济示范园数据产品登记平台",
    description: "企业在可信数据经济示范园登记的数据产品：来源、用途、授权范围与合规评估结论。",
    keywords: ["数据产品", "可信数据", "市北"],
  },
  {
    suffix: "能耗与排放监测",
    owner: "dept-ecology",
    classification: "SENSITIVE",
    openStatus: "NOT_OPEN",
    frequency: "DAILY",
    source: "静安区重点用能单位在线监测平台",
    description: "重点用能企业的用电、用气与排放在线监测数据，仅供主管部门履职使用。",
    keywords: ["能耗", "排放", "监测"],
  },
];

/**
 * Datasets catalogued per enterprise (one in twelve of the 3,000 enterprises, one to three datasets each), linked by
 * the enterprise id the enterprise subgraph owns.
 */
export function buildEnterpriseDatasets(): Array<DataResourceSeed & { enterpriseId: string }> {
  const rows: Array<DataResourceSeed & { enterpriseId: string }> = [];
  for (let n = 1; n <= 3000; n += 12) {
    const enterpriseId = `ent-${String(n).padStart(6, "0")}`;
    // One, two or three datasets in turn (the enterprises are every twelfth, so n % 3 alone would always be 1).
    const kinds = enterpriseDatasetKinds.slice(0, 1 + (((n - 1) / 12) % 3));
    for (const kind of kinds) {
      const sequence = rows.length + 1;
      const publishedAt = new Date(FIRST_PUBLISHED + ((sequence * 41) % 1400) * DAY);
      rows.push({
        id: `res-e${String(sequence).padStart(4, "0")}`,
        code: `JA-ENT-${String(sequence).padStart(4, "0")}`,
        name: `${kind.suffix}（${enterpriseId}）`,
        description: kind.description,
        ownerDepartmentId: kind.owner,
        authoritativeSource: kind.source,
        classification: kind.classification,
        openStatus: kind.openStatus,
        openConditions: kind.openStatus === "CONDITIONAL" ? DEFAULT_OPEN_CONDITIONS : null,
        updateFrequency: kind.frequency,
        format: "JSON",
        fieldCount: 12 + (sequence % 20),
        keywords: kind.keywords,
        streetId: null,
        publishedAt,
        enterpriseId,
      });
    }
  }
  return rows;
}

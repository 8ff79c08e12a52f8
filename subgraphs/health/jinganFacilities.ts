/**
 * Reference tables for the health seed: the district's named hospitals, clinic line-ups per kind of institution, and
 * the medical partners of the district's nursing homes in the "养老院+互联网医院" pilot (seed §6; the homes themselves are
 * civil affairs' register). `seedData.ts` turns these into rows; the streets, their
 * roads and neighbourhoods come from the district's one reference list (`lib/reference/jinganDivisions.ts`).
 *
 * Names of the large hospitals are the real ones so that residents recognise them; addresses, phone numbers,
 * doctors and everything below the hospital level are synthetic and only plausible.
 */
import type { HospitalKind, HospitalLevel } from "./generated/prisma/client.ts";

export const HEALTH_DEPARTMENT_ID = "dept-health";

/**
 * Medical rooms inside welfare institutions (养老院内设医疗机构, seed §6) answer to the civil affairs bureau that runs
 * the institution; every other institution is supervised by the health commission.
 */
export const INSTITUTIONAL_CLINICS = [
  {
    name: "上海市静安区第一社会福利院医务室",
    streetId: "street-pengpu",
    address: "静安区共康路505号",
    departmentId: "dept-civil-affairs",
  },
  {
    name: "上海市静安区第二社会福利院医务室",
    streetId: "street-pengpuxincun",
    address: "静安区三泉路1040号",
    departmentId: "dept-civil-affairs",
  },
] as const;

export interface NamedHospital {
  name: string;
  kind: HospitalKind;
  level: HospitalLevel;
  streetId: string;
  address: string;
  isInternetHospital: boolean;
  /** Clinic line-up (科室) for specialist hospitals; others use the line-up of their kind. */
  clinics?: readonly string[];
}

/** Hospitals residents know by name. The first three form the district's medical alliance (医联体) of seed §6. */
export const NAMED_HOSPITALS: readonly NamedHospital[] = [
  {
    name: "上海市闸北区中心医院",
    kind: "GENERAL",
    level: "SECONDARY",
    streetId: "street-zhijiangxilu",
    address: "静安区中华新路619号",
    isInternetHospital: true,
  },
  {
    name: "上海市市北医院",
    kind: "GENERAL",
    level: "SECONDARY",
    streetId: "street-pengpu",
    address: "静安区共和新路4500号",
    isInternetHospital: true,
  },
  {
    name: "上海市静安区中心医院",
    kind: "GENERAL",
    level: "SECONDARY",
    streetId: "street-caojiadu",
    address: "静安区西康路259号",
    isInternetHospital: true,
  },
  {
    name: "复旦大学附属华山医院",
    kind: "GENERAL",
    level: "TERTIARY",
    streetId: "street-jingansi",
    address: "静安区乌鲁木齐中路12号",
    isInternetHospital: true,
  },
  {
    name: "复旦大学附属华东医院",
    kind: "GENERAL",
    level: "TERTIARY",
    streetId: "street-jingansi",
    address: "静安区延安西路221号",
    isInternetHospital: true,
  },
  {
    name: "上海市第十人民医院",
    kind: "GENERAL",
    level: "TERTIARY",
    streetId: "street-gonghexinlu",
    address: "静安区延长中路301号",
    isInternetHospital: true,
  },
  {
    name: "上海市静安区北站医院",
    kind: "GENERAL",
    level: "SECONDARY",
    streetId: "street-beizhan",
    address: "静安区天潼路788号",
    isInternetHospital: false,
  },
  {
    name: "上海市静安区彭浦医院",
    kind: "GENERAL",
    level: "SECONDARY",
    streetId: "street-pengpuxincun",
    address: "静安区闻喜路318号",
    isInternetHospital: false,
  },
  {
    name: "上海市儿童医院",
    kind: "SPECIALIST",
    level: "TERTIARY",
    streetId: "street-nanjingxilu",
    address: "静安区北京西路1400弄24号",
    isInternetHospital: true,
    clinics: ["儿内科", "儿外科", "新生儿科", "小儿呼吸科", "小儿消化科", "儿童保健科"],
  },
  {
    name: "上海市第一妇婴保健院西院",
    kind: "SPECIALIST",
    level: "TERTIARY",
    streetId: "street-jingansi",
    address: "静安区长乐路536号",
    isInternetHospital: false,
    clinics: ["产科", "妇科", "生殖医学科", "乳腺科"],
  },
  {
    name: "上海市皮肤病医院",
    kind: "SPECIALIST",
    level: "TERTIARY",
    streetId: "street-linfenlu",
    address: "静安区保德路1278号",
    isInternetHospital: false,
    clinics: ["皮肤科", "皮肤外科", "医学美容科", "性病科"],
  },
  {
    name: "上海市静安区精神卫生中心",
    kind: "SPECIALIST",
    level: "SECONDARY",
    streetId: "street-daninglu",
    address: "静安区广中西路1055号",
    isInternetHospital: false,
    clinics: ["精神科", "心理咨询科", "睡眠障碍门诊", "老年精神科"],
  },
  {
    name: "上海市静安区妇幼保健院",
    kind: "SPECIALIST",
    level: "SECONDARY",
    streetId: "street-tianmuxilu",
    address: "静安区长安路526号",
    isInternetHospital: false,
    clinics: ["妇女保健科", "儿童保健科", "产科", "妇科"],
  },
  {
    name: "上海市静安区老年医院",
    kind: "SPECIALIST",
    level: "SECONDARY",
    streetId: "street-jiangninglu",
    address: "静安区昌平路388号",
    isInternetHospital: false,
    clinics: ["老年医学科", "心内科", "神经内科", "康复医学科"],
  },
  {
    name: "上海市静安区牙病防治所",
    kind: "SPECIALIST",
    level: "SECONDARY",
    streetId: "street-shimenerlu",
    address: "静安区新闸路1245号",
    isInternetHospital: false,
    clinics: ["口腔内科", "口腔颌面外科", "口腔修复科", "口腔正畸科", "儿童口腔科"],
  },
  {
    name: "上海市静安区康复医院",
    kind: "SPECIALIST",
    level: "SECONDARY",
    streetId: "street-pengpuxincun",
    address: "静安区平顺路211号",
    isInternetHospital: false,
    clinics: ["康复医学科", "骨科康复", "神经康复", "疼痛科"],
  },
  {
    name: "上海市静安区眼病防治所",
    kind: "SPECIALIST",
    level: "UNGRADED",
    streetId: "street-baoshanlu",
    address: "静安区宝昌路588号",
    isInternetHospital: false,
    clinics: ["眼科", "视光门诊", "小儿眼科"],
  },
  {
    name: "上海市静安区老年护理院",
    kind: "SPECIALIST",
    level: "UNGRADED",
    streetId: "street-gonghexinlu",
    address: "静安区洛川中路840号",
    isInternetHospital: false,
    clinics: ["老年医学科", "内科", "康复医学科"],
  },
  {
    name: "上海市中医医院",
    kind: "TCM",
    level: "TERTIARY",
    streetId: "street-zhijiangxilu",
    address: "静安区芷江中路274号",
    isInternetHospital: true,
  },
  {
    name: "上海市静安区中医医院",
    kind: "TCM",
    level: "SECONDARY",
    streetId: "street-shimenerlu",
    address: "静安区石门二路171号",
    isInternetHospital: false,
  },
  {
    name: "上海市静安区闸北中医医院",
    kind: "TCM",
    level: "SECONDARY",
    streetId: "street-daninglu",
    address: "静安区大宁路365号",
    isInternetHospital: false,
  },
  {
    name: "上海市静安区中西医结合医院",
    kind: "TCM",
    level: "SECONDARY",
    streetId: "street-linfenlu",
    address: "静安区临汾路1150号",
    isInternetHospital: false,
  },
];

/** Clinic line-ups (科室) with the average consultation time (平均接诊时长, minutes) each one plans with. */
export const CONSULT_MINUTES: Readonly<Record<string, number>> = {
  心内科: 12,
  内分泌科: 10,
  消化内科: 10,
  呼吸内科: 10,
  神经内科: 12,
  肾脏内科: 10,
  血液科: 12,
  普外科: 10,
  骨科: 10,
  泌尿外科: 10,
  神经外科: 12,
  妇产科: 10,
  儿科: 8,
  眼科: 8,
  耳鼻喉科: 8,
  口腔科: 20,
  皮肤科: 8,
  中医科: 12,
  康复医学科: 20,
  全科医学科: 10,
  全科: 10,
  预防保健科: 10,
  家庭病床科: 15,
  内科: 10,
  外科: 10,
  儿内科: 10,
  儿外科: 10,
  新生儿科: 12,
  小儿呼吸科: 10,
  小儿消化科: 10,
  儿童保健科: 12,
  产科: 12,
  妇科: 10,
  生殖医学科: 15,
  乳腺科: 10,
  皮肤外科: 12,
  医学美容科: 20,
  性病科: 10,
  精神科: 20,
  心理咨询科: 30,
  睡眠障碍门诊: 20,
  老年精神科: 20,
  妇女保健科: 12,
  老年医学科: 15,
  口腔内科: 20,
  口腔颌面外科: 20,
  口腔修复科: 30,
  口腔正畸科: 30,
  儿童口腔科: 20,
  骨科康复: 20,
  神经康复: 20,
  疼痛科: 15,
  视光门诊: 15,
  小儿眼科: 10,
  中医内科: 12,
  针灸科: 20,
  推拿科: 30,
  中医妇科: 12,
  中医儿科: 10,
  中医骨伤科: 12,
  中医肿瘤科: 15,
  治未病科: 15,
};

export const CLINIC_LINEUPS = {
  tertiaryGeneral: [
    "心内科",
    "内分泌科",
    "消化内科",
    "呼吸内科",
    "神经内科",
    "肾脏内科",
    "血液科",
    "普外科",
    "骨科",
    "泌尿外科",
    "神经外科",
    "妇产科",
    "儿科",
    "眼科",
    "耳鼻喉科",
    "口腔科",
    "皮肤科",
    "中医科",
    "康复医学科",
    "全科医学科",
  ],
  secondaryGeneral: [
    "心内科",
    "内分泌科",
    "消化内科",
    "呼吸内科",
    "神经内科",
    "普外科",
    "骨科",
    "妇产科",
    "儿科",
    "眼科",
    "口腔科",
    "全科医学科",
  ],
  tcm: ["中医内科", "针灸科", "推拿科", "中医妇科", "中医儿科", "中医骨伤科", "中医肿瘤科", "治未病科"],
  communityHealthCentre: ["全科", "中医科", "口腔科", "康复医学科", "预防保健科", "家庭病床科"],
  communityHealthStation: ["全科"],
} as const;

/** Outpatient departments (门诊部) are private or company-run; each type has its own clinics. */
export const OUTPATIENT_TYPES: ReadonlyArray<{ suffix: string; clinics: readonly string[] }> = [
  { suffix: "综合门诊部", clinics: ["内科", "外科", "全科"] },
  { suffix: "口腔门诊部", clinics: ["口腔科", "口腔正畸科"] },
  { suffix: "中医门诊部", clinics: ["中医内科", "针灸科", "推拿科"] },
  { suffix: "中西医结合门诊部", clinics: ["中医内科", "内科"] },
  { suffix: "康复医学门诊部", clinics: ["康复医学科", "疼痛科"] },
  { suffix: "医疗美容门诊部", clinics: ["医学美容科", "皮肤科"] },
];

export const OUTPATIENT_BRANDS: readonly string[] =
  "康宁 仁和 恒康 瑞康 德济 永康 安和 华康 嘉和 博爱 惠民 明德 致和 慈济 泰和 颐和 益寿 怡康 润康 同仁 普济 延寿".split(
    " ",
  );

/** What doctors of a clinic focus on (专长); clinics not listed use general wording. */
export const SPECIALTIES: Readonly<Record<string, readonly string[]>> = {
  心内科: ["高血压", "冠心病", "心律失常", "心力衰竭"],
  内分泌科: ["糖尿病", "甲状腺疾病", "骨质疏松", "肥胖与代谢病"],
  消化内科: ["胃肠镜诊疗", "慢性胃炎", "脂肪肝", "炎症性肠病"],
  呼吸内科: ["慢性阻塞性肺疾病", "哮喘", "肺结节", "睡眠呼吸暂停"],
  神经内科: ["脑卒中", "帕金森病", "头痛与眩晕", "认知障碍"],
  肾脏内科: ["慢性肾病", "血液透析", "肾小球疾病"],
  血液科: ["贫血", "淋巴瘤", "白血病"],
  普外科: ["疝气", "胆石症", "甲状腺结节手术", "微创外科"],
  骨科: ["关节置换", "脊柱外科", "运动损伤", "骨质疏松性骨折"],
  泌尿外科: ["前列腺疾病", "泌尿系结石", "泌尿系肿瘤"],
  神经外科: ["脑血管病手术", "颅脑肿瘤", "功能神经外科"],
  妇产科: ["产前检查", "妇科肿瘤", "更年期保健"],
  儿科: ["小儿呼吸道感染", "儿童生长发育", "小儿消化"],
  眼科: ["白内障", "青光眼", "眼底病", "近视防控"],
  耳鼻喉科: ["慢性鼻窦炎", "听力障碍", "咽喉疾病"],
  口腔科: ["牙体牙髓", "牙周病", "种植修复", "口腔黏膜病"],
  皮肤科: ["湿疹皮炎", "银屑病", "痤疮", "皮肤肿瘤"],
  中医科: ["中医调理", "针灸", "膏方"],
  康复医学科: ["脑卒中康复", "骨关节康复", "心肺康复"],
  全科医学科: ["慢病管理", "老年综合评估", "常见病诊治"],
  全科: ["慢病管理", "家庭医生签约服务", "老年人健康管理", "常见病诊治"],
  预防保健科: ["预防接种", "健康体检", "慢病筛查"],
  家庭病床科: ["居家医疗", "安宁疗护", "长期护理评估"],
  精神科: ["抑郁症", "焦虑障碍", "精神分裂症"],
  老年医学科: ["老年综合评估", "多病共存管理", "衰弱与跌倒预防"],
  中医内科: ["脾胃病", "失眠", "慢性咳嗽", "膏方调理"],
  针灸科: ["颈肩腰腿痛", "面瘫", "中风后遗症"],
  推拿科: ["颈椎病", "腰椎间盘突出", "小儿推拿"],
};

export interface NursingHomeCarePartnership {
  /** The home's id in civil affairs' register (区民政局). */
  nursingHomeId: string;
  /** The street whose community health centre (社区卫生服务中心) does the home's routine care. */
  centreStreetId: string;
  /** Index into NAMED_HOSPITALS of the internet hospital serving the home, or null outside the pilot. */
  internetHospital: number | null;
}

/**
 * Medical partners of the district's nursing homes (医养结合, catalogue res-0017): the four pilot homes of
 * "养老院+互联网医院" (seed §6), each served by one hospital of the medical alliance, then homes that have not joined the
 * pilot yet. The homes themselves (name, address, beds) are civil affairs' register; only their ids are used here.
 */
export const NURSING_HOME_PARTNERS: readonly NursingHomeCarePartnership[] = [
  { nursingHomeId: "nh-0001", centreStreetId: "street-pengpu", internetHospital: 1 },
  { nursingHomeId: "nh-0002", centreStreetId: "street-zhijiangxilu", internetHospital: 0 },
  { nursingHomeId: "nh-0003", centreStreetId: "street-caojiadu", internetHospital: 2 },
  { nursingHomeId: "nh-0004", centreStreetId: "street-daninglu", internetHospital: 0 },
  { nursingHomeId: "nh-0005", centreStreetId: "street-jingansi", internetHospital: null },
  { nursingHomeId: "nh-0006", centreStreetId: "street-jiangninglu", internetHospital: null },
  { nursingHomeId: "nh-0007", centreStreetId: "street-shimenerlu", internetHospital: null },
  { nursingHomeId: "nh-0008", centreStreetId: "street-nanjingxilu", internetHospital: null },
  { nursingHomeId: "nh-0009", centreStreetId: "street-tianmuxilu", internetHospital: null },
  { nursingHomeId: "nh-0010", centreStreetId: "street-beizhan", internetHospital: null },
  { nursingHomeId: "nh-0011", centreStreetId: "street-baoshanlu", internetHospital: null },
  { nursingHomeId: "nh-0012", centreStreetId: "street-gonghexinlu", internetHospital: null },
  { nursingHomeId: "nh-0013", centreStreetId: "street-pengpuxincun", internetHospital: null },
  { nursingHomeId: "nh-0014", centreStreetId: "street-linfenlu", internetHospital: null },
  { nursingHomeId: "nh-0015", centreStreetId: "street-pengpuxincun", internetHospital: null },
  { nursingHomeId: "nh-0016", centreStreetId: "street-pengpu", internetHospital: null },
];

/** Chronic conditions followed up in the pilot (慢病随访) and what a renewal (复诊续方) typically asks for. */
export const CHRONIC_CONDITIONS: ReadonlyArray<{
  condition: string;
  medications: readonly string[];
  notes: readonly string[];
}> = [
  {
    condition: "高血压",
    medications: ["苯磺酸氨氯地平片 5mg×28片", "缬沙坦胶囊 80mg×28粒", "厄贝沙坦片 150mg×28片"],
    notes: ["血压138/84mmHg，控制尚可，继续原方案", "血压152/92mmHg，嘱低盐饮食，两周后复测", "血压128/78mmHg，达标"],
  },
  {
    condition: "2型糖尿病",
    medications: ["盐酸二甲双胍缓释片 0.5g×60片", "阿卡波糖片 50mg×30片", "格列美脲片 2mg×30片"],
    notes: [
      "空腹血糖6.8mmol/L，控制良好",
      "空腹血糖8.9mmol/L，调整饮食，复查糖化血红蛋白",
      "餐后血糖偏高，加强运动指导",
    ],
  },
  {
    condition: "冠心病",
    medications: ["阿托伐他汀钙片 20mg×28片", "硫酸氢氯吡格雷片 75mg×28片", "单硝酸异山梨酯缓释片 40mg×24片"],
    notes: ["近期无胸闷胸痛，继续二级预防", "活动后偶有胸闷，建议心内科复诊", "心电图无新发改变"],
  },
  {
    condition: "慢性阻塞性肺疾病",
    medications: ["噻托溴铵粉吸入剂 18μg×30粒", "沙美特罗替卡松粉吸入剂 50/250μg×60吸"],
    notes: ["咳嗽咳痰减轻，吸入方法正确", "近一周气促加重，建议呼吸内科复诊", "血氧饱和度95%，病情稳定"],
  },
  {
    condition: "脑卒中后遗症",
    medications: ["阿司匹林肠溶片 100mg×30片", "瑞舒伐他汀钙片 10mg×28片"],
    notes: ["肢体肌力较前改善，继续康复训练", "言语功能稳定，注意防跌倒", "血压血脂达标，继续二级预防"],
  },
];

export const SURNAMES: readonly string[] = Array.from(
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾沈陆顾钱蒋蔡姚金汪范方潘袁丁夏俞严戴龚倪施褚",
);

export const GIVEN_NAME_CHARACTERS: readonly string[] = Array.from(
  "伟芳敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华文玉兰建国志海辉红雪慧琳婷颖晨浩宇俊佳欣怡君晓蕾倩斌峰鹏亮燕萍琴云洁梅琪雯嘉蓉睿哲骏铭懿诚毅炜旻赟翔悦",
);

export const CANCEL_REASONS = [
  "行程有变",
  "症状已缓解",
  "改约其他时间",
  "已在社区卫生服务中心就诊",
  "家中有事",
] as const;

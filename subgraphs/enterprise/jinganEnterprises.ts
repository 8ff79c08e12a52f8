/**
 * Reference tables of the enterprise subgraph: the district's business parks and functional zones (seed §1–4:
 * 市北高新, 南京西路, 苏河湾, 大宁), the industries of GB/T 4754-2017 that appear here, the size classes of the 2011 SME
 * standard, the "one thing" bundled services (seed §13) and the windows of the administrative service centre
 * (seed §14). `seedData.ts` turns these into rows; streets and their roads come from the district's reference list.
 *
 * Park, industry and department names are the real ones; enterprises, addresses and people are synthetic and only
 * plausible.
 */
import { JINGAN_DIVISION_IDS } from "../../lib/reference/jinganDivisions.ts";
import type { EnterpriseSizeClass, ServiceWindowKind } from "./generated/prisma/client.ts";

/** Street ids for criteria validation; the streets and their roads come from `lib/reference/jinganDivisions.ts`. */
export const STREET_IDS: readonly string[] = JINGAN_DIVISION_IDS;

/** A business park or functional zone (园区、功能区) that groups firms of one kind. */
export interface ParkInfo {
  id: string;
  name: string;
  /** The street where it lies (the largest, for zones over several streets). */
  streetId: string;
  /** Roads of its office buildings, for addresses. */
  roads: readonly string[];
  description: string;
}

export const PARKS: readonly ParkInfo[] = [
  {
    id: "park-shibei",
    name: "市北高新技术服务业园区",
    streetId: "street-pengpu",
    roads: ["江场三路", "江场西路", "汶水路", "广延路", "万荣路"],
    description: "市北可信数据经济示范园: big data, cloud and data-services firms (云数智链).",
  },
  {
    id: "park-shibei-blockchain",
    name: "市北高新区块链生态谷",
    streetId: "street-pengpu",
    roads: ["江场三路", "汶水路"],
    description: "Core zone of the national blockchain innovation pilot (国家区块链创新应用试点).",
  },
  {
    id: "park-nanjingxilu",
    name: "南京西路高端商务商业集聚区",
    streetId: "street-nanjingxilu",
    roads: ["南京西路", "威海路", "吴江路", "茂名北路", "石门一路", "北京西路"],
    description: "南京西路商圈: headquarters, professional services (全球服务商) and flagship retail.",
  },
  {
    id: "park-suhewan",
    name: "苏河湾功能区",
    streetId: "street-beizhan",
    roads: ["北苏州路", "天潼路", "浙江北路", "曲阜路", "西藏北路", "天目西路"],
    description: "数金苏河湾: digital finance, asset management and financial technology.",
  },
  {
    id: "park-daning",
    name: "大宁功能区",
    streetId: "street-daninglu",
    roads: ["大宁路", "广中西路", "共和新路", "延长中路", "平型关路"],
    description: "Digital culture and creative industries (文创), film, design and media.",
  },
  {
    id: "park-daning-esports",
    name: "大宁灵石中国电竞中心",
    streetId: "street-daninglu",
    roads: ["灵石路", "万荣路"],
    description: "E-sports clubs, game studios and event producers (电竞产业).",
  },
];

export const PARK_IDS = PARKS.map((park) => park.id);

/** GB/T 4754-2017 sections (门类) that occur among Jing'an's registered enterprises. */
export const INDUSTRY_SECTIONS: Readonly<Record<string, string>> = {
  E: "建筑业",
  F: "批发和零售业",
  G: "交通运输、仓储和邮政业",
  H: "住宿和餐饮业",
  I: "信息传输、软件和信息技术服务业",
  J: "金融业",
  K: "房地产业",
  L: "租赁和商务服务业",
  M: "科学研究和技术服务业",
  O: "居民服务、修理和其他服务业",
  P: "教育",
  R: "文化、体育和娱乐业",
};

/** GB/T 4754-2017 divisions (大类), written as section letter + two digits. */
export const INDUSTRIES: Readonly<Record<string, string>> = {
  E50: "建筑装饰、装修和其他建筑业",
  F51: "批发业",
  F52: "零售业",
  G58: "多式联运和运输代理业",
  H61: "住宿业",
  H62: "餐饮业",
  I63: "电信、广播电视和卫星传输服务",
  I64: "互联网和相关服务",
  I65: "软件和信息技术服务业",
  J66: "货币金融服务",
  J67: "资本市场服务",
  J68: "保险业",
  J69: "其他金融业",
  K70: "房地产业",
  L72: "商务服务业",
  M73: "研究和试验发展",
  M74: "专业技术服务业",
  M75: "科技推广和应用服务业",
  O80: "居民服务业",
  P83: "教育",
  R87: "广播、电视、电影和录音制作业",
  R88: "文化艺术业",
  R89: "体育",
  R90: "娱乐业",
};

export const INDUSTRY_CODES = Object.keys(INDUSTRIES);

/**
 * Size thresholds of 《中小企业划型标准规定》(工信部联企业〔2011〕300号): [employees, revenue in 万元] a firm must reach
 * (both) to be LARGE, MEDIUM or SMALL; below SMALL it is MICRO. Sections without a revenue test use 0.
 */
const SIZE_THRESHOLDS: Readonly<Record<string, readonly [large: Threshold, medium: Threshold, small: Threshold]>> = {
  F51: [
    [200, 40_000],
    [20, 5_000],
    [5, 1_000],
  ],
  F52: [
    [300, 20_000],
    [50, 500],
    [10, 100],
  ],
  H: [
    [300, 10_000],
    [100, 2_000],
    [10, 100],
  ],
  I63: [
    [2_000, 100_000],
    [100, 1_000],
    [10, 100],
  ],
  I64: [
    [2_000, 100_000],
    [100, 1_000],
    [10, 100],
  ],
  I65: [
    [300, 10_000],
    [100, 1_000],
    [10, 50],
  ],
  K: [
    [300, 200_000],
    [100, 1_000],
    [10, 100],
  ],
  other: [
    [300, 0],
    [100, 0],
    [10, 0],
  ],
};
type Threshold = readonly [employees: number, revenueWan: number];

/** The size class (企业规模) the 2011 standard gives a firm of this industry, headcount and revenue. */
export function sizeClassOf(industryCode: string, employees: number, revenueWan: number): EnterpriseSizeClass {
  const thresholds =
    SIZE_THRESHOLDS[industryCode] ?? SIZE_THRESHOLDS[industryCode.slice(0, 1)] ?? SIZE_THRESHOLDS.other!;
  const classes: EnterpriseSizeClass[] = ["LARGE", "MEDIUM", "SMALL"];
  for (let i = 0; i < classes.length; i++) {
    const [minEmployees, minRevenue] = thresholds[i]!;
    if (employees >= minEmployees && revenueWan >= minRevenue) return classes[i]!;
  }
  return "MICRO";
}

// ─── bundled services (一件事) ───────────────────────────────────────────────────────────────────────────────────

export interface ServiceItemInfo {
  departmentId: string;
  name: string;
  statutoryTimeLimitDays: number;
  materials: readonly string[];
}

export interface BundledServiceInfo {
  id: string;
  name: string;
  description: string;
  promisedDays: number;
  items: readonly ServiceItemInfo[];
}

const LICENCE = "营业执照";
const ID_CARD = "法定代表人身份证件";
const PREMISES = "经营场所使用证明（产权证明或租赁合同）";
const SIGNBOARD = "户外招牌设置方案及效果图";

/**
 * Bundled services of the centre. Materials repeated across items are asked for once (一表申请): an application
 * hands in the union of its items' materials. Departments are the catalog's ids.
 */
export const BUNDLED_SERVICES: readonly BundledServiceInfo[] = [
  {
    id: "svc-open-business",
    name: "开办企业一件事",
    description: "设立登记、公章刻制、社保与医保登记一次申请，营业执照与印章一窗领取。",
    promisedDays: 2,
    items: [
      {
        departmentId: "dept-market",
        name: "企业设立登记",
        statutoryTimeLimitDays: 15,
        materials: ["公司登记（备案）申请书", "公司章程", "股东主体资格证明", ID_CARD, PREMISES],
      },
      {
        departmentId: "dept-public-security",
        name: "公章刻制备案",
        statutoryTimeLimitDays: 1,
        materials: ["印章刻制申请表", ID_CARD],
      },
      {
        departmentId: "dept-human-resources",
        name: "单位社会保险登记",
        statutoryTimeLimitDays: 15,
        materials: ["社会保险登记表", "银行开户信息"],
      },
      {
        departmentId: "dept-medical-insurance",
        name: "单位医疗保险登记",
        statutoryTimeLimitDays: 15,
        materials: ["医疗保险参保登记表", "银行开户信息"],
      },
    ],
  },
  {
    id: "svc-deregister",
    name: "企业注销一件事",
    description: "社保、医保、印章与营业执照注销一次申请，各部门并联办理。",
    promisedDays: 5,
    items: [
      {
        departmentId: "dept-human-resources",
        name: "单位社会保险注销",
        statutoryTimeLimitDays: 15,
        materials: ["社会保险注销登记表", "清算报告"],
      },
      {
        departmentId: "dept-medical-insurance",
        name: "单位医疗保险注销",
        statutoryTimeLimitDays: 15,
        materials: ["医疗保险注销申请表", "清算报告"],
      },
      {
        departmentId: "dept-public-security",
        name: "印章缴销",
        statutoryTimeLimitDays: 1,
        materials: ["印章缴销申请表", "原印章"],
      },
      {
        departmentId: "dept-market",
        name: "企业注销登记",
        statutoryTimeLimitDays: 20,
        materials: ["注销登记申请书", "清算报告", "股东会注销决议", LICENCE],
      },
    ],
  },
  {
    id: "svc-change",
    name: "企业变更一件事",
    description: "名称、住所、法定代表人等变更后，社保、医保与印章信息同步变更。",
    promisedDays: 3,
    items: [
      {
        departmentId: "dept-market",
        name: "企业变更登记",
        statutoryTimeLimitDays: 15,
        materials: ["变更登记申请书", "股东会变更决议", "章程修正案", LICENCE],
      },
      {
        departmentId: "dept-human-resources",
        name: "社会保险登记信息变更",
        statutoryTimeLimitDays: 10,
        materials: ["社会保险变更登记表"],
      },
      {
        departmentId: "dept-medical-insurance",
        name: "医疗保险登记信息变更",
        statutoryTimeLimitDays: 10,
        materials: ["医疗保险信息变更表"],
      },
      {
        departmentId: "dept-public-security",
        name: "印章变更备案",
        statutoryTimeLimitDays: 1,
        materials: ["印章刻制申请表", ID_CARD],
      },
    ],
  },
  {
    id: "svc-hire",
    name: "员工招聘一件事",
    description: "招聘信息发布、就业登记、社保与医保增员一次办结。",
    promisedDays: 3,
    items: [
      {
        departmentId: "dept-human-resources",
        name: "招聘信息发布",
        statutoryTimeLimitDays: 5,
        materials: ["招聘简章", LICENCE],
      },
      {
        departmentId: "dept-human-resources",
        name: "就业参保登记",
        statutoryTimeLimitDays: 10,
        materials: ["劳动合同", "员工身份证件"],
      },
      {
        departmentId: "dept-medical-insurance",
        name: "职工医疗保险增员",
        statutoryTimeLimitDays: 10,
        materials: ["员工身份证件", "医疗保险增员表"],
      },
    ],
  },
  {
    id: "svc-open-restaurant",
    name: "餐饮店开办一件事",
    description: "营业执照、食品经营许可、户外招牌与环境影响登记一次申请，一次踏勘。",
    promisedDays: 10,
    items: [
      {
        departmentId: "dept-market",
        name: "企业设立登记",
        statutoryTimeLimitDays: 15,
        materials: ["公司登记（备案）申请书", "公司章程", ID_CARD, PREMISES],
      },
      {
        departmentId: "dept-market",
        name: "食品经营许可",
        statutoryTimeLimitDays: 20,
        materials: ["食品经营许可申请书", "经营场所平面布局图", "食品安全管理制度", PREMISES],
      },
      {
        departmentId: "dept-greening",
        name: "户外招牌设置审批",
        statutoryTimeLimitDays: 20,
        materials: [SIGNBOARD, PREMISES],
      },
      {
        departmentId: "dept-ecology",
        name: "建设项目环境影响登记表备案",
        statutoryTimeLimitDays: 1,
        materials: ["环境影响登记表", "油烟净化设施说明"],
      },
    ],
  },
  {
    id: "svc-open-gym",
    name: "健身房开办一件事",
    description: "营业执照、高危险性体育项目经营许可、公共场所卫生许可与户外招牌一次申请。",
    promisedDays: 12,
    items: [
      {
        departmentId: "dept-market",
        name: "企业设立登记",
        statutoryTimeLimitDays: 15,
        materials: ["公司登记（备案）申请书", "公司章程", ID_CARD, PREMISES],
      },
      {
        departmentId: "dept-sports",
        name: "高危险性体育项目经营许可",
        statutoryTimeLimitDays: 30,
        materials: ["高危险性体育项目经营申请书", "社会体育指导人员和救助人员资格证明", "安全保障制度"],
      },
      {
        departmentId: "dept-health",
        name: "公共场所卫生许可",
        statutoryTimeLimitDays: 20,
        materials: ["公共场所卫生许可申请表", "从业人员健康合格证明", PREMISES],
      },
      {
        departmentId: "dept-greening",
        name: "户外招牌设置审批",
        statutoryTimeLimitDays: 20,
        materials: [SIGNBOARD, PREMISES],
      },
    ],
  },
  {
    id: "svc-open-bookstore",
    name: "书店开办一件事",
    description: "营业执照、出版物零售经营许可与户外招牌一次申请。",
    promisedDays: 8,
    items: [
      {
        departmentId: "dept-market",
        name: "企业设立登记",
        statutoryTimeLimitDays: 15,
        materials: ["公司登记（备案）申请书", "公司章程", ID_CARD, PREMISES],
      },
      {
        departmentId: "dept-culture",
        name: "出版物零售经营许可",
        statutoryTimeLimitDays: 20,
        materials: ["出版物经营许可申请表", "经营场所平面图", PREMISES],
      },
      {
        departmentId: "dept-greening",
        name: "户外招牌设置审批",
        statutoryTimeLimitDays: 20,
        materials: [SIGNBOARD, PREMISES],
      },
    ],
  },
  {
    id: "svc-open-pharmacy",
    name: "药店开办一件事",
    description: "营业执照、药品经营许可与医保定点申请一次申请，一次现场核查。",
    promisedDays: 15,
    items: [
      {
        departmentId: "dept-market",
        name: "企业设立登记",
        statutoryTimeLimitDays: 15,
        materials: ["公司登记（备案）申请书", "公司章程", ID_CARD, PREMISES],
      },
      {
        departmentId: "dept-market",
        name: "药品经营许可（零售）",
        statutoryTimeLimitDays: 20,
        materials: ["药品经营许可申请表", "执业药师资格证明", "质量管理文件目录", PREMISES],
      },
      {
        departmentId: "dept-medical-insurance",
        name: "医保定点零售药店申请",
        statutoryTimeLimitDays: 30,
        materials: ["定点零售药店申请表", "药品经营许可证", "信息系统接入说明"],
      },
    ],
  },
];

/** What a business of an industry applies for first when it opens, for the seeded applications. */
export const OPENING_SERVICE_BY_INDUSTRY: Readonly<Record<string, string>> = {
  H62: "svc-open-restaurant",
  R89: "svc-open-gym",
  R88: "svc-open-bookstore",
};

// ─── windows of the administrative service centre (综合窗口) ────────────────────────────────────────────────────

export interface ServiceWindowInfo {
  id: string;
  name: string;
  kind: ServiceWindowKind;
  location: string;
  /** Bundled services handled; empty means all of them. */
  serviceIds: readonly string[];
  servesResidents: boolean;
  /** Applicants per 30-minute slot. */
  capacity: number;
}

const OPENING_SERVICES = [
  "svc-open-business",
  "svc-open-restaurant",
  "svc-open-gym",
  "svc-open-bookstore",
  "svc-open-pharmacy",
] as const;

export const SERVICE_WINDOWS: readonly ServiceWindowInfo[] = [
  ...[1, 2, 3, 4, 5, 6].map(
    (n): ServiceWindowInfo => ({
      id: `window-${String(n).padStart(2, "0")}`,
      name: `无差别综合受理窗口${n}号`,
      kind: "GENERAL",
      location: `一楼A区 ${n}号窗口`,
      serviceIds: [],
      servesResidents: true,
      capacity: 3,
    }),
  ),
  {
    id: "window-07",
    name: "企业开办专窗1",
    kind: "DOMAIN",
    location: "二楼B区 7号窗口",
    serviceIds: OPENING_SERVICES,
    servesResidents: false,
    capacity: 3,
  },
  {
    id: "window-08",
    name: "企业开办专窗2",
    kind: "DOMAIN",
    location: "二楼B区 8号窗口",
    serviceIds: OPENING_SERVICES,
    servesResidents: false,
    capacity: 3,
  },
  {
    id: "window-09",
    name: "企业变更与注销专窗",
    kind: "DOMAIN",
    location: "二楼B区 9号窗口",
    serviceIds: ["svc-change", "svc-deregister"],
    servesResidents: false,
    capacity: 2,
  },
  {
    id: "window-10",
    name: "人力资源与社保专窗",
    kind: "DOMAIN",
    location: "二楼C区 10号窗口",
    serviceIds: ["svc-hire"],
    servesResidents: true,
    capacity: 3,
  },
  {
    id: "window-11",
    name: "帮办服务专区",
    kind: "ASSISTANCE",
    location: "一楼帮办服务专区",
    serviceIds: [],
    servesResidents: true,
    capacity: 1,
  },
];

/** Start times (Shanghai) of the 30-minute slots of a working day. */
export const WINDOW_SLOT_TIMES = [
  "09:00",
  "09:30",
  "10:00",
  "10:30",
  "11:00",
  "13:30",
  "14:00",
  "14:30",
  "15:00",
  "15:30",
  "16:00",
] as const;

export const WINDOW_SLOT_MINUTES = 30;
export const ADMIN_SERVICE_DEPARTMENT_ID = "dept-admin-service";

// ─── names ───────────────────────────────────────────────────────────────────────────────────────────────────────

/** Characters of trade names (字号), two or three per firm. */
export const TRADE_NAME_CHARACTERS = [
  ..."华鑫锦瑞恒泰宏嘉安盛信诚德源达融博睿智汇联创新辰晟昊煜璟骏弘远航卓越凯丰润泽澜沐星辉耀启明望舒云逸鼎禾",
  ..."康宁和悦朗峰澄亦乐知行合众致臻领拓朴素简品优尚雅韵青蓝天泓浩淳蔚霖铭屹翔瀚海涵容景祥福旭曜宸峻岚",
] as const;

export const SURNAMES = [
  ..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈",
  ..."姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤",
] as const;

export const GIVEN_NAME_CHARACTERS = [
  ..."伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣",
  ..."爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹",
  ..."蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲",
] as const;

/**
 * Reference tables for the sports seed: the parks and green spaces of each street, the district's public venues with
 * their courts, the equipment found on fitness points, and the events of a season (seed §3 and §9). `seedData.ts`
 * turns these into rows; the streets come from the district's reference list (`lib/reference/jinganDivisions.ts`).
 *
 * The large venues are the real ones with their published addresses (静安体育中心 汶水路116号, 静安区体育馆
 * 南阳路123号, 静安区运动健身中心 康定路151号, 静安网球馆 广延路417号, 三泉路运动场 三泉路602号), so residents
 * recognise them; court line-ups, prices, community courts (市民球场), fitness stations (市民健身驿站), fitness points
 * and everything below them are synthetic and only plausible.
 */
import type { FitnessFunction, SportsCourtSport, SportsEventKind, SportsVenueKind } from "./generated/prisma/client.ts";

export const SPORTS_DEPARTMENT_ID = "dept-sports";

/**
 * Parks and green spaces with fitness points (健身苑点), by street: [name, address]. The streets themselves, their
 * populations (which set how many fitness points a street has), roads and neighbourhoods come from the district's
 * reference list (`lib/reference/jinganDivisions.ts`).
 */
export const FITNESS_PARKS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  "street-jingansi": [
    ["静安公园", "静安区南京西路1649号"],
    ["愚园路街心花园", "静安区愚园路镇宁路口"],
  ],
  "street-caojiadu": [
    ["曹家渡绿地", "静安区万航渡路长寿路口"],
    ["昌化路滨河绿地", "静安区昌化路苏州河畔"],
  ],
  "street-jiangninglu": [
    ["昌平路绿地", "静安区昌平路西康路口"],
    ["江宁路滨河绿地", "静安区江宁路苏州河畔"],
  ],
  "street-shimenerlu": [["静安雕塑公园", "静安区石门二路128号"]],
  "street-nanjingxilu": [["延中绿地（静安段）", "静安区延安中路陕西北路口"]],
  "street-tianmuxilu": [
    ["不夜城绿地", "静安区天目西路恒丰路口"],
    ["苏州河滨河步道（天目西路段）", "静安区长安路苏州河畔"],
  ],
  "street-beizhan": [["苏河湾绿地", "静安区北苏州路浙江北路口"]],
  "street-baoshanlu": [["宝山路街心绿地", "静安区宝山路虬江路口"]],
  "street-zhijiangxilu": [["柳营路绿地", "静安区柳营路中华新路口"]],
  "street-gonghexinlu": [
    ["闸北公园", "静安区共和新路1555号"],
    ["洛川中路绿地", "静安区洛川中路延长中路口"],
  ],
  "street-daninglu": [
    ["大宁郁金香公园", "静安区广中西路777号"],
    ["大宁灵石公园", "静安区广中西路288号"],
  ],
  "street-pengpuxincun": [
    ["三泉路绿地", "静安区三泉路闻喜路口"],
    ["彭浦新村中心绿地", "静安区场中路平顺路口"],
  ],
  "street-linfenlu": [["岭南路绿地", "静安区岭南路阳曲路口"]],
  "street-pengpu": [
    ["共康绿地", "静安区共康路江场西路口"],
    ["市北高新城市绿地", "静安区江场三路市北高新园区"],
  ],
};

/** Residents per fitness point: the district plans one point for every few thousand residents. */
export const RESIDENTS_PER_FITNESS_POINT = 2_400;

/** Outdoor fitness equipment (室外健身器材) and what it trains. */
export const EQUIPMENT_TYPES: ReadonlyArray<{ type: string; function: FitnessFunction }> = [
  { type: "上肢牵引器", function: "UPPER_BODY" },
  { type: "推手器", function: "UPPER_BODY" },
  { type: "单杠", function: "UPPER_BODY" },
  { type: "双杠", function: "UPPER_BODY" },
  { type: "肩关节康复器", function: "UPPER_BODY" },
  { type: "坐蹬训练器", function: "LOWER_BODY" },
  { type: "蹬力器", function: "LOWER_BODY" },
  { type: "扭腰器", function: "CORE" },
  { type: "仰卧起坐板", function: "CORE" },
  { type: "伸腰伸背器", function: "CORE" },
  { type: "太空漫步机", function: "AEROBIC" },
  { type: "健骑机", function: "AEROBIC" },
  { type: "椭圆机", function: "AEROBIC" },
  { type: "健身车", function: "AEROBIC" },
  { type: "压腿器", function: "FLEXIBILITY" },
  { type: "腰背按摩器", function: "FLEXIBILITY" },
  { type: "平衡木", function: "BALANCE" },
  { type: "梅花桩", function: "BALANCE" },
  { type: "儿童滑梯", function: "CHILDREN_PLAY" },
  { type: "儿童攀爬架", function: "CHILDREN_PLAY" },
  { type: "乒乓球台", function: "TABLE_TENNIS" },
];

/** What inspectors write when equipment needs work, by function of the item. */
export const REPAIR_NOTES: Record<"NEEDS_REPAIR" | "UNDER_REPAIR", readonly string[]> = {
  NEEDS_REPAIR: [
    "{type}踏板松动，已报修，暂停使用",
    "{type}轴承异响，已挂停用牌，等待维保单位上门",
    "{type}立柱锈蚀，已报修",
    "{type}座椅开裂，已报修",
  ],
  UNDER_REPAIR: [
    "维保单位正在更换{type}配件，预计一周内完成",
    "{type}返厂维修中，其余器材正常使用",
    "{type}整体更换中，已设围挡",
  ],
};

export const RETIRED_NOTE = "小区综合改造，器材已拆除，待重新选址后恢复";

export interface CourtLineup {
  sport: SportsCourtSport;
  /** Courts of this kind; a hall (capacity > 1) is usually one. */
  count: number;
  /** Name of court n, e.g. `羽毛球{n}号场`; a single hall has no number. */
  name: string;
  indoor: boolean;
  capacity: number;
  peakPricePerHourFen: number;
  offPeakPricePerHourFen: number;
}

export interface VenueInfo {
  name: string;
  kind: SportsVenueKind;
  streetId: string;
  address: string;
  /** `dept-sports` for district venues; street-run fitness stations belong to their street office. */
  departmentId: string;
  description: string;
  hours: readonly [string, string];
  offPeak: readonly [string, string];
  maxBookingMinutes: number;
  courts: readonly CourtLineup[];
}

const court = (
  sport: SportsCourtSport,
  count: number,
  name: string,
  prices: readonly [number, number],
  options: { indoor?: boolean; capacity?: number } = {},
): CourtLineup => ({
  sport,
  count,
  name,
  indoor: options.indoor ?? true,
  capacity: options.capacity ?? 1,
  peakPricePerHourFen: prices[0] * 100,
  offPeakPricePerHourFen: prices[1] * 100,
});

export const VENUES: readonly VenueInfo[] = [
  {
    name: "上海静安体育中心",
    kind: "SPORTS_CENTRE",
    streetId: "street-daninglu",
    address: "静安区汶水路116号",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "区属最大的公共体育场馆：屋顶标准足球场、游泳馆、羽毛球、乒乓球、篮球、网球与排球馆。",
    hours: ["09:00", "22:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("BADMINTON", 12, "羽毛球{n}号场", [80, 40]),
      court("TABLE_TENNIS", 8, "乒乓球{n}号台", [30, 15]),
      court("BASKETBALL", 2, "篮球{n}号场", [400, 240]),
      court("TENNIS", 2, "网球{n}号场", [200, 120]),
      court("VOLLEYBALL", 1, "排球场", [300, 180]),
      court("FOOTBALL", 1, "屋顶足球场", [1200, 800], { indoor: false }),
      court("SWIMMING", 1, "游泳馆", [50, 35], { capacity: 60 }),
    ],
  },
  {
    name: "静安区体育馆",
    kind: "GYMNASIUM",
    streetId: "street-nanjingxilu",
    address: "静安区南阳路123号",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "市中心的综合体育馆，开放羽毛球、乒乓球、网球与篮球。",
    hours: ["07:00", "22:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("BADMINTON", 6, "羽毛球{n}号场", [90, 50]),
      court("TABLE_TENNIS", 6, "乒乓球{n}号台", [35, 20]),
      court("TENNIS", 2, "网球{n}号场", [220, 140]),
      court("BASKETBALL", 1, "篮球场", [400, 240]),
    ],
  },
  {
    name: "静安区运动健身中心",
    kind: "FITNESS_CENTRE",
    streetId: "street-jiangninglu",
    address: "静安区康定路151号",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "游泳馆、羽毛球训练馆与健身房。",
    hours: ["10:00", "21:00"],
    offPeak: ["10:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("SWIMMING", 1, "游泳馆", [45, 30], { capacity: 40 }),
      court("BADMINTON", 4, "训练馆羽毛球{n}号场", [80, 40]),
      court("FITNESS", 1, "健身房", [30, 20], { capacity: 30 }),
    ],
  },
  {
    name: "静安网球馆（静安区全民健身中心）",
    kind: "TENNIS_CENTRE",
    streetId: "street-pengpu",
    address: "静安区广延路417号",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "室内外网球场与室外五人制足球场。",
    hours: ["08:00", "22:00"],
    offPeak: ["08:00", "16:00"],
    maxBookingMinutes: 180,
    courts: [
      court("TENNIS", 4, "室内网球{n}号场", [200, 120]),
      court("TENNIS", 4, "室外网球{n}号场", [120, 80], { indoor: false }),
      court("FOOTBALL", 2, "五人制足球{n}号场", [500, 300], { indoor: false }),
    ],
  },
  {
    name: "三泉路运动场（静安区全民健身中心）",
    kind: "SPORTS_GROUND",
    streetId: "street-pengpuxincun",
    address: "静安区三泉路602号",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "室外足球场、室外网球场、室内乒乓球馆与健身步道。",
    hours: ["08:00", "21:00"],
    offPeak: ["08:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("FOOTBALL", 1, "七人制足球场", [600, 360], { indoor: false }),
      court("TENNIS", 2, "室外网球{n}号场", [100, 60], { indoor: false }),
      court("TABLE_TENNIS", 6, "乒乓球{n}号台", [25, 12]),
    ],
  },
  {
    name: "大宁灵石公园市民球场",
    kind: "COMMUNITY_COURT",
    streetId: "street-daninglu",
    address: "静安区灵石路1号",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "公园内的共享市民球场，扫码入场。",
    hours: ["06:00", "22:00"],
    offPeak: ["08:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("BASKETBALL", 2, "篮球{n}号场", [120, 60], { indoor: false }),
      court("FOOTBALL", 1, "笼式足球场", [300, 180], { indoor: false }),
    ],
  },
  {
    name: "大宁郁金香公园市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-daninglu",
    address: "静安区广中西路777号",
    departmentId: "dept-street-daninglu",
    description: "公园旁的共享健身驿站：健身房与乒乓球。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("FITNESS", 1, "健身房", [15, 10], { capacity: 20 }),
      court("TABLE_TENNIS", 2, "乒乓球{n}号台", [20, 10]),
    ],
  },
  {
    name: "市北高新市民球场",
    kind: "COMMUNITY_COURT",
    streetId: "street-pengpu",
    address: "静安区江场三路市北高新园区",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "市北高新园区的共享市民球场，午间与下班后最忙。",
    hours: ["06:00", "22:00"],
    offPeak: ["08:00", "11:30"],
    maxBookingMinutes: 120,
    courts: [
      court("BASKETBALL", 2, "篮球{n}号场", [150, 80], { indoor: false }),
      court("TENNIS", 1, "网球场", [120, 70], { indoor: false }),
      court("FOOTBALL", 1, "笼式足球场", [300, 180], { indoor: false }),
    ],
  },
  {
    name: "市北高新市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-pengpu",
    address: "静安区江场西路299号",
    departmentId: "dept-street-pengpu",
    description: "园区白领与周边居民的共享健身驿站。",
    hours: ["07:00", "22:00"],
    offPeak: ["09:00", "11:30"],
    maxBookingMinutes: 120,
    courts: [
      court("FITNESS", 1, "健身房", [20, 12], { capacity: 25 }),
      court("BADMINTON", 2, "羽毛球{n}号场", [70, 40]),
    ],
  },
  {
    name: "苏河湾市民球场",
    kind: "COMMUNITY_COURT",
    streetId: "street-beizhan",
    address: "静安区北苏州路浙江北路口",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "苏州河畔的共享市民球场。",
    hours: ["06:00", "22:00"],
    offPeak: ["08:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("BASKETBALL", 1, "篮球场", [120, 60], { indoor: false }),
      court("FOOTBALL", 1, "笼式足球场", [300, 180], { indoor: false }),
    ],
  },
  {
    name: "不夜城绿地市民球场",
    kind: "COMMUNITY_COURT",
    streetId: "street-tianmuxilu",
    address: "静安区天目西路恒丰路口",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "上海火车站旁绿地中的共享篮球场。",
    hours: ["06:00", "22:00"],
    offPeak: ["08:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [court("BASKETBALL", 2, "篮球{n}号场", [120, 60], { indoor: false })],
  },
  {
    name: "闸北公园市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-gonghexinlu",
    address: "静安区共和新路1555号",
    departmentId: "dept-street-gonghexinlu",
    description: "闸北公园内的共享健身驿站。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("FITNESS", 1, "健身房", [15, 10], { capacity: 20 }),
      court("TABLE_TENNIS", 2, "乒乓球{n}号台", [20, 10]),
    ],
  },
  {
    name: "临汾路市民球场",
    kind: "COMMUNITY_COURT",
    streetId: "street-linfenlu",
    address: "静安区临汾路汾西路口",
    departmentId: SPORTS_DEPARTMENT_ID,
    description: "数字家园试点街道的共享市民球场。",
    hours: ["06:00", "22:00"],
    offPeak: ["08:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("BASKETBALL", 1, "篮球场", [100, 50], { indoor: false }),
      court("TENNIS", 1, "网球场", [100, 60], { indoor: false }),
    ],
  },
  {
    name: "宝山路市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-baoshanlu",
    address: "静安区宝山路330号",
    departmentId: "dept-street-baoshanlu",
    description: "街道社区的共享健身驿站。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("FITNESS", 1, "健身房", [15, 10], { capacity: 15 }),
      court("TABLE_TENNIS", 2, "乒乓球{n}号台", [20, 10]),
    ],
  },
  {
    name: "芷江西路市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-zhijiangxilu",
    address: "静安区芷江西路250号",
    departmentId: "dept-street-zhijiangxilu",
    description: "街道社区的共享健身驿站。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [court("FITNESS", 1, "健身房", [15, 10], { capacity: 15 }), court("BADMINTON", 1, "羽毛球场", [60, 30])],
  },
  {
    name: "曹家渡市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-caojiadu",
    address: "静安区万航渡路1080号",
    departmentId: "dept-street-caojiadu",
    description: "街道社区的共享健身驿站。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("FITNESS", 1, "健身房", [15, 10], { capacity: 15 }),
      court("TABLE_TENNIS", 2, "乒乓球{n}号台", [20, 10]),
    ],
  },
  {
    name: "静安寺市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-jingansi",
    address: "静安区愚园路68号",
    departmentId: "dept-street-jingansi",
    description: "街道社区的共享健身驿站。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [court("FITNESS", 1, "健身房", [20, 12], { capacity: 12 }), court("TABLE_TENNIS", 1, "乒乓球台", [25, 12])],
  },
  {
    name: "石门二路市民健身驿站",
    kind: "FITNESS_STATION",
    streetId: "street-shimenerlu",
    address: "静安区新闸路1208号",
    departmentId: "dept-street-shimenerlu",
    description: "街道社区的共享健身驿站。",
    hours: ["07:00", "21:00"],
    offPeak: ["09:00", "16:00"],
    maxBookingMinutes: 120,
    courts: [
      court("FITNESS", 1, "健身房", [20, 12], { capacity: 12 }),
      court("TABLE_TENNIS", 2, "乒乓球{n}号台", [25, 12]),
    ],
  },
];

export interface EventCategoryInfo {
  code: string;
  name: string;
  capacity: number;
  feeYuan: number;
  /** Share of the places taken in the seed (1 = full). */
  fill: number;
}

/** A moment of an event season: days after the season's first Monday (negative: before it) and local time. */
export type SeasonMoment = readonly [day: number, time: `${number}:${number}`];

export interface EventInfo {
  /** The event's name without its year and season, which the seed puts in front (`2026冬季…`). */
  name: string;
  kind: SportsEventKind;
  description: string;
  location: string;
  /** Index into VENUES, when the event takes place in one. */
  venue?: number;
  streetId: string | null;
  organiserId: string;
  startsAt: SeasonMoment;
  endsAt: SeasonMoment;
  registrationOpensAt: SeasonMoment;
  registrationClosesAt: SeasonMoment;
  categories: readonly EventCategoryInfo[];
}

/**
 * Events come in seasons of seven weeks laid on the calendar from this Monday, whatever the seed date: every season
 * has the district's events below and the fourteen street games, each with its registration window, so that on any
 * day some registrations are open. The season that holds 2026-12-01 starts on SEASON_EPOCH.
 */
export const SEASON_EPOCH = "2026-11-09";
export const SEASON_DAYS = 49;

/** District-level events of a season; the street games (街道社区趣味运动会) are added per street in seedData. */
export const EVENTS: readonly EventInfo[] = [
  {
    name: "静安区羽毛球公开赛",
    kind: "TOURNAMENT",
    description: "面向全区市民的业余羽毛球赛，分男单、女单与混双三个组别。",
    location: "上海静安体育中心羽毛球馆",
    venue: 0,
    streetId: "street-daninglu",
    organiserId: SPORTS_DEPARTMENT_ID,
    startsAt: [12, "09:00"],
    endsAt: [13, "18:00"],
    registrationOpensAt: [-20, "10:00"],
    registrationClosesAt: [5, "18:00"],
    categories: [
      { code: "MENS_SINGLES", name: "男子单打", capacity: 64, feeYuan: 50, fill: 1 },
      { code: "WOMENS_SINGLES", name: "女子单打", capacity: 64, feeYuan: 50, fill: 0.8 },
      { code: "MIXED_DOUBLES", name: "混合双打（个人报名，赛前配对）", capacity: 64, feeYuan: 50, fill: 0.9 },
    ],
  },
  {
    name: "上海静安女子半程马拉松",
    kind: "MARATHON",
    description: "静安区品牌赛事，只限女子报名；领物时核验身份证件。路线沿苏州河与南京西路，终点设在苏河湾。",
    location: "起点：静安雕塑公园（北京西路）；终点：苏河湾绿地（北苏州路）",
    streetId: "street-shimenerlu",
    organiserId: SPORTS_DEPARTMENT_ID,
    startsAt: [41, "07:30"],
    endsAt: [41, "12:00"],
    registrationOpensAt: [7, "10:00"],
    registrationClosesAt: [27, "23:59"],
    categories: [
      { code: "HALF_MARATHON", name: "半程马拉松（21.0975公里）", capacity: 3000, feeYuan: 100, fill: 0.7 },
      { code: "TEN_K", name: "10公里", capacity: 1500, feeYuan: 80, fill: 0.85 },
      { code: "FAMILY_RUN", name: "亲子健康跑（3公里）", capacity: 300, feeYuan: 60, fill: 1 },
    ],
  },
  {
    name: "苏河湾健步走",
    kind: "WALK",
    description: "沿苏州河北岸的健步走活动，老少皆宜。",
    location: "苏河湾绿地（北苏州路浙江北路口）",
    streetId: "street-beizhan",
    organiserId: SPORTS_DEPARTMENT_ID,
    startsAt: [33, "09:00"],
    endsAt: [33, "11:30"],
    registrationOpensAt: [11, "10:00"],
    registrationClosesAt: [31, "18:00"],
    categories: [{ code: "WALK_6K", name: "健步走（6公里）", capacity: 800, feeYuan: 0, fill: 0.6 }],
  },
  {
    name: "静安区市民运动会·三人篮球赛",
    kind: "TOURNAMENT",
    description: "个人报名、赛前按水平分队的三人篮球赛。",
    location: "静安区体育馆篮球场",
    venue: 1,
    streetId: "street-nanjingxilu",
    organiserId: SPORTS_DEPARTMENT_ID,
    startsAt: [34, "09:00"],
    endsAt: [35, "17:00"],
    registrationOpensAt: [6, "10:00"],
    registrationClosesAt: [28, "18:00"],
    categories: [
      { code: "MEN", name: "男子组", capacity: 96, feeYuan: 30, fill: 0.75 },
      { code: "WOMEN", name: "女子组", capacity: 48, feeYuan: 30, fill: 0.5 },
    ],
  },
  {
    name: "静安电竞公开赛",
    kind: "ESPORTS",
    description: "在大宁灵石中国电竞中心举办的市民电竞赛，5G+8K直播。",
    location: "大宁灵石中国电竞中心",
    streetId: "street-daninglu",
    organiserId: SPORTS_DEPARTMENT_ID,
    startsAt: [40, "13:00"],
    endsAt: [41, "18:00"],
    registrationOpensAt: [16, "10:00"],
    registrationClosesAt: [33, "18:00"],
    categories: [
      { code: "MOBA_5V5", name: "MOBA 5V5（个人报名组队）", capacity: 200, feeYuan: 0, fill: 0.65 },
      { code: "FOOTBALL_1V1", name: "足球电竞 1V1", capacity: 128, feeYuan: 0, fill: 0.55 },
    ],
  },
  {
    name: "静安雕塑公园晨跑",
    kind: "ROAD_RUN",
    description: "清晨从静安雕塑公园出发、沿北京西路与苏州河的城市晨跑。",
    location: "静安雕塑公园（石门二路128号）",
    streetId: "street-shimenerlu",
    organiserId: SPORTS_DEPARTMENT_ID,
    startsAt: [53, "08:00"],
    endsAt: [53, "11:00"],
    registrationOpensAt: [31, "10:00"],
    registrationClosesAt: [46, "18:00"],
    categories: [
      { code: "TEN_K", name: "10公里", capacity: 1000, feeYuan: 50, fill: 0.5 },
      { code: "FIVE_K", name: "5公里", capacity: 1000, feeYuan: 30, fill: 0.4 },
    ],
  },
];

/** Every street holds community games (社区趣味运动会) on a Saturday of each season, two streets a Saturday. */
export const STREET_GAMES_DAYS = [5, 12, 19, 26, 33, 40, 47] as const;

export const STREET_GAMES_CATEGORIES: readonly Omit<EventCategoryInfo, "fill">[] = [
  { code: "ROPE_SKIPPING", name: "一分钟跳绳", capacity: 40, feeYuan: 0 },
  { code: "SHUTTLECOCK", name: "踢毽子", capacity: 30, feeYuan: 0 },
  { code: "RELAY", name: "趣味接力", capacity: 48, feeYuan: 0 },
  { code: "DARTS", name: "飞镖", capacity: 30, feeYuan: 0 },
];

export const CANCEL_REASONS = ["临时加班", "身体不适", "天气原因", "行程有变", "约的球友来不了"] as const;

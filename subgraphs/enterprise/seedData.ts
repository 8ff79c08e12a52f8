/**
 * The enterprise seed as plain rows, computed without a database so that every run for a seed date produces exactly
 * the same data.
 *
 * Randomness comes from a PRNG seeded by each row's own id. 3 000 enterprises cluster where the district's industries
 * are (seed §1–4): data and blockchain firms in 市北高新, professional services around 南京西路, finance in 苏河湾,
 * e-sports and culture in 大宁, shops, restaurants and services everywhere. Everything dated is relative to the seed
 * date (`SeedCalendar`, Asia/Shanghai): firms were founded up to a month before it; their applications (the seven
 * months before it) walk the real status rules of `applicationWorkflow.ts` and are written by a database's first
 * seed run only; window slots cover the three weeks from it; benefit policies are yearly editions (政策年度), those in
 * force on a day of the two months from the seed date. Their matching runs happen in `seed.ts` through the same code
 * as the mutation, at fixed times. Days and editions an earlier seed run covered are left out.
 */
import { JINGAN_DISTRICT_CODE, jinganDivision } from "../../lib/reference/jinganDivisions.ts";
import {
  addDays,
  type DayWindow,
  type LocalDate,
  localStamp,
  SeedCalendar,
  type SeedOptions,
  type SeedWindow,
  shanghaiInstant,
} from "../kit/seedCalendar.ts";
import { randomFor } from "../kit/seedRandom.ts";
import { bundleMaterials, planTransition, type WorkflowItem, type WorkflowState } from "./applicationWorkflow.ts";
import type { Criterion } from "./benefitCriteria.ts";
import { buildCreditCode, CREDIT_CODE_ALPHABET } from "./creditCode.ts";
import type {
  ApplicationEvent,
  BenefitPolicy,
  BundledService,
  Enterprise,
  ServiceApplication,
  ServiceApplicationStatus,
  ServiceItem,
  ServiceWindow,
  WindowAppointment,
  WindowSlot,
} from "./generated/prisma/client.ts";
import {
  BUNDLED_SERVICES,
  GIVEN_NAME_CHARACTERS,
  INDUSTRIES,
  OPENING_SERVICE_BY_INDUSTRY,
  PARKS,
  type ParkInfo,
  SERVICE_WINDOWS,
  STREET_IDS,
  SURNAMES,
  sizeClassOf,
  TRADE_NAME_CHARACTERS,
  WINDOW_SLOT_MINUTES,
  WINDOW_SLOT_TIMES,
} from "./jinganEnterprises.ts";

export const WINDOW_SCHEDULE_DAYS = 21;
export const ENTERPRISE_COUNT = 3_000;
/** Window slots: the three weeks from the seed date. */
export const WINDOW_SLOT_WINDOW: DayWindow = { from: 0, to: WINDOW_SCHEDULE_DAYS };
/** Benefit-policy editions in force on any day of the two months from the seed date. */
export const POLICY_WINDOW: SeedWindow = { from: 0, to: 61 };
/** Seeded history (applications, bookings) ends this many days before the seed date; tests use a "now" after it. */
export const HISTORY_CUTOFF_DAYS = 3;
/** Applications were submitted from this many days before the seed date (early May, for a December seed). */
const HISTORY_START_DAYS = 209;
/** Firms were founded up to this many days before the seed date. */
const FOUNDED_CUTOFF_DAYS = 30;

/** The start of the seed date's day minus HISTORY_CUTOFF_DAYS: seeded history ends before it. */
export function historyCutoff(date: LocalDate): Date {
  return shanghaiInstant(date, "00:00", -HISTORY_CUTOFF_DAYS);
}

/** When the seed's matching runs happen (eleven days before the seed date), so the grants are the same every run. */
export function seedMatchingAt(date: LocalDate): Date {
  return shanghaiInstant(date, "09:00", -11);
}

export interface EnterpriseSeedData {
  enterprises: Enterprise[];
  bundledServices: BundledService[];
  serviceItems: ServiceItem[];
  applications: ServiceApplication[];
  events: ApplicationEvent[];
  policies: BenefitPolicy[];
  windows: ServiceWindow[];
  slots: WindowSlot[];
  appointments: WindowAppointment[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function between(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function weighted<T extends string>(random: Random, weights: Readonly<Partial<Record<T, number>>>): T {
  const entries = Object.entries(weights) as Array<[T, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return entries.at(-1)![0];
}

/**
 * Between min and max on a log scale, skewed towards min: small values common, large ones rare, as headcounts and
 * capital are (most registered firms are micro or small).
 */
function logBetween(random: Random, min: number, max: number, skew = 1): number {
  return Math.round(Math.exp(Math.log(min) + random() ** skew * (Math.log(max) - Math.log(min))));
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

function personName(random: Random): string {
  const given = pick(random, GIVEN_NAME_CHARACTERS) + (random() < 0.7 ? pick(random, GIVEN_NAME_CHARACTERS) : "");
  return pick(random, SURNAMES) + given;
}

// ─── enterprises ────────────────────────────────────────────────────────────────────────────────────────────────

interface Cluster {
  weight: number;
  parkId: string | null;
  /** Streets and their weights; absent: the park's street. */
  streets?: Readonly<Record<string, number>>;
  industries: Readonly<Record<string, number>>;
  highTechRate: number;
  /** Name words that replace the industry's own, e.g. for the blockchain valley. */
  words?: Readonly<Record<string, readonly string[]>>;
}

const EVERY_STREET = Object.fromEntries(STREET_IDS.map((id) => [id, 1]));

const CLUSTERS: readonly Cluster[] = [
  {
    weight: 17,
    parkId: "park-shibei",
    industries: { I65: 5, I64: 2.5, M75: 1, M73: 0.8, I63: 0.7 },
    highTechRate: 0.45,
  },
  {
    weight: 4,
    parkId: "park-shibei-blockchain",
    industries: { I65: 6, I64: 3, M75: 1 },
    highTechRate: 0.55,
    words: {
      I65: ["区块链科技", "链数科技", "可信数据科技", "数据技术"],
      I64: ["区块链网络科技", "数字科技"],
      M75: ["区块链技术服务", "数据科技服务"],
    },
  },
  {
    weight: 16,
    parkId: "park-nanjingxilu",
    streets: { "street-nanjingxilu": 5, "street-jingansi": 3, "street-shimenerlu": 2 },
    industries: { L72: 5.5, M74: 1, J67: 1, F52: 1.5, K70: 0.5, H62: 0.5 },
    highTechRate: 0.05,
  },
  {
    weight: 10,
    parkId: "park-suhewan",
    streets: { "street-beizhan": 3, "street-tianmuxilu": 2 },
    industries: { J67: 3.5, J66: 2, J69: 2, J68: 0.5, I65: 2 },
    highTechRate: 0.15,
    words: { I65: ["金融科技", "数字金融科技", "金融信息技术"] },
  },
  {
    weight: 7,
    parkId: "park-daning",
    streets: { "street-daninglu": 4, "street-gonghexinlu": 1 },
    industries: { R87: 3, R88: 2, I64: 2, M74: 1.5, L72: 1.5 },
    highTechRate: 0.15,
  },
  {
    weight: 3,
    parkId: "park-daning-esports",
    industries: { R90: 6, I64: 4 },
    highTechRate: 0.2,
    words: { I64: ["网络游戏", "互动娱乐科技", "游戏科技"] },
  },
  {
    weight: 43,
    parkId: null,
    streets: EVERY_STREET,
    industries: {
      F52: 3,
      H62: 3,
      F51: 1,
      O80: 1,
      L72: 1,
      E50: 0.5,
      P83: 0.5,
      G58: 0.5,
      K70: 0.5,
      I65: 0.5,
      R89: 0.3,
      R88: 0.2,
      H61: 0.2,
    },
    highTechRate: 0.03,
  },
];

interface IndustryProfile {
  words: readonly string[];
  employees: readonly [number, number];
  /** Revenue per employee, 万元. */
  revenuePerEmployee: readonly [number, number];
  capital: readonly [number, number];
  /** Share of individual businesses (个体工商户) among local firms of the industry, and their shop words. */
  individual?: { rate: number; words: readonly string[] };
}

const PROFILES: Readonly<Record<string, IndustryProfile>> = {
  E50: {
    words: ["建筑装饰工程", "装饰设计工程"],
    employees: [5, 150],
    revenuePerEmployee: [30, 100],
    capital: [100, 2000],
  },
  F51: {
    words: ["贸易", "国际贸易", "供应链管理", "进出口"],
    employees: [3, 200],
    revenuePerEmployee: [200, 1000],
    capital: [50, 5000],
  },
  F52: {
    words: ["商贸", "服饰", "百货", "食品", "眼镜", "化妆品", "珠宝"],
    employees: [2, 400],
    revenuePerEmployee: [30, 150],
    capital: [10, 2000],
    individual: { rate: 0.25, words: ["便利店", "水果店", "服装店", "烟杂店", "日用品商店"] },
  },
  G58: { words: ["国际货运代理", "物流"], employees: [3, 150], revenuePerEmployee: [100, 400], capital: [100, 2000] },
  H61: { words: ["酒店管理"], employees: [10, 300], revenuePerEmployee: [10, 30], capital: [100, 5000] },
  H62: {
    words: ["餐饮管理", "餐饮", "咖啡", "食品"],
    employees: [3, 300],
    revenuePerEmployee: [8, 25],
    capital: [10, 500],
    individual: { rate: 0.35, words: ["面馆", "小吃店", "饮品店", "点心店", "餐馆"] },
  },
  I63: { words: ["通信技术", "通信科技"], employees: [5, 400], revenuePerEmployee: [40, 150], capital: [500, 20000] },
  I64: {
    words: ["网络科技", "互联网科技", "信息科技", "网络技术"],
    employees: [3, 1500],
    revenuePerEmployee: [20, 120],
    capital: [100, 10000],
  },
  I65: {
    words: ["信息技术", "软件科技", "数据科技", "智能科技", "数字科技", "云计算科技", "信息科技"],
    employees: [3, 800],
    revenuePerEmployee: [20, 80],
    capital: [100, 5000],
  },
  J66: {
    words: ["融资租赁", "商业保理", "小额贷款"],
    employees: [10, 300],
    revenuePerEmployee: [100, 500],
    capital: [5000, 100000],
  },
  J67: {
    words: ["资产管理", "投资管理", "私募基金管理", "股权投资管理"],
    employees: [5, 200],
    revenuePerEmployee: [100, 600],
    capital: [1000, 50000],
  },
  J68: { words: ["保险代理", "保险经纪"], employees: [10, 400], revenuePerEmployee: [50, 200], capital: [2000, 20000] },
  J69: {
    words: ["金融信息服务", "金融科技服务"],
    employees: [5, 200],
    revenuePerEmployee: [50, 300],
    capital: [500, 20000],
  },
  K70: {
    words: ["房地产经纪", "物业管理", "置业"],
    employees: [5, 500],
    revenuePerEmployee: [30, 150],
    capital: [100, 10000],
  },
  L72: {
    words: ["企业管理咨询", "商务咨询", "人力资源", "广告", "知识产权代理", "会展服务", "企业管理"],
    employees: [2, 600],
    revenuePerEmployee: [15, 80],
    capital: [10, 2000],
  },
  M73: {
    words: ["科技发展", "生物科技", "技术研究"],
    employees: [3, 300],
    revenuePerEmployee: [10, 50],
    capital: [100, 3000],
  },
  M74: {
    words: ["工程设计", "检测技术", "建筑设计咨询", "设计"],
    employees: [3, 300],
    revenuePerEmployee: [15, 60],
    capital: [50, 2000],
  },
  M75: {
    words: ["科技服务", "技术服务", "科技发展"],
    employees: [2, 150],
    revenuePerEmployee: [10, 50],
    capital: [50, 1000],
  },
  O80: {
    words: ["家政服务", "美容美发", "洗衣服务"],
    employees: [2, 60],
    revenuePerEmployee: [5, 15],
    capital: [10, 200],
    individual: { rate: 0.4, words: ["理发店", "洗衣店", "修理铺", "美甲店"] },
  },
  P83: { words: ["教育科技", "培训"], employees: [3, 200], revenuePerEmployee: [10, 40], capital: [30, 1000] },
  R87: {
    words: ["影视文化", "文化传媒", "影视制作"],
    employees: [3, 300],
    revenuePerEmployee: [20, 100],
    capital: [100, 5000],
  },
  R88: {
    words: ["文化艺术", "艺术发展", "图书"],
    employees: [2, 100],
    revenuePerEmployee: [10, 40],
    capital: [10, 500],
  },
  R89: { words: ["体育发展", "健身管理"], employees: [3, 80], revenuePerEmployee: [10, 30], capital: [50, 500] },
  R90: {
    words: ["电子竞技", "电竞文化", "文化娱乐"],
    employees: [5, 300],
    revenuePerEmployee: [20, 80],
    capital: [100, 3000],
  },
};

/** Industries whose firms can be certified high-tech (高新技术企业). */
const HIGH_TECH_SECTIONS = new Set(["I", "M"]);

function enterpriseId(n: number): string {
  return `ent-${pad(n, 6)}`;
}

/**
 * Organisation code body, unique per enterprise number: older firms carry the all-digit codes of the old 组织机构代码
 * system, firms registered since the October 2015 reform the "MA1…" codes Shanghai assigns. Both maps are bijections
 * (7919 is prime to 10⁸ and to 31⁵), and the two ranges cannot meet (one has letters).
 */
function organisationBody(n: number, foundedOn: Date): string {
  if (foundedOn < new Date("2015-10-01T00:00:00Z")) return pad((n * 7919 + 13_000_000) % 100_000_000, 8);
  let value = (n * 7919 + 104_729) % 31 ** 5;
  let body = "";
  for (let i = 0; i < 5; i++) {
    body = CREDIT_CODE_ALPHABET[value % 31] + body;
    value = Math.floor(value / 31);
  }
  return `MA1${body}`;
}

function tradeName(random: Random, length: number): string {
  let name = "";
  for (let i = 0; i < length; i++) name += pick(random, TRADE_NAME_CHARACTERS);
  return name;
}

function buildEnterprises(calendar: SeedCalendar): Enterprise[] {
  const rows: Enterprise[] = [];
  const names = new Set<string>();
  const clusterWeights = Object.fromEntries(CLUSTERS.map((cluster, i) => [String(i), cluster.weight]));
  const cutoffDay = Date.parse(`${calendar.day(-FOUNDED_CUTOFF_DAYS)}T00:00:00Z`);
  for (let n = 1; n <= ENTERPRISE_COUNT; n++) {
    const id = enterpriseId(n);
    const random = randomFor(id);
    const cluster = CLUSTERS[Number(weighted(random, clusterWeights))]!;
    const park: ParkInfo | undefined = PARKS.find((p) => p.id === cluster.parkId);
    const streetId = cluster.streets ? weighted(random, cluster.streets) : park!.streetId;
    const street = jinganDivision(streetId);
    const industryCode = weighted(random, cluster.industries);
    const profile = PROFILES[industryCode]!;
    const individual =
      cluster.parkId === null && profile.individual !== undefined && random() < profile.individual.rate;

    // Recent firms are the most common: the district registers thousands a year.
    const daysAgo = Math.floor(365 * 30 * random() ** 2) + between(random, 0, 60);
    const foundedOn = new Date(cutoffDay - daysAgo * DAY_MS);
    // Young firms are still small: headcount grows over the first five years.
    const ageYears = (cutoffDay - foundedOn.getTime()) / (365 * DAY_MS);
    const employees = individual
      ? between(random, 1, 6)
      : Math.max(1, Math.round(logBetween(random, ...profile.employees, 1.7) * Math.min(1, 0.2 + ageYears / 5)));
    const revenueWan = Math.max(
      1,
      Math.round(employees * logBetween(random, ...profile.revenuePerEmployee) * (0.6 + random() * 0.8)),
    );
    const capital = individual
      ? between(random, 1, 30)
      : Math.round(logBetween(random, ...profile.capital, 1.3) * (0.6 + Math.min(employees, 1000) / 150));
    const sizeClass = individual ? "MICRO" : sizeClassOf(industryCode, employees, revenueWan);
    const isHighTech =
      !individual &&
      HIGH_TECH_SECTIONS.has(industryCode[0]!) &&
      employees >= 10 &&
      random() < cluster.highTechRate * 1.6;
    const isSpecialized = isHighTech && (sizeClass === "SMALL" || sizeClass === "MEDIUM") && random() < 0.22;

    let name: string;
    for (let attempt = 0; ; attempt++) {
      const trade = tradeName(random, attempt < 3 ? 2 : 3);
      if (individual) {
        name = `静安区${trade}${pick(random, profile.individual!.words)}`;
      } else {
        const word = pick(random, cluster.words?.[industryCode] ?? profile.words);
        const foreign = cluster.parkId !== null && random() < 0.05;
        const form = employees >= 300 && random() < 0.4 ? "股份有限公司" : "有限公司";
        name = foreign ? `${trade}（上海）${word}${form}` : `上海${trade}${word}${form}`;
      }
      if (!names.has(name)) break;
    }
    names.add(name);

    const roads = cluster.streets || !park ? street.roads : park.roads;
    const road = pick(random, roads);
    const office = !individual && !["F52", "H62", "O80", "H61", "R89"].includes(industryCode);
    const address = office
      ? `静安区${road}${between(random, 1, 1200)}号${between(random, 2, 30)}层${pad(between(random, 1, 30), 2)}室`
      : `静安区${road}${between(random, 1, 1500)}号${random() < 0.5 ? "一层" : ""}`;

    rows.push({
      id,
      synthetic: true,
      name,
      creditCode: buildCreditCode({
        authority: "9",
        entityKind: individual ? "2" : "1",
        divisionCode: JINGAN_DISTRICT_CODE,
        organisationBody: organisationBody(n, foundedOn),
      }),
      legalRepresentative: personName(random),
      industryCode,
      industryName: INDUSTRIES[industryCode]!,
      registeredCapitalWan: capital,
      annualRevenueWan: revenueWan,
      foundedOn,
      employeeCount: employees,
      sizeClass,
      isHighTech,
      isSpecialized,
      streetId,
      address,
      parkId: cluster.parkId,
    });
  }
  return rows;
}

// ─── bundled services and applications ──────────────────────────────────────────────────────────────────────────

function buildServices(): { bundledServices: BundledService[]; serviceItems: ServiceItem[] } {
  const bundledServices: BundledService[] = [];
  const serviceItems: ServiceItem[] = [];
  for (const service of BUNDLED_SERVICES) {
    bundledServices.push({
      id: service.id,
      name: service.name,
      description: service.description,
      promisedDays: service.promisedDays,
    });
    service.items.forEach((item, i) => {
      serviceItems.push({
        id: `${service.id}-${pad(i + 1, 2)}`,
        bundledServiceId: service.id,
        sequence: i + 1,
        departmentId: item.departmentId,
        name: item.name,
        statutoryTimeLimitDays: item.statutoryTimeLimitDays,
        materials: [...item.materials],
      });
    });
  }
  return { bundledServices, serviceItems };
}

const RETURN_NOTES = [
  "公司章程缺少全体股东签字，请补正后重新提交。",
  "经营场所租赁合同已过期，请提供有效期内的租赁合同。",
  "法定代表人身份证件照片不清晰，请重新上传。",
  "申请表中经营范围表述不规范，请按规范表述修改。",
  "银行开户信息与营业执照名称不一致，请核对后重新提交。",
];
const REJECT_NOTES = [
  "拟用名称与已登记企业名称近似，不予登记。",
  "经营场所不符合许可条件（无独立加工间），不予许可。",
  "申请人在信用惩戒名单中，暂不予办理。",
];

/** Moves a time forward by a few working hours and keeps it inside office hours (09:00–17:30, Mon–Fri). */
function officeTimeAfter(from: Date, random: Random, minHours: number, maxHours: number): Date {
  let at = new Date(from.getTime() + (minHours + random() * (maxHours - minHours)) * HOUR_MS);
  for (;;) {
    const local = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
    const weekday = local.getUTCDay();
    const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
    if (weekday === 0 || weekday === 6 || minutes >= 17 * 60 + 30) {
      const nextMorning = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + 1, 9, 0);
      at = new Date(nextMorning - SHANGHAI_OFFSET_MS + between(random, 0, 90) * 60_000);
      continue;
    }
    if (minutes < 9 * 60) {
      const morning = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 9, 0);
      at = new Date(morning - SHANGHAI_OFFSET_MS + between(random, 0, 90) * 60_000);
      continue;
    }
    return new Date(Math.floor(at.getTime() / 60_000) * 60_000);
  }
}

/** Which status a reviewer picks next, among those the workflow allows. */
function chooseNext(
  state: WorkflowState,
  returns: number,
  random: Random,
): ServiceApplicationStatus | "ABANDON" | undefined {
  const roll = random();
  switch (state.status) {
    case "SUBMITTED":
      if (returns < 2 && roll < 0.1) return "RETURNED_FOR_CORRECTION";
      return roll > 0.98 ? "REJECTED" : "ACCEPTED";
    case "ACCEPTED":
      return "IN_REVIEW";
    case "IN_REVIEW":
      if (returns < 2 && roll < 0.05) return "RETURNED_FOR_CORRECTION";
      if (roll > 0.985) return "REJECTED";
      return undefined; // the next item, or APPROVED after the last
    case "RETURNED_FOR_CORRECTION":
      return roll < 0.05 ? "ABANDON" : "SUBMITTED";
    case "APPROVED":
      return "COMPLETED";
    default:
      return "ABANDON";
  }
}

const STEP_HOURS: Record<ServiceApplicationStatus, readonly [number, number]> = {
  SUBMITTED: [1, 48],
  ACCEPTED: [0.2, 6],
  IN_REVIEW: [2, 60],
  APPROVED: [1, 30],
  REJECTED: [2, 48],
  RETURNED_FOR_CORRECTION: [4, 60],
  COMPLETED: [1, 30],
};

function noteFor(status: ServiceApplicationStatus, random: Random, item: WorkflowItem | undefined): string | null {
  switch (status) {
    case "SUBMITTED":
      return null;
    case "ACCEPTED":
      return "材料齐全，予以受理。";
    case "IN_REVIEW":
      return item && random() < 0.3 ? `${item.name}审查中。` : null;
    case "APPROVED":
      return "各事项均已审批通过。";
    case "RETURNED_FOR_CORRECTION":
      return pick(random, RETURN_NOTES);
    case "REJECTED":
      return pick(random, REJECT_NOTES);
    case "COMPLETED":
      return pick(random, ["证照已在综合窗口领取。", "证照已邮寄送达。", "电子证照已推送至“随申办”企业云。"]);
  }
}

function buildApplications(
  calendar: SeedCalendar,
  enterprises: readonly Enterprise[],
  serviceItems: readonly ServiceItem[],
): { applications: ServiceApplication[]; events: ApplicationEvent[] } {
  const HISTORY_CUTOFF = historyCutoff(calendar.date);
  const HISTORY_START = calendar.instant(-HISTORY_START_DAYS, "09:00");
  const applications: ServiceApplication[] = [];
  const events: ApplicationEvent[] = [];
  const itemsOf = new Map<string, ServiceItem[]>();
  for (const item of serviceItems)
    itemsOf.set(item.bundledServiceId, [...(itemsOf.get(item.bundledServiceId) ?? []), item]);
  const historyEnd = HISTORY_CUTOFF.getTime() - 2 * DAY_MS;

  for (const enterprise of enterprises) {
    const random = randomFor(`applications-${enterprise.id}`);
    // A firm applies only once it exists.
    const historyStart = Math.max(HISTORY_START.getTime(), enterprise.foundedOn.getTime() + 3 * DAY_MS);
    const span = historyEnd - historyStart;
    const count = span <= 0 ? 0 : Number(weighted(random, { "0": 30, "1": 42, "2": 22, "3": 6 }));
    const opening = OPENING_SERVICE_BY_INDUSTRY[enterprise.industryCode] ?? "svc-open-business";
    for (let k = 0; k < count; k++) {
      const serviceId = weighted(random, {
        "svc-hire": 45,
        "svc-change": 25,
        [opening]: 20,
        "svc-open-pharmacy": enterprise.industryCode === "F52" ? 3 : 0,
        "svc-deregister": 5,
      });
      const items = itemsOf.get(serviceId)!;
      const id = `app-${pad(applications.length + 1, 6)}`;
      const submittedAt = officeTimeAfter(new Date(historyStart + random() * span), random, 0, 1);
      const stepRandom = randomFor(id);
      let state: WorkflowState = { status: "SUBMITTED", currentItemId: null };
      let at = submittedAt;
      let returns = 0;
      const timeline: ApplicationEvent[] = [
        {
          id: `${id}-01`,
          applicationId: id,
          sequence: 1,
          status: "SUBMITTED",
          at,
          departmentId: "dept-admin-service",
          serviceItemId: null,
          note: stepRandom() < 0.7 ? "通过“一网通办”在线提交。" : "在综合窗口提交。",
        },
      ];
      for (;;) {
        const choice = chooseNext(state, returns, stepRandom);
        if (choice === "ABANDON") break;
        const to =
          choice ??
          (items.findIndex((item) => item.id === state.currentItemId) === items.length - 1 ? "APPROVED" : "IN_REVIEW");
        const plan = planTransition(state, to, items);
        if (!plan.ok) throw new Error(`Seed walked an illegal transition for ${id}: ${plan.reason}`);
        const next = officeTimeAfter(at, stepRandom, ...STEP_HOURS[state.status]);
        if (next >= HISTORY_CUTOFF) break;
        at = next;
        if (to === "RETURNED_FOR_CORRECTION") returns += 1;
        const item = items.find((candidate) => candidate.id === plan.transition.serviceItemId);
        timeline.push({
          id: `${id}-${pad(timeline.length + 1, 2)}`,
          applicationId: id,
          sequence: timeline.length + 1,
          status: to,
          at,
          departmentId: plan.transition.departmentId,
          serviceItemId: plan.transition.serviceItemId,
          note: noteFor(to, stepRandom, item),
        });
        state = { status: plan.transition.status, currentItemId: plan.transition.currentItemId };
      }
      applications.push({
        id,
        synthetic: true,
        enterpriseId: enterprise.id,
        bundledServiceId: serviceId,
        status: state.status,
        currentItemId: state.currentItemId,
        materials: bundleMaterials(items),
        submittedAt,
        updatedAt: at,
        version: timeline.length,
      });
      events.push(...timeline);
    }
  }
  return { applications, events };
}

// ─── benefit policies (免申即享) ────────────────────────────────────────────────────────────────────────────────

/** A benefit policy that the district issues every year (政策年度), as one year's edition of it. */
export interface PolicySeed {
  /** The policy's name without its year, which the edition puts in front (`2026年度…`). */
  name: string;
  description: string;
  criteria: Criterion;
  amount: number;
  /** `YYYY-MM-DD` first and last day in force. */
  validFrom: string;
  validTo: string;
  issuingDepartmentId: string;
}

/**
 * The policies of one edition year: most are in force for the calendar year, the catering relief from July to the
 * next June. Criteria that name dates move with the year.
 */
export function policySeeds(year: number): PolicySeed[] {
  const calendarYear = { validFrom: `${year}-01-01`, validTo: `${year}-12-31` };
  return [
    {
      name: "市北高新数据产业专项扶持",
      description:
        "对市北高新园区内经认定的高新技术数据、软件与科技服务企业给予一次性扶持，支持可信数据经济示范园建设。",
      criteria: {
        all: [
          { field: "industryCode", in: ["I64", "I65", "M73", "M75"] },
          { field: "parkId", in: ["park-shibei", "park-shibei-blockchain"] },
          { field: "isHighTech", eq: true },
        ],
      },
      amount: 200_000,
      ...calendarYear,
      issuingDepartmentId: "dept-science",
    },
    {
      name: "区块链创新应用试点企业奖励",
      description: "对入驻市北高新区块链生态谷、从业人员10人以上的信息技术企业给予奖励，推进国家区块链创新应用试点。",
      criteria: {
        all: [
          { field: "parkId", eq: "park-shibei-blockchain" },
          { field: "industrySection", eq: "I" },
          { field: "employeeCount", gte: 10 },
        ],
      },
      amount: 300_000,
      ...calendarYear,
      issuingDepartmentId: "dept-data",
    },
    {
      name: "小微企业稳岗补贴",
      description: "对持续吸纳就业的小型、微型企业按户给予稳岗补贴，金融企业除外。",
      criteria: {
        all: [
          { field: "sizeClass", in: ["MICRO", "SMALL"] },
          { field: "employeeCount", gte: 3 },
          { not: { field: "industrySection", eq: "J" } },
        ],
      },
      amount: 5_000,
      ...calendarYear,
      issuingDepartmentId: "dept-human-resources",
    },
    {
      name: "大宁电竞与数字文创扶持",
      description: "对大宁路街道的影视、文化艺术与电竞企业，以及入驻灵石中国电竞中心的游戏企业给予扶持。",
      criteria: {
        all: [
          { field: "streetId", eq: "street-daninglu" },
          {
            any: [
              { field: "industryCode", in: ["R87", "R88", "R90"] },
              {
                all: [
                  { field: "industryCode", eq: "I64" },
                  { field: "parkId", eq: "park-daning-esports" },
                ],
              },
            ],
          },
          { field: "employeeCount", gte: 5 },
        ],
      },
      amount: 150_000,
      ...calendarYear,
      issuingDepartmentId: "dept-culture",
    },
    {
      name: "苏河湾数字金融集聚奖励",
      description: "对落户苏河湾功能区、注册资本5000万元以上的金融企业给予集聚奖励（数金苏河湾）。",
      criteria: {
        all: [
          { field: "industrySection", eq: "J" },
          { field: "parkId", eq: "park-suhewan" },
          { field: "registeredCapitalWan", gte: 5_000 },
        ],
      },
      amount: 500_000,
      ...calendarYear,
      issuingDepartmentId: "dept-development",
    },
    {
      name: "南京西路“全球服务商”专业服务业奖励",
      description: "对南京西路高端商务商业集聚区内从业人员50人以上的商务服务与专业技术服务企业给予奖励。",
      criteria: {
        all: [
          { field: "industryCode", in: ["L72", "M74"] },
          { field: "parkId", eq: "park-nanjingxilu" },
          { field: "employeeCount", gte: 50 },
        ],
      },
      amount: 200_000,
      ...calendarYear,
      issuingDepartmentId: "dept-commerce",
    },
    {
      name: "餐饮企业纾困补贴",
      description: "对区内中小微餐饮企业和个体工商户给予一次性纾困补贴。",
      criteria: {
        all: [{ field: "industryCode", eq: "H62" }, { not: { field: "sizeClass", eq: "LARGE" } }],
      },
      amount: 20_000,
      validFrom: `${year}-07-01`,
      validTo: `${year + 1}-06-30`,
      issuingDepartmentId: "dept-commerce",
    },
    {
      name: "专精特新中小企业奖励",
      description: "对经认定的专精特新小型、中型企业给予奖励。",
      criteria: {
        all: [
          { field: "isSpecialized", eq: true },
          { field: "sizeClass", in: ["SMALL", "MEDIUM"] },
        ],
      },
      amount: 100_000,
      ...calendarYear,
      issuingDepartmentId: "dept-development",
    },
    {
      name: "新设科技型小微企业首年补贴",
      description: `对${year - 1}年12月1日以后新设立的信息技术与科技服务类小型、微型企业给予首年补贴。`,
      criteria: {
        all: [
          { field: "foundedOn", gte: `${year - 1}-12-01` },
          { field: "industrySection", in: ["I", "M"] },
          { field: "sizeClass", in: ["MICRO", "SMALL"] },
        ],
      },
      amount: 30_000,
      ...calendarYear,
      issuingDepartmentId: "dept-science",
    },
  ];
}

/** `policy-2026-01`: the first policy of the 2026 edition. Seeded ids only; officers' policies get random ids. */
export function policyId(year: number, n: number): string {
  return `policy-${year}-${pad(n, 2)}`;
}

/** Matches the ids of seeded policy editions (and no id an officer's new policy gets). */
export const SEEDED_POLICY_ID = /^policy-\d{4}-\d{2}$/;

/**
 * The editions in force on a day of POLICY_WINDOW that no earlier run covered. Each edition was published in March
 * of its year, or a fortnight before the seed date for an edition that is not in force yet.
 */
function buildPolicies(calendar: SeedCalendar): BenefitPolicy[] {
  const [windowStart, windowEnd] = calendar.bounds(POLICY_WINDOW);
  const year = Number(calendar.date.slice(0, 4));
  const policies: BenefitPolicy[] = [];
  for (let edition = year - 1; edition <= year + 1; edition++) {
    policySeeds(edition).forEach((policy, i) => {
      const end = addDays(policy.validTo, 1);
      if (!(policy.validFrom < windowEnd && end > windowStart)) return;
      if (calendar.covered(POLICY_WINDOW, policy.validFrom, end)) return;
      const published = Date.parse(`${edition}-03-02T10:00:00+08:00`) + i * 7 * DAY_MS;
      const announced = calendar.instant(-14, "10:00").getTime() + i * HOUR_MS;
      policies.push({
        id: policyId(edition, i + 1),
        synthetic: true,
        name: `${edition}年度${policy.name}`,
        description: policy.description,
        criteria: policy.criteria as object,
        amount: policy.amount,
        validFrom: new Date(`${policy.validFrom}T00:00:00Z`),
        validTo: new Date(`${policy.validTo}T00:00:00Z`),
        issuingDepartmentId: policy.issuingDepartmentId,
        createdAt: new Date(Math.min(published, announced)),
      });
    });
  }
  return policies;
}

// ─── windows, slots and appointments (综合窗口预约) ────────────────────────────────────────────────────────────────

function buildWindows(): ServiceWindow[] {
  return SERVICE_WINDOWS.map((window) => ({
    id: window.id,
    name: window.name,
    kind: window.kind,
    location: window.location,
    serviceIds: [...window.serviceIds],
    servesResidents: window.servesResidents,
  }));
}

const RESIDENT_POOL = 60_000;

function buildSlots(
  calendar: SeedCalendar,
  enterprises: readonly Enterprise[],
): { slots: WindowSlot[]; appointments: WindowAppointment[] } {
  const slots: WindowSlot[] = [];
  const appointments: WindowAppointment[] = [];
  const cutoff = historyCutoff(calendar.date);
  const held = new Set<string>();
  for (let day = WINDOW_SLOT_WINDOW.from; day < WINDOW_SLOT_WINDOW.to; day++) {
    const date = calendar.day(day);
    const weekday = shanghaiInstant(date, "12:00").getUTCDay();
    if (weekday === 0 || weekday === 6 || calendar.covered(WINDOW_SLOT_WINDOW, date)) continue;
    for (const time of WINDOW_SLOT_TIMES) {
      const startsAt = shanghaiInstant(date, time);
      for (const window of SERVICE_WINDOWS) {
        // Ids start with the local date and time, so the id order of keyset pagination is also the time order.
        const id = `wslot-${localStamp(startsAt)}-${window.id.slice("window-".length)}`;
        const random = randomFor(id);
        const demand = Math.max(0, 1 - day * 0.07) * random();
        const booked = Math.min(window.capacity, Math.round(window.capacity * demand * 1.3));
        slots.push({
          id,
          windowId: window.id,
          startsAt,
          endsAt: new Date(startsAt.getTime() + WINDOW_SLOT_MINUTES * 60_000),
          capacity: window.capacity,
          bookedCount: booked,
        });
        const cancelled = random() < 0.15 ? 1 : 0;
        for (let k = 0; k < booked + cancelled; k++) {
          const status = k < booked ? "BOOKED" : "CANCELLED";
          const forResident = window.servesResidents && random() < 0.4;
          let enterpriseId: string | null = null;
          let residentId: string | null = null;
          let key: string;
          do {
            if (forResident) residentId = `resident-${pad(between(random, 1, RESIDENT_POOL), 6)}`;
            else enterpriseId = pick(random, enterprises).id;
            key = `${residentId ?? enterpriseId}|${startsAt.toISOString()}`;
          } while (status === "BOOKED" && held.has(key));
          if (status === "BOOKED") held.add(key);
          const bookedAt = officeTimeAfter(new Date(cutoff.getTime() - between(random, 2, 14) * DAY_MS), random, 0, 2);
          appointments.push({
            id: `wappt-${id.slice("wslot-".length)}-${k + 1}`,
            synthetic: true,
            slotId: id,
            windowId: window.id,
            startsAt,
            enterpriseId,
            residentId,
            bundledServiceId: enterpriseId
              ? pick(random, window.serviceIds.length > 0 ? window.serviceIds : BUNDLED_SERVICES.map((s) => s.id))
              : null,
            status,
            bookedAt,
            cancelledAt: status === "CANCELLED" ? officeTimeAfter(bookedAt, random, 2, 48) : null,
            cancelReason:
              status === "CANCELLED" ? pick(random, ["材料尚未准备齐全", "改为网上办理", "时间冲突"]) : null,
          });
        }
      }
    }
  }
  return { slots, appointments };
}

export function buildSeedData(options: SeedOptions): EnterpriseSeedData {
  const calendar = new SeedCalendar(options);
  const enterprises = buildEnterprises(calendar);
  const { bundledServices, serviceItems } = buildServices();
  // Applications are history with ids in submission order: only a database's first seed run writes them.
  const { applications, events } = calendar.isFirstSeed
    ? buildApplications(calendar, enterprises, serviceItems)
    : { applications: [], events: [] };
  const { slots, appointments } = buildSlots(calendar, enterprises);
  return {
    enterprises,
    bundledServices,
    serviceItems,
    applications,
    events,
    policies: buildPolicies(calendar),
    windows: buildWindows(),
    slots,
    appointments,
  };
}

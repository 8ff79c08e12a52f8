/**
 * The district's township-level divisions (乡级行政区划): Jing'an's 13 streets (街道) and 1 town (镇). This is the one
 * place where a division's name, code, area and population are written down ("one data, one source", 一数一源).
 *
 * - At run time, the catalog subgraph serves `Street` from its database, seeded from this list; every other subgraph
 *   only extends `Street` by id, so every name and population a client sees comes from the catalog through
 *   federation.
 * - At seed time, the catalog copies these rows into its tables; the other subgraphs' seeds read the ids and the
 *   address material (roads, neighbourhoods, phone prefixes) to place their facilities, and never store a
 *   division's name or population in a column of their own. `test/referenceData.test.ts` fails on a copied table.
 *
 * Sources and what is real (docs/data.md has the full account):
 * - `code`: 国家统计局《统计用区划代码》 for 静安区 (310106), the first nine digits of the twelve-digit code: streets in
 *   the 0xx range (006, 011–022), towns in the 1xx range (彭浦镇 101). Codes follow GB/T 2260 for the district part.
 * - `name`, `kind`, `englishName`: the official names since the 2015 merger of 静安区 and 闸北区.
 * - `areaKm2`, `population`: rounded (area to 0.01 km², residents to the thousand, 2020 census); they add up to the
 *   district's 36.88 km² and roughly its census population.
 * - `officeAddress`, `roads`: real roads; office house numbers are plausible, not authoritative.
 * - `neighbourhoods` and `phonePrefix`: plausible material for generated addresses and phone numbers, not a
 *   register of neighbourhood committees (居委会) or telephone exchanges.
 */

/** 静安区 in GB/T 2260 (since the 2015 merger with 闸北区). */
export const JINGAN_DISTRICT_CODE = "310106";
/** 闸北区 in GB/T 2260 before the merger: identity numbers of people registered in the north before 2015 carry it. */
export const FORMER_ZHABEI_DISTRICT_CODE = "310108";

export interface JinganDivision {
  /** The id the catalog issues and every subgraph references, e.g. `street-linfenlu`. Never rename. */
  id: string;
  /** Township-level statistical division code (9 digits), e.g. `310106021`. */
  code: string;
  /** 街道 or 镇 name as the national list writes it. */
  name: string;
  englishName: string;
  kind: "STREET" | "TOWN";
  areaKm2: number;
  /** Resident population, rounded to the thousand. */
  population: number;
  /** The street office (街道办事处) or town government (镇人民政府). */
  officeAddress: string;
  /** Part of 闸北区 until the 2015 merger. */
  formerZhabei: boolean;
  /** Roads inside the division, for generated addresses. */
  roads: readonly string[];
  /** Neighbourhoods (居委/新村) residents know, for generated community names; plausible, not a register. */
  neighbourhoods: readonly string[];
  /** First four digits of local (021) phone numbers, for generated numbers; plausible, not a register. */
  phonePrefix: string;
}

/** In official order (by division code). */
export const JINGAN_DIVISIONS: readonly JinganDivision[] = [
  {
    id: "street-jiangninglu",
    code: "310106006",
    name: "江宁路街道",
    englishName: "Jiangninglu Subdistrict",
    kind: "STREET",
    areaKm2: 1.85,
    population: 68_000,
    officeAddress: "上海市静安区武定路860号",
    formerZhabei: false,
    roads: ["江宁路", "昌平路", "西康路", "澳门路", "海防路", "武定路", "康定东路", "新闸路"],
    neighbourhoods: ["安远", "昌平", "淮安", "海防", "澳门", "蒋家巷", "三乐"],
    phonePrefix: "6253",
  },
  {
    id: "street-shimenerlu",
    code: "310106011",
    name: "石门二路街道",
    englishName: "Shimen'erlu Subdistrict",
    kind: "STREET",
    areaKm2: 1.07,
    population: 40_000,
    officeAddress: "上海市静安区新闸路1208号",
    formerZhabei: false,
    roads: ["石门二路", "新闸路", "北京西路", "大田路", "山海关路", "泰兴路", "成都北路", "奉贤路"],
    neighbourhoods: ["新闸", "大田", "山海关", "泰兴", "张园", "宏文", "西王"],
    phonePrefix: "6258",
  },
  {
    id: "street-nanjingxilu",
    code: "310106012",
    name: "南京西路街道",
    englishName: "Nanjingxilu Subdistrict",
    kind: "STREET",
    areaKm2: 1.62,
    population: 43_000,
    officeAddress: "上海市静安区北京西路1418号",
    formerZhabei: false,
    roads: ["南京西路", "威海路", "茂名北路", "吴江路", "陕西北路", "石门一路", "延安中路", "铜仁路"],
    neighbourhoods: ["威海", "茂名", "吴江", "陕北", "石门一路", "重华", "新成"],
    phonePrefix: "6217",
  },
  {
    id: "street-jingansi",
    code: "310106013",
    name: "静安寺街道",
    englishName: "Jing'ansi Subdistrict",
    kind: "STREET",
    areaKm2: 1.58,
    population: 48_000,
    officeAddress: "上海市静安区常德路1010号",
    formerZhabei: false,
    roads: ["愚园路", "延安西路", "常德路", "华山路", "乌鲁木齐北路", "镇宁路", "万航渡路", "南京西路"],
    neighbourhoods: ["愚园", "华山", "常德", "景华", "新福康里", "静安别墅", "裕华"],
    phonePrefix: "6248",
  },
  {
    id: "street-caojiadu",
    code: "310106014",
    name: "曹家渡街道",
    englishName: "Caojiadu Subdistrict",
    kind: "STREET",
    areaKm2: 1.79,
    population: 72_000,
    officeAddress: "上海市静安区万航渡路1080号",
    formerZhabei: false,
    roads: ["万航渡路", "康定路", "余姚路", "武宁南路", "西康路", "昌化路", "长寿路"],
    neighbourhoods: ["三和", "康定", "万航", "余姚", "西康", "武宁", "昌化"],
    phonePrefix: "6227",
  },
  {
    id: "street-tianmuxilu",
    code: "310106015",
    name: "天目西路街道",
    englishName: "Tianmuxilu Subdistrict",
    kind: "STREET",
    areaKm2: 1.6,
    population: 38_000,
    officeAddress: "上海市静安区长安路1001号",
    formerZhabei: true,
    roads: ["天目西路", "恒丰路", "长安路", "西藏北路", "大统路", "裕通路", "汉中路", "光复路", "秣陵路"],
    neighbourhoods: ["恒丰", "长安", "大统", "裕通", "汉中", "中兴", "新桥"],
    phonePrefix: "6317",
  },
  {
    id: "street-beizhan",
    code: "310106016",
    name: "北站街道",
    englishName: "Beizhan Subdistrict",
    kind: "STREET",
    areaKm2: 1.3,
    population: 40_000,
    officeAddress: "上海市静安区天潼路801号",
    formerZhabei: true,
    roads: ["天潼路", "浙江北路", "海宁路", "七浦路", "曲阜路", "北苏州路", "安庆路", "天目东路", "西藏北路"],
    neighbourhoods: ["天潼", "海宁", "浙北", "七浦", "曲阜", "安庆", "新疆"],
    phonePrefix: "6324",
  },
  {
    id: "street-baoshanlu",
    code: "310106017",
    name: "宝山路街道",
    englishName: "Baoshanlu Subdistrict",
    kind: "STREET",
    areaKm2: 1.58,
    population: 52_000,
    officeAddress: "上海市静安区宝山路330号",
    formerZhabei: true,
    roads: ["宝山路", "宝昌路", "虬江路", "宝通路", "青云路", "永兴路", "东宝兴路", "中兴路"],
    neighbourhoods: ["宝昌", "虬江", "宝通", "青云", "永兴", "横浜", "宝兴"],
    phonePrefix: "5663",
  },
  {
    id: "street-gonghexinlu",
    code: "310106018",
    name: "共和新路街道",
    englishName: "Gonghexinlu Subdistrict",
    kind: "STREET",
    areaKm2: 2.74,
    population: 78_000,
    officeAddress: "上海市静安区洛川中路600号",
    formerZhabei: true,
    roads: ["共和新路", "洛川中路", "延长中路", "延长路", "平型关路", "谈家桥路", "中山北路", "沪太路"],
    neighbourhoods: ["洛川", "延长", "平型关", "谈家桥", "中山北", "和源", "民德"],
    phonePrefix: "5667",
  },
  {
    id: "street-daninglu",
    code: "310106019",
    name: "大宁路街道",
    englishName: "Daninglu Subdistrict",
    kind: "STREET",
    areaKm2: 6.24,
    population: 88_000,
    officeAddress: "上海市静安区彭江路188号",
    formerZhabei: true,
    roads: ["大宁路", "广中西路", "灵石路", "万荣路", "运城路", "平型关路", "延长中路", "共和新路"],
    neighbourhoods: ["大宁", "广中", "万荣", "运城", "灵石", "宁和", "上工"],
    phonePrefix: "5677",
  },
  {
    id: "street-pengpuxincun",
    code: "310106020",
    name: "彭浦新村街道",
    englishName: "Pengpuxincun Subdistrict",
    kind: "STREET",
    areaKm2: 3.9,
    population: 120_000,
    officeAddress: "上海市静安区闻喜路251号",
    formerZhabei: true,
    roads: ["共和新路", "平顺路", "永和路", "闻喜路", "保德路", "场中路", "三泉路", "临汾路"],
    neighbourhoods: ["平顺", "永和", "闻喜", "保德", "场中", "三泉", "彭一"],
    phonePrefix: "5614",
  },
  {
    id: "street-linfenlu",
    code: "310106021",
    name: "临汾路街道",
    englishName: "Linfenlu Subdistrict",
    kind: "STREET",
    areaKm2: 2.07,
    population: 73_000,
    officeAddress: "上海市静安区临汾路380号",
    formerZhabei: true,
    roads: ["临汾路", "阳曲路", "汾西路", "岭南路", "场中路", "平陆路", "保德路", "广中路"],
    neighbourhoods: ["临汾", "阳曲", "汾西", "岭南", "平陆", "秋月", "景凤"],
    phonePrefix: "5615",
  },
  {
    id: "street-zhijiangxilu",
    code: "310106022",
    name: "芷江西路街道",
    englishName: "Zhijiangxilu Subdistrict",
    kind: "STREET",
    areaKm2: 1.66,
    population: 68_000,
    officeAddress: "上海市静安区芷江西路250号",
    formerZhabei: true,
    roads: ["芷江西路", "中华新路", "柳营路", "共和新路", "中山北路", "光复路", "大统路", "和田路", "中兴路"],
    neighbourhoods: ["芷江", "柳营", "中华新路", "光复", "共和", "洪南山宅", "旱桥"],
    phonePrefix: "5665",
  },
  {
    id: "street-pengpu",
    code: "310106101",
    name: "彭浦镇",
    englishName: "Pengpu Town",
    kind: "TOWN",
    areaKm2: 7.88,
    population: 153_000,
    officeAddress: "上海市静安区平型关路1180号",
    formerZhabei: true,
    roads: ["共康路", "江场西路", "广延路", "岭南路", "汶水路", "洛川东路", "沪太路", "江场三路"],
    neighbourhoods: ["共康", "江场", "广延", "汶水", "洛川东", "新梅", "馨佳"],
    phonePrefix: "5616",
  },
];

/** Every division id, in official order. */
export const JINGAN_DIVISION_IDS: readonly string[] = JINGAN_DIVISIONS.map((division) => division.id);

const BY_ID = new Map(JINGAN_DIVISIONS.map((division) => [division.id, division]));

/** The division with this id; throws on an unknown id, because seed data naming one is a bug. */
export function jinganDivision(id: string): JinganDivision {
  const division = BY_ID.get(id);
  if (!division) throw new Error(`No Jing'an street or town has the id "${id}".`);
  return division;
}

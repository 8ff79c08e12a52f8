/**
 * Jing'an's 14 streets and towns as the culture seed needs them: roads for addresses, neighbourhoods for community
 * names, and the mix of historic buildings each part of the district has (the old concession streets in the south
 * are dense with 石库门 lanes and garden houses, the 苏州河 banks with warehouses and mills, the north with the
 * workers' villages of the 1950s–80s).
 */
import type { ReadableBuildingType } from "./generated/prisma/client.ts";

export interface StreetInfo {
  /** Catalog subgraph id; the catalog owns streets, we only reference them. */
  id: string;
  /** 街道 or 镇 name as residents say it. */
  name: string;
  /** Roads inside the street, for addresses. */
  roads: readonly string[];
  /** Neighbourhoods (居委/新村) residents know. */
  neighbourhoods: readonly string[];
  /** First four digits of local phone numbers. */
  phonePrefix: string;
  /** Relative weights of the kinds of historic building found here, for the generated part of 建筑可阅读. */
  buildingMix: Partial<Record<ReadableBuildingType, number>>;
}

const SOUTH_CORE = {
  SHIKUMEN_LANE: 5,
  NEW_STYLE_LANE: 4,
  GARDEN_HOUSE: 5,
  APARTMENT: 3,
  PUBLIC_BUILDING: 2,
  COMMERCIAL: 2,
  RELIGIOUS: 1,
} as const;

const CREEK_SIDE = { SHIKUMEN_LANE: 4, INDUSTRIAL: 5, COMMERCIAL: 2, PUBLIC_BUILDING: 2, NEW_STYLE_LANE: 1 } as const;

const NORTH = { WORKERS_VILLAGE: 5, INDUSTRIAL: 3, PUBLIC_BUILDING: 2, SHIKUMEN_LANE: 1 } as const;

export const STREETS: readonly StreetInfo[] = [
  {
    id: "street-jingansi",
    name: "静安寺街道",
    roads: ["愚园路", "延安西路", "常德路", "华山路", "乌鲁木齐北路", "镇宁路", "万航渡路", "南京西路"],
    neighbourhoods: ["愚园", "华山", "常德", "景华", "静安别墅", "裕华"],
    phonePrefix: "6248",
    buildingMix: SOUTH_CORE,
  },
  {
    id: "street-caojiadu",
    name: "曹家渡街道",
    roads: ["万航渡路", "康定路", "余姚路", "武宁南路", "西康路", "昌化路", "长寿路"],
    neighbourhoods: ["三和", "康定", "万航", "余姚", "西康", "昌化"],
    phonePrefix: "6227",
    buildingMix: { SHIKUMEN_LANE: 5, NEW_STYLE_LANE: 3, INDUSTRIAL: 3, GARDEN_HOUSE: 2, PUBLIC_BUILDING: 2 },
  },
  {
    id: "street-jiangninglu",
    name: "江宁路街道",
    roads: ["江宁路", "昌平路", "西康路", "澳门路", "海防路", "武定路", "康定东路", "新闸路"],
    neighbourhoods: ["安远", "昌平", "淮安", "海防", "澳门", "蒋家巷"],
    phonePrefix: "6253",
    buildingMix: {
      SHIKUMEN_LANE: 5,
      NEW_STYLE_LANE: 3,
      GARDEN_HOUSE: 2,
      APARTMENT: 2,
      PUBLIC_BUILDING: 2,
      INDUSTRIAL: 2,
    },
  },
  {
    id: "street-shimenerlu",
    name: "石门二路街道",
    roads: ["石门二路", "新闸路", "北京西路", "大田路", "山海关路", "泰兴路", "成都北路", "威海路"],
    neighbourhoods: ["新闸", "大田", "山海关", "泰兴", "张园", "宏文"],
    phonePrefix: "6258",
    buildingMix: SOUTH_CORE,
  },
  {
    id: "street-nanjingxilu",
    name: "南京西路街道",
    roads: ["南京西路", "威海路", "茂名北路", "吴江路", "陕西北路", "石门一路", "延安中路", "铜仁路"],
    neighbourhoods: ["威海", "茂名", "吴江", "陕北", "石门一路", "重华"],
    phonePrefix: "6217",
    buildingMix: SOUTH_CORE,
  },
  {
    id: "street-tianmuxilu",
    name: "天目西路街道",
    roads: ["天目西路", "恒丰路", "长安路", "西藏北路", "大统路", "裕通路", "光复路"],
    neighbourhoods: ["恒丰", "长安", "大统", "裕通", "汉中", "中兴"],
    phonePrefix: "6317",
    buildingMix: CREEK_SIDE,
  },
  {
    id: "street-beizhan",
    name: "北站街道",
    roads: ["天潼路", "浙江北路", "海宁路", "七浦路", "曲阜路", "北苏州路", "安庆路", "天目东路"],
    neighbourhoods: ["天潼", "海宁", "浙北", "七浦", "曲阜", "安庆"],
    phonePrefix: "6324",
    buildingMix: CREEK_SIDE,
  },
  {
    id: "street-baoshanlu",
    name: "宝山路街道",
    roads: ["宝山路", "宝昌路", "虬江路", "宝通路", "青云路", "永兴路", "东宝兴路"],
    neighbourhoods: ["宝昌", "虬江", "宝通", "青云", "永兴", "横浜"],
    phonePrefix: "5663",
    buildingMix: { SHIKUMEN_LANE: 4, INDUSTRIAL: 3, PUBLIC_BUILDING: 2, WORKERS_VILLAGE: 2, COMMERCIAL: 1 },
  },
  {
    id: "street-zhijiangxilu",
    name: "芷江西路街道",
    roads: ["芷江西路", "中华新路", "柳营路", "共和新路", "中山北路", "光复路", "大统路"],
    neighbourhoods: ["芷江", "柳营", "中华新路", "光复", "共和", "旱桥"],
    phonePrefix: "5665",
    buildingMix: { SHIKUMEN_LANE: 3, WORKERS_VILLAGE: 3, INDUSTRIAL: 3, PUBLIC_BUILDING: 2 },
  },
  {
    id: "street-gonghexinlu",
    name: "共和新路街道",
    roads: ["共和新路", "洛川中路", "延长中路", "延长路", "平型关路", "谈家桥路", "中山北路"],
    neighbourhoods: ["洛川", "延长", "平型关", "谈家桥", "和源", "民德"],
    phonePrefix: "5667",
    buildingMix: NORTH,
  },
  {
    id: "street-daninglu",
    name: "大宁路街道",
    roads: ["大宁路", "广中西路", "灵石路", "万荣路", "运城路", "平型关路", "延长中路"],
    neighbourhoods: ["大宁", "广中", "万荣", "运城", "灵石", "宁和"],
    phonePrefix: "5677",
    buildingMix: { WORKERS_VILLAGE: 4, INDUSTRIAL: 4, PUBLIC_BUILDING: 2 },
  },
  {
    id: "street-pengpuxincun",
    name: "彭浦新村街道",
    roads: ["共和新路", "平顺路", "永和路", "闻喜路", "保德路", "场中路", "三泉路"],
    neighbourhoods: ["平顺", "永和", "闻喜", "保德", "场中", "三泉"],
    phonePrefix: "5614",
    buildingMix: NORTH,
  },
  {
    id: "street-linfenlu",
    name: "临汾路街道",
    roads: ["临汾路", "阳曲路", "汾西路", "岭南路", "场中路", "平陆路", "保德路"],
    neighbourhoods: ["临汾", "阳曲", "汾西", "岭南", "平陆", "景凤"],
    phonePrefix: "5615",
    buildingMix: NORTH,
  },
  {
    id: "street-pengpu",
    name: "彭浦镇",
    roads: ["共康路", "江场西路", "广延路", "岭南路", "汶水路", "洛川东路", "沪太路"],
    neighbourhoods: ["共康", "江场", "广延", "汶水", "洛川东", "新梅"],
    phonePrefix: "5616",
    buildingMix: { WORKERS_VILLAGE: 4, INDUSTRIAL: 4, PUBLIC_BUILDING: 1 },
  },
];

export function streetOf(id: string): StreetInfo {
  const street = STREETS.find((s) => s.id === id);
  if (!street) throw new Error(`Culture seed data names unknown street ${id}.`);
  return street;
}

/** 区文化旅游局 in the catalog. */
export const CULTURE_DEPARTMENT_ID = "dept-culture";

/** A street's own office (街道办事处 / 镇人民政府) in the catalog, which runs its community cultural centre. */
export function streetOfficeId(streetId: string): string {
  return `dept-${streetId}`;
}

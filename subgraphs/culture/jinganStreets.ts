/**
 * What the culture seed knows about each street beyond the district's reference list (`lib/reference/
 * jinganDivisions.ts`, which gives names, roads and neighbourhoods): the mix of historic buildings each part of the
 * district has (the old concession streets in the south are dense with 石库门 lanes and garden houses, the 苏州河 banks
 * with warehouses and mills, the north with the workers' villages of the 1950s–80s).
 */
import type { ReadableBuildingType } from "./generated/prisma/client.ts";

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

/** The mix of historic buildings in each street, by street id, for the generated part of 建筑可阅读. */
export const BUILDING_MIX: Readonly<Record<string, Partial<Record<ReadableBuildingType, number>>>> = {
  "street-jingansi": SOUTH_CORE,
  "street-caojiadu": { SHIKUMEN_LANE: 5, NEW_STYLE_LANE: 3, INDUSTRIAL: 3, GARDEN_HOUSE: 2, PUBLIC_BUILDING: 2 },
  "street-jiangninglu": {
    SHIKUMEN_LANE: 5,
    NEW_STYLE_LANE: 3,
    GARDEN_HOUSE: 2,
    APARTMENT: 2,
    PUBLIC_BUILDING: 2,
    INDUSTRIAL: 2,
  },
  "street-shimenerlu": SOUTH_CORE,
  "street-nanjingxilu": SOUTH_CORE,
  "street-tianmuxilu": CREEK_SIDE,
  "street-beizhan": CREEK_SIDE,
  "street-baoshanlu": { SHIKUMEN_LANE: 4, INDUSTRIAL: 3, PUBLIC_BUILDING: 2, WORKERS_VILLAGE: 2, COMMERCIAL: 1 },
  "street-zhijiangxilu": { SHIKUMEN_LANE: 3, WORKERS_VILLAGE: 3, INDUSTRIAL: 3, PUBLIC_BUILDING: 2 },
  "street-gonghexinlu": NORTH,
  "street-daninglu": { WORKERS_VILLAGE: 4, INDUSTRIAL: 4, PUBLIC_BUILDING: 2 },
  "street-pengpuxincun": NORTH,
  "street-linfenlu": NORTH,
  "street-pengpu": { WORKERS_VILLAGE: 4, INDUSTRIAL: 4, PUBLIC_BUILDING: 1 },
};

/** 区文化旅游局 in the catalog. */
export const CULTURE_DEPARTMENT_ID = "dept-culture";

/** A street's own office (街道办事处 / 镇人民政府) in the catalog, which runs its community cultural centre. */
export function streetOfficeId(streetId: string): string {
  return `dept-${streetId}`;
}

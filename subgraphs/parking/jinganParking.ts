/**
 * Reference tables for the parking seed: each street's price zone and the landmark garages residents know by name,
 * plus the operators of garages, road parking and charging stations (seed §11). `seedData.ts` turns these into rows;
 * the streets, their roads and neighbourhoods come from the district's reference list
 * (`lib/reference/jinganDivisions.ts`).
 *
 * Landmarks are real places at their published street addresses, each under the street it lies in and none claimed
 * twice, so that residents recognise them (the corrections of the review are listed in docs/data.md); capacities,
 * prices, operator assignments and everything generated around them are synthetic and only plausible.
 */

/** What parking knows about a street beyond the district's reference list: its price zone and landmark garages. */
export interface ParkingStreetProfile {
  /**
   * Price zone of the city's parking-fee policy: 1 the commercial core (南京西路 business district), 2 the inner
   * ring around it and the railway station, 3 the residential north.
   */
  zone: 1 | 2 | 3;
  /** Well-known public garages of the street: name, road, number, rough size. */
  landmarks: readonly Landmark[];
}

export interface Landmark {
  name: string;
  road: string;
  number: number;
  spaces: number;
}

/** The district's transport authority, 区建管委, supervises public parking (the catalog subgraph owns departments). */
export const TRANSPORT_DEPARTMENT_ID = "dept-transport";

/** Price zone and landmark garages by street id; the streets themselves come from `lib/reference/jinganDivisions.ts`. */
export const PARKING_PROFILES: Readonly<Record<string, ParkingStreetProfile>> = {
  "street-jingansi": {
    zone: 1,
    landmarks: [
      { name: "久光百货地下停车库", road: "南京西路", number: 1618, spaces: 620 },
      { name: "芮欧百货停车库", road: "南京西路", number: 1601, spaces: 380 },
      { name: "会德丰国际广场停车库", road: "南京西路", number: 1717, spaces: 450 },
      { name: "静安寺广场地下停车库", road: "华山路", number: 2, spaces: 260 },
      { name: "晶品购物中心停车库", road: "愚园路", number: 68, spaces: 300 },
      { name: "悦达889广场停车库", road: "万航渡路", number: 889, spaces: 540 },
    ],
  },
  "street-caojiadu": {
    zone: 2,
    landmarks: [
      { name: "曹家渡花鸟市场停车场", road: "万航渡路", number: 1262, spaces: 120 },
      { name: "静安国际中心停车库", road: "长寿路", number: 1111, spaces: 480 },
      { name: "嘉里华庭停车库", road: "武宁南路", number: 488, spaces: 350 },
    ],
  },
  "street-jiangninglu": {
    zone: 2,
    landmarks: [
      { name: "艺海剧院停车库", road: "江宁路", number: 466, spaces: 150 },
      { name: "静安区文化馆停车场", road: "昌平路", number: 990, spaces: 80 },
      { name: "美琪大戏院停车场", road: "江宁路", number: 66, spaces: 60 },
      { name: "静安区老年医院停车场", road: "昌平路", number: 388, spaces: 90 },
    ],
  },
  "street-shimenerlu": {
    zone: 1,
    landmarks: [
      { name: "兴业太古汇停车库", road: "石门一路", number: 288, spaces: 700 },
      { name: "张园地下停车库", road: "威海路", number: 590, spaces: 320 },
      { name: "达安城停车库", road: "大田路", number: 501, spaces: 240 },
      { name: "静安区政府停车场", road: "常德路", number: 370, spaces: 150 },
    ],
  },
  "street-nanjingxilu": {
    zone: 1,
    landmarks: [
      { name: "恒隆广场停车库", road: "南京西路", number: 1266, spaces: 800 },
      { name: "中信泰富广场停车库", road: "南京西路", number: 1168, spaces: 520 },
      { name: "梅龙镇广场停车库", road: "南京西路", number: 1038, spaces: 460 },
      { name: "上海商城停车库", road: "南京西路", number: 1376, spaces: 650 },
      { name: "静安嘉里中心停车库", road: "南京西路", number: 1515, spaces: 1100 },
      { name: "上海展览中心停车场", road: "延安中路", number: 1000, spaces: 300 },
    ],
  },
  "street-tianmuxilu": {
    zone: 2,
    landmarks: [
      { name: "上海火车站南广场停车场", road: "秣陵路", number: 303, spaces: 900 },
      { name: "嘉里不夜城停车库", road: "天目西路", number: 218, spaces: 560 },
      { name: "环智国际大厦停车库", road: "恒丰路", number: 500, spaces: 330 },
      { name: "上海铁路局停车场", road: "天目东路", number: 80, spaces: 200 },
    ],
  },
  "street-beizhan": {
    zone: 2,
    landmarks: [
      { name: "静安大悦城停车库", road: "西藏北路", number: 166, spaces: 1200 },
      { name: "苏河湾万象天地停车库", road: "北苏州路", number: 988, spaces: 760 },
      { name: "七浦路服装市场停车场", road: "七浦路", number: 168, spaces: 160 },
      { name: "上海总商会停车场", road: "北苏州路", number: 470, spaces: 80 },
    ],
  },
  "street-baoshanlu": {
    zone: 3,
    landmarks: [
      { name: "虬江路数码城停车场", road: "虬江路", number: 1000, spaces: 150 },
      { name: "宝山路商务中心停车库", road: "宝山路", number: 500, spaces: 220 },
    ],
  },
  "street-zhijiangxilu": {
    zone: 2,
    landmarks: [
      { name: "上海火车站北广场停车场", road: "中兴路", number: 1508, spaces: 850 },
      { name: "闸北区中心医院停车场", road: "中华新路", number: 619, spaces: 140 },
      { name: "不夜城绿地停车场", road: "芷江西路", number: 30, spaces: 110 },
    ],
  },
  "street-gonghexinlu": {
    zone: 3,
    landmarks: [
      { name: "上海大学延长校区停车场", road: "延长路", number: 149, spaces: 260 },
      { name: "上海市第十人民医院停车场", road: "延长中路", number: 301, spaces: 420 },
      { name: "中环共和新路停车库", road: "共和新路", number: 3388, spaces: 240 },
    ],
  },
  "street-daninglu": {
    zone: 2,
    landmarks: [
      { name: "大宁国际商业广场停车库", road: "大宁路", number: 525, spaces: 820 },
      { name: "大宁音乐广场停车库", road: "共和新路", number: 1878, spaces: 680 },
      { name: "静安大融城停车库", road: "共和新路", number: 1898, spaces: 900 },
      { name: "大宁灵石公园停车场", road: "广中西路", number: 288, spaces: 260 },
      { name: "上海马戏城停车场", road: "共和新路", number: 2266, spaces: 320 },
    ],
  },
  "street-pengpuxincun": {
    zone: 3,
    landmarks: [
      { name: "彭浦新村地铁站P+R停车场", road: "共和新路", number: 3883, spaces: 300 },
      { name: "彭浦公园停车场", road: "平顺路", number: 99, spaces: 90 },
    ],
  },
  "street-linfenlu": {
    zone: 3,
    landmarks: [
      { name: "临汾路380弄社区停车场", road: "临汾路", number: 380, spaces: 120 },
      { name: "阳曲路菜场停车场", road: "阳曲路", number: 660, spaces: 60 },
    ],
  },
  "street-pengpu": {
    zone: 3,
    landmarks: [
      { name: "市北高新园区停车库", road: "江场三路", number: 238, spaces: 640 },
      { name: "市北医院停车场", road: "共和新路", number: 4500, spaces: 180 },
      { name: "共康地铁站P+R停车场", road: "共康路", number: 500, spaces: 260 },
    ],
  },
};

/** Words for the office towers, plazas and estates whose garages are open to the public (经营性停车库). */
export const BUILDING_PREFIXES = [
  "金星",
  "华侨",
  "恒丰",
  "锦江",
  "国信",
  "协和",
  "嘉发",
  "新梅",
  "长峰",
  "华东",
  "汇银",
  "瑞安",
  "海森",
  "东方",
  "世纪",
  "静安",
  "兴力",
  "达华",
  "裕安",
  "同乐",
  "中海",
  "新理想",
  "复地",
  "融侨",
] as const;

export const BUILDING_SUFFIXES = ["大厦", "广场", "中心", "国际大厦", "商务楼", "公寓", "花园", "商厦"] as const;

/** Firms that run public garages (经营性停车场); synthetic names in the usual form. */
export const GARAGE_OPERATORS = [
  "上海静安置业物业管理有限公司",
  "上海嘉里物业管理有限公司",
  "上海恒隆物业管理有限公司",
  "上海城投停车管理有限公司",
  "上海久事智慧停车管理有限公司",
  "上海申通地铁停车服务有限公司",
  "上海大宁资产经营（集团）有限公司",
  "上海市北高新物业服务有限公司",
  "上海安居物业管理有限公司",
  "上海捷停车科技有限公司",
] as const;

/** Road parking (道路停车) is let by the district to one operator per area. */
export const ROAD_PARKING_OPERATORS = ["上海静安交通停车服务有限公司", "上海静安城市道路停车管理有限公司"] as const;

/** Operators of charging points that report to the city charging platform (市级充电平台). */
export const CHARGING_OPERATORS = [
  "国网上海电动汽车服务有限公司",
  "特来电新能源股份有限公司",
  "星星充电（万帮数字能源股份有限公司）",
  "上汽安悦充电科技有限公司",
  "蔚来能源科技有限公司",
  "上海挚达科技发展有限公司",
] as const;

/** Provinces of the out-of-town plates seen in Jing'an, with a city letter each (苏E, 浙A …). */
export const OUT_OF_TOWN_PLATE_PREFIXES = ["苏E", "苏A", "浙A", "浙B", "皖A", "京N", "粤B", "鲁B"] as const;

/** Shanghai's city letters for ordinary plates (沪A … 沪N; no I or O on Chinese plates). */
export const SHANGHAI_PLATE_LETTERS = ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N"] as const;

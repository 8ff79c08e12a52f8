/**
 * Reference tables for the parking seed: Jing'an's 14 streets and towns with their roads, price zone and the
 * landmark garages residents know by name, plus the operators of garages, road parking and charging stations
 * (seed §11). `seedData.ts` turns these into rows.
 *
 * Landmark names are real places so that residents recognise them; every address, capacity, price, operator
 * assignment and everything generated around them is synthetic and only plausible.
 */

/** Street offices and towns own the district's divisions; the catalog subgraph owns the Street entity. */
export interface ParkingStreet {
  /** Catalog subgraph id. */
  id: string;
  /** 街道 or 镇 name as residents say it. */
  name: string;
  /** Roads inside the street, for addresses and road-parking sections. */
  roads: readonly string[];
  /** Neighbourhoods (居委/小区) whose residential garages share spaces with the public (错峰共享停车). */
  neighbourhoods: readonly string[];
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

export const PARKING_STREETS: readonly ParkingStreet[] = [
  {
    id: "street-jingansi",
    name: "静安寺街道",
    roads: ["愚园路", "延安西路", "常德路", "华山路", "乌鲁木齐北路", "镇宁路", "万航渡路", "南京西路"],
    neighbourhoods: ["愚园", "华山", "常德", "景华", "新福康里", "静安别墅", "裕华"],
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
  {
    id: "street-caojiadu",
    name: "曹家渡街道",
    roads: ["万航渡路", "康定路", "余姚路", "武宁南路", "西康路", "昌化路", "长寿路", "长宁支路"],
    neighbourhoods: ["三和", "康定", "万航", "余姚", "西康", "武宁", "昌化"],
    zone: 2,
    landmarks: [
      { name: "曹家渡花鸟市场停车场", road: "万航渡路", number: 1262, spaces: 120 },
      { name: "静安国际中心停车库", road: "长寿路", number: 1111, spaces: 480 },
      { name: "嘉里华庭停车库", road: "武宁南路", number: 488, spaces: 350 },
    ],
  },
  {
    id: "street-jiangninglu",
    name: "江宁路街道",
    roads: ["江宁路", "昌平路", "西康路", "澳门路", "海防路", "武定路", "康定东路", "长寿路"],
    neighbourhoods: ["安远", "昌平", "淮安", "海防", "澳门", "蒋家巷", "三乐"],
    zone: 2,
    landmarks: [
      { name: "静安大悦城北座停车库", road: "西康路", number: 899, spaces: 420 },
      { name: "上海展览中心北门停车场", road: "武定路", number: 1, spaces: 180 },
      { name: "玉佛寺停车场", road: "安远路", number: 170, spaces: 90 },
      { name: "长寿商业广场停车库", road: "长寿路", number: 155, spaces: 310 },
    ],
  },
  {
    id: "street-shimenerlu",
    name: "石门二路街道",
    roads: ["石门二路", "新闸路", "北京西路", "大田路", "山海关路", "泰兴路", "成都北路", "奉贤路"],
    neighbourhoods: ["新闸", "大田", "山海关", "泰兴", "张园", "宏文", "西王"],
    zone: 1,
    landmarks: [
      { name: "兴业太古汇停车库", road: "石门一路", number: 288, spaces: 700 },
      { name: "张园地下停车库", road: "威海路", number: 590, spaces: 320 },
      { name: "达安城停车库", road: "大田路", number: 501, spaces: 240 },
      { name: "静安区政府停车场", road: "常德路", number: 370, spaces: 150 },
    ],
  },
  {
    id: "street-nanjingxilu",
    name: "南京西路街道",
    roads: ["南京西路", "威海路", "茂名北路", "吴江路", "陕西北路", "石门一路", "延安中路", "北京西路"],
    neighbourhoods: ["威海", "茂名", "吴江", "陕北", "石门一路", "重华", "新成"],
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
  {
    id: "street-tianmuxilu",
    name: "天目西路街道",
    roads: ["天目西路", "恒丰路", "长安路", "西藏北路", "大统路", "裕通路", "汉中路", "秣陵路"],
    neighbourhoods: ["恒丰", "长安", "大统", "裕通", "汉中", "中兴", "新桥"],
    zone: 2,
    landmarks: [
      { name: "上海火车站南广场停车场", road: "秣陵路", number: 303, spaces: 900 },
      { name: "嘉里不夜城停车库", road: "天目西路", number: 218, spaces: 560 },
      { name: "环智国际大厦停车库", road: "恒丰路", number: 500, spaces: 330 },
      { name: "上海铁路局停车场", road: "天目东路", number: 80, spaces: 200 },
    ],
  },
  {
    id: "street-beizhan",
    name: "北站街道",
    roads: ["天潼路", "浙江北路", "海宁路", "七浦路", "曲阜路", "北苏州路", "安庆路", "西藏北路"],
    neighbourhoods: ["天潼", "海宁", "浙北", "七浦", "曲阜", "安庆", "新疆"],
    zone: 2,
    landmarks: [
      { name: "静安大悦城停车库", road: "西藏北路", number: 166, spaces: 1200 },
      { name: "苏河湾万象天地停车库", road: "北苏州路", number: 988, spaces: 760 },
      { name: "七浦路服装市场停车场", road: "七浦路", number: 168, spaces: 160 },
      { name: "上海总商会停车场", road: "北苏州路", number: 470, spaces: 80 },
    ],
  },
  {
    id: "street-baoshanlu",
    name: "宝山路街道",
    roads: ["宝山路", "宝昌路", "虬江路", "宝通路", "青云路", "永兴路", "东宝兴路", "中兴路"],
    neighbourhoods: ["宝昌", "虬江", "宝通", "青云", "永兴", "横浜", "宝兴"],
    zone: 3,
    landmarks: [
      { name: "虬江路数码城停车场", road: "虬江路", number: 1000, spaces: 150 },
      { name: "宝山路商务中心停车库", road: "宝山路", number: 500, spaces: 220 },
    ],
  },
  {
    id: "street-zhijiangxilu",
    name: "芷江西路街道",
    roads: ["芷江西路", "中华新路", "柳营路", "共和新路", "中山北路", "光复路", "大统路", "中兴路"],
    neighbourhoods: ["芷江", "中华", "柳营", "光复", "普善", "太阳山", "洪南山宅"],
    zone: 2,
    landmarks: [
      { name: "上海火车站北广场停车场", road: "中兴路", number: 1508, spaces: 850 },
      { name: "闸北区中心医院停车场", road: "中华新路", number: 619, spaces: 140 },
      { name: "不夜城绿地停车场", road: "芷江西路", number: 30, spaces: 110 },
    ],
  },
  {
    id: "street-gonghexinlu",
    name: "共和新路街道",
    roads: ["共和新路", "洛川中路", "延长中路", "延长路", "平型关路", "谈家桥路", "中山北路", "沪太路"],
    neighbourhoods: ["洛川", "延长", "平型关", "谈家桥", "中山", "宝华", "延峰"],
    zone: 3,
    landmarks: [
      { name: "上海大学延长校区停车场", road: "延长路", number: 149, spaces: 260 },
      { name: "市北医院停车场", road: "延长中路", number: 301, spaces: 180 },
      { name: "中环共和新路停车库", road: "共和新路", number: 3388, spaces: 240 },
    ],
  },
  {
    id: "street-daninglu",
    name: "大宁路街道",
    roads: ["大宁路", "广中西路", "灵石路", "万荣路", "运城路", "平型关路", "延长中路", "共和新路"],
    neighbourhoods: ["大宁", "广中", "灵石", "万荣", "运城", "宁和", "上工"],
    zone: 2,
    landmarks: [
      { name: "大宁国际商业广场停车库", road: "大宁路", number: 525, spaces: 820 },
      { name: "大宁音乐广场停车库", road: "共和新路", number: 1878, spaces: 680 },
      { name: "静安大融城停车库", road: "共和新路", number: 1898, spaces: 900 },
      { name: "大宁灵石公园停车场", road: "广中西路", number: 288, spaces: 260 },
      { name: "上海马戏城停车场", road: "共和新路", number: 2266, spaces: 320 },
    ],
  },
  {
    id: "street-pengpuxincun",
    name: "彭浦新村街道",
    roads: ["共和新路", "平顺路", "永和路", "闻喜路", "保德路", "场中路", "三泉路", "临汾路"],
    neighbourhoods: ["平顺", "永和", "闻喜", "保德", "三泉", "艺康苑", "彭一"],
    zone: 3,
    landmarks: [
      { name: "彭浦新村地铁站P+R停车场", road: "共和新路", number: 3883, spaces: 300 },
      { name: "彭浦公园停车场", road: "平顺路", number: 99, spaces: 90 },
    ],
  },
  {
    id: "street-linfenlu",
    name: "临汾路街道",
    roads: ["临汾路", "阳曲路", "汾西路", "岭南路", "场中路", "平陆路", "保德路", "广中路"],
    neighbourhoods: ["阳曲", "汾西", "岭南", "平陆", "临汾", "景凤", "场中"],
    zone: 3,
    landmarks: [
      { name: "临汾路380弄社区停车场", road: "临汾路", number: 380, spaces: 120 },
      { name: "阳曲路菜场停车场", road: "阳曲路", number: 660, spaces: 60 },
    ],
  },
  {
    id: "street-pengpu",
    name: "彭浦镇",
    roads: ["共康路", "江场西路", "广延路", "岭南路", "汶水路", "洛川东路", "沪太路", "江场三路"],
    neighbourhoods: ["共康", "江场", "广延", "汶水", "洛川", "新梅", "三泉"],
    zone: 3,
    landmarks: [
      { name: "市北高新园区停车库", road: "江场三路", number: 238, spaces: 640 },
      { name: "上海国际汽车城静安展厅停车场", road: "汶水路", number: 210, spaces: 200 },
      { name: "共康地铁站P+R停车场", road: "共康路", number: 500, spaces: 260 },
    ],
  },
];

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

/**
 * Tourism routes (旅游线路) the district publishes on the 静安文旅 platform: 建筑可阅读 walking routes, red-culture
 * routes and the 苏河湾 waterfront. Stops name a readable building (`building`) or a venue (`venue`) by the `key` of
 * `jinganBuildings.ts` / `jinganVenues.ts`; `seedData.ts` resolves them to ids and also adds one
 * micro-tour per street from that street's own buildings.
 */
import type { TourismRouteTheme } from "./generated/prisma/client.ts";

export type RouteStopPlan = ({ building: string } | { venue: string }) & { guide: string; stayMinutes: number };

export interface NamedRoute {
  key: string;
  name: string;
  theme: TourismRouteTheme;
  description: string;
  /** Walking distance between the first and the last stop along the way. */
  distanceMeters: number;
  stops: readonly RouteStopPlan[];
}

export const NAMED_ROUTES: readonly NamedRoute[] = [
  {
    key: "nanjingxilu-walk",
    name: "建筑可阅读·南京西路风貌漫步",
    theme: "ARCHITECTURE_WALK",
    description: "从静安别墅的弄堂出发，穿过张园石库门，沿陕西北路欣赏花园住宅与装饰艺术派公寓，终点绿房子。",
    distanceMeters: 2800,
    stops: [
      { venue: "station-nanjingxilu", guide: "领取建筑可阅读地图，扫码收听语音导览。", stayMinutes: 5 },
      { building: "jingan-villa", guide: "新式里弄的总弄与支弄，留意汽车间和晒台。", stayMinutes: 15 },
      { building: "taiyang", guide: "转角圆弧阳台与横向窗带。", stayMinutes: 5 },
      { building: "zhangyuan", guide: "“海上第一名园”的石库门建筑群，西区已开放。", stayMinutes: 30 },
      { building: "rongzhai", guide: "荣宗敬旧居的彩色玻璃和雕饰，需预约入内。", stayMinutes: 20 },
      { building: "huaye", guide: "十层主楼的竖向线条与阶梯形顶部。", stayMinutes: 5 },
      { building: "song-residence", guide: "宋氏家族老宅的外廊与坡顶。", stayMinutes: 5 },
      { building: "ohel-rachel", guide: "远东较大的犹太会堂之一。", stayMinutes: 5 },
      { building: "wu-tongwen", guide: "邬达克晚期作品，绿色釉面砖的“绿房子”。", stayMinutes: 10 },
    ],
  },
  {
    key: "red-origins",
    name: "红色足迹：建党初心之旅",
    theme: "RED_CULTURE",
    description: "串联中共二大会址、平民女校、毛泽东在上海的两处旧居、中国劳动组合书记部和刘长胜故居。",
    distanceMeters: 5600,
    stops: [
      { building: "erda", guide: "第一部党章在这里诞生，参观中共二大会址纪念馆。", stayMinutes: 45 },
      { building: "pingmin", guide: "党创办的第一所妇女学校。", stayMinutes: 10 },
      { building: "mao-maoming", guide: "1924年毛泽东一家的寓所，毛泽东旧居陈列馆。", stayMinutes: 30 },
      { building: "labour-secretariat", guide: "早期工人运动的指挥中心。", stayMinutes: 20 },
      { building: "mao-anyi", guide: "1920年毛泽东寓居的民厚南里。", stayMinutes: 15 },
      { building: "liu-changsheng", guide: "解放战争时期中共上海地下组织的秘密机关。", stayMinutes: 30 },
    ],
  },
  {
    key: "suhe-waterfront",
    name: "苏河湾滨水漫步",
    theme: "SUHE_RIVERSIDE",
    description: "沿苏州河北岸，从四行仓库到上海总商会旧址，阅读工业遗产、石库门与滨水公共空间的新生。",
    distanceMeters: 3200,
    stops: [
      { venue: "station-sihang", guide: "苏河湾导览图与语音讲解领取点。", stayMinutes: 5 },
      { building: "sihang", guide: "八百壮士坚守的四行仓库，西墙弹孔与抗战纪念馆。", stayMinutes: 45 },
      { building: "fuxin-mill", guide: "荣氏面粉工业的滨河厂房。", stayMinutes: 10 },
      { venue: "suhe-art", guide: "老仓库改造的艺术空间。", stayMinutes: 20 },
      { building: "chamber-of-commerce", guide: "仿罗马凯旋门的门楼与议事厅。", stayMinutes: 20 },
      { building: "shenyuli", guide: "“鱼骨”状布局的石库门里弄。", stayMinutes: 15 },
      { venue: "station-suhe", guide: "终点，可在滨水步道休憩。", stayMinutes: 5 },
    ],
  },
  {
    key: "celebrity-residences",
    name: "愚园路·华山路名人故居",
    theme: "CELEBRITY_RESIDENCES",
    description: "漫步愚园路和华山路，寻访百乐门、常德公寓、蔡元培故居与大理石大厦。",
    distanceMeters: 3500,
    stops: [
      { venue: "station-yuyuan", guide: "愚园路历史风貌导览起点。", stayMinutes: 5 },
      { building: "yugu", guide: "愚园路上格局完整的新式里弄。", stayMinutes: 10 },
      { building: "paramount", guide: "“远东第一乐府”百乐门。", stayMinutes: 15 },
      { building: "liu-changsheng", guide: "刘长胜故居与地下组织斗争史陈列。", stayMinutes: 25 },
      { building: "changde-apartment", guide: "张爱玲写下《倾城之恋》的公寓。", stayMinutes: 10 },
      { building: "haige", guide: "西班牙式的海格公寓，今静安宾馆。", stayMinutes: 5 },
      { building: "cai-yuanpei", guide: "蔡元培故居陈列馆。", stayMinutes: 30 },
      { building: "dasheng-lane", guide: "红砖清水墙的新式里弄。", stayMinutes: 10 },
      { building: "marble-hall", guide: "嘉道理家族的“大理石大厦”，今中福会少年宫。", stayMinutes: 10 },
    ],
  },
  {
    key: "theatre-tour",
    name: "静安戏剧谷·剧场巡礼",
    theme: "ARTS_AND_PERFORMANCE",
    description: "从美琪大戏院到上海戏剧学院，走访静安的老剧场和新剧场，晚上可就近观看一场演出。",
    distanceMeters: 4100,
    stops: [
      { venue: "majestic", guide: "范文照设计的老牌剧场。", stayMinutes: 15 },
      { venue: "yihai", guide: "静安现代戏剧谷主场之一。", stayMinutes: 15 },
      { venue: "shanghai-centre-theatre", guide: "上海商城内的杂技驻场剧院。", stayMinutes: 10 },
      { building: "paramount", guide: "老上海的娱乐地标。", stayMinutes: 10 },
      { venue: "theatre-academy", guide: "上海戏剧学院的教学剧场与历史建筑。", stayMinutes: 20 },
      { venue: "yunfeng", guide: "以戏曲曲艺为主的老剧场。", stayMinutes: 10 },
    ],
  },
  {
    key: "station-memory",
    name: "北站铁路与城市记忆",
    theme: "CITY_HISTORY",
    description: "从老北站到宋园，了解铁路、商会、出版与民主革命在闸北留下的印记。部分路段建议乘坐公交。",
    distanceMeters: 6200,
    stops: [
      { venue: "railway-museum", guide: "老北站旧址上的铁路博物馆。", stayMinutes: 40 },
      { building: "chamber-of-commerce", guide: "近代工商业的议事中心。", stayMinutes: 15 },
      { building: "shenyuli", guide: "苏河湾的石库门里弄。", stayMinutes: 10 },
      { building: "commercial-press", guide: "商务印书馆与东方图书馆的历史。", stayMinutes: 15 },
      { building: "song-jiaoren-tomb", guide: "闸北公园内的宋教仁墓。", stayMinutes: 20 },
    ],
  },
  {
    key: "daning-leisure",
    name: "大宁文体休闲之旅",
    theme: "ARTS_AND_PERFORMANCE",
    description: "大宁地区的剧场、马戏城与文化馆，适合家庭周末出游。",
    distanceMeters: 3000,
    stops: [
      { venue: "station-daning", guide: "大宁地区导览与活动信息。", stayMinutes: 5 },
      { venue: "daning-theatre", guide: "大宁地区的综合性剧场。", stayMinutes: 15 },
      { venue: "circus-world", guide: "杂技与马戏的专业场馆。", stayMinutes: 20 },
      { venue: "cultural-centre-daning", guide: "区文化馆大宁馆的展厅和排练厅。", stayMinutes: 20 },
    ],
  },
];

/** What a guide says at a stop of a generated street micro-tour, by building type. */
export const STOP_GUIDES: Record<string, string> = {
  SHIKUMEN_LANE: "观察石库门门头、天井和过街楼。",
  NEW_STYLE_LANE: "新式里弄的宽敞弄道与钢窗阳台。",
  GARDEN_HOUSE: "隔墙欣赏花园住宅的屋顶与立面。",
  APARTMENT: "留意公寓的竖向线条与转角阳台。",
  PUBLIC_BUILDING: "对称立面与入口柱廊。",
  COMMERCIAL: "转角塔楼与沿街橱窗。",
  INDUSTRIAL: "厂房结构与工业遗存。",
  RELIGIOUS: "拱窗与钟楼。",
  MEMORIAL: "纪念碑与周边环境。",
  WORKERS_VILLAGE: "行列式布局的工人新村与保留样板楼。",
};

/** An average walking pace for city walks with stops, in metres per minute (about 4 km/h). */
export const WALKING_METRES_PER_MINUTE = 67;

/**
 * Cultural venues of Jing'an and what they host.
 *
 * The district library, the theatres, museums and memorials are the real ones residents know (addresses of the
 * smaller and newer ones — city study rooms, 乐游移动驿站, the cultural centre's branch — are plausible, not
 * checked). Every street has its community cultural centre (社区文化活动中心) with a street library; those are
 * generated per street in `seedData.ts`.
 */
import type { CultureProgrammeCategory, CultureVenueKind } from "./generated/prisma/client.ts";

export interface NamedVenue {
  key: string;
  name: string;
  kind: CultureVenueKind;
  streetId: string;
  address: string;
  isSmartVenue: boolean;
  seats: number | null;
  description: string;
  /** `NamedBuilding.key` of the readable building that houses the venue. */
  buildingKey?: string;
}

export const NAMED_VENUES: readonly NamedVenue[] = [
  {
    key: "library-xinzha",
    name: "静安区图书馆（新闸路馆）",
    kind: "LIBRARY",
    streetId: "street-jiangninglu",
    address: "静安区新闸路1702号",
    isSmartVenue: true,
    seats: 180,
    description:
      "区图书馆总馆之一，智慧场馆建设试点：自助借还、座位预约、RFID智能书架和数字阅读体验区，设有报告厅和少儿阅览室。",
  },
  {
    key: "library-tianmu",
    name: "静安区图书馆（天目路馆）",
    kind: "LIBRARY",
    streetId: "street-beizhan",
    address: "静安区天目中路579号",
    isSmartVenue: true,
    seats: 150,
    description: "区图书馆北部总馆，设有地方文献阅览室、视障阅览室和多功能厅，提供24小时自助借还服务。",
  },
  {
    key: "library-wenxi",
    name: "静安区图书馆（闻喜路馆）",
    kind: "LIBRARY",
    streetId: "street-pengpuxincun",
    address: "静安区闻喜路301号",
    isSmartVenue: false,
    seats: 120,
    description: "服务彭浦、临汾地区的区图书馆分馆，设有少儿馆、期刊阅览室和讲座厅。",
  },
  {
    key: "majestic",
    name: "美琪大戏院",
    kind: "THEATRE",
    streetId: "street-jiangninglu",
    address: "静安区江宁路66号",
    isSmartVenue: false,
    seats: 1100,
    description: "建于1941年的老牌剧场，以音乐剧、话剧和戏曲演出为主，公益配送演出在此定期举行。",
    buildingKey: "majestic",
  },
  {
    key: "shanghai-centre-theatre",
    name: "上海商城剧院",
    kind: "THEATRE",
    streetId: "street-nanjingxilu",
    address: "静安区南京西路1376号",
    isSmartVenue: false,
    seats: 980,
    description: "位于上海商城内的专业剧场，上海杂技团驻场演出和各类音乐会在此上演。",
  },
  {
    key: "yihai",
    name: "艺海剧院",
    kind: "THEATRE",
    streetId: "street-jiangninglu",
    address: "静安区江宁路466号",
    isSmartVenue: true,
    seats: 1000,
    description: "拥有大剧场和多个小剧场的演出综合体，静安现代戏剧谷的主要演出场地之一，支持线上选座和电子检票。",
  },
  {
    key: "circus-world",
    name: "上海马戏城",
    kind: "THEATRE",
    streetId: "street-daninglu",
    address: "静安区共和新路2266号",
    isSmartVenue: false,
    seats: 1638,
    description: "以杂技、马戏演出为主的大型演艺场馆，常年上演多媒体梦幻剧《时空之旅》。",
  },
  {
    key: "daning-theatre",
    name: "上海大宁剧院",
    kind: "THEATRE",
    streetId: "street-daninglu",
    address: "静安区平型关路1222号",
    isSmartVenue: false,
    seats: 800,
    description: "大宁地区的综合性剧场，承接戏曲、儿童剧和群众文艺展演，是公益配送演出的常用场地。",
  },
  {
    key: "theatre-academy",
    name: "上海戏剧学院实验剧院",
    kind: "THEATRE",
    streetId: "street-jingansi",
    address: "静安区华山路630号",
    isSmartVenue: false,
    seats: 700,
    description: "上海戏剧学院的教学演出剧场，上演毕业大戏和经典剧目，部分场次面向市民公益开放。",
    buildingKey: "theatre-academy",
  },
  {
    key: "yunfeng",
    name: "云峰剧院",
    kind: "THEATRE",
    streetId: "street-jingansi",
    address: "静安区北京西路1700号",
    isSmartVenue: false,
    seats: 1000,
    description: "静安寺地区的老剧场，以戏曲、曲艺和综艺演出为主。",
  },
  {
    key: "erda-memorial",
    name: "中共二大会址纪念馆",
    kind: "MEMORIAL",
    streetId: "street-nanjingxilu",
    address: "静安区老成都北路7弄30号",
    isSmartVenue: true,
    seats: null,
    description: "由中共二大会址和平民女校旧址组成，展示中共二大的历史与第一部党章，提供AR导览和线上预约。",
    buildingKey: "erda",
  },
  {
    key: "mao-memorial",
    name: "毛泽东旧居陈列馆",
    kind: "MEMORIAL",
    streetId: "street-nanjingxilu",
    address: "静安区茂名北路120弄7号",
    isSmartVenue: false,
    seats: null,
    description: "1924年毛泽东一家在上海的寓所，陈列毛泽东在上海的革命活动史料和家书手迹。",
    buildingKey: "mao-maoming",
  },
  {
    key: "cai-memorial",
    name: "蔡元培故居陈列馆",
    kind: "MEMORIAL",
    streetId: "street-jingansi",
    address: "静安区华山路303弄16号",
    isSmartVenue: false,
    seats: null,
    description: "教育家蔡元培在上海的最后寓所，陈列其生平事迹、著作和“兼容并包”的教育思想。",
    buildingKey: "cai-yuanpei",
  },
  {
    key: "liu-memorial",
    name: "中共上海地下组织斗争史陈列馆（刘长胜故居）",
    kind: "MEMORIAL",
    streetId: "street-jingansi",
    address: "静安区愚园路81号",
    isSmartVenue: false,
    seats: null,
    description: "展示解放战争时期中共上海地下组织的斗争历史，复原了当年秘密机关的场景。",
    buildingKey: "liu-changsheng",
  },
  {
    key: "labour-memorial",
    name: "中国劳动组合书记部旧址陈列馆",
    kind: "MEMORIAL",
    streetId: "street-shimenerlu",
    address: "静安区成都北路899号",
    isSmartVenue: false,
    seats: null,
    description: "展示中国劳动组合书记部领导早期工人运动的历史。",
    buildingKey: "labour-secretariat",
  },
  {
    key: "sihang-memorial",
    name: "四行仓库抗战纪念馆",
    kind: "MEMORIAL",
    streetId: "street-tianmuxilu",
    address: "静安区光复路21号",
    isSmartVenue: true,
    seats: null,
    description: "以“八百壮士”坚守四行仓库为主题的纪念馆，西墙弹孔原址保留，提供数字沙盘和线上预约参观。",
    buildingKey: "sihang",
  },
  {
    key: "railway-museum",
    name: "上海铁路博物馆",
    kind: "MUSEUM",
    streetId: "street-beizhan",
    address: "静安区天目东路200号",
    isSmartVenue: false,
    seats: null,
    description: "在老北站旧址复建的铁路博物馆，展示上海铁路发展史，室外陈列蒸汽机车。",
    buildingKey: "railway-museum",
  },
  {
    key: "natural-history",
    name: "上海自然博物馆",
    kind: "MUSEUM",
    streetId: "street-shimenerlu",
    address: "静安区北京西路510号",
    isSmartVenue: true,
    seats: null,
    description: "位于静安雕塑公园内的自然博物馆，设有演化之道、生命长河等展区和多个互动体验区。",
  },
  {
    key: "chamber-hall",
    name: "上海总商会旧址展示馆",
    kind: "MUSEUM",
    streetId: "street-beizhan",
    address: "静安区北苏州路470号",
    isSmartVenue: false,
    seats: 200,
    description: "修缮后的上海总商会议事厅，举办近代工商业历史展和苏河湾公共文化活动。",
    buildingKey: "chamber-of-commerce",
  },
  {
    key: "sculpture-park-art",
    name: "静安雕塑公园艺术中心",
    kind: "ART_GALLERY",
    streetId: "street-shimenerlu",
    address: "静安区北京西路500号",
    isSmartVenue: false,
    seats: null,
    description: "静安雕塑公园内的展览空间，举办城市雕塑、公共艺术和青年艺术家作品展。",
  },
  {
    key: "suhe-art",
    name: "苏河湾艺术中心",
    kind: "ART_GALLERY",
    streetId: "street-tianmuxilu",
    address: "静安区光复路181号",
    isSmartVenue: false,
    seats: null,
    description: "由滨河老仓库改造的艺术空间，举办当代艺术、摄影和设计展览。",
  },
  {
    key: "cultural-centre",
    name: "静安区文化馆",
    kind: "CULTURAL_CENTRE",
    streetId: "street-jiangninglu",
    address: "静安区昌平路990号",
    isSmartVenue: true,
    seats: 400,
    description: "区级公共文化服务中心，组织群众文艺团队、非遗传承和艺术普及培训，是公益配送的主要供给方。",
  },
  {
    key: "cultural-centre-daning",
    name: "静安区文化馆（大宁馆）",
    kind: "CULTURAL_CENTRE",
    streetId: "street-daninglu",
    address: "静安区广中西路777号",
    isSmartVenue: false,
    seats: 300,
    description: "区文化馆北部分馆，设有排练厅、展厅和多功能剧场。",
  },
];

/** 24-hour city study rooms (城市书房) run by the district library: self-service, face-recognition entry. */
export const CITY_STUDY_ROOMS: ReadonlyArray<{ name: string; streetId: string; address: string }> = [
  { name: "静安区图书馆大宁城市书房", streetId: "street-daninglu", address: "静安区大宁路525号" },
  { name: "静安区图书馆苏河湾城市书房", streetId: "street-beizhan", address: "静安区北苏州路520号" },
  { name: "静安区图书馆张园城市书房", streetId: "street-shimenerlu", address: "静安区茂名北路230号" },
  { name: "静安区图书馆静安寺城市书房", streetId: "street-jingansi", address: "静安区愚园路68号" },
  { name: "静安区图书馆曹家渡城市书房", streetId: "street-caojiadu", address: "静安区康定路1508号" },
  { name: "静安区图书馆彭浦城市书房", streetId: "street-pengpu", address: "静安区共康路505号" },
  { name: "静安区图书馆临汾城市书房", streetId: "street-linfenlu", address: "静安区临汾路375号" },
  { name: "静安区图书馆共和新路城市书房", streetId: "street-gonghexinlu", address: "静安区共和新路3200号" },
];

/** 乐游移动驿站 and visitor centres: tourist information, 建筑可阅读 maps, guided-walk meeting points. */
export const TOURIST_STATIONS: ReadonlyArray<{ key: string; name: string; streetId: string; address: string }> = [
  { key: "station-jingansi", name: "静安寺乐游驿站", streetId: "street-jingansi", address: "静安区南京西路1699号" },
  { key: "station-zhangyuan", name: "张园乐游驿站", streetId: "street-shimenerlu", address: "静安区威海路590弄" },
  {
    key: "station-nanjingxilu",
    name: "南京西路旅游咨询服务中心",
    streetId: "street-nanjingxilu",
    address: "静安区南京西路1025弄口",
  },
  { key: "station-suhe", name: "苏河湾乐游驿站", streetId: "street-beizhan", address: "静安区北苏州路400号" },
  { key: "station-sihang", name: "四行仓库乐游驿站", streetId: "street-tianmuxilu", address: "静安区光复路1号" },
  { key: "station-buyecheng", name: "不夜城乐游驿站", streetId: "street-tianmuxilu", address: "静安区天目西路218号" },
  { key: "station-daning", name: "大宁乐游驿站", streetId: "street-daninglu", address: "静安区大宁路535号" },
  { key: "station-yuyuan", name: "愚园路乐游驿站", streetId: "street-jingansi", address: "静安区愚园路361弄口" },
];

/** Streets large enough to run a second community cultural centre. */
export const SECOND_CENTRE_STREETS = ["street-pengpu", "street-pengpuxincun"] as const;

export const OPENING_HOURS: Record<CultureVenueKind, string> = {
  LIBRARY: "周一至周日 09:00-20:30（周一上午闭馆整理）",
  LIBRARY_BRANCH: "周二至周日 09:00-17:00",
  THEATRE: "售票处 10:00-19:30；演出日开场前1小时检票",
  MUSEUM: "周二至周日 09:00-17:00（16:00停止入场），周一闭馆",
  MEMORIAL: "周二至周日 09:00-16:30（16:00停止入场），周一闭馆",
  ART_GALLERY: "周二至周日 10:00-18:00",
  CULTURAL_CENTRE: "周一至周日 08:30-21:00",
  COMMUNITY_CULTURAL_CENTRE: "周一至周日 08:30-20:30",
  TOURIST_STATION: "周一至周日 09:00-18:00",
};

export const CITY_STUDY_HOURS = "24小时开放（刷脸或读者证入馆）";

/** A weekly fixture of a venue: weekday (1 = Monday … 7 = Sunday), start time, length and what it may be. */
export interface WeeklySlot {
  weekday: number;
  time: string;
  minutes: number;
  categories: readonly CultureProgrammeCategory[];
}

/** What each kind of venue hosts in a week (静安文化公益配送 deliveries). Weekdays shift per venue. */
export const WEEKLY_PROGRAMME: Record<CultureVenueKind, readonly WeeklySlot[]> = {
  COMMUNITY_CULTURAL_CENTRE: [
    { weekday: 2, time: "14:00", minutes: 90, categories: ["LECTURE", "WORKSHOP"] },
    { weekday: 4, time: "14:00", minutes: 120, categories: ["PERFORMANCE", "FILM"] },
    { weekday: 6, time: "09:30", minutes: 90, categories: ["WORKSHOP", "EXHIBITION"] },
  ],
  LIBRARY: [
    { weekday: 3, time: "18:30", minutes: 90, categories: ["LECTURE"] },
    { weekday: 6, time: "10:00", minutes: 90, categories: ["LECTURE", "WORKSHOP"] },
    { weekday: 6, time: "14:00", minutes: 120, categories: ["WORKSHOP", "FILM"] },
    { weekday: 7, time: "14:00", minutes: 90, categories: ["LECTURE", "EXHIBITION"] },
  ],
  LIBRARY_BRANCH: [{ weekday: 6, time: "10:00", minutes: 90, categories: ["WORKSHOP", "LECTURE"] }],
  THEATRE: [{ weekday: 5, time: "19:30", minutes: 120, categories: ["PERFORMANCE"] }],
  MUSEUM: [{ weekday: 6, time: "14:00", minutes: 90, categories: ["LECTURE", "EXHIBITION"] }],
  MEMORIAL: [{ weekday: 6, time: "10:00", minutes: 60, categories: ["LECTURE", "EXHIBITION"] }],
  ART_GALLERY: [{ weekday: 7, time: "15:00", minutes: 60, categories: ["EXHIBITION"] }],
  CULTURAL_CENTRE: [
    { weekday: 2, time: "19:00", minutes: 120, categories: ["PERFORMANCE"] },
    { weekday: 4, time: "14:00", minutes: 120, categories: ["WORKSHOP"] },
    { weekday: 6, time: "14:00", minutes: 120, categories: ["PERFORMANCE", "EXHIBITION"] },
  ],
  TOURIST_STATION: [{ weekday: 7, time: "09:30", minutes: 150, categories: ["GUIDED_WALK"] }],
};

/** Places a programme of each category offers at a venue of each kind: [min, max]. */
export const CAPACITY: Record<CultureProgrammeCategory, readonly [number, number]> = {
  PERFORMANCE: [60, 150],
  LECTURE: [30, 80],
  EXHIBITION: [20, 40],
  WORKSHOP: [12, 25],
  FILM: [60, 120],
  GUIDED_WALK: [15, 25],
};

/** Free tickets a theatre sets aside for one 公益配送 performance. */
export const THEATRE_CAPACITY: readonly [number, number] = [150, 300];

export interface ProgrammeTemplate {
  title: string;
  description: string;
  provider: string;
  audience: string;
}

/** What a free delivery can be, by category. Titles are what the mini-programme lists. */
export const PROGRAMME_TEMPLATES: Record<
  Exclude<CultureProgrammeCategory, "GUIDED_WALK">,
  readonly ProgrammeTemplate[]
> = {
  PERFORMANCE: [
    {
      title: "沪剧经典折子戏专场",
      description: "《罗汉钱》《芦荡火种》等经典沪剧唱段，演员现场讲解唱腔特点。",
      provider: "上海沪剧院",
      audience: "全年龄",
    },
    {
      title: "越剧名家名段演唱会",
      description: "越剧各流派代表唱段联唱，穿插互动问答。",
      provider: "上海越剧院",
      audience: "全年龄",
    },
    {
      title: "评弹书场：长篇弹词选回",
      description: "苏州评弹艺术家说唱长篇弹词精彩选回，体验“说噱弹唱”。",
      provider: "上海评弹团",
      audience: "老年朋友",
    },
    {
      title: "民族音乐室内音乐会",
      description: "二胡、琵琶、笛箫与古筝的室内乐演奏，曲目包括《春江花月夜》等。",
      provider: "上海民族乐团",
      audience: "全年龄",
    },
    {
      title: "爱乐之夜：古典音乐导赏",
      description: "弦乐四重奏演奏莫扎特、德沃夏克作品，乐手现场导赏。",
      provider: "上海爱乐乐团",
      audience: "青年白领",
    },
    {
      title: "京剧票友演唱会",
      description: "静安京剧票房联合演出，《贵妃醉酒》《空城计》等选段。",
      provider: "静安区文化馆",
      audience: "老年朋友",
    },
    {
      title: "儿童剧《小蝌蚪找妈妈》",
      description: "经典童话改编的互动儿童剧，适合学龄前及低年级儿童与家长共同观看。",
      provider: "上海木偶剧团",
      audience: "亲子家庭（3-8岁）",
    },
    {
      title: "杂技魔术亲子专场",
      description: "顶技、柔术和近景魔术表演，演出后可与演员合影。",
      provider: "上海杂技团",
      audience: "亲子家庭",
    },
    {
      title: "滑稽戏《七十二家房客》选段",
      description: "海派滑稽戏经典选段，沪语演出、配有字幕。",
      provider: "上海滑稽剧团",
      audience: "全年龄",
    },
    {
      title: "昆曲《牡丹亭》选场",
      description: "《游园》《惊梦》选场，演出前有昆曲身段和水袖讲解。",
      provider: "上海昆剧团",
      audience: "全年龄",
    },
    {
      title: "社区合唱团展演",
      description: "静安各街道合唱团联合展演，曲目涵盖经典歌曲和原创作品。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "现代舞《城市·记忆》",
      description: "以石库门生活为灵感的现代舞作品，静安现代戏剧谷推荐剧目。",
      provider: "上海歌舞团",
      audience: "青年白领",
    },
  ],
  LECTURE: [
    {
      title: "石库门里的上海：海派建筑讲座",
      description: "从张园、静安别墅说起，讲述石库门的建筑特点和里弄生活。",
      provider: "静安区图书馆",
      audience: "全年龄",
    },
    {
      title: "红色静安：中共二大与上海",
      description: "结合二大会址文物，讲述第一部党章诞生的历史。",
      provider: "中共二大会址纪念馆",
      audience: "全年龄",
    },
    {
      title: "苏州河百年工业遗产",
      description: "从四行仓库到福新面粉厂，了解苏河湾的工业与城市变迁。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "张爱玲与常德公寓",
      description: "走进张爱玲在上海的写作岁月，赏析《倾城之恋》。",
      provider: "静安区图书馆",
      audience: "青年白领",
    },
    {
      title: "邬达克在上海",
      description: "从绿房子到宏恩医院，解读建筑师邬达克的上海作品。",
      provider: "上海戏剧学院",
      audience: "全年龄",
    },
    {
      title: "读书会：《繁花》导读",
      description: "沪语朗读与讨论，分享小说中的上海街巷与人物。",
      provider: "静安区图书馆",
      audience: "全年龄",
    },
    {
      title: "古典诗词鉴赏",
      description: "唐宋诗词名篇赏析，兼谈吟诵方法。",
      provider: "静安区图书馆",
      audience: "老年朋友",
    },
    {
      title: "数字生活课堂：手机看展与预约",
      description: "手把手教老年朋友使用“静安文旅”平台预约场馆、观看云展览。",
      provider: "静安区图书馆",
      audience: "老年朋友",
    },
    {
      title: "非遗小课堂：海派剪纸的历史",
      description: "非遗传承人讲述海派剪纸的源流与代表作品。",
      provider: "静安区非遗保护中心",
      audience: "全年龄",
    },
    {
      title: "戏剧欣赏入门",
      description: "从一部经典话剧出发，了解舞台、表演与导演的艺术。",
      provider: "上海戏剧学院",
      audience: "青少年",
    },
  ],
  EXHIBITION: [
    {
      title: "建筑可阅读：静安历史建筑图片展导览",
      description: "百余幅新旧对照照片，讲解员带领观众“阅读”静安的老建筑。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "海派剪纸艺术展导览",
      description: "展出传承人及社区学员剪纸作品，现场示范剪纸技法。",
      provider: "静安区非遗保护中心",
      audience: "全年龄",
    },
    {
      title: "静安摄影家协会年度作品展导览",
      description: "记录城市更新与市井生活的年度摄影作品，摄影师现场讲解。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "书画名家邀请展导览",
      description: "海上书画名家作品展，策展人导览并讲解笔墨技法。",
      provider: "静安区文化馆",
      audience: "老年朋友",
    },
    {
      title: "城市雕塑与公共艺术展导览",
      description: "青年雕塑家作品展，探讨公共艺术与城市空间。",
      provider: "静安雕塑公园艺术中心",
      audience: "青年白领",
    },
    {
      title: "非遗灯彩展导览",
      description: "传统灯彩作品展，介绍扎、糊、绘等制作工艺。",
      provider: "静安区非遗保护中心",
      audience: "亲子家庭",
    },
  ],
  WORKSHOP: [
    {
      title: "海派旗袍盘扣制作",
      description: "学习一字扣、琵琶扣的盘制方法，材料由主办方提供。",
      provider: "静安区非遗保护中心",
      audience: "全年龄",
    },
    {
      title: "剪纸体验课",
      description: "从对折剪到团花，完成一幅生肖剪纸作品。",
      provider: "静安区文化馆",
      audience: "亲子家庭",
    },
    {
      title: "书法入门",
      description: "楷书基本笔画练习，适合零基础学员。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "篆刻体验",
      description: "在石章上刻一方自己的名章，了解篆刻的基本刀法。",
      provider: "静安区文化馆",
      audience: "青年白领",
    },
    {
      title: "面塑工坊",
      description: "用彩色面团捏塑小动物和戏曲人物。",
      provider: "静安区非遗保护中心",
      audience: "亲子家庭（6-12岁）",
    },
    {
      title: "亲子绘本手作",
      description: "共读一本绘本后动手制作立体书。",
      provider: "静安区图书馆",
      audience: "亲子家庭（3-8岁）",
    },
    {
      title: "茶艺体验",
      description: "了解绿茶、红茶的冲泡方法，体验茶席布置。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "古籍修复体验",
      description: "在修复师指导下体验线装书装订与书页修补。",
      provider: "静安区图书馆",
      audience: "青年白领",
    },
    {
      title: "3D打印创客体验",
      description: "在图书馆创客空间设计并打印一件小作品。",
      provider: "静安区图书馆",
      audience: "青少年",
    },
    {
      title: "非遗香囊制作",
      description: "缝制并填充一个传统香囊，了解节令习俗。",
      provider: "静安区非遗保护中心",
      audience: "全年龄",
    },
  ],
  FILM: [
    {
      title: "公益电影放映：《我和我的祖国》",
      description: "七个故事串起新中国的历史瞬间。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "经典老电影：《马路天使》",
      description: "1937年摄制的经典影片，映后有影评人讲解老上海街景。",
      provider: "静安区文化馆",
      audience: "老年朋友",
    },
    {
      title: "经典老电影：《乌鸦与麻雀》",
      description: "以上海一幢石库门里的房客为主角的经典影片。",
      provider: "静安区文化馆",
      audience: "老年朋友",
    },
    {
      title: "公益电影放映：《长津湖》",
      description: "抗美援朝题材影片公益放映。",
      provider: "静安区文化馆",
      audience: "全年龄",
    },
    {
      title: "公益电影放映：《流浪地球》",
      description: "国产科幻影片公益放映，映后有科普小问答。",
      provider: "静安区文化馆",
      audience: "青少年",
    },
    {
      title: "无障碍电影放映：《城南旧事》",
      description: "配有口述影像讲解的无障碍电影，欢迎视障朋友及家属。",
      provider: "静安区图书馆",
      audience: "视障朋友及家属",
    },
  ],
};

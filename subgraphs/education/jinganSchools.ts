/**
 * Reference tables for the education seed (seed §7): the district's schools, the lifelong-learning centres (社区学校,
 * 老年大学, 社区学院, 业余大学), the course catalogue offered to residents, the subjects of the learning-resource library
 * and the vocabulary of student portraits. `seedData.ts` turns these into rows; the streets and their roads come
 * from the district's reference list (`lib/reference/jinganDivisions.ts`).
 *
 * School names are the district's well-known ones so that residents recognise them; addresses beyond the few famous
 * ones, phone numbers, counts and everything below the school level are synthetic and only plausible.
 */
import { JINGAN_DIVISIONS } from "../../lib/reference/jinganDivisions.ts";
import type {
  CourseCategory,
  GradeBand,
  LearningCentreKind,
  SchoolOwnership,
  SchoolStage,
  SmartSchoolPilot,
} from "./generated/prisma/client.ts";

export const EDUCATION_DEPARTMENT_ID = "dept-education";

export interface NamedSchool {
  name: string;
  stage: SchoolStage;
  ownership: SchoolOwnership;
  streetId: string;
  foundedYear: number;
  /** The road the school is on (its number is generated), or a full address where it is well known. */
  road?: string;
  address?: string;
  smartPilot?: SmartSchoolPilot;
  /** 学生数字画像实验试点: the school holds student portraits. Always a smart-school pilot too. */
  portraitPilot?: boolean;
}

const DEMO: Pick<NamedSchool, "smartPilot"> = { smartPilot: "DIGITAL_EMPOWERMENT_DEMO" };
const BENCHMARK: Pick<NamedSchool, "smartPilot"> = { smartPilot: "IT_APPLICATION_BENCHMARK" };
const PORTRAIT = { portraitPilot: true } as const;

function school(
  name: string,
  stage: SchoolStage,
  street: string,
  foundedYear: number,
  extra: Partial<NamedSchool> = {},
): NamedSchool {
  return { name, stage, ownership: "PUBLIC", streetId: `street-${street}`, foundedYear, ...extra };
}

/**
 * Schools with grounds and classrooms (everything but kindergartens), in id order. The first 60 ids
 * (`school-0001` … `school-0060`) are referenced by the sports subgraph for school sports grounds opened to the
 * public, so this list must keep at least 60 entries and never reorder.
 */
export const SCHOOLS: readonly NamedSchool[] = [
  // 高中、完全中学
  school("上海市市西中学", "SENIOR_SECONDARY", "jingansi", 1869, {
    address: "静安区愚园路404号",
    ...DEMO,
    ...PORTRAIT,
  }),
  school("上海市民立中学", "COMPLETE_SECONDARY", "nanjingxilu", 1903, { address: "静安区威海路412号", ...BENCHMARK }),
  school("上海市华东模范中学", "COMPLETE_SECONDARY", "jiangninglu", 1950, { road: "昌平路", ...DEMO, ...PORTRAIT }),
  school("上海市同济大学附属七一中学", "COMPLETE_SECONDARY", "caojiadu", 1952, { road: "康定路", ...BENCHMARK }),
  school("上海市回民中学", "COMPLETE_SECONDARY", "jiangninglu", 1928, { road: "海防路" }),
  school("上海市闸北第八中学", "COMPLETE_SECONDARY", "zhijiangxilu", 1952, {
    road: "柳营路",
    ...DEMO,
    ...PORTRAIT,
  }),
  school("上海市新中高级中学", "SENIOR_SECONDARY", "daninglu", 1926, { road: "大宁路", ...BENCHMARK }),
  school("上海市市北中学", "SENIOR_SECONDARY", "gonghexinlu", 1915, { road: "洛川中路", ...DEMO }),
  school("上海市风华中学", "SENIOR_SECONDARY", "gonghexinlu", 1958, { road: "延长中路" }),
  school("上海市彭浦中学", "SENIOR_SECONDARY", "pengpuxincun", 1959, { road: "闻喜路" }),
  school("上海市五四中学", "COMPLETE_SECONDARY", "tianmuxilu", 1950, { road: "大统路" }),
  school("上海市成都中学", "COMPLETE_SECONDARY", "shimenerlu", 1938, { road: "成都北路" }),
  // 初级中学
  school("上海市育才初级中学", "JUNIOR_SECONDARY", "shimenerlu", 1901, {
    address: "静安区山海关路445号",
    ...DEMO,
    ...PORTRAIT,
  }),
  school("上海市风华初级中学", "JUNIOR_SECONDARY", "daninglu", 1993, { road: "灵石路", ...BENCHMARK, ...PORTRAIT }),
  school("上海市市西初级中学", "JUNIOR_SECONDARY", "caojiadu", 1997, { road: "万航渡路", ...BENCHMARK }),
  school("上海市静安区实验中学", "JUNIOR_SECONDARY", "jingansi", 1996, { road: "常德路", ...DEMO }),
  school("上海市新中初级中学", "JUNIOR_SECONDARY", "daninglu", 1996, { road: "万荣路" }),
  school("上海市市北初级中学", "JUNIOR_SECONDARY", "gonghexinlu", 1995, { road: "延长路", ...DEMO, ...PORTRAIT }),
  school("上海市彭浦第三中学", "JUNIOR_SECONDARY", "pengpuxincun", 1964, { road: "永和路" }),
  school("上海市彭浦初级中学", "JUNIOR_SECONDARY", "linfenlu", 1998, { road: "临汾路" }),
  school("上海市彭浦第四中学", "JUNIOR_SECONDARY", "pengpu", 1985, { road: "共康路" }),
  school("上海市岭南中学", "JUNIOR_SECONDARY", "linfenlu", 1979, { road: "岭南路" }),
  school("上海市和田中学", "JUNIOR_SECONDARY", "zhijiangxilu", 1956, { road: "和田路" }),
  school("上海市向东中学", "JUNIOR_SECONDARY", "baoshanlu", 1960, { road: "宝昌路" }),
  school("上海市久隆模范中学", "JUNIOR_SECONDARY", "baoshanlu", 1947, { road: "虬江路" }),
  school("上海市青云中学", "JUNIOR_SECONDARY", "baoshanlu", 1962, { road: "青云路" }),
  school("上海市民办扬波中学", "JUNIOR_SECONDARY", "daninglu", 1995, { road: "运城路", ownership: "PRIVATE" }),
  school("上海市静安区民办立达中学", "JUNIOR_SECONDARY", "zhijiangxilu", 1994, {
    road: "中华新路",
    ownership: "PRIVATE",
  }),
  school("上海市民办新和中学", "JUNIOR_SECONDARY", "tianmuxilu", 2001, { road: "长安路", ownership: "PRIVATE" }),
  school("上海市七浦路中学", "JUNIOR_SECONDARY", "beizhan", 1958, { road: "七浦路" }),
  // 九年一贯制
  school("上海市静安区教育学院附属学校", "NINE_YEAR", "jiangninglu", 1986, {
    road: "西康路",
    ...BENCHMARK,
    ...PORTRAIT,
  }),
  school("上海市静安区三泉学校", "NINE_YEAR", "pengpuxincun", 1992, { road: "三泉路" }),
  school("上海市静安区爱国学校", "NINE_YEAR", "beizhan", 1946, { road: "海宁路" }),
  school("上海市大宁国际学校", "NINE_YEAR", "daninglu", 2002, { road: "广中西路", ...DEMO, ...PORTRAIT }),
  school("上海市静安区华灵学校", "NINE_YEAR", "pengpu", 2004, { road: "江场西路" }),
  // 中等职业学校、特殊教育
  school("上海市群益职业技术学校", "VOCATIONAL", "jiangninglu", 1956, { road: "武定路", ...BENCHMARK }),
  school("上海市工商信息学校", "VOCATIONAL", "daninglu", 1979, { road: "万荣路" }),
  school("上海市信息管理学校", "VOCATIONAL", "gonghexinlu", 1983, { road: "共和新路" }),
  school("上海市静安区启慧学校", "SPECIAL_EDUCATION", "caojiadu", 1978, { road: "余姚路" }),
  // 小学
  school("上海市静安区第一中心小学", "PRIMARY", "jingansi", 1908, { road: "华山路", ...DEMO, ...PORTRAIT }),
  school("上海市静安区第二中心小学", "PRIMARY", "shimenerlu", 1921, { road: "成都北路", ...DEMO }),
  school("上海市第一师范学校附属小学", "PRIMARY", "shimenerlu", 1951, { road: "新闸路", ...BENCHMARK, ...PORTRAIT }),
  school("上海市静安区闸北第一中心小学", "PRIMARY", "zhijiangxilu", 1909, { road: "中华新路", ...DEMO, ...PORTRAIT }),
  school("上海市静安区闸北第三中心小学", "PRIMARY", "beizhan", 1932, { road: "天潼路" }),
  school("上海市静安区实验小学", "PRIMARY", "jiangninglu", 1946, { road: "康定东路", ...BENCHMARK }),
  school("上海市静安区陈鹤琴小学", "PRIMARY", "jiangninglu", 1950, { road: "江宁路" }),
  school("上海市静安区六一小学", "PRIMARY", "jiangninglu", 1951, { road: "澳门路" }),
  school("上海市静安区和田路小学", "PRIMARY", "zhijiangxilu", 1955, { road: "和田路", ...DEMO }),
  school("上海市静安区万航渡路小学", "PRIMARY", "caojiadu", 1948, { road: "万航渡路" }),
  school("上海市静安区余姚路小学", "PRIMARY", "caojiadu", 1953, { road: "余姚路" }),
  school("上海市静安区大宁国际小学", "PRIMARY", "daninglu", 2003, { road: "广中西路", ...BENCHMARK }),
  school("上海市静安区宝山路小学", "PRIMARY", "baoshanlu", 1928, { road: "宝山路" }),
  school("上海市静安区永和小学", "PRIMARY", "pengpuxincun", 1982, { road: "永和路", ...DEMO }),
  school("上海市静安区彭浦新村第一小学", "PRIMARY", "pengpuxincun", 1960, { road: "平顺路" }),
  school("上海市静安区临汾路小学", "PRIMARY", "linfenlu", 1978, { road: "临汾路" }),
  school("上海市静安区平型关路小学", "PRIMARY", "gonghexinlu", 1965, { road: "平型关路" }),
  school("上海市静安区安庆路小学", "PRIMARY", "beizhan", 1935, { road: "安庆路" }),
  school("上海市静安区威海路第三小学", "PRIMARY", "nanjingxilu", 1947, { road: "威海路" }),
  school("上海市静安区愚园路第一小学", "PRIMARY", "jingansi", 1926, { road: "愚园路", ...BENCHMARK }),
  school("上海市静安区中华新路小学", "PRIMARY", "zhijiangxilu", 1958, { road: "中华新路" }),
  school("上海市静安区延长路小学", "PRIMARY", "gonghexinlu", 1966, { road: "延长路" }),
  school("上海市静安区广延路小学", "PRIMARY", "pengpu", 1988, { road: "广延路" }),
  school("上海市静安区江场三路小学", "PRIMARY", "pengpu", 1993, { road: "江场三路" }),
  school("上海市静安区岭南路小学", "PRIMARY", "linfenlu", 1981, { road: "岭南路" }),
  school("上海市静安区天目西路小学", "PRIMARY", "tianmuxilu", 1957, { road: "天目西路" }),
  school("上海市静安区恒丰路小学", "PRIMARY", "tianmuxilu", 1962, { road: "恒丰路" }),
  school("上海市静安区七浦路小学", "PRIMARY", "beizhan", 1950, { road: "七浦路" }),
  school("上海市静安区青云路小学", "PRIMARY", "baoshanlu", 1956, { road: "青云路" }),
  school("上海市静安区大宁路小学", "PRIMARY", "daninglu", 1961, { road: "大宁路" }),
  school("上海市静安区石门二路小学", "PRIMARY", "shimenerlu", 1945, { road: "石门二路" }),
  school("上海市静安区茂名北路小学", "PRIMARY", "nanjingxilu", 1939, { road: "茂名北路" }),
  school("上海市静安区康定路小学", "PRIMARY", "caojiadu", 1952, { road: "康定路" }),
  school("上海市静安区海防路小学", "PRIMARY", "jiangninglu", 1954, { road: "海防路" }),
  school("上海市静安区山海关路小学", "PRIMARY", "shimenerlu", 1949, { road: "山海关路" }),
  school("上海市静安区保德路小学", "PRIMARY", "linfenlu", 1984, { road: "保德路" }),
  school("上海市静安区闻喜路小学", "PRIMARY", "pengpuxincun", 1979, { road: "闻喜路" }),
  school("上海市静安区常德路小学", "PRIMARY", "jingansi", 1953, { road: "常德路" }),
  school("上海市静安区长安路小学", "PRIMARY", "tianmuxilu", 1960, { road: "长安路" }),
  school("上海市静安区柳营路小学", "PRIMARY", "zhijiangxilu", 1970, { road: "柳营路" }),
  school("上海市静安区汶水路小学", "PRIMARY", "pengpu", 1996, { road: "汶水路" }),
  school("上海市静安区灵石路小学", "PRIMARY", "daninglu", 1987, { road: "灵石路" }),
  school("上海市民办彭浦实验小学", "PRIMARY", "pengpuxincun", 1997, {
    road: "场中路",
    ownership: "PRIVATE",
    ...BENCHMARK,
  }),
  school("上海市扬波外国语小学", "PRIMARY", "daninglu", 1999, { road: "运城路", ownership: "PRIVATE" }),
  school("上海市民办永昌学校", "PRIMARY", "baoshanlu", 2000, { road: "永兴路", ownership: "PRIVATE" }),
];

/**
 * Kindergartens (幼儿园): name stem, street and whether private. They follow the schools above in id order, so the
 * district has 130 schools in all.
 */
export const KINDERGARTENS: ReadonlyArray<readonly [stem: string, street: string, ownership?: SchoolOwnership]> = [
  ["南西", "nanjingxilu"],
  ["威海路", "nanjingxilu"],
  ["茂名北路", "nanjingxilu"],
  ["愚园路", "jingansi"],
  ["华山路", "jingansi"],
  ["乌鲁木齐北路", "jingansi"],
  ["镇宁路", "jingansi"],
  ["曹家渡", "caojiadu"],
  ["康定路", "caojiadu"],
  ["昌化路", "caojiadu"],
  ["江宁路", "jiangninglu"],
  ["昌平路", "jiangninglu"],
  ["武定路", "jiangninglu"],
  ["石门二路", "shimenerlu"],
  ["新闸路", "shimenerlu"],
  ["大田路", "shimenerlu"],
  ["天目", "tianmuxilu"],
  ["恒丰", "tianmuxilu"],
  ["安庆", "beizhan"],
  ["天潼路", "beizhan"],
  ["海宁路", "beizhan"],
  ["宝山路", "baoshanlu"],
  ["虬江路", "baoshanlu"],
  ["宝通路", "baoshanlu"],
  ["芷江中路", "zhijiangxilu"],
  ["闸北第一中心", "zhijiangxilu"],
  ["柳营路", "zhijiangxilu"],
  ["洛川", "gonghexinlu"],
  ["延长路", "gonghexinlu"],
  ["大宁国际", "daninglu"],
  ["万荣", "daninglu"],
  ["灵石路", "daninglu"],
  ["彭浦新村", "pengpuxincun"],
  ["永和", "pengpuxincun"],
  ["平顺路", "pengpuxincun"],
  ["闻喜路", "pengpuxincun"],
  ["临汾路", "linfenlu"],
  ["汾西路", "linfenlu"],
  ["岭南路", "linfenlu"],
  ["共康", "pengpu"],
  ["江场", "pengpu"],
  ["广延路", "pengpu"],
  ["民办星光", "jingansi", "PRIVATE"],
  ["民办彩虹", "daninglu", "PRIVATE"],
  ["民办启蒙", "pengpu", "PRIVATE"],
  ["民办晨曦", "gonghexinlu", "PRIVATE"],
];

export interface LearningCentreInfo {
  name: string;
  kind: LearningCentreKind;
  streetId: string;
  road: string;
  /** Courses it runs per term of four monthly intakes. */
  courses: number;
}

/**
 * Lifelong-learning centres (市民终身教育): one community school (社区学校) per street and town, the senior
 * university (老年大学) with its northern campus, the community college (社区学院) and the spare-time university.
 */
export const LEARNING_CENTRES: readonly LearningCentreInfo[] = [
  ...JINGAN_DIVISIONS.map((street) => ({
    name: `静安区${street.name}社区学校`,
    kind: "COMMUNITY_SCHOOL" as const,
    streetId: street.id,
    road: street.roads[0] as string,
    courses: 24,
  })),
  {
    name: "上海市静安区老年大学",
    kind: "SENIOR_UNIVERSITY",
    streetId: "street-jingansi",
    road: "延安西路",
    courses: 80,
  },
  {
    name: "上海市静安区老年大学北校区",
    kind: "SENIOR_UNIVERSITY",
    streetId: "street-daninglu",
    road: "广中西路",
    courses: 50,
  },
  {
    name: "上海市静安区社区学院",
    kind: "COMMUNITY_COLLEGE",
    streetId: "street-gonghexinlu",
    road: "洛川中路",
    courses: 30,
  },
  {
    name: "上海市静安区业余大学",
    kind: "SPARE_TIME_UNIVERSITY",
    streetId: "street-jiangninglu",
    road: "武定路",
    courses: 24,
  },
];

/** Schools that open classrooms to residents in the evening and at weekends (学校资源向社区开放), by name. */
export const SCHOOLS_OPEN_TO_RESIDENTS = [
  "上海市市西中学",
  "上海市民立中学",
  "上海市新中高级中学",
  "上海市市北中学",
  "上海市彭浦中学",
  "上海市群益职业技术学校",
  "上海市工商信息学校",
  "上海市静安区第一中心小学",
  "上海市静安区闸北第一中心小学",
  "上海市静安区永和小学",
] as const;

export const COURSES_PER_OPEN_SCHOOL = 4;

export interface CourseTemplate {
  title: string;
  description: string;
  /** Typical class size. */
  capacity: number;
  /** 0 for the many free (公益) courses. */
  feeYuan: number;
}

/** The course catalogue by category. Popularity (how full courses get) is set per category in `seedData.ts`. */
export const COURSE_TEMPLATES: Readonly<Record<CourseCategory, readonly CourseTemplate[]>> = {
  CALLIGRAPHY_PAINTING: [
    { title: "书法入门（楷书）", description: "从执笔、笔画到结构，临习欧体楷书。", capacity: 25, feeYuan: 0 },
    { title: "行书进阶", description: "临习《兰亭序》，体会行书的用笔与章法。", capacity: 20, feeYuan: 200 },
    { title: "硬笔书法", description: "钢笔字的规范书写与日常应用。", capacity: 30, feeYuan: 0 },
    { title: "中国画（花鸟）", description: "写意花鸟的笔墨技法，从梅兰竹菊起步。", capacity: 20, feeYuan: 300 },
    { title: "山水画基础", description: "树石、云水的画法与构图。", capacity: 20, feeYuan: 300 },
    { title: "水彩画", description: "静安街景写生与水彩技法。", capacity: 20, feeYuan: 200 },
  ],
  DIGITAL_SKILLS: [
    {
      title: "智能手机应用入门",
      description: "微信聊天、视频通话、扫码与常用设置，手把手教会。",
      capacity: 30,
      feeYuan: 0,
    },
    { title: "手机拍照与修图", description: "用手机拍好照片，学会裁剪、调色与分享。", capacity: 30, feeYuan: 0 },
    {
      title: "随申办与一网通办",
      description: "在手机上预约挂号、办理社保、查询公积金。",
      capacity: 30,
      feeYuan: 0,
    },
    {
      title: "防范电信网络诈骗",
      description: "识别常见骗局，保护个人信息与账户安全。",
      capacity: 40,
      feeYuan: 0,
    },
    { title: "短视频制作", description: "拍摄、剪辑并发布一段属于自己的短视频。", capacity: 25, feeYuan: 100 },
    { title: "电脑基础与办公软件", description: "文字处理、表格与文件管理。", capacity: 25, feeYuan: 150 },
  ],
  HEALTH_FITNESS: [
    { title: "太极拳（二十四式）", description: "杨式二十四式太极拳，动作分解与整套演练。", capacity: 30, feeYuan: 0 },
    { title: "太极剑", description: "三十二式太极剑，适合有太极拳基础的学员。", capacity: 25, feeYuan: 100 },
    { title: "八段锦", description: "国家体育总局健身气功八段锦，舒筋活络。", capacity: 35, feeYuan: 0 },
    { title: "中医养生保健", description: "四季养生、穴位按摩与药膳常识。", capacity: 40, feeYuan: 0 },
    { title: "健康膳食与慢病预防", description: "高血压、糖尿病人群的饮食与运动管理。", capacity: 40, feeYuan: 0 },
    { title: "瑜伽", description: "舒缓瑜伽，改善柔韧与平衡。", capacity: 20, feeYuan: 200 },
  ],
  LANGUAGES: [
    { title: "英语口语（入门）", description: "日常会话与出行英语，从零开始开口说。", capacity: 25, feeYuan: 200 },
    { title: "英语口语（进阶）", description: "话题讨论与情景对话，提高表达的流利度。", capacity: 20, feeYuan: 300 },
    { title: "旅游英语", description: "机场、酒店、问路与点餐的实用英语。", capacity: 25, feeYuan: 200 },
    { title: "日语入门", description: "五十音图与基础会话。", capacity: 25, feeYuan: 300 },
    { title: "沪语传承", description: "上海话的发音、俗语与童谣。", capacity: 30, feeYuan: 0 },
    { title: "普通话与朗诵", description: "发音纠正、朗诵技巧与作品赏析。", capacity: 25, feeYuan: 0 },
  ],
  MUSIC_DANCE: [
    { title: "合唱", description: "发声训练与多声部合唱，年底社区汇演。", capacity: 40, feeYuan: 0 },
    { title: "民族舞", description: "汉族、藏族、蒙古族舞蹈基本步伐与组合。", capacity: 25, feeYuan: 100 },
    { title: "交谊舞", description: "华尔兹、伦巴与恰恰的基本步。", capacity: 30, feeYuan: 100 },
    { title: "葫芦丝", description: "葫芦丝的吹奏方法与经典曲目。", capacity: 25, feeYuan: 150 },
    { title: "古筝", description: "古筝指法与入门曲目。", capacity: 15, feeYuan: 400 },
    { title: "沪剧演唱", description: "沪剧经典唱段学唱与身段。", capacity: 25, feeYuan: 0 },
  ],
  HUMANITIES: [
    { title: "海派文化与静安历史", description: "从静安古寺到石库门，讲述静安的城市记忆。", capacity: 40, feeYuan: 0 },
    {
      title: "建筑可阅读：静安老建筑",
      description: "课堂讲解与步行寻访，读懂静安的优秀历史建筑。",
      capacity: 30,
      feeYuan: 0,
    },
    { title: "唐诗宋词赏析", description: "名篇精读与诵读，体会古典诗词之美。", capacity: 40, feeYuan: 0 },
    { title: "摄影艺术", description: "构图、用光与人文纪实摄影。", capacity: 25, feeYuan: 200 },
    { title: "红色文化寻访", description: "走进中共二大会址等红色地标，学习党史。", capacity: 35, feeYuan: 0 },
    { title: "文学写作", description: "散文与回忆录写作，记录自己的故事。", capacity: 25, feeYuan: 0 },
  ],
  LIFE_SKILLS: [
    { title: "家常菜烹饪", description: "本帮菜与健康家常菜的做法。", capacity: 20, feeYuan: 200 },
    { title: "插花艺术", description: "东方插花与花艺设计基础。", capacity: 20, feeYuan: 300 },
    { title: "茶艺", description: "六大茶类知识与冲泡技艺。", capacity: 20, feeYuan: 200 },
    { title: "编织与布艺", description: "棒针、钩针与布艺小物制作。", capacity: 20, feeYuan: 100 },
    { title: "家庭理财", description: "理性投资、识别非法集资与养老规划。", capacity: 40, feeYuan: 0 },
    { title: "阳台园艺", description: "花草与蔬果的家庭种植。", capacity: 25, feeYuan: 0 },
  ],
  PARENTING: [
    { title: "家庭教育指导", description: "亲子沟通、习惯养成与学业陪伴。", capacity: 40, feeYuan: 0 },
    { title: "隔代教育", description: "祖辈如何与父母配合，科学带娃。", capacity: 40, feeYuan: 0 },
    { title: "亲子阅读", description: "绘本选择与共读方法。", capacity: 30, feeYuan: 0 },
    { title: "青春期心理与沟通", description: "理解青春期孩子的变化，学会倾听与引导。", capacity: 40, feeYuan: 0 },
  ],
};

/** Which categories each kind of provider runs, and how heavily (repeated entries weigh more). */
export const CATEGORY_MIX: Readonly<Record<LearningCentreKind | "SCHOOL", readonly CourseCategory[]>> = {
  COMMUNITY_SCHOOL: [
    "DIGITAL_SKILLS",
    "DIGITAL_SKILLS",
    "HEALTH_FITNESS",
    "HEALTH_FITNESS",
    "CALLIGRAPHY_PAINTING",
    "LANGUAGES",
    "MUSIC_DANCE",
    "HUMANITIES",
    "LIFE_SKILLS",
    "PARENTING",
  ],
  SENIOR_UNIVERSITY: [
    "CALLIGRAPHY_PAINTING",
    "CALLIGRAPHY_PAINTING",
    "DIGITAL_SKILLS",
    "HEALTH_FITNESS",
    "HEALTH_FITNESS",
    "LANGUAGES",
    "MUSIC_DANCE",
    "MUSIC_DANCE",
    "HUMANITIES",
    "LIFE_SKILLS",
  ],
  COMMUNITY_COLLEGE: ["DIGITAL_SKILLS", "LANGUAGES", "HUMANITIES", "LIFE_SKILLS", "PARENTING"],
  SPARE_TIME_UNIVERSITY: ["DIGITAL_SKILLS", "LANGUAGES", "LANGUAGES", "HUMANITIES"],
  SCHOOL: ["LANGUAGES", "DIGITAL_SKILLS", "HEALTH_FITNESS", "PARENTING", "CALLIGRAPHY_PAINTING"],
};

/** Subjects (学科) of the resource library per grade band; ADULT is the residents' lifelong-learning shelf. */
export const SUBJECTS: Readonly<Record<GradeBand, readonly string[]>> = {
  PRESCHOOL: ["健康", "语言", "社会", "科学", "艺术"],
  PRIMARY: ["语文", "数学", "英语", "自然", "道德与法治", "音乐", "美术", "体育与健康", "信息科技", "劳动"],
  JUNIOR_SECONDARY: ["语文", "数学", "英语", "物理", "化学", "生命科学", "历史", "地理", "道德与法治", "信息科技"],
  SENIOR_SECONDARY: ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "思想政治", "信息技术"],
  VOCATIONAL: ["计算机应用", "电子商务", "会计事务", "旅游服务与管理", "数字媒体技术应用"],
  ADULT: ["书法", "智能手机应用", "太极", "英语口语", "养生保健", "家庭教育", "海派文化", "防范诈骗"],
};

/** Topics per subject, for resource titles; subjects without a list use GENERIC_TOPICS. */
export const TOPICS: Readonly<Record<string, readonly string[]>> = {
  语文: ["古诗词诵读", "记叙文写作", "文言文阅读", "整本书阅读", "说明文阅读", "口语交际"],
  数学: ["分数的初步认识", "一元二次方程", "函数与图像", "几何证明", "概率初步", "数据的整理"],
  英语: ["听说训练", "阅读理解策略", "书面表达", "语法专题", "英语绘本阅读"],
  物理: ["力与运动", "电路基础", "光的折射", "压强与浮力", "能量守恒"],
  化学: ["化学方程式", "酸碱盐", "物质的构成", "实验安全与操作"],
  生命科学: ["细胞的结构", "人体的健康", "生物的多样性"],
  生物: ["遗传与进化", "细胞代谢", "生态系统"],
  历史: ["中国古代史专题", "近代上海", "世界史专题"],
  地理: ["地图与地球", "上海的地理环境", "气候与天气"],
  信息科技: ["编程初步", "数据与编码", "人工智能启蒙", "网络安全"],
  信息技术: ["算法与程序设计", "数据处理与分析", "人工智能初步"],
  书法: ["楷书基本笔画", "行书临帖", "硬笔书法练习"],
  智能手机应用: ["视频通话", "扫码与移动支付", "随申办预约挂号", "健康码与出行"],
  太极: ["二十四式分解教学", "太极站桩", "太极推手入门"],
  英语口语: ["日常问候", "问路与出行", "餐厅点餐", "医院就诊"],
  养生保健: ["冬季养生", "穴位按摩", "慢病饮食"],
  家庭教育: ["亲子沟通", "学习习惯养成", "网络使用引导"],
  海派文化: ["石库门建筑", "静安寺与南京西路", "上海弄堂生活"],
  防范诈骗: ["冒充公检法诈骗", "保健品骗局", "网购退款诈骗"],
};

export const GENERIC_TOPICS = ["单元导学", "专题探究", "拓展阅读", "复习指导", "实践活动"] as const;

/** 学生数字画像 vocabulary. */
export const LEARNING_STYLE_TAGS = [
  "视觉型",
  "听觉型",
  "读写型",
  "动觉型",
  "合作学习型",
  "自主探究型",
  "反思型",
] as const;
export const STRENGTHS = [
  "阅读理解",
  "数学思维",
  "英语表达",
  "科学探究",
  "艺术表现",
  "运动能力",
  "信息素养",
  "写作表达",
  "动手实践",
  "团队协作",
] as const;

export const SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤".split(
    "",
  );
export const GIVEN_NAME_CHARACTERS =
  "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红梅鹏飞建国文辉亮成宁欣悦婷雯瑾琳慧颖晨佳俊毅晓蕾岚燕德荣志宏海波斌雪瑜".split(
    "",
  );

/**
 * The district's register of elderly-care institutions (养老服务机构名录, catalogue res-0063, owned by 区民政局): the
 * welfare institutes and the street homes. The two 社会福利院 are real institutions; the street homes are plausible,
 * not a copy of the register (marked synthetic). Ids are stable (`nh-0001` …): health's medical partnerships and care
 * records name the homes by them.
 */
import type { NursingHomeKind } from "./generated/prisma/client.ts";

export interface RegisteredNursingHome {
  id: string;
  name: string;
  kind: NursingHomeKind;
  streetId: string;
  address: string;
  /** Approved beds (核定床位). */
  beds: number;
}

export const NURSING_HOMES: readonly RegisteredNursingHome[] = [
  {
    id: "nh-0001",
    name: "上海市静安区第一社会福利院",
    kind: "WELFARE_INSTITUTE",
    streetId: "street-pengpu",
    address: "静安区共康路505号",
    beds: 420,
  },
  {
    id: "nh-0002",
    name: "静安区芷江西路街道敬老院",
    kind: "NURSING_HOME",
    streetId: "street-zhijiangxilu",
    address: "静安区柳营路305号",
    beds: 160,
  },
  {
    id: "nh-0003",
    name: "静安区曹家渡街道养老院",
    kind: "NURSING_HOME",
    streetId: "street-caojiadu",
    address: "静安区康定路1185号",
    beds: 150,
  },
  {
    id: "nh-0004",
    name: "静安区大宁路街道颐养院",
    kind: "NURSING_HOME",
    streetId: "street-daninglu",
    address: "静安区运城路188号",
    beds: 240,
  },
  {
    id: "nh-0005",
    name: "静安区静安寺街道长者照护之家",
    kind: "COMMUNITY_CARE_HOME",
    streetId: "street-jingansi",
    address: "静安区镇宁路405弄12号",
    beds: 49,
  },
  {
    id: "nh-0006",
    name: "静安区江宁路街道养老院",
    kind: "NURSING_HOME",
    streetId: "street-jiangninglu",
    address: "静安区海防路418号",
    beds: 120,
  },
  {
    id: "nh-0007",
    name: "静安区石门二路街道敬老院",
    kind: "NURSING_HOME",
    streetId: "street-shimenerlu",
    address: "静安区大田路129号",
    beds: 86,
  },
  {
    id: "nh-0008",
    name: "静安区南京西路街道长者照护之家",
    kind: "COMMUNITY_CARE_HOME",
    streetId: "street-nanjingxilu",
    address: "静安区吴江路169弄3号",
    beds: 45,
  },
  {
    id: "nh-0009",
    name: "静安区天目西路街道养老院",
    kind: "NURSING_HOME",
    streetId: "street-tianmuxilu",
    address: "静安区大统路238号",
    beds: 110,
  },
  {
    id: "nh-0010",
    name: "静安区北站街道敬老院",
    kind: "NURSING_HOME",
    streetId: "street-beizhan",
    address: "静安区安庆路366号",
    beds: 98,
  },
  {
    id: "nh-0011",
    name: "静安区宝山路街道养老院",
    kind: "NURSING_HOME",
    streetId: "street-baoshanlu",
    address: "静安区青云路233号",
    beds: 132,
  },
  {
    id: "nh-0012",
    name: "静安区共和新路街道颐养院",
    kind: "NURSING_HOME",
    streetId: "street-gonghexinlu",
    address: "静安区谈家桥路58号",
    beds: 180,
  },
  {
    id: "nh-0013",
    name: "静安区彭浦新村街道敬老院",
    kind: "NURSING_HOME",
    streetId: "street-pengpuxincun",
    address: "静安区永和路118弄6号",
    beds: 210,
  },
  {
    id: "nh-0014",
    name: "静安区临汾路街道养老院",
    kind: "NURSING_HOME",
    streetId: "street-linfenlu",
    address: "静安区阳曲路610号",
    beds: 168,
  },
  {
    id: "nh-0015",
    name: "上海市静安区第二社会福利院",
    kind: "WELFARE_INSTITUTE",
    streetId: "street-pengpuxincun",
    address: "静安区三泉路1040号",
    beds: 360,
  },
  {
    id: "nh-0016",
    name: "静安区彭浦镇第二敬老院",
    kind: "NURSING_HOME",
    streetId: "street-pengpu",
    address: "静安区汶水路210号",
    beds: 140,
  },
];

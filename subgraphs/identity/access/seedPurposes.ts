/**
 * The district's registered purposes of processing (处理目的登记) on a fresh start: every purpose the seeded access
 * policies name, with its legal basis, who may declare it, whether a case reference is needed, and retention.
 * Security admins change them as data afterwards (draft → enable); the seed only creates purposes that do not exist
 * yet, so it never overwrites an admin's change. docs/authorization.md explains each one.
 *
 * PIPL art. 13 lists the legal bases (…(3) statutory duties, (4) public-health emergencies and protection of life and
 * health); art. 28 makes health, minors' data and whereabouts sensitive, to be processed only for a specific purpose;
 * art. 34 binds state organs to their statutory duties.
 */
import type { PurposeDefinition } from "../../../lib/access/purposes.ts";

export interface SeededPurpose extends PurposeDefinition {
  name: string;
}

export const SEEDED_PURPOSES: SeededPurpose[] = [
  {
    name: "medical-treatment",
    legalBasis: "PIPL art. 13(1)(3)(4), art. 28; 基本医疗卫生与健康促进法 art. 92; 医疗机构病历管理规定 art. 29",
    description:
      "Treating a patient (诊疗), including real-name verification at treatment (实名就医): 区卫健委 officers, for one treatment case.",
    kinds: ["officer"],
    roles: ["officer"],
    departments: ["dept-health"],
    requiresCase: true,
    retentionDays: 15 * 365,
  },
  {
    name: "public-health",
    legalBasis: "PIPL art. 13(1)(4), art. 28; 传染病防治法 art. 12",
    description:
      "Disease surveillance and public-health services (公共卫生) of 区卫健委; identities stay masked (no clear-identity).",
    kinds: ["officer"],
    roles: ["officer"],
    departments: ["dept-health"],
    requiresCase: false,
    retentionDays: 3 * 365,
  },
  {
    name: "identity-verification",
    legalBasis: "PIPL art. 13(1)(3), art. 34; 居民身份证法 art. 14",
    description:
      "Verifying a resident's identity at a 区行政服务中心 window for one service application (办件), named by its case reference.",
    kinds: ["officer"],
    roles: ["officer"],
    departments: ["dept-admin-service"],
    requiresCase: true,
    retentionDays: 180,
  },
  {
    name: "education-service",
    legalBasis: "PIPL art. 13(1)(3), art. 28, art. 31; 未成年人保护法 art. 72; 义务教育法 art. 12",
    description:
      "Education administration for students (教育管理: enrolment, student portraits of minors): 区教育局 officers.",
    kinds: ["officer"],
    roles: ["officer"],
    departments: ["dept-education"],
    requiresCase: false,
    retentionDays: 3 * 365,
  },
  {
    name: "traffic-management",
    legalBasis: "PIPL art. 13(1)(3), art. 28; 道路交通安全法 art. 5",
    description:
      "Parking and traffic enforcement (交通管理) by 区建管委 for one enforcement case: vehicles' whereabouts are sensitive.",
    kinds: ["officer"],
    roles: ["officer"],
    departments: ["dept-transport"],
    requiresCase: true,
    retentionDays: 180,
  },
  {
    name: "service-contact",
    legalBasis: "PIPL art. 13(1)(3), art. 34",
    description:
      "Contacting a resident about a service the officer's own department provides to them (服务联系), e.g. a rescheduled appointment.",
    kinds: ["officer"],
    roles: ["officer"],
    departments: [],
    requiresCase: false,
    retentionDays: 90,
  },
];

/**
 * The district's initial access policies (授权管理): what each `@policy` name in the subgraph schemas means on a fresh
 * start. Security admins change them as data afterwards (draft → simulate → enable); the seed only creates policies
 * that do not exist yet, so it never overwrites an admin's change. docs/authorization.md explains each one.
 *
 * Sensitive classes follow PIPL art. 28: health records, minors' data and whereabouts (parking sessions) need a
 * declared purpose (x-og-purpose) and sensitive clearance for officers. Every purpose named here is registered
 * (./seedPurposes.ts), which decides who may declare it at all. Row rules in each subgraph then narrow
 * residents to their own records and officers to their department and jurisdiction.
 */
import type { Grant, PolicyRule } from "../../../lib/access/policyRules.ts";

export interface SeededPolicy {
  name: string;
  description: string;
  rule: PolicyRule;
}

const RESIDENT_SELF: Grant = { kinds: ["resident"] };

/**
 * The departments whose officers act for residents at a front desk (actingResident in the subgraph kit): 区卫健委,
 * 区教育局, 区体育局, 区文化旅游局, 区建管委 (parking) and 区行政服务中心 (windows). Other departments never read a
 * resident's identity; within these, the Resident row rule narrows each officer to the residents of their streets.
 */
export const RESIDENT_DESK_DEPARTMENTS = [
  "dept-health",
  "dept-education",
  "dept-sports",
  "dept-culture",
  "dept-transport",
  "dept-admin-service",
] as const;

export const SEEDED_POLICIES: SeededPolicy[] = [
  {
    name: "health-records",
    description:
      "Health records (appointments, chronic follow-ups, prescription renewals): sensitive personal information.",
    rule: {
      anyOf: [
        { ...RESIDENT_SELF },
        {
          kinds: ["officer"],
          departments: ["dept-health"],
          purposes: ["medical-treatment", "public-health"],
          clearance: "sensitive",
        },
      ],
    },
  },
  {
    name: "minors-data",
    description: "Student portraits of minors (PIPL art. 28, 31): education officers with a declared purpose only.",
    rule: {
      anyOf: [
        {
          kinds: ["officer"],
          departments: ["dept-education"],
          purposes: ["education-service"],
          clearance: "sensitive",
        },
      ],
    },
  },
  {
    name: "education-records",
    description: "Lifelong-learning course enrolments and school-ground check-ins.",
    rule: { anyOf: [{ ...RESIDENT_SELF }, { kinds: ["officer"], departments: ["dept-education"] }] },
  },
  {
    name: "sports-records",
    description: "Court bookings and event registrations.",
    rule: { anyOf: [{ ...RESIDENT_SELF }, { kinds: ["officer"], departments: ["dept-sports"] }] },
  },
  {
    name: "culture-records",
    description: "Registrations for cultural deliveries and their waiting lists.",
    rule: { anyOf: [{ ...RESIDENT_SELF }, { kinds: ["officer"], departments: ["dept-culture"] }] },
  },
  {
    name: "parking-sessions",
    description: "Parking sessions: a vehicle's whereabouts, sensitive personal information.",
    rule: {
      anyOf: [
        { ...RESIDENT_SELF },
        {
          kinds: ["officer"],
          departments: ["dept-transport"],
          purposes: ["traffic-management"],
          clearance: "sensitive",
        },
      ],
    },
  },
  {
    name: "enterprise-records",
    description:
      "Enterprises' service applications, benefit eligibility and grants: the enterprise departments, and the enterprise user (法人) for its own (the enterprise subgraph's row rules).",
    rule: {
      anyOf: [
        { kinds: ["officer"], departments: ["dept-admin-service", "dept-market"] },
        { kinds: ["enterprise"], scopes: ["enterprise:self"] },
      ],
    },
  },
  {
    name: "window-appointments",
    description: "Appointments at the administrative service centre's windows.",
    rule: { anyOf: [{ ...RESIDENT_SELF }, { kinds: ["officer"], departments: ["dept-admin-service"] }] },
  },
  {
    name: "resident-identity",
    description:
      "A resident's name, masked identity-card and phone numbers and street: the resident; officers of the departments that serve residents at a desk (the identity service's row rule then shows them only residents of their streets); security admins.",
    rule: {
      anyOf: [
        { ...RESIDENT_SELF },
        { kinds: ["officer"], departments: [...RESIDENT_DESK_DEPARTMENTS] },
        { kinds: ["security_admin"] },
      ],
    },
  },
  // Clear view of masked classified fields (@classified(mask: …)): `clear-<category>`. Without it, the gateway masks.
  {
    name: "clear-identity",
    description:
      "Clear names and identity-card numbers: the resident; 区卫健委 officers treating them (实名就医); 区行政服务中心 window officers verifying an identity for an application.",
    rule: {
      anyOf: [
        { ...RESIDENT_SELF },
        { kinds: ["officer"], departments: ["dept-health"], purposes: ["medical-treatment"], clearance: "sensitive" },
        {
          kinds: ["officer"],
          departments: ["dept-admin-service"],
          purposes: ["identity-verification"],
          clearance: "personal",
        },
      ],
    },
  },
  {
    name: "clear-contact",
    description: "Clear phone numbers: the resident; officers contacting a resident about a service they provide.",
    rule: {
      anyOf: [
        { ...RESIDENT_SELF },
        { kinds: ["officer"], purposes: ["identity-verification", "medical-treatment", "service-contact"] },
      ],
    },
  },
  {
    name: "clear-health",
    description: "Clear clinical notes: the resident; 区卫健委 officers treating them.",
    rule: {
      anyOf: [
        { ...RESIDENT_SELF },
        { kinds: ["officer"], departments: ["dept-health"], purposes: ["medical-treatment"] },
      ],
    },
  },
];

export const SEED_AUTHOR = "system:seed";

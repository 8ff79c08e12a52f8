/**
 * Chinese first, English beside it: every string of the portal in both, chosen by a toggle (kept in memory and in
 * the page's `lang`). Data from the graph is shown as it comes (mostly Chinese names).
 */
import { createContext, useContext } from "react";

export type Lang = "zh" | "en";

const strings = {
  title: ["静安一网通办门户", "Jing'an One Graph portal"],
  skip: ["跳到主要内容", "Skip to main content"],
  language: ["English", "中文"],
  languageLabel: ["切换到英文", "Switch to Chinese"],
  signIn: ["登录", "Sign in"],
  signOut: ["退出", "Sign out"],
  signingIn: ["正在登录…", "Signing in…"],
  signedInAs: ["当前用户", "Signed in as"],
  welcome: [
    "一个门户、一张图：居民、企业、开发者、安全管理员和审计员都从这里进入。",
    "One portal on one graph: residents, enterprises, developers, security admins and auditors start here.",
  ],
  signInHint: [
    "通过统一身份认证（OpenID Connect）登录，令牌只保存在本页内存中。",
    "Sign in through single sign-on (OpenID Connect); tokens stay in this page's memory only.",
  ],
  signInFailed: ["登录没有完成", "Sign-in did not complete"],
  nav: ["导航", "Navigation"],
  home: ["首页", "Home"],
  resident: ["我的事项", "My records"],
  enterprise: ["企业服务", "Enterprise"],
  developer: ["开发者", "Developers"],
  explorer: ["图探索器", "Explorer"],
  security: ["安全管理", "Security"],
  audit: ["审计", "Audit"],
  loading: ["加载中…", "Loading…"],
  none: ["暂无", "None"],
  error: ["出错了", "Error"],
  status: ["状态", "Status"],
  when: ["时间", "When"],
  name: ["名称", "Name"],
  // resident
  myRecords: ["我的跨部门事项", "My records across departments"],
  appointments: ["就医预约（卫健）", "Medical appointments (health)"],
  enrolments: ["课程报名（教育）", "Course enrolments (education)"],
  courtBookings: ["场地预订（体育）", "Court bookings (sports)"],
  eventRegistrations: ["赛事报名（体育）", "Event registrations (sports)"],
  cultureRegistrations: ["文化活动报名（文旅）", "Cultural registrations (culture)"],
  parkingSessions: ["停车记录（交通）", "Parking sessions (transport)"],
  windowAppointments: ["窗口预约（行政服务）", "Window appointments (administrative service)"],
  whoAccessed: ["谁访问了我的数据", "Who accessed my data"],
  accessor: ["访问者", "Accessor"],
  purpose: ["目的", "Purpose"],
  fields: ["字段", "Fields"],
  noAccess: ["还没有人访问过您的个人数据。", "Nobody has accessed your personal data yet."],
  // enterprise
  myEnterprise: ["本企业", "My enterprise"],
  applications: ["办事申请", "Applications"],
  bundledServices: ["“一件事”服务", "“One thing” bundled services (一件事)"],
  grants: ["免申即享", "Benefits granted without application (免申即享)"],
  amount: ["金额（元）", "Amount (yuan)"],
  reasons: ["理由", "Reasons"],
  promisedDays: ["承诺时限（工作日）", "Promised days"],
  // developer
  directory: ["服务目录", "Service directory"],
  departments: ["部门", "Departments"],
  subgraphs: ["子图", "Subgraphs"],
  owner: ["所属部门", "Owner"],
  types: ["类型", "Types"],
  dataResources: ["数据资源", "Data resources"],
  classification: ["分级", "Classification"],
  schemaDocs: ["各部门接口文档", "Schema docs per department"],
  chooseSubgraph: ["选择子图", "Choose a subgraph"],
  rootQueries: ["查询", "Queries"],
  rootMutations: ["变更", "Mutations"],
  registerApp: ["注册应用", "Register an application"],
  appKey: ["应用标识（小写字母、数字、连字符）", "App key (lower-case letters, digits, hyphens)"],
  appName: ["应用名称", "App name"],
  department: ["部门", "Department"],
  scopes: ["申请的权限范围（空格分隔）", "Requested scopes (space-separated)"],
  submit: ["提交", "Submit"],
  credentials: ["应用凭据", "Credentials"],
  secretOnce: ["密钥只显示这一次，请立即妥善保存。", "The secret is shown this once: store it safely now."],
  approvalStatus: ["审批状态", "Approval status"],
  trustedOperations: ["可信操作", "Trusted operations"],
  registerOperations: [
    "登记可信操作（每行一个文档，或用 --- 分隔）",
    "Register trusted operations (separate documents with ---)",
  ],
  register: ["登记", "Register"],
  operationProblems: ["未登记：注册中心发现的问题", "Not registered: what the registry found"],
  explorerHint: [
    "以当前登录身份查询这张图；编辑器和文档都在本地打包，不连接外部网络。",
    "Query the graph as the signed-in person; the editor and docs are bundled, nothing is loaded from elsewhere.",
  ],
  // security
  policies: ["访问策略", "Access policies"],
  draftPolicy: ["起草新版本", "Draft a new version"],
  policyName: ["策略名称", "Policy name"],
  description: ["说明", "Description"],
  grantsJson: ["授权规则（JSON）", "Grants (JSON)"],
  reason: ["理由", "Reason"],
  diff: ["与生效版本的差异", "Difference from the active version"],
  simulate: ["模拟", "Simulate"],
  simulateOperation: ["模拟的操作", "Operation to simulate"],
  principalKind: ["主体类型", "Principal kind"],
  roles: ["角色（空格分隔）", "Roles (space-separated)"],
  departmentId: ["部门 ID", "Department id"],
  enable: ["审批并启用", "Approve and enable"],
  approval: ["审批意见（记录在变更中）", "Approval note (recorded with the change)"],
  allowed: ["允许", "Allowed"],
  denied: ["拒绝", "Denied"],
  version: ["版本", "Version"],
  activeVersion: ["生效版本", "Active version"],
  purposes: ["处理目的", "Processing purposes"],
  legalBasis: ["法律依据", "Legal basis"],
  limits: ["限流与配额", "Rate limits and quotas"],
  appApprovals: ["应用审批", "App approvals"],
  approve: ["批准", "Approve"],
  decision: ["审批", "Decision"],
  reject: ["驳回", "Reject"],
  // audit
  auditTrail: ["数据访问审计记录", "Data-access audit trail"],
  search: ["查询", "Search"],
  principalId: ["访问者 ID", "Principal id"],
  residentId: ["居民 ID", "Resident id"],
  operationName: ["操作名", "Operation name"],
  from: ["起", "From"],
  to: ["止", "To"],
  verifyChain: ["校验审计链", "Verify the chain"],
  intact: ["审计链完整", "The chain is intact"],
  broken: ["审计链断裂", "The chain is broken"],
  checkedRecords: ["已校验记录", "Records checked"],
  headHash: ["链头哈希", "Head hash"],
  notForYou: ["此页面需要相应角色。", "This page needs the matching role."],
} satisfies Record<string, [string, string]>;

export type StringKey = keyof typeof strings;

export const LangContext = createContext<Lang>("zh");

export function useT(): (key: StringKey) => string {
  const lang = useContext(LangContext);
  return (key) => strings[key][lang === "zh" ? 0 : 1];
}

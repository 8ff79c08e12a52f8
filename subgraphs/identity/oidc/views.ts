/**
 * The pages the OpenID Connect provider shows a person: login, consent, logout and errors. Chinese first, English
 * beside it; plain HTML forms with labels (no script), every interpolated value escaped. Served with a CSP that allows
 * only their inline styles (`PAGE_SECURITY_POLICY`).
 */

/** No scripts, no external resources, no framing; the pages' own `<style>` only. */
export const PAGE_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;margin:2rem auto;max-width:26rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}.error{color:#a40000;border:1px solid #a40000;padding:.5rem}
.en{color:#555;font-size:.9em}ul{padding-left:1.2rem}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function loginPage(input: { action: string; clientName: string; username?: string; error?: string }): string {
  const error = input.error ? `<p class="error" role="alert">${escapeHtml(input.error)}</p>` : "";
  return page(
    "登录 · Sign in",
    `<h1>静安一网通办 统一登录 <span class="en">Sign in</span></h1>
<p>${escapeHtml(input.clientName)} 请求使用您的账号登录。<span class="en">wants you to sign in.</span></p>${error}
<form method="post" action="${escapeHtml(input.action)}">
<label for="username">用户名 <span class="en">Username</span></label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? "")}">
<label for="password">密码 <span class="en">Password</span></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录 <span class="en">Sign in</span></button>
</form>`,
  );
}

/** What each personal scope lets the app read, for the consent page. */
export const PERSONAL_SCOPE_TEXT: Record<string, string> = {
  profile: "您的姓名和用户名 (name and username)",
  "resident:self": "您的居民身份编号，用于查看本人记录 (your resident id, to read your own records)",
  "enterprise:self": "您代表的企业 (the enterprise you act for)",
};

export function consentPage(input: { action: string; abort: string; clientName: string; scopes: string[] }): string {
  const items = input.scopes.map((scope) => `<li>${escapeHtml(PERSONAL_SCOPE_TEXT[scope] ?? scope)}</li>`).join("");
  return page(
    "授权 · Consent",
    `<h1>授权确认 <span class="en">Consent</span></h1>
<p>${escapeHtml(input.clientName)} 请求读取：<span class="en">asks to read:</span></p><ul>${items}</ul>
<form method="post" action="${escapeHtml(input.action)}"><button type="submit" name="consent" value="yes">同意 <span class="en">Allow</span></button></form>
<form method="post" action="${escapeHtml(input.abort)}"><button type="submit" name="consent" value="no">拒绝 <span class="en">Deny</span></button></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/**
 * The portal's frame: banner (title, language, sign-in), the sections the signed-in person's role opens, and the
 * page for the current `#/section`. Pages call only the graph (graph.ts).
 */
import { lazy, Suspense, useEffect, useState } from "react";
import { currentClaims, signIn, signOut } from "./auth.ts";
import { type Lang, LangContext, type StringKey, useT } from "./i18n.tsx";
import { AuditorPage } from "./pages/Auditor.tsx";
import { DeveloperPage } from "./pages/Developer.tsx";
import { EnterprisePage } from "./pages/Enterprise.tsx";
import { HomePage } from "./pages/Home.tsx";
import { ResidentPage } from "./pages/Resident.tsx";
import { SecurityPage } from "./pages/Security.tsx";

// The explorer (GraphiQL and its editor) is large: loaded only when opened.
const ExplorerPage = lazy(() => import("./pages/Explorer.tsx"));

interface Section {
  id: string;
  label: StringKey;
  kinds: string[];
}

/** Which sections each kind of principal sees (the graph still decides what each may read). */
export const SECTIONS: Section[] = [
  { id: "resident", label: "resident", kinds: ["resident"] },
  { id: "enterprise", label: "enterprise", kinds: ["enterprise"] },
  { id: "developer", label: "developer", kinds: ["officer", "security_admin"] },
  { id: "explorer", label: "explorer", kinds: ["resident", "enterprise", "officer", "security_admin", "auditor"] },
  { id: "security", label: "security", kinds: ["security_admin"] },
  { id: "audit", label: "audit", kinds: ["auditor", "security_admin"] },
];

/** Where a person lands after signing in. */
export const HOME_OF: Record<string, string> = {
  resident: "resident",
  enterprise: "enterprise",
  officer: "developer",
  security_admin: "security",
  auditor: "audit",
};

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const onChange = () => setHash(window.location.hash);
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return hash;
}

function Page({ section }: { section: string }) {
  switch (section) {
    case "resident":
      return <ResidentPage />;
    case "enterprise":
      return <EnterprisePage />;
    case "developer":
      return <DeveloperPage />;
    case "explorer":
      return (
        <Suspense fallback={<p>…</p>}>
          <ExplorerPage />
        </Suspense>
      );
    case "security":
      return <SecurityPage />;
    case "audit":
      return <AuditorPage />;
    default:
      return null;
  }
}

function Frame({ signInError, lang, setLang }: { signInError?: string; lang: Lang; setLang: (lang: Lang) => void }) {
  const t = useT();
  const claims = currentClaims();
  const hash = useHash();
  const requested = hash.replace(/^#\/?/, "");
  const allowed = SECTIONS.filter((section) => claims && section.kinds.includes(claims.kind));
  const landing = claims ? (HOME_OF[claims.kind] ?? "") : "";
  const section = allowed.some((s) => s.id === requested) ? requested : requested === "" ? landing : "";

  // Signed in on the start page: go to the role's own page (replacing the entry, so Back does not bounce).
  useEffect(() => {
    if (claims && requested === "" && landing) window.location.replace(`#/${landing}`);
  }, [claims, requested, landing]);
  useEffect(() => {
    document.title = `${section ? `${t(SECTIONS.find((s) => s.id === section)?.label ?? "home")} · ` : ""}${t("title")}`;
  });

  return (
    <>
      {/* A button rather than a link: the fragment part of the URL is the page's route. */}
      <button type="button" className="skip" onClick={() => document.getElementById("main")?.focus()}>
        {t("skip")}
      </button>
      <header className="banner">
        <strong>
          <a href="#/">{t("title")}</a>
        </strong>
        <div>
          <button
            type="button"
            lang={lang === "zh" ? "en" : "zh-CN"}
            aria-label={`${t("language")} · ${t("languageLabel")}`}
            onClick={() => setLang(lang === "zh" ? "en" : "zh")}
          >
            {t("language")}
          </button>{" "}
          {claims ? (
            <>
              <span data-testid="signed-in-as">
                {t("signedInAs")}: {claims.sub} ({claims.kind})
              </span>{" "}
              <button type="button" onClick={() => signOut()}>
                {t("signOut")}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => void signIn({ returnTo: "" })}>
              {t("signIn")}
            </button>
          )}
        </div>
      </header>
      {claims ? (
        <nav className="sections" aria-label={t("nav")}>
          <ul>
            {allowed.map((s) => (
              <li key={s.id}>
                <a href={`#/${s.id}`} aria-current={s.id === section ? "page" : undefined}>
                  {t(s.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        {signInError ? (
          <p role="alert" className="errors">
            {t("signInFailed")} ({signInError})
          </p>
        ) : null}
        {section ? <Page section={section} /> : <HomePage signedIn={Boolean(claims)} notAllowed={requested !== ""} />}
      </main>
    </>
  );
}

export function App({ signInError }: { signInError?: string }) {
  const [lang, setLang] = useState<Lang>("zh");
  useEffect(() => {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  }, [lang]);
  return (
    <LangContext.Provider value={lang}>
      <Frame signInError={signInError} lang={lang} setLang={setLang} />
    </LangContext.Provider>
  );
}

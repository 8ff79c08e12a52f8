import { signIn } from "../auth.ts";
import { useT } from "../i18n.tsx";

export function HomePage({ signedIn, notAllowed }: { signedIn: boolean; notAllowed: boolean }) {
  const t = useT();
  return (
    <>
      <h1>{t("title")}</h1>
      <p>{t("welcome")}</p>
      {notAllowed && signedIn ? <p role="status">{t("notForYou")}</p> : null}
      {signedIn ? null : (
        <>
          <p>{t("signInHint")}</p>
          <p>
            <button type="button" onClick={() => void signIn({ returnTo: "" })}>
              {t("signIn")}
            </button>
          </p>
        </>
      )}
    </>
  );
}

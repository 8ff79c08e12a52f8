/**
 * The portal's entry: finish a sign-in coming back from the provider (/portal/callback), or — after a reload of a
 * tab that was signed in — sign in again silently (prompt=none), then render. docs/portal.md.
 */
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App.tsx";
import { completeSignIn, signedInBefore, signIn } from "./auth.ts";
import "./portal.css";

const outcome = await completeSignIn();
if (outcome.kind === "none" && signedInBefore()) {
  await signIn({ silent: true });
} else {
  const root = document.getElementById("root");
  if (root) {
    createRoot(root).render(
      <StrictMode>
        <App signInError={outcome.kind === "signed-out" ? outcome.error : undefined} />
      </StrictMode>,
    );
  }
}

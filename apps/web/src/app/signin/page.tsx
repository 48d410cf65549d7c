import type { Metadata } from "next";
import Link from "next/link";
import { signIn } from "../../auth/auth.ts";
import { authSettings } from "../../auth/settings.ts";

export const metadata: Metadata = { title: "Sign in" };

/** Only same-site paths: a sign-in link must not send people elsewhere afterwards. */
function safeCallback(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.startsWith("/") && !v.startsWith("//") ? v : "/";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const settings = authSettings();
  const callbackUrl = safeCallback(params.callbackUrl);
  return (
    <main id="main" className="signin">
      <h1>Octo</h1>
      {settings.mode === "open" ? (
        <>
          <p className="note note-warn">This platform runs open: no sign-in is configured.</p>
          <Link href={callbackUrl}>Continue</Link>
        </>
      ) : (
        <form
          action={async () => {
            "use server";
            await signIn("oidc", { redirectTo: callbackUrl });
          }}
        >
          {params.error ? (
            <p role="alert" className="note note-error">
              Sign-in failed ({String(params.error)}). Try again, or ask an administrator.
            </p>
          ) : null}
          <button type="submit" className="primary">
            {`Sign in with ${settings.providerName}`}
          </button>
        </form>
      )}
    </main>
  );
}

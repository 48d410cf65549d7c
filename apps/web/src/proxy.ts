// Next.js 16's request proxy (formerly middleware): with OIDC on, a page request without a
// session goes to /signin. /api routes answer for themselves (the tRPC forwarder says 401);
// the probes /healthz and /readyz answer without a session.
export { auth as proxy } from "./auth/auth.ts";

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|favicon.ico|signin|healthz|readyz).*)"],
};

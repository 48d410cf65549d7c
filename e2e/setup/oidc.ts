// The OIDC provider of the e2e run: the web app tests' oauth2-mock-server on 127.0.0.1, started by
// the global setup (the Playwright runner process). The tests run in worker processes, so who
// signs in next is chosen over HTTP: `POST /e2e/next-person {"sub": "ada"}` (see support/auth.ts).
export {
  NEXT_PERSON_PATH,
  PEOPLE,
  type Person,
  startOidcProvider as startE2eOidcProvider,
  type TestOidcProvider as E2eOidcProvider,
} from "../../apps/web/test/oidc-provider.ts";

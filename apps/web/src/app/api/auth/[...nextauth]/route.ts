import { handlers } from "../../../../auth/auth.ts";

export const { GET, POST } = handlers;

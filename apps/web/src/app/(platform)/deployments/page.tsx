import { redirect } from "next/navigation";

/** Every deployment is listed on the dashboard. */
export default function DeploymentsPage() {
  redirect("/");
}

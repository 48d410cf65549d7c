import type { Metadata } from "next";
import { IntegrationEditor } from "../../../../../editor/editor.tsx";

export const metadata: Metadata = { title: "Editor" };

export default async function EditPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <IntegrationEditor id={id} />;
}

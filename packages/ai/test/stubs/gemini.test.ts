import { ApiError, type Content, GoogleGenAI, type HttpOptions, Type } from "@google/genai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { geminiError, geminiResponse, geminiText, startGeminiStub } from "./gemini.ts";
import { delayed, header, type StubServer } from "./server.ts";

describe("gemini stub with the real @google/genai client", () => {
  let stub: StubServer;
  let client: GoogleGenAI;

  function makeClient(apiKey: string, httpOptions: Omit<HttpOptions, "baseUrl"> = {}): GoogleGenAI {
    return new GoogleGenAI({ apiKey, vertexai: false, httpOptions: { baseUrl: stub.url, ...httpOptions } });
  }

  beforeEach(async () => {
    stub = await startGeminiStub();
    client = makeClient(stub.apiKey);
  });
  afterEach(() => stub.close());

  it("answers text and records the request", async () => {
    stub.enqueue(geminiText("Hello from the stub"));
    const res = await client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Hi",
      config: { systemInstruction: "Be brief.", temperature: 0.2 },
    });
    expect(res.text).toBe("Hello from the stub");
    expect(res.candidates?.[0]?.finishReason).toBe("STOP");
    expect(res.usageMetadata).toMatchObject({
      promptTokenCount: 10,
      candidatesTokenCount: 5,
      totalTokenCount: 15,
    });
    expect(res.modelVersion).toBe("gemini-2.5-flash");

    const [req] = stub.requests;
    expect(req?.method).toBe("POST");
    // @google/genai 3.x defaults to apiVersion v1 (not v1beta).
    expect(req?.path).toBe("/v1/models/gemini-2.5-flash:generateContent");
    expect(req && header(req, "x-goog-api-key")).toBe(stub.apiKey);
    expect(req?.body).toMatchObject({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { temperature: 0.2 },
    });
  });

  it("runs a tool call round (functionCall / functionResponse)", async () => {
    stub.enqueue(
      geminiResponse([{ functionCall: { name: "get_weather", args: { city: "Paris" } } }]),
      geminiText("It is sunny in Paris."),
    );
    const config = {
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              parameters: {
                type: Type.OBJECT,
                properties: { city: { type: Type.STRING } },
                required: ["city"],
              },
            },
          ],
        },
      ],
    };
    const contents: Content[] = [{ role: "user", parts: [{ text: "Weather in Paris?" }] }];
    const first = await client.models.generateContent({ model: "gemini-2.5-flash", contents, config });
    expect(first.functionCalls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);

    const modelContent = first.candidates?.[0]?.content;
    if (modelContent) contents.push(modelContent);
    contents.push({
      role: "user",
      parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }],
    });
    const second = await client.models.generateContent({ model: "gemini-2.5-flash", contents, config });
    expect(second.text).toBe("It is sunny in Paris.");

    expect(stub.requests[0]?.body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: "get_weather" }] }],
    });
    expect(stub.requests[1]?.body).toMatchObject({
      contents: [
        { role: "user" },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }] },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }],
        },
      ],
    });
  });

  it("answers structured output (responseMimeType JSON + responseSchema)", async () => {
    stub.enqueue(geminiText('{"name":"Ada","age":36}'));
    const responseSchema = {
      type: Type.OBJECT,
      properties: { name: { type: Type.STRING }, age: { type: Type.INTEGER } },
      required: ["name", "age"],
    };
    const res = await client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "Ada, 36",
      config: { responseMimeType: "application/json", responseSchema },
    });
    expect(JSON.parse(res.text ?? "")).toEqual({ name: "Ada", age: 36 });
    expect(stub.requests[0]?.body).toMatchObject({
      generationConfig: { responseMimeType: "application/json", responseSchema: { type: "OBJECT" } },
    });
  });

  it("retries a 429 when retryOptions are configured, then succeeds", async () => {
    // @google/genai does not retry unless httpOptions.retryOptions is set, and
    // then ignores retry-after (exponential backoff from initialDelay).
    const retrying = makeClient(stub.apiKey, {
      retryOptions: { attempts: 2, initialDelay: 0.05, maxDelay: 0.1 },
    });
    stub.enqueue(
      geminiError(429, "Resource has been exhausted (e.g. check quota).", {
        headers: { "retry-after": "1" },
      }),
      geminiText("ok"),
    );
    const res = await retrying.models.generateContent({ model: "gemini-2.5-flash", contents: "Hi" });
    expect(res.text).toBe("ok");
    expect(stub.requests).toHaveLength(2);
  });

  it("does not retry by default: a 429 surfaces at once", async () => {
    stub.enqueue(geminiError(429, "Resource has been exhausted (e.g. check quota)."), geminiText("unused"));
    const err = await client.models
      .generateContent({ model: "gemini-2.5-flash", contents: "Hi" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429 });
    expect(stub.requests).toHaveLength(1);
    expect(stub.pending).toBe(1);
  });

  it("surfaces a 500 as ApiError with the status and the JSON body as message", async () => {
    stub.enqueue(geminiError(500, "An internal error has occurred."));
    const err = await client.models
      .generateContent({ model: "gemini-2.5-flash", contents: "Hi" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(500);
    expect(JSON.parse((err as ApiError).message)).toMatchObject({ error: { code: 500, status: "INTERNAL" } });
  });

  it("times out (httpOptions.timeout) with an AbortError", async () => {
    const impatient = makeClient(stub.apiKey, { timeout: 100 });
    stub.enqueue(delayed(geminiText("too late"), 5_000));
    const err = await impatient.models
      .generateContent({ model: "gemini-2.5-flash", contents: "Hi" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: "AbortError" });
    expect(stub.requests[0] && header(stub.requests[0], "x-server-timeout")).toBe("1");
  });

  it("rejects a wrong key like the real API: 400 API_KEY_INVALID", async () => {
    const wrong = makeClient("wrong-key");
    const err = await wrong.models
      .generateContent({ model: "gemini-2.5-flash", contents: "Hi" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    expect(JSON.parse((err as ApiError).message)).toMatchObject({
      error: { status: "INVALID_ARGUMENT", details: [{ reason: "API_KEY_INVALID" }] },
    });
  });
});

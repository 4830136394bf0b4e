// The JSON API, at URLs relative to the page so that it works under any proxy prefix.

const MAX_RETRIES = 3; // for 503 answers, each after the server's Retry-After

// POST `body` to `path` ("api/graph"); resolves to the answer, rejects with its `error` object.
export async function callApi(path, body, onBusy = () => {}, attempt = 0) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status === 503 && attempt < MAX_RETRIES) {
    const wait = Number(response.headers.get("retry-after") ?? "1");
    onBusy(`The server is busy; trying again in ${wait} s…`);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    return callApi(path, body, onBusy, attempt + 1);
  }
  const payload = await response.json().catch(() => ({ error: { message: `the server answered ${response.status}` } }));
  if (!response.ok) throw Object.assign(payload.error ?? { message: `the server answered ${response.status}` }, { partial: payload.partial });
  return payload;
}

export async function readExamples() {
  const response = await fetch("api/examples");
  return response.ok ? response.json() : [];
}

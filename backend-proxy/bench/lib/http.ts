/** A request to the proxy under test that must succeed: a non-2xx answer throws with its status and body, so no error page is ever timed. */
export async function fetchOk(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(
      `${init.method ?? 'GET'} ${url}: ${response.status} ${(await response.text()).slice(0, 500)}`,
    );
  return response;
}

/** JSON request options: the body serialised, the content type set. */
export const jsonRequest = (
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

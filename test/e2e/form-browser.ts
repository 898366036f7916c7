/** A browser reduced to what the flows need: cookies, forms, redirects followed by hand. */
export function formBrowser() {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, value] = pair!.split("=");
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name!);
      else jar.set(name!, value ?? "");
    }
    return response;
  };
  return {
    jar,
    get: async (url: string) => keep(await fetch(url, { redirect: "manual", headers: { cookie: cookieHeader() } })),
    post: async (url: string, form: Record<string, string>) =>
      keep(
        await fetch(url, {
          method: "POST",
          redirect: "manual",
          headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams(form).toString(),
        }),
      ),
  };
}

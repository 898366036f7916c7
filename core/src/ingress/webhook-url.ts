/** Our callback for a provider's pushes, `<publicUrl>/hooks/<NAME>`: what `{webhook_url}` renders and subscriptions are made for. */
export const webhookUrl = (publicUrl: string, provider: string): string => `${publicUrl.replace(/\/+$/, "")}/hooks/${provider}`;

import type { ConnectFlowKind } from "../services/connect-flow-kind.ts";
import { escapeHtml, page } from "./html.ts";
import { fill, reasonText, type Localized } from "./messages.ts";

/** A provider as its card shows it. */
export interface ProviderCard {
  name: string;
  displayName: string;
  /** A data: or https: URL. */
  icon?: string;
  /** Undefined: this server cannot connect it now (shown, disabled). */
  flow?: ConnectFlowKind;
  /** The provider's other flows, offered as links under the card (e.g. "paste a token instead"). */
  alternatives?: ConnectFlowKind[];
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;

function howText(l: Localized, card: ProviderCard): string {
  const values = { name: card.displayName };
  switch (card.flow) {
    case "redirect":
      return fill(l.t.signInWith, values);
    case "password":
      return fill(l.t.enterCredentials, values);
    case "token":
      return fill(l.t.enterToken, values);
    case "direct":
      return l.t.connectNow;
    default:
      return l.t.unavailable;
  }
}

function cardHtml(l: Localized, card: ProviderCard, action: string, csrf: string): string {
  const icon = card.icon
    ? `<img src="${escapeHtml(card.icon)}" alt="" width="40" height="40">`
    : `<span class="initial" aria-hidden="true">${escapeHtml(card.displayName.slice(0, 1).toUpperCase())}</span>`;
  const label = fill(l.t.connectWith, { name: card.displayName });
  const how = howText(l, card);
  const button =
    `<button type="submit" class="provider" aria-label="${escapeHtml(`${label}. ${how}`)}"${card.flow === undefined ? " disabled" : ""}>` +
    `${icon}<span><span class="name">${escapeHtml(card.displayName)}</span><span class="how">${escapeHtml(how)}</span></span>` +
    `<span class="chev" aria-hidden="true">›</span></button>`;
  const others = (card.alternatives ?? [])
    .map((kind) => {
      const text = fill(l.t.otherMethod[kind], { name: card.displayName });
      return `<form method="post" action="${escapeHtml(action)}">${hidden("csrf", csrf)}${hidden("provider", card.name)}${hidden("method", kind)}<button type="submit" class="secondary other-method">${escapeHtml(text)}</button></form>`;
    })
    .join("");
  return `<li><form method="post" action="${escapeHtml(action)}">${hidden("csrf", csrf)}${hidden("provider", card.name)}${button}</form>${others}</li>`;
}

/** The widget: the developer's providers as cards, and a way out. */
export function providerListPage(
  l: Localized,
  input: { cards: ProviderCard[]; startAction: string; cancelAction: string; csrf: string; failed?: { provider: string; reason?: string } },
): string {
  const failedCard = input.failed ? input.cards.find((card) => card.name === input.failed?.provider) : undefined;
  const banner = input.failed
    ? `<div class="alert" role="alert">${escapeHtml(fill(l.t.failedBanner, { name: failedCard?.displayName ?? input.failed.provider, reason: reasonText(l.t, input.failed.reason) }))}</div>`
    : "";
  const body =
    `<h1>${escapeHtml(l.t.chooseTitle)}</h1><p>${escapeHtml(l.t.chooseIntro)}</p>${banner}` +
    `<ul class="providers" aria-label="${escapeHtml(l.t.providersLabel)}">${input.cards.map((card) => cardHtml(l, card, input.startAction, input.csrf)).join("")}</ul>` +
    `<form method="post" action="${escapeHtml(input.cancelAction)}">${hidden("csrf", input.csrf)}<button type="submit" class="secondary">${escapeHtml(l.t.cancel)}</button></form>`;
  return page({ lang: l.lang, title: l.t.chooseTitle, body, footer: l.t.footer });
}

/** The credentials form (password grant) or the token form of one flow. */
export function connectFormPage(
  l: Localized,
  input: {
    kind: "password" | "token";
    provider: ProviderCard;
    action: string;
    cancelAction: string;
    backHref?: string;
    csrf: string;
    error?: boolean;
    instructions?: string;
  },
): string {
  const values = { name: input.provider.displayName };
  const title = fill(input.kind === "password" ? l.t.passwordTitle : l.t.tokenTitle, values);
  const intro = fill(input.kind === "password" ? l.t.passwordIntro : l.t.tokenIntro, values);
  const error = input.error ? `<div class="alert" role="alert" id="form-error">${escapeHtml(fill(l.t.wrongCredentials, values))}</div>` : "";
  const described = input.error ? ' aria-describedby="form-error"' : "";
  const fields =
    input.kind === "password"
      ? `<label for="username">${escapeHtml(l.t.usernameLabel)}</label><input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus${described}>` +
        `<label for="password">${escapeHtml(l.t.passwordLabel)}</label><input type="password" id="password" name="password" autocomplete="current-password" required>`
      : `<label for="token">${escapeHtml(l.t.tokenLabel)}</label><input type="password" id="token" name="token" autocomplete="off" spellcheck="false" required autofocus${input.instructions ? ' aria-describedby="token-hint"' : described}>` +
        (input.instructions ? `<p class="hint" id="token-hint">${escapeHtml(input.instructions)}</p>` : "");
  const back = input.backHref
    ? `<a class="secondary" href="${escapeHtml(input.backHref)}">${escapeHtml(l.t.back)}</a>`
    : `<form method="post" action="${escapeHtml(input.cancelAction)}">${hidden("csrf", input.csrf)}<button type="submit" class="secondary">${escapeHtml(l.t.cancel)}</button></form>`;
  const body =
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(intro)}</p>${error}` +
    `<form method="post" action="${escapeHtml(input.action)}">${hidden("csrf", input.csrf)}${fields}<button type="submit" class="primary">${escapeHtml(l.t.submit)}</button></form>` +
    `<div class="actions">${back}</div>`;
  return page({ lang: l.lang, title, body, footer: l.t.footer });
}

/** Where a user lands without a redirect URL of the developer's: connected or not. */
export function resultPage(l: Localized, input: { ok: boolean; providerName: string }): string {
  const values = { name: input.providerName };
  const title = input.ok ? l.t.connectedTitle : l.t.notConnectedTitle;
  const body =
    `<div class="status ${input.ok ? "ok" : "bad"}" aria-hidden="true">${input.ok ? "✓" : "✕"}</div>` +
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(fill(input.ok ? l.t.connectedText : l.t.notConnectedText, values))}</p>`;
  return page({ lang: l.lang, title, body });
}

/** A page that only says something: an expired or unknown link, blocked cookies, a failure to start. */
export function messagePage(l: Localized, title: string, text: string, backHref?: string): string {
  const back = backHref ? `<a class="secondary" href="${escapeHtml(backHref)}">${escapeHtml(l.t.back)}</a>` : "";
  return page({ lang: l.lang, title, body: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>${back}` });
}

import type { ConnectFlowKind } from "../services/connect-flow-kind.ts";

/**
 * Every text the connect pages show, per language. A language is one object of this shape: adding
 * one is adding a catalog below (the compiler lists what it misses). `{name}` is the provider's name.
 */
export interface WidgetMessages {
  /** The language's own name, for the document's lang attribute and tests. */
  langName: string;
  chooseTitle: string;
  chooseIntro: string;
  providersLabel: string;
  connectWith: string;
  signInWith: string;
  enterCredentials: string;
  enterToken: string;
  /** The links under a card to a provider's other connection methods, per flow. */
  otherMethod: Record<ConnectFlowKind, string>;
  connectNow: string;
  unavailable: string;
  cancel: string;
  back: string;
  footer: string;
  failedBanner: string;
  reasons: Record<string, string>;
  passwordTitle: string;
  passwordIntro: string;
  usernameLabel: string;
  passwordLabel: string;
  tokenTitle: string;
  tokenIntro: string;
  tokenLabel: string;
  submit: string;
  wrongCredentials: string;
  connectedTitle: string;
  connectedText: string;
  notConnectedTitle: string;
  notConnectedText: string;
  expiredTitle: string;
  expiredText: string;
  invalidTitle: string;
  invalidText: string;
  cookiesTitle: string;
  cookiesText: string;
  errorTitle: string;
  errorText: string;
  errorGenericText: string;
  /** Stands for the provider's name when it is not known. */
  someAccount: string;
}

const en: WidgetMessages = {
  langName: "English",
  chooseTitle: "Connect your wearable",
  chooseIntro:
    "Choose the service that records your activity, sleep and health data. You sign in with that service; we never see your password unless the service asks us to pass it on.",
  providersLabel: "Services you can connect",
  connectWith: "Connect {name}",
  signInWith: "Continue to {name} to sign in",
  enterCredentials: "Sign in with your {name} account",
  enterToken: "Paste your {name} access token",
  otherMethod: {
    redirect: "Or sign in on the {name} website",
    password: "Or sign in with your {name} password",
    token: "Or paste a {name} access token instead",
    direct: "Or connect {name} now",
  },
  connectNow: "Connect at once",
  unavailable: "Not available right now",
  cancel: "Cancel",
  back: "Back to the list",
  footer: "Your data goes only to the app that sent you here. You can disconnect at any time.",
  failedBanner: "{name} was not connected: {reason} Try again, or choose another service.",
  reasons: {
    access_denied: "you declined access.",
    user_cancelled: "you cancelled.",
    session_expired: "the sign-in took too long.",
    session_mismatch: "the sign-in was finished in another browser or tab.",
    invalid_state: "the sign-in link was used already.",
    temporarily_unavailable: "the service is not answering right now.",
    account_conflict: "this account is already being connected.",
    default: "something went wrong on our side or the service's.",
  },
  passwordTitle: "Sign in to {name}",
  passwordIntro: "Enter the email or username and password of your {name} account. Your password goes to {name} once, to sign in, and is never stored.",
  usernameLabel: "Email or username",
  passwordLabel: "Password",
  tokenTitle: "Connect {name}",
  tokenIntro: "Paste the access token of your {name} account. It is stored encrypted and used only to read your data.",
  tokenLabel: "Access token",
  submit: "Connect",
  wrongCredentials: "{name} did not accept these details. Check them and try again.",
  connectedTitle: "Connected",
  connectedText: "Your {name} account is connected. You can close this window.",
  notConnectedTitle: "Not connected",
  notConnectedText: "Your {name} account was not connected. Close this window and try again from the app.",
  expiredTitle: "This link has expired",
  expiredText: "Connect links are valid for a short time. Go back to the app and start again.",
  invalidTitle: "This link is not valid",
  invalidText: "It may have been used already. Go back to the app and start again.",
  cookiesTitle: "Please allow cookies",
  cookiesText: "This page needs a cookie to keep your sign-in safe. Allow cookies for this site, then go back and try again.",
  errorTitle: "Something went wrong",
  errorText: "We could not start connecting {name}. Try again in a moment, or choose another service.",
  errorGenericText: "This page could not be shown. Try again in a moment.",
  someAccount: "wearable",
};

const de: WidgetMessages = {
  langName: "Deutsch",
  chooseTitle: "Verbinde dein Wearable",
  chooseIntro:
    "Wähle den Dienst, der deine Aktivitäts-, Schlaf- und Gesundheitsdaten aufzeichnet. Du meldest dich bei diesem Dienst an; dein Passwort sehen wir nur, wenn der Dienst uns bittet, es weiterzugeben.",
  providersLabel: "Dienste, die du verbinden kannst",
  connectWith: "{name} verbinden",
  signInWith: "Weiter zu {name} zur Anmeldung",
  enterCredentials: "Mit deinem {name}-Konto anmelden",
  enterToken: "Zugriffstoken von {name} einfügen",
  otherMethod: {
    redirect: "Oder auf der Website von {name} anmelden",
    password: "Oder mit dem {name}-Passwort anmelden",
    token: "Oder stattdessen ein Zugriffstoken von {name} einfügen",
    direct: "Oder {name} sofort verbinden",
  },
  connectNow: "Sofort verbinden",
  unavailable: "Derzeit nicht verfügbar",
  cancel: "Abbrechen",
  back: "Zurück zur Liste",
  footer: "Deine Daten gehen nur an die App, die dich hierher geschickt hat. Du kannst die Verbindung jederzeit trennen.",
  failedBanner: "{name} wurde nicht verbunden: {reason} Versuche es erneut oder wähle einen anderen Dienst.",
  reasons: {
    access_denied: "du hast den Zugriff abgelehnt.",
    user_cancelled: "du hast abgebrochen.",
    session_expired: "die Anmeldung hat zu lange gedauert.",
    session_mismatch: "die Anmeldung wurde in einem anderen Browser oder Tab beendet.",
    invalid_state: "der Anmeldelink wurde bereits verwendet.",
    temporarily_unavailable: "der Dienst antwortet gerade nicht.",
    account_conflict: "dieses Konto wird bereits verbunden.",
    default: "bei uns oder beim Dienst ist etwas schiefgegangen.",
  },
  passwordTitle: "Bei {name} anmelden",
  passwordIntro:
    "Gib die E-Mail-Adresse oder den Benutzernamen und das Passwort deines {name}-Kontos ein. Dein Passwort geht einmal an {name}, zur Anmeldung, und wird nie gespeichert.",
  usernameLabel: "E-Mail oder Benutzername",
  passwordLabel: "Passwort",
  tokenTitle: "{name} verbinden",
  tokenIntro: "Füge das Zugriffstoken deines {name}-Kontos ein. Es wird verschlüsselt gespeichert und nur zum Lesen deiner Daten verwendet.",
  tokenLabel: "Zugriffstoken",
  submit: "Verbinden",
  wrongCredentials: "{name} hat diese Angaben nicht akzeptiert. Prüfe sie und versuche es erneut.",
  connectedTitle: "Verbunden",
  connectedText: "Dein {name}-Konto ist verbunden. Du kannst dieses Fenster schließen.",
  notConnectedTitle: "Nicht verbunden",
  notConnectedText: "Dein {name}-Konto wurde nicht verbunden. Schließe dieses Fenster und versuche es in der App erneut.",
  expiredTitle: "Dieser Link ist abgelaufen",
  expiredText: "Verbindungslinks gelten nur kurze Zeit. Kehre zur App zurück und beginne erneut.",
  invalidTitle: "Dieser Link ist ungültig",
  invalidText: "Vielleicht wurde er bereits verwendet. Kehre zur App zurück und beginne erneut.",
  cookiesTitle: "Bitte Cookies erlauben",
  cookiesText: "Diese Seite braucht ein Cookie, um deine Anmeldung zu schützen. Erlaube Cookies für diese Seite, gehe zurück und versuche es erneut.",
  errorTitle: "Etwas ist schiefgegangen",
  errorText: "Wir konnten die Verbindung mit {name} nicht starten. Versuche es gleich noch einmal oder wähle einen anderen Dienst.",
  errorGenericText: "Diese Seite konnte nicht angezeigt werden. Versuche es gleich noch einmal.",
  someAccount: "Wearable",
};

const CATALOGS: Readonly<Record<string, WidgetMessages>> = { en, de };
export const DEFAULT_LANGUAGE = "en";
export const WIDGET_LANGUAGES = Object.keys(CATALOGS);

export interface Localized {
  /** The BCP 47 tag shown (`lang` attribute): the requested language's, or English. */
  lang: string;
  t: WidgetMessages;
}

/** The catalog for Terra's `language` (a BCP 47 tag such as `de`, `de-AT`, `en_GB`); English when there is none. */
export function localize(language: string | null | undefined): Localized {
  const primary = (language ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  const lang = Object.hasOwn(CATALOGS, primary) ? primary : DEFAULT_LANGUAGE;
  return { lang, t: CATALOGS[lang]! };
}

/** A message with its `{placeholders}` filled in (plain text: the caller escapes). */
export function fill(message: string, values: Record<string, string>): string {
  return message.replace(/\{(\w+)\}/g, (match, name: string) => values[name] ?? match);
}

export function reasonText(t: WidgetMessages, reason: string | undefined): string {
  return (reason !== undefined && Object.hasOwn(t.reasons, reason) ? t.reasons[reason] : t.reasons.default) ?? "";
}

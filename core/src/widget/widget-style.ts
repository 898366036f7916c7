/**
 * The connect pages' stylesheet, served as one cacheable file (`style-src 'self'`). Colours meet WCAG AA
 * contrast (body text 15:1, muted text 8:1, buttons 6.7:1); every control shows a visible focus ring.
 */
export const WIDGET_CSS = `
:root{color-scheme:light;--ink:#171a21;--muted:#4a5160;--line:#d9dde5;--bg:#f3f5f9;--card:#fff;--brand:#1d4ed8;--brand-dark:#1e3a8a;--danger:#9f1239;--danger-bg:#fff1f2;--ok:#166534;--ring:#1d4ed8}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:16px;line-height:1.5;color:var(--ink);background:var(--bg)}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;padding:6vh 1rem}
main{width:100%;max-width:28rem;background:var(--card);border:1px solid var(--line);border-radius:1rem;box-shadow:0 10px 30px rgba(23,26,33,.08);padding:2rem 1.75rem 1.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem}
p{margin:.25rem 0 1rem;color:var(--muted)}
.providers{list-style:none;margin:1.25rem 0;padding:0;display:grid;gap:.75rem}
.providers form{margin:0}
.provider{width:100%;display:flex;align-items:center;gap:.9rem;text-align:left;padding:.85rem 1rem;border:1px solid var(--line);border-radius:.75rem;background:#fff;color:var(--ink);font:inherit;cursor:pointer;transition:border-color .15s,box-shadow .15s}
.provider:hover{border-color:var(--brand);box-shadow:0 2px 10px rgba(29,78,216,.12)}
.provider[disabled]{cursor:not-allowed;opacity:.7;background:var(--bg)}
.provider img,.provider .initial{width:2.5rem;height:2.5rem;border-radius:.6rem;flex:none;object-fit:contain;background:var(--bg)}
.provider .initial{display:grid;place-items:center;font-weight:700;color:var(--brand-dark)}
.provider .name{display:block;font-weight:600}
.provider .how{display:block;font-size:.875rem;color:var(--muted)}
.provider .chev{margin-left:auto;color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
input[type=text],input[type=email],input[type=password]{width:100%;padding:.7rem .8rem;font:inherit;border:1px solid #8a93a3;border-radius:.5rem;color:var(--ink);background:#fff}
.hint{font-size:.875rem;color:var(--muted);margin:.35rem 0 0}
.primary{margin-top:1.5rem;width:100%;padding:.8rem 1rem;font:inherit;font-weight:600;color:#fff;background:var(--brand);border:0;border-radius:.6rem;cursor:pointer}
.primary:hover{background:var(--brand-dark)}
.secondary{display:inline-block;margin-top:1rem;padding:.4rem .2rem;font:inherit;color:var(--brand-dark);background:none;border:0;text-decoration:underline;cursor:pointer}
.actions{display:flex;justify-content:space-between;align-items:center;gap:1rem}
.actions form{margin:0}
:focus-visible{outline:3px solid var(--ring);outline-offset:2px}
.alert{border:1px solid var(--danger);background:var(--danger-bg);color:var(--danger);border-radius:.6rem;padding:.75rem 1rem;margin:1rem 0}
.status{font-size:2.5rem;line-height:1;margin-bottom:.5rem}
.status.ok{color:var(--ok)}.status.bad{color:var(--danger)}
footer{margin-top:1.25rem;padding-top:1rem;border-top:1px solid var(--line);font-size:.8125rem;color:var(--muted)}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
`;

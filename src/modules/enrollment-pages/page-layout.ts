/**
 * The public enrollment pages, as Mustache templates. `{{value}}` is HTML-escaped and this file
 * never uses the unescaped `{{{…}}}` form, so nothing an admin or user typed reaches the markup
 * unescaped. No scripts: the pages work with JavaScript off, and the Content-Security-Policy the
 * routes send forbids scripts anyway. The brand colour is validated as #rrggbb before it is
 * stored, and it is escaped here too.
 */
const HEAD = `<!doctype html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>{{title}}</title>
<style>
body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:600px;margin:0 auto;padding:16px;overflow-wrap:anywhere}
.card{background:#fff;border-radius:10px;border-top:6px solid var(--brand);padding:20px 22px;margin-bottom:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:22px;line-height:1.3;margin:0 0 12px}
h2{font-size:17px;margin:20px 0 8px}
.logo{max-height:48px;max-width:200px;display:block;margin-bottom:12px}
.action{display:block;text-align:center;background:var(--brand);color:#fff;text-decoration:none;padding:14px 18px;border-radius:8px;font-weight:600;font-size:18px;margin:18px 0}
.warning{background:#fff4e5;border:1px solid #f0b429;border-radius:8px;padding:10px 12px}
.secondary{display:inline-block;color:var(--brand);font-weight:600}
.code{font:22px/1.3 Menlo,Consolas,monospace;letter-spacing:2px;word-break:break-all}
.muted{color:#57606a;font-size:14px}
.expires{font-weight:600}
.qr{display:block;margin:12px auto;width:100%;max-width:300px;height:auto;image-rendering:pixelated}
dl{margin:8px 0}dt{color:#57606a;font-size:14px}dd{margin:0 0 8px;word-break:break-all;font-family:Menlo,Consolas,monospace}
ol{padding-left:22px}li{margin-bottom:6px}
</style>
</head>
<body style="--brand:{{color}}">
<main>`;

const FOOT = `</main>
</body>
</html>
`;

export const ENROLLMENT_PAGE = `${HEAD}
<div class="card">
{{#logo}}<img class="logo" id="brand-logo" src="{{logo}}" alt="{{org}}">{{/logo}}
<h1>{{title}}</h1>
<p>{{greeting}}</p>
<p>{{intro}}</p>
{{#display}}<p class="muted">{{display}}</p>{{/display}}
{{#notConfigured}}<p class="warning" id="not-configured" role="alert">{{notConfigured}}</p>{{/notConfigured}}
{{#notice}}<p class="warning" id="enrollment-notice" role="status">{{notice}}</p>{{/notice}}
{{#primaryHref}}<a class="action" id="primary-action" href="{{primaryHref}}">{{primaryLabel}}</a>{{/primaryHref}}
{{#qr}}
<h2>{{qrTitle}}</h2>
<p>{{qrHint}}</p>
<img class="qr" id="provisioning-qr" src="{{qrDataUri}}" alt="QR" width="300" height="300">
{{/qr}}
{{#workProfile}}
<h2>{{workProfileTitle}}</h2>
<p>{{workProfileHint}}</p>
<p><a class="secondary" id="work-profile-link" href="{{workProfileHref}}">{{workProfileAction}}</a></p>
{{/workProfile}}
<h2>{{stepsTitle}}</h2>
<ol>{{#steps}}<li>{{.}}</li>{{/steps}}</ol>
{{#manual}}
<h2>{{manualTitle}}</h2>
<dl><dt>{{accountLabel}}</dt><dd id="manual-account">{{account}}</dd><dt>{{serverLabel}}</dt><dd id="manual-server">{{server}}</dd></dl>
<ol>{{#manualSteps}}<li>{{.}}</li>{{/manualSteps}}</ol>
{{/manual}}
<p class="muted">{{codeLabel}}</p>
<p class="code" id="enroll-code">{{code}}</p>
<p class="expires">{{expires}}</p>
{{#help}}<p class="muted">{{help}}</p>{{/help}}
</div>
${FOOT}`;

/** A link that cannot be used (expired, used, unknown) or too many requests: nothing else is shown. */
export const NOTICE_PAGE = `${HEAD}
<div class="card">
<h1>{{title}}</h1>
<p>{{body}}</p>
</div>
${FOOT}`;

/**
 * The invitation layouts, as Mustache templates: `{{value}}` is HTML-escaped by default and this
 * file never uses the unescaped `{{{…}}}` form, so nothing an admin or user typed can reach the
 * markup unescaped. The plain-text layout is rendered with escaping switched off.
 */
export const HTML_LAYOUT = `<!doctype html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{subject}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2328">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;border-top:6px solid {{color}}">
<tr><td style="padding:28px 28px 8px">
{{#logo}}<img src="{{logo}}" alt="{{org}}" style="max-height:48px;max-width:200px;margin-bottom:16px">{{/logo}}
<p style="font-size:16px;margin:0 0 12px">{{greeting}}</p>
<p style="font-size:16px;line-height:1.5;margin:0 0 16px">{{intro}}</p>
{{#note}}<div style="border-left:4px solid {{color}};background:#f6f8fa;padding:10px 14px;margin:0 0 16px"><p style="margin:0 0 6px;font-weight:600">{{noteFrom}}</p><p style="margin:0;white-space:pre-line">{{note}}</p></div>{{/note}}
<p style="margin:24px 0;text-align:center"><a href="{{link}}" style="background:{{color}};color:#ffffff;text-decoration:none;padding:12px 22px;border-radius:6px;font-weight:600;display:inline-block">{{button}}</a></p>
{{#qrCid}}<p style="margin:0 0 8px">{{qrHint}}</p><p style="text-align:center;margin:0 0 16px"><img src="cid:{{qrCid}}" alt="QR" width="240" height="240"></p>{{/qrCid}}
{{#display}}<p style="margin:0 0 12px;font-size:14px">{{display}}</p>{{/display}}
<p style="margin:0 0 4px;font-size:14px;color:#57606a">{{codeLabel}}</p>
<p style="margin:0 0 16px;font-size:22px;font-family:Menlo,Consolas,monospace;letter-spacing:2px">{{code}}</p>
<h2 style="font-size:16px;margin:20px 0 8px">{{stepsTitle}}</h2>
<ol style="padding-left:20px;margin:0 0 16px;line-height:1.5">{{#steps}}<li>{{.}}</li>{{/steps}}</ol>
<p style="margin:0 0 16px;font-weight:600">{{expires}}</p>
<p style="font-size:13px;color:#57606a;margin:0 0 4px">{{linkFallback}}</p>
<p style="font-size:13px;word-break:break-all;margin:0 0 16px"><a href="{{link}}" style="color:{{color}}">{{link}}</a></p>
{{#help}}<p style="font-size:13px;color:#57606a;margin:0 0 8px">{{help}}</p>{{/help}}
<p style="font-size:12px;color:#8c959f;margin:16px 0 20px">{{ignore}}</p>
</td></tr></table></td></tr></table>
</body>
</html>
`;

export const TEXT_LAYOUT = `{{greeting}}

{{intro}}
{{#note}}

{{noteFrom}}
{{note}}
{{/note}}

{{button}}: {{link}}

{{#display}}
{{display}}
{{/display}}
{{codeLabel}}: {{code}}

{{stepsTitle}}
{{#numberedSteps}}
{{n}}. {{text}}
{{/numberedSteps}}

{{expires}}
{{#help}}

{{help}}
{{/help}}

{{ignore}}
`;

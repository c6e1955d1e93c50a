import SystemCrypto
import Foundation

/// The status page's stylesheet and script, inside the binary: nothing is fetched from anywhere (the page
/// works on an air-gapped cluster). Both are inline; the page's Content-Security-Policy allows exactly these
/// two by their SHA-256, so nothing else — an injected script included — would run.
enum DashboardAssets {
    /// System fonts, readable at 1280×800 and on a phone (below 720 px the tables become cards), light and dark.
    static let style: StaticString = """
        :root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--link:#0550ae;\
        --ok-fg:#116329;--ok-bg:#dafbe1;--warn-fg:#7d4e00;--warn-bg:#fff8c5;--drift-fg:#953800;--drift-bg:#fff1e5;\
        --fail-fg:#a40e26;--fail-bg:#ffebe9;--c2xx:#2da44e;--c4xx:#bf8700;--c429:#e16f24;--c5xx:#cf222e;--cnone:#8c959f;--climit:#0969da}
        @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;\
        --link:#4493f8;--ok-fg:#7ee787;--ok-bg:#12261e;--warn-fg:#e3b341;--warn-bg:#272115;--drift-fg:#ffa657;--drift-bg:#2b1a0e;\
        --fail-fg:#ff7b72;--fail-bg:#2d1214}}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Ubuntu,Cantarell,"Helvetica Neue",Arial,sans-serif;\
        color:var(--fg);background:var(--bg)}
        a{color:var(--link)}
        code,.digest{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.9em}
        .page{max-width:1240px;margin:0 auto;padding:16px 20px 32px}
        header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 16px;border-bottom:1px solid var(--line);padding-bottom:10px}
        header.top h1{font-size:1.35em;margin:0}
        header.top .where{color:var(--muted);overflow-wrap:anywhere}
        h2{font-size:1.1em;margin:22px 0 8px}
        .overview{display:grid;grid-template-columns:minmax(220px,1fr) 3fr;gap:12px 20px;margin-top:12px}
        .overall{border:1px solid var(--line);border-radius:8px;padding:12px 14px;background:var(--panel)}
        .overall .state{font-size:1.15em}
        .overall p{margin:6px 0 0;color:var(--muted)}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}
        dl.facts dt{color:var(--muted)}
        dl.facts dd{margin:0;overflow-wrap:anywhere}
        .state{display:inline-block;white-space:nowrap;font-weight:600;border-radius:999px;padding:1px 10px;border:1px solid currentColor}
        .state-in_sync{color:var(--ok-fg);background:var(--ok-bg)}
        .state-warning{color:var(--warn-fg);background:var(--warn-bg)}
        .state-drifted{color:var(--drift-fg);background:var(--drift-bg)}
        .state-failing{color:var(--fail-fg);background:var(--fail-bg)}
        .state-unknown{color:var(--muted);background:var(--panel)}
        .failure{border-left:4px solid var(--fail-fg);background:var(--fail-bg);padding:8px 12px;margin:12px 0 0;overflow-wrap:anywhere}
        .failure ul{margin:4px 0 0;padding-left:20px}
        table{border-collapse:collapse;width:100%}
        caption{text-align:left;color:var(--muted);padding:0 0 6px}
        th,td{text-align:left;vertical-align:top;padding:7px 10px;border-bottom:1px solid var(--line)}
        thead th{font-size:.85em;color:var(--muted);font-weight:600;background:var(--panel)}
        td,th{overflow-wrap:anywhere}
        table.models{table-layout:fixed}
        table.models thead th:nth-child(1){width:15%}table.models thead th:nth-child(2){width:12%}
        table.models thead th:nth-child(3){width:10%}table.models thead th:nth-child(4){width:24%}
        table.models thead th:nth-child(5){width:21%}table.models thead th:nth-child(6){width:18%}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        td.num{white-space:nowrap}
        .notes{margin:2px 0 0;color:var(--muted);overflow-wrap:anywhere;white-space:pre-line;max-width:46ch}
        .small,small{font-size:.85em;color:var(--muted)}
        .mark-yes{color:var(--ok-fg)}
        .mark-no{color:var(--fail-fg);font-weight:600}
        ul.plain{list-style:none;margin:0;padding:0}
        ul.plain li+li{margin-top:4px}
        ol.timeline{list-style:none;margin:0;padding:0;border-left:2px solid var(--line)}
        ol.timeline>li{position:relative;padding:4px 0 12px 18px}
        ol.timeline>li::before{content:"";position:absolute;left:-7px;top:10px;width:12px;height:12px;border-radius:50%;background:var(--line)}
        ol.timeline>li.k-applied::before,ol.timeline>li.k-drift_corrected::before,ol.timeline>li.k-up_to_date::before{background:var(--c2xx)}
        ol.timeline>li.k-failed::before,ol.timeline>li.k-refused::before{background:var(--c5xx)}
        ol.timeline>li.k-drift_detected::before{background:var(--c429)}
        ol.timeline ul{margin:4px 0 0;padding-left:18px}
        .kind{font-weight:600}
        .chart{width:100%;height:auto;max-height:300px;display:block}
        .chart .grid{stroke:var(--line);stroke-width:1}
        .chart .axis{fill:var(--muted);font-size:11px}
        .chart .limit{stroke:var(--climit);stroke-width:2;stroke-dasharray:6 4}
        .chart .limit-label{fill:var(--climit);font-size:11px}
        .o-2xx{fill:var(--c2xx);background:var(--c2xx)}.o-4xx{fill:var(--c4xx);background:var(--c4xx)}
        .o-429{fill:var(--c429);background:var(--c429)}.o-5xx{fill:var(--c5xx);background:var(--c5xx)}
        .o-none{fill:var(--cnone);background:var(--cnone)}.swatch-limit{background:var(--climit);height:3px!important}
        ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px;margin:6px 0;padding:0;font-size:.9em}
        .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:middle}
        details{margin-top:6px}
        footer{margin-top:28px;color:var(--muted);font-size:.85em}
        #live:empty{display:none}
        #live{background:var(--warn-bg);color:var(--warn-fg);padding:6px 10px;border-radius:6px}
        .versions td.missing{color:var(--muted);font-style:italic}
        tr.latest-row{background:var(--panel)}
        @media (max-width:720px){
        .page{padding:10px 12px 24px}
        .overview{grid-template-columns:1fr}
        dl.facts{grid-template-columns:1fr}
        dl.facts dt{margin-top:6px}
        table.cards thead{position:absolute;left:-9999px}
        table.cards caption{display:block;width:100%}
        table.cards,table.cards tbody,table.cards tr,table.cards th,table.cards td{display:block;width:100%}
        table.cards tr{border:1px solid var(--line);border-radius:8px;margin:0 0 10px;padding:4px 0}
        table.cards th,table.cards td{border:0;padding:4px 12px}
        table.cards td[data-label]::before{content:attr(data-label);display:block;font-size:.8em;color:var(--muted)}
        table.cards td.num{text-align:left}
        }
        """

    /// Refreshes the page's content every 10 seconds by fetching the page again (the same server-rendered
    /// HTML), keeping open `<details>` open; says so when the controller does not answer.
    static let script: StaticString = """
        (function(){var every=10000;var live=document.getElementById('live');var note=document.getElementById('refresh-note');\
        if(note){note.textContent='This page refreshes itself every 10 s.';}\
        function refresh(){fetch(location.href,{cache:'no-store',headers:{'Accept':'text/html'}}).then(function(r){\
        if(!r.ok){throw new Error('HTTP '+r.status);}return r.text();}).then(function(text){\
        var doc=new DOMParser().parseFromString(text,'text/html');var fresh=doc.querySelector('main');var old=document.querySelector('main');\
        if(!fresh||!old){return;}old.querySelectorAll('details[open][id]').forEach(function(d){var n=fresh.querySelector('#'+d.id);\
        if(n){n.open=true;}});old.replaceWith(document.adoptNode(fresh));document.title=doc.title;if(live){live.textContent='';}\
        }).catch(function(e){if(live){live.textContent='The controller did not answer ('+e.message+'); this is the page as of the last refresh.';}});}\
        setInterval(refresh,every);})();
        """

    /// `'sha256-…'` of `text`, as a Content-Security-Policy source.
    static func hashSource(_ text: StaticString) -> String {
        "'sha256-" + Data(HashFunction.sha256.hash(Data(text.description.utf8))).base64EncodedString() + "'"
    }

    /// The page's Content-Security-Policy: nothing may load from anywhere but this server; only the two
    /// inline blocks above run or apply.
    static let contentSecurityPolicy: String = [
        "default-src 'none'",
        "script-src \(hashSource(script))",
        "style-src \(hashSource(style))",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")
}

// report.json → one self-contained HTML file (inline CSS and JS, nothing fetched): a summary
// per target, the colour-coded matrix with filters by verdict and importance, and each cell
// opening its evidence (request, response, raw SSE, headers) and curl reproducer, then what
// one API surface loses that another keeps, and the client operations predicted to fail on
// each target.
//
// Everything from the report is hostile: the static markup is built with escapeHtml, the
// report itself is embedded as JSON in <script type="application/json"> with <, > and &
// written as \u escapes, and the script builds the evidence view with textContent only (no
// innerHTML anywhere). A Content-Security-Policy forbids any network access and any script
// but the report's own (by nonce), so even an escaping bug could not load or run anything.
import { createHash } from 'node:crypto';
import type { RelaycheckReport, ReportTarget } from '../../../spec/generated/types.js';
import { describeFinding, gateHeadline } from '../gate/gate.js';
import { formatCount, formatDate, formatDuration, REQUIRED_MARK, type RenderOptions } from './base.js';
import { costStatement } from './cost.js';
import { buildView, retryCount, supportShare, verdictCounts } from './model.js';
import { READINESS_CSS, readinessHtml } from './readiness.js';
import { CROSS_CSS, crossProtocolHtml } from './cross-protocol.js';
import { escapeHtml as h, jsonForScript, oneLine } from '../text.js';
import { MISSING, VERDICT_INFO, VERDICTS } from './verdicts.js';

export type HtmlOptions = RenderOptions;

const CSS = `
:root{--bg:#f6f7f9;--panel:#fff;--ink:#1f2933;--muted:#66727f;--line:#e3e7ec;--accent:#2f6fde;
--supported-bg:#e6f6eb;--supported-fg:#17663a;--partial-bg:#fdf1c7;--partial-fg:#8a5a00;
--rejected-bg:#ffe4cc;--rejected-fg:#9a3b0c;--ignored-bg:#ebe5fc;--ignored-fg:#5530a8;
--broken-bg:#fddede;--broken-fg:#a61b1b;--inconclusive-bg:#dff0fb;--inconclusive-fg:#15618f;
--error-bg:#fbe0ef;--error-fg:#9c1b5c;--skipped-bg:#eef1f4;--skipped-fg:#6b7785;--missing-bg:#fff;--missing-fg:#9aa5b1}
*{box-sizing:border-box}
html{font-size:14px}
body{margin:0;background:var(--bg);color:var(--ink);font:1rem/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Liberation Sans","DejaVu Sans","Noto Sans CJK SC",sans-serif}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono","Noto Sans Mono CJK SC",monospace;font-size:.86rem}
main{max-width:1600px;margin:0 auto;padding:18px 28px 48px}
header.top{display:flex;align-items:baseline;gap:16px;flex-wrap:wrap;margin-bottom:14px}
header.top h1{font-size:1.45rem;margin:0;letter-spacing:-.01em}
header.top h1 span{color:var(--muted);font-weight:500}
header.top .meta{color:var(--muted)}
.gate{border-radius:10px;padding:10px 14px;margin:0 0 14px;border:1px solid}
.gate.pass{background:var(--supported-bg);border-color:#a9dfba;color:var(--supported-fg)}
.gate.fail{background:var(--broken-bg);border-color:#f3b1b1;color:var(--broken-fg)}
.gate.stop{background:var(--partial-bg);border-color:#ecd27d;color:var(--partial-fg)}
.gate b{font-size:1.05rem}.gate ul{margin:6px 0 0;padding-left:20px;color:var(--ink)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px;margin-bottom:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.card-head{display:flex;align-items:baseline;justify-content:space-between;gap:10px}
.card h2{margin:0;font-size:1.1rem;overflow-wrap:anywhere}
.card .url{color:var(--muted);font-size:.82rem;margin:2px 0 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.card .models{margin:1px 0 0;font-size:.84rem;color:var(--muted);overflow-wrap:anywhere}
.card .models code{color:var(--ink);font-size:.8rem}
.health{margin:6px 0 0;font-size:.86rem;overflow-wrap:anywhere}.health-unmeasured{color:var(--error-fg)}
.score{display:flex;align-items:baseline;gap:5px;white-space:nowrap}
.score b{font-size:1.35rem;line-height:1}.score span{color:var(--muted);font-size:.86rem}
.bar{display:flex;height:8px;border-radius:4px;overflow:hidden;background:var(--skipped-bg);margin:8px 0 6px}
.bar i{display:block;height:100%}
.counts{display:flex;flex-wrap:wrap;gap:2px 10px;font-size:.84rem;margin-bottom:4px}
.counts span{white-space:nowrap}
.stats{margin:0;font-size:.82rem;color:var(--muted)}
.stats b{color:var(--ink);font-weight:600;font-variant-numeric:tabular-nums}
.toolbar{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;align-items:center;gap:8px 14px;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line)}
.toolbar .break{flex-basis:100%;height:0}
.toolbar .label{color:var(--muted);font-size:.86rem;margin-right:-6px}
.chips{display:flex;flex-wrap:wrap;gap:4px}
.chip{border:1px solid var(--line);background:var(--panel);border-radius:999px;padding:2px 10px;font:inherit;font-size:.86rem;cursor:pointer;color:var(--ink)}
.chip[aria-pressed=false]{opacity:.45;text-decoration:line-through}
.chip .n{color:var(--muted);margin-left:4px;font-variant-numeric:tabular-nums}
.toolbar input{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;min-width:200px}
.toolbar .shown{margin-left:auto;color:var(--muted);font-size:.86rem}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;color:var(--muted);font-size:.86rem;margin:10px 0 0}
table.matrix{border-collapse:separate;border-spacing:0;width:100%;background:var(--panel);border:1px solid var(--line);border-radius:10px;margin-top:10px}
.matrix thead th{position:sticky;top:var(--tb,46px);z-index:4;background:var(--panel);border-bottom:2px solid var(--line);text-align:center;padding:8px 6px;font-size:.93rem;overflow-wrap:anywhere}
.matrix thead th:first-child{text-align:left;padding-left:14px;border-top-left-radius:10px}
.matrix thead th:last-child{border-top-right-radius:10px}
.matrix tr.group th{background:#f0f3f6;text-align:left;padding:5px 14px;font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);border-bottom:1px solid var(--line)}
.matrix tbody tr.feature th{text-align:left;font-weight:normal;padding:4px 10px 4px 14px;border-bottom:1px solid var(--line);white-space:nowrap}
.matrix tbody tr.feature:hover th,.matrix tbody tr.feature:hover td{background:#f8fafc}
.matrix .ftitle{font-weight:600}
.matrix .fid{color:var(--muted);margin-left:6px;font-size:.8rem}
.imp{display:inline-block;font-size:.72rem;border-radius:4px;padding:0 5px;margin-left:6px;vertical-align:1px;border:1px solid var(--line);color:var(--muted)}
.imp.core{border-color:#9bb8ef;color:#2552a8;background:#eef3fd}
.matrix td{padding:3px 5px;border-bottom:1px solid var(--line);min-width:120px}
.cell{position:relative;display:flex;align-items:center;justify-content:center;gap:6px;width:100%;border:0;border-radius:6px;padding:4px 8px;font:inherit;font-size:.88rem;cursor:pointer;white-space:nowrap}
.cell:hover{outline:2px solid var(--accent);outline-offset:-1px}
.cell:focus-visible{outline:2px solid var(--accent)}
.cell .g{font-weight:700;width:1em;text-align:center}
.cell .req{position:absolute;top:1px;right:5px;font-size:.8rem;line-height:1}
.cell.dim{opacity:.18}
.v-supported{background:var(--supported-bg);color:var(--supported-fg)}
.v-partial{background:var(--partial-bg);color:var(--partial-fg)}
.v-rejected{background:var(--rejected-bg);color:var(--rejected-fg)}
.v-ignored{background:var(--ignored-bg);color:var(--ignored-fg)}
.v-broken{background:var(--broken-bg);color:var(--broken-fg)}
.v-inconclusive{background:var(--inconclusive-bg);color:var(--inconclusive-fg)}
.v-error{background:var(--error-bg);color:var(--error-fg)}
.v-skipped{background:var(--skipped-bg);color:var(--skipped-fg)}
.v-missing{background:var(--missing-bg);color:var(--missing-fg);border:1px dashed var(--line);cursor:default}
.bar .v-missing{border:0}
[hidden]{display:none!important}
.backdrop{position:fixed;inset:0;background:rgba(15,23,42,.18);z-index:9}
aside.drawer{position:fixed;top:0;right:0;bottom:0;width:min(760px,58vw);background:var(--panel);border-left:1px solid var(--line);box-shadow:-12px 0 32px rgba(15,23,42,.14);z-index:10;display:flex;flex-direction:column}
.drawer .head{padding:14px 18px 10px;border-bottom:1px solid var(--line)}
.drawer .head .close{float:right;border:0;background:none;font-size:1.5rem;line-height:1;cursor:pointer;color:var(--muted)}
.drawer h2{margin:4px 0 2px;font-size:1.2rem}
.drawer .sub{color:var(--muted);font-size:.86rem;overflow-wrap:anywhere}
.drawer .body{overflow:auto;padding:12px 18px 30px;flex:1}
.drawer h3{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:16px 0 6px}
.drawer h4{font-size:.86rem;margin:10px 0 4px}
.pill{display:inline-flex;align-items:center;gap:5px;border-radius:999px;padding:1px 10px;font-size:.86rem;font-weight:600}
.summary{font-size:1.02rem;margin:10px 0 0;overflow-wrap:anywhere}
.drawer ul.warn{margin:0;padding-left:18px}
pre{margin:0;background:#f6f8fa;border:1px solid var(--line);border-radius:6px;padding:8px 10px;white-space:pre-wrap;word-break:break-all;max-height:340px;overflow:auto}
.repro{position:relative}
.repro button{position:absolute;top:6px;right:6px;font:inherit;font-size:.8rem;border:1px solid var(--line);background:var(--panel);border-radius:5px;padding:1px 8px;cursor:pointer}
details.ex{border:1px solid var(--line);border-radius:8px;margin:0 0 8px;padding:0 10px}
details.ex>summary{cursor:pointer;padding:7px 0;font-size:.9rem;overflow-wrap:anywhere}
details.ex[open]>summary{border-bottom:1px solid var(--line);margin-bottom:6px}
.status{font-weight:700}.status.ok{color:var(--supported-fg)}.status.bad{color:var(--broken-fg)}
.kv{color:var(--muted);font-size:.84rem;margin:4px 0}
.note{color:var(--muted);font-size:.84rem}
@media (max-width:900px){main{padding:12px}aside.drawer{width:100vw}.matrix tbody tr.feature th{white-space:normal}}
/* Phones (390 px): nothing may widen the page. The matrix scrolls sideways inside its own
   box (its header stops being sticky there), cards and inputs shrink to the width. */
@media (max-width:600px){main{padding:8px}.matrix-wrap{overflow-x:auto}.matrix td{min-width:72px}
.cards{grid-template-columns:minmax(0,1fr)}.card-head{flex-wrap:wrap}.score{white-space:normal}
.toolbar input{min-width:0;width:100%}.toolbar .shown{margin-left:0}.matrix .fid{display:block;margin-left:0}}
`;

// The page's script: plain ES2020, no template literals. Builds DOM nodes with textContent.
const SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('relaycheck-data').textContent);
  var report = data.report;
  var GLYPH = data.glyphs;
  var state = { verdicts: {}, importance: {}, query: '' };
  data.verdicts.concat(['missing']).forEach(function (v) { state.verdicts[v] = true; });
  ['core', 'common', 'optional'].forEach(function (i) { state.importance[i] = true; });

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  // Summaries mark code with backticks (as in Markdown): shown as <code>, built with textContent.
  function prose(tag, cls, text) {
    var node = el(tag, cls);
    String(text).split('\x60').forEach(function (part, i) { if (part) add(node, i % 2 ? el('code', null, part) : document.createTextNode(part)); });
    return node;
  }
  function add(parent) { for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]); return parent; }
  // Control characters made visible (\u0000), so evidence shows what the server really sent.
  function visible(s) {
    return String(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g, function (c) {
      return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }
  function pre(text) { return el('pre', null, visible(text)); }
  function pretty(v) {
    if (typeof v === 'string') return v;
    try { return JSON.stringify(v, null, 2); } catch (e) { return String(v); }
  }
  function headerText(hs) {
    var names = Object.keys(hs || {});
    if (!names.length) return '(none)';
    return names.map(function (n) { return n + ': ' + hs[n]; }).join('\n');
  }
  function findResult(t, f) {
    var target = report.targets[t];
    if (!target) return null;
    for (var i = 0; i < target.results.length; i++) if (target.results[i].feature === f) return target.results[i];
    return null;
  }

  // ------------------------------------------------------------ evidence drawer
  var drawer = document.getElementById('drawer');
  var lastCell = null;
  var backdrop = document.getElementById('backdrop');
  backdrop.addEventListener('click', function () { closeDrawer(); });
  function closeDrawer() {
    drawer.hidden = true;
    backdrop.hidden = true;
    if (history.replaceState) history.replaceState(null, '', location.pathname + location.search);
    if (lastCell) lastCell.focus();
  }
  drawer.querySelector('.close').addEventListener('click', closeDrawer);
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && !drawer.hidden) closeDrawer(); });

  function exchangeView(ex, i, open) {
    var d = el('details', 'ex');
    if (open) d.open = true;
    var s = el('summary');
    var req = ex.request || {};
    add(s, el('b', null, (ex.label || 'exchange ' + (i + 1)) + '  '), el('span', 'mono', (req.method || '') + ' ' + (req.url || '')));
    if (ex.response) {
      var ok = ex.response.status >= 200 && ex.response.status < 300;
      add(s, document.createTextNode('  → '), el('span', 'status ' + (ok ? 'ok' : 'bad'), ex.response.status));
    } else if (ex.error) {
      add(s, document.createTextNode('  → '), el('span', 'status bad', 'no response'));
    }
    if (ex.timing && typeof ex.timing.ms === 'number') add(s, el('span', 'note', '  ' + Math.round(ex.timing.ms) + ' ms'));
    add(d, s);
    if (ex.error) add(d, el('h4', null, 'Error'), pre(ex.error));
    var meta = [];
    if (ex.attempts > 1) meta.push(ex.attempts + ' attempts');
    (ex.previousAttempts || []).forEach(function (a) {
      meta.push('retried after ' + (a.status ? 'HTTP ' + a.status : a.error || '?') + (a.retryAfter ? ' (Retry-After ' + a.retryAfter + ')' : '') + ', waited ' + Math.round(a.waitMs) + ' ms');
    });
    if (ex.timing && typeof ex.timing.firstByteMs === 'number') meta.push('first byte ' + Math.round(ex.timing.firstByteMs) + ' ms');
    if (meta.length) add(d, el('p', 'kv', meta.join(' · ')));
    (ex.notes || []).forEach(function (n) { add(d, el('p', 'note', '• ' + n)); });
    add(d, el('h4', null, 'Request headers'), pre(headerText(req.headers)));
    if (typeof req.bodyRaw === 'string') add(d, el('h4', null, 'Request body (raw)'), pre(req.bodyRaw));
    else if (req.body !== null && req.body !== undefined) add(d, el('h4', null, 'Request body' + (req.truncated ? ' (truncated)' : '')), pre(pretty(req.body)));
    var res = ex.response;
    if (res) {
      add(d, el('h4', null, 'Response headers (HTTP ' + res.status + ')'), pre(headerText(res.headers)));
      if (typeof res.rawSse === 'string') add(d, el('h4', null, 'Raw SSE' + (res.truncated ? ' (truncated)' : '')), pre(res.rawSse));
      if (res.body !== null && res.body !== undefined) add(d, el('h4', null, 'Response body' + (res.bodyKind ? ' (' + res.bodyKind + ')' : '') + (res.truncated ? ' (truncated)' : '')), pre(pretty(res.body)));
      else if (typeof res.rawSse !== 'string') add(d, el('p', 'note', 'Empty response body (' + res.bytes + ' bytes received).'));
    }
    return d;
  }

  function openCell(cell) {
    var t = Number(cell.getAttribute('data-t'));
    var f = cell.getAttribute('data-f');
    var r = findResult(t, f);
    var target = report.targets[t];
    if (!target) return;
    lastCell = cell;
    var head = drawer.querySelector('.head');
    var body = drawer.querySelector('.body');
    while (head.childNodes.length > 1) head.removeChild(head.lastChild);
    while (body.firstChild) body.removeChild(body.firstChild);
    var feature = data.features[f] || { title: f, importance: '' };
    var verdict = r ? r.verdict : 'missing';
    add(head, el('span', 'pill v-' + verdict, (GLYPH[verdict] || '') + ' ' + (r ? verdict : 'no result')));
    add(head, el('h2', null, feature.title));
    add(head, el('div', 'sub', f + (feature.importance ? ' · ' + feature.importance : '') + ' · ' + target.name + ' · ' + target.baseUrl));
    if (!r) {
      add(body, el('p', 'summary', 'The report has no result for this feature on this target.'));
    } else {
      add(body, prose('p', 'summary', r.summary));
      if (r.warnings && r.warnings.length) {
        var ul = el('ul', 'warn');
        r.warnings.forEach(function (w) { add(ul, el('li', null, w)); });
        add(body, el('h3', null, 'Warnings'), ul);
      }
      if (r.reproduce) {
        var box = el('div', 'repro');
        var code = pre(r.reproduce);
        var copy = el('button', null, 'Copy');
        copy.type = 'button';
        copy.addEventListener('click', function () {
          var done = function () { copy.textContent = 'Copied'; setTimeout(function () { copy.textContent = 'Copy'; }, 1500); };
          if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(r.reproduce).then(done, function () {});
          else { var range = document.createRange(); range.selectNodeContents(code); var sel = getSelection(); sel.removeAllRanges(); sel.addRange(range); }
        });
        add(box, code, copy);
        add(body, el('h3', null, 'Reproduce (curl; the key comes from an environment variable)'), box);
      }
      var ev = r.evidence || [];
      add(body, el('h3', null, 'Evidence (' + ev.length + ' exchange' + (ev.length === 1 ? '' : 's') + ')'));
      if (!ev.length) add(body, el('p', 'note', 'No exchange recorded.'));
      ev.forEach(function (ex, i) { add(body, exchangeView(ex, i, i === ev.length - 1)); });
      if (r.details && Object.keys(r.details).length) add(body, el('h3', null, 'Details'), pre(pretty(r.details)));
    }
    drawer.hidden = false;
    backdrop.hidden = false;
    drawer.querySelector('.close').focus();
    // A shareable link to this cell: #t=<target index>&f=<feature id>.
    if (history.replaceState) history.replaceState(null, '', '#t=' + t + '&f=' + encodeURIComponent(f));
  }
  function openFromHash() {
    var m = /^#t=(\d+)&f=([^&]+)$/.exec(location.hash);
    if (!m) return;
    var f = decodeURIComponent(m[2]);
    var cells = document.querySelectorAll('#matrix button.cell');
    for (var i = 0; i < cells.length; i++) {
      if (cells[i].getAttribute('data-t') === m[1] && cells[i].getAttribute('data-f') === f && !cells[i].disabled) { openCell(cells[i]); return; }
    }
  }
  document.getElementById('matrix').addEventListener('click', function (e) {
    var cell = e.target.closest ? e.target.closest('button.cell') : null;
    if (cell && !cell.disabled) openCell(cell);
  });

  // ------------------------------------------------------------ filters
  function apply() {
    var q = state.query.trim().toLowerCase();
    var shown = 0;
    var rows = document.querySelectorAll('#matrix tbody tr');
    var groupRow = null, groupVisible = false;
    function closeGroup() { if (groupRow) groupRow.hidden = !groupVisible; }
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      if (row.classList.contains('group')) { closeGroup(); groupRow = row; groupVisible = false; continue; }
      var imp = row.getAttribute('data-importance');
      var text = (row.getAttribute('data-search') || '').toLowerCase();
      var any = false;
      var cells = row.querySelectorAll('.cell');
      for (var j = 0; j < cells.length; j++) {
        var on = !!state.verdicts[cells[j].getAttribute('data-v')];
        cells[j].classList.toggle('dim', !on);
        if (on) any = true;
      }
      var visibleRow = any && !!state.importance[imp] && (q === '' || text.indexOf(q) !== -1);
      row.hidden = !visibleRow;
      if (visibleRow) { shown++; groupVisible = true; }
    }
    closeGroup();
    document.getElementById('shown').textContent = shown + ' of ' + data.featureCount + ' features shown';
  }
  function bindChips(selector, map, key) {
    var chips = document.querySelectorAll(selector);
    for (var i = 0; i < chips.length; i++) {
      chips[i].addEventListener('click', function (e) {
        var chip = e.currentTarget;
        var k = chip.getAttribute(key);
        map[k] = !map[k];
        chip.setAttribute('aria-pressed', String(map[k]));
        apply();
      });
    }
  }
  bindChips('.chip[data-verdict]', state.verdicts, 'data-verdict');
  bindChips('.chip[data-importance]', state.importance, 'data-importance');
  document.getElementById('q').addEventListener('input', function (e) { state.query = e.target.value; apply(); });
  document.getElementById('only-problems').addEventListener('click', function () {
    var chips = document.querySelectorAll('.chip[data-verdict]');
    for (var i = 0; i < chips.length; i++) {
      var v = chips[i].getAttribute('data-verdict');
      state.verdicts[v] = v !== 'supported' && v !== 'skipped';
      chips[i].setAttribute('aria-pressed', String(state.verdicts[v]));
    }
    apply();
  });
  // Keep the matrix header just under the sticky toolbar, whatever its height.
  var toolbar = document.querySelector('.toolbar');
  function fitHeader() { document.documentElement.style.setProperty('--tb', toolbar.offsetHeight + 'px'); }
  window.addEventListener('resize', fitHeader);
  fitHeader();
  apply();
  openFromHash();
  // The across-protocols section links feature ids to their cells (#t=…&f=…).
  window.addEventListener('hashchange', openFromHash);
})();
`;

function cardHtml(t: ReportTarget, total: number): string {
  const c = verdictCounts(t);
  const retried = retryCount(t);
  const missing = Math.max(0, total - VERDICTS.reduce((n, v) => n + c[v], 0));
  const segments = VERDICTS.filter((v) => c[v] > 0)
    .map(
      (v) =>
        `<i class="v-${v}" style="width:${((100 * c[v]) / Math.max(1, total)).toFixed(2)}%" title="${h(v)}: ${c[v]}"></i>`,
    )
    .join('');
  const counts = VERDICTS.filter((v) => v !== 'supported' && c[v] > 0)
    .map((v) => `<span class="c-${v}">${h(VERDICT_INFO[v].glyph)} ${c[v]} ${h(v)}</span>`)
    .concat(missing > 0 ? [`<span>${h(MISSING.glyph)} ${missing} no result</span>`] : [])
    .join('');
  const models = [`model <code>${h(t.model)}</code>`];
  if (t.reasoningModel) models.push(`reasoning <code>${h(t.reasoningModel)}</code>`);
  if (t.visionModel) models.push(`vision <code>${h(t.visionModel)}</code>`);
  if (t.messagesModel) models.push(`messages <code>${h(t.messagesModel)}</code>`);
  const share = supportShare(t, total);
  const pct = share.percent === undefined ? '' : ` · ${share.percent}%`;
  const of = share.applicable === total ? `${total}` : `${share.applicable} that apply`;
  return `<article class="card">
<div class="card-head"><h2>${h(t.name)}</h2><div class="score"><b>${c.supported}</b><span>/ ${of} supported${pct}</span></div></div>
<p class="url mono" title="${h(t.baseUrl)}">${h(t.baseUrl)}</p>
<p class="models">${models.join(' · ')}</p>
<div class="bar">${segments}</div>
${t.health && t.health.status !== 'healthy' ? `<p class="health health-${h(t.health.status)}">${t.health.status === 'unmeasured' ? '<b>not measured:</b> ' : ''}${h(t.health.line)}</p>` : ''}
<div class="counts">${counts || '<span>every feature supported</span>'}</div>
<p class="stats"><b>${formatCount(t.usage.requests)}</b> requests${retried > 0 ? ` (${retried} retried)` : ''} · <b>${formatCount(t.usage.promptTokens)}</b> + <b>${formatCount(t.usage.completionTokens)}</b> tokens (prompt + completion) · ${h(costStatement(t))} · <b>${h(formatDuration(t.durationMs))}</b>${t.deadlineMs !== undefined ? ` (deadline ${h(formatDuration(t.deadlineMs))})` : ''}</p>
</article>`;
}

function gateHtml(options: HtmlOptions): string {
  const gate = options.gate;
  if (!gate?.checked) return '';
  const cls = gate.exitCode === 0 ? 'pass' : gate.exitCode === 1 ? 'fail' : 'stop';
  const word = gate.exitCode === 0 ? 'Gate passed' : gate.exitCode === 1 ? 'Gate failed' : 'Gate could not run';
  const items = [
    ...gate.problems.map((p) => `<li>${h(p)}</li>`),
    ...gate.failures.map((f) => `<li>✗ ${h(describeFinding(f))}</li>`),
    ...gate.improvements.map((f) => `<li>↑ ${h(describeFinding(f))}</li>`),
    ...gate.notes.filter((f) => f.kind !== 'new').map((f) => `<li>· ${h(describeFinding(f))}</li>`),
  ];
  return `<section class="gate ${cls}"><b>${word}</b> — ${h(gateHeadline(gate))}${items.length ? `<ul>${items.join('')}</ul>` : ''}</section>`;
}

export function renderHtml(input: RelaycheckReport, options: HtmlOptions = {}): string {
  const view = buildView(input, options.require);
  const { report, targets } = view;
  const total = view.features.length;

  // Verdict totals over the whole matrix, for the filter chips.
  const totals: Record<string, number> = Object.fromEntries([...VERDICTS, 'missing'].map((v) => [v, 0]));
  const rows: string[] = [];
  for (const group of view.groups) {
    rows.push(`<tr class="group"><th colspan="${targets.length + 1}">${h(group.title)}</th></tr>`);
    for (const f of group.features) {
      const cells = targets.map((t, i) => {
        const r = view.result(i, f.id);
        const v = r ? r.verdict : 'missing';
        totals[v] = (totals[v] ?? 0) + 1;
        const glyph = r ? VERDICT_INFO[r.verdict].glyph : MISSING.glyph;
        const req = view.required(i).has(f.id)
          ? `<span class="req" title="required by the gate">${REQUIRED_MARK}</span>`
          : '';
        const title = r
          ? `${t.name} · ${r.verdict}: ${oneLine(r.summary.replaceAll('`', ''), 300)}`
          : `${t.name} · no result`;
        return `<td><button type="button" class="cell v-${v}" data-t="${i}" data-f="${h(f.id)}" data-v="${v}" title="${h(title)}"${r ? '' : ' disabled'}><span class="g">${h(glyph)}</span>${h(r ? r.verdict : 'no result')}${req}</button></td>`;
      });
      const search = `${f.title} ${f.id}`;
      rows.push(
        `<tr class="feature" data-importance="${f.importance}" data-search="${h(search)}"><th><span class="ftitle">${h(f.title)}</span><code class="fid">${h(f.id)}</code><span class="imp ${f.importance}">${f.known ? f.importance : 'unknown'}</span></th>${cells.join('')}</tr>`,
      );
    }
  }

  const verdictChips = [...VERDICTS, 'missing' as const]
    .filter((v) => v !== 'missing' || (totals.missing ?? 0) > 0)
    .map((v) => {
      const glyph = v === 'missing' ? MISSING.glyph : VERDICT_INFO[v].glyph;
      const label = v === 'missing' ? 'no result' : v;
      return `<button type="button" class="chip v-${v}" data-verdict="${v}" aria-pressed="true"><span class="g">${h(glyph)}</span> ${label}<span class="n">${totals[v] ?? 0}</span></button>`;
    })
    .join('');
  const importanceChips = (['core', 'common', 'optional'] as const)
    .map(
      (i) =>
        `<button type="button" class="chip" data-importance="${i}" aria-pressed="true">${i}<span class="n">${view.features.filter((f) => f.importance === i).length}</span></button>`,
    )
    .join('');
  const legend = VERDICTS.map(
    (v) =>
      `<span><span class="pill v-${v}">${h(VERDICT_INFO[v].glyph)} ${v}</span> ${h(VERDICT_INFO[v].meaning)}</span>`,
  ).join('');

  const data = {
    report,
    verdicts: VERDICTS,
    glyphs: { ...Object.fromEntries(VERDICTS.map((v) => [v, VERDICT_INFO[v].glyph])), missing: MISSING.glyph },
    features: Object.fromEntries(view.features.map((f) => [f.id, { title: f.title, importance: f.importance }])),
    featureCount: total,
  };
  const json = jsonForScript(data);
  const nonce = createHash('sha256').update(json).update(SCRIPT).digest('base64').slice(0, 24);
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const head = `${h(report.tool.name)} ${h(report.tool.version)} · generated ${h(formatDate(report.generatedAt))} · ${targets.length} target${targets.length === 1 ? '' : 's'} × ${total} features`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="referrer" content="no-referrer">
<title>relaycheck report · ${h(targets.map((t) => t.name).join(', '))}</title>
<style>${CSS}${READINESS_CSS}${CROSS_CSS}</style>
</head>
<body>
<main>
<header class="top"><h1>relaycheck <span>compatibility report</span></h1><span class="meta">${head}</span></header>
${gateHtml(options)}
<section class="cards">${targets.map((t) => cardHtml(t, total)).join('\n')}</section>
<section class="toolbar" aria-label="Filters">
<span class="label">Verdict</span><div class="chips">${verdictChips}</div>
<button type="button" class="chip" id="only-problems">only problems</button>
<span class="break"></span>
<span class="label">Importance</span><div class="chips">${importanceChips}</div>
<input id="q" type="search" placeholder="Filter features…" aria-label="Filter features by name or id">
<span class="shown" id="shown">${total} features</span>
</section>
<div class="matrix-wrap">
<table class="matrix" id="matrix">
<thead><tr><th>Feature</th>${targets.map((t) => `<th>${h(t.name)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>
<div class="legend">${legend}<span>${REQUIRED_MARK} required by the gate · click a cell for its evidence</span></div>
${crossProtocolHtml(targets)}
${readinessHtml(targets)}
</main>
<div class="backdrop" id="backdrop" hidden></div>
<aside class="drawer" id="drawer" hidden aria-label="Evidence"><div class="head"><button type="button" class="close" aria-label="Close">×</button></div><div class="body"></div></aside>
<script type="application/json" id="relaycheck-data">${json}</script>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>
`;
}

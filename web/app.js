// SPDX-License-Identifier: Apache-2.0
// The sunbridge dashboard: live values from the daemon's stream, the battery, charts, settings
// and (after a login, when the daemon allows it) control. No inline script: the page's CSP
// allows only this file and Chart.js, both served by the daemon.
'use strict';

const LABELS = {
  en: {
    connecting: 'connecting', online: 'online', degraded: 'degraded', offline: 'offline',
    stale: 'stale', reconnecting: 'reconnecting', tab_live: 'Live', tab_battery: 'Battery',
    tab_charts: 'Charts', tab_settings: 'Settings', pv: 'PV', battery: 'Battery', grid: 'Grid',
    load: 'Home', soc: 'Charge', grid_v: 'Grid V', output_v: 'Output V', load_kw: 'Load kW',
    inverter_state: 'Inverter', checks: 'Checks', day: 'Day', week: 'Week', month: 'Month',
    show: 'Show', trend: 'Trend', zoom_in: 'Zoom in', zoom_out: 'Zoom out', profile: 'Profile',
    active: 'Active', why: 'Why', next_change: 'Next change', control: 'Control',
    password: 'Password', login: 'Log in', logout: 'Log out', parameter: 'Parameter',
    value: 'Value', write: 'Write', override: 'Override', hold: 'Hold settings',
    pin: 'Pin a profile', clear: 'Clear overrides', until: 'Until', apply: 'Apply',
    audit: 'Changes written', events: 'Events', updated: 'updated', packs_online: 'packs online',
    cells: 'cells', lowest: 'lowest', highest: 'highest', cycles: 'cycles', temps: 'temperatures',
    band: 'Band', grid_kwh: 'Grid kWh', yen: 'Yen', total: 'Total', saving: 'Saving vs no system',
    no_report: 'No energy figures for this period yet.', read_only: 'Read-only dashboard.',
    written: 'Written and read back.', refused: 'Refused', none: 'none', points: 'points',
    time: 'Time', cause: 'Cause', result: 'Result', param: 'Parameter', w: 'W', kw: 'kW',
  },
  ja: {
    connecting: '接続中', online: 'オンライン', degraded: '不安定', offline: 'オフライン',
    stale: '古いデータ', reconnecting: '再接続中', tab_live: 'ライブ', tab_battery: '蓄電池',
    tab_charts: 'グラフ', tab_settings: '設定', pv: '太陽光', battery: '蓄電池', grid: '系統',
    load: '家庭', soc: '残量', grid_v: '系統 V', output_v: '出力 V', load_kw: '負荷 kW',
    inverter_state: 'インバーター', checks: 'チェック', day: '日', week: '週', month: '月',
    show: '表示', trend: '推移', zoom_in: '拡大', zoom_out: '縮小', profile: 'プロファイル',
    active: '現在', why: '理由', next_change: '次の変更', control: '操作',
    password: 'パスワード', login: 'ログイン', logout: 'ログアウト', parameter: 'パラメーター',
    value: '値', write: '書き込み', override: '一時変更', hold: '設定を保持',
    pin: 'プロファイルを固定', clear: '一時変更を解除', until: '期限', apply: '適用',
    audit: '書き込み履歴', events: 'イベント', updated: '更新', packs_online: 'パック接続',
    cells: 'セル', lowest: '最低', highest: '最高', cycles: 'サイクル', temps: '温度',
    band: '時間帯', grid_kwh: '買電 kWh', yen: '円', total: '合計', saving: 'システムなしとの差',
    no_report: 'この期間の電力量はまだありません。', read_only: '閲覧専用です。',
    written: '書き込み、読み戻しました。', refused: '拒否', none: 'なし', points: '点',
    time: '時刻', cause: '要因', result: '結果', param: 'パラメーター', w: 'W', kw: 'kW',
  },
};

const state = {
  lang: localStorage.getItem('sb.lang') || (navigator.language.startsWith('ja') ? 'ja' : 'en'),
  status: null, csrf: null, control: false, chart: null, trend: null,
  trendEnd: null, trendSpanH: 24, trendAsked: 0, chartAsked: 0, lastSeen: 0,
};
window.sunbridge = { firstLiveMs: null, liveUpdates: 0, chartPoints: 0, trendPoints: 0 };

const $ = (id) => document.getElementById(id);
const t = (key) => (LABELS[state.lang] && LABELS[state.lang][key]) || LABELS.en[key] || key;
const locale = () => (state.lang === 'ja' ? 'ja-JP' : 'en-GB');
function num(v, digits) {
  return new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}
function when(iso) {
  if (!iso) return '-';
  const tz = state.status && state.status.daemon ? state.status.daemon.timezone : undefined;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'medium', timeZone: tz }).format(new Date(iso));
}
function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

async function getJson(url, options) {
  const res = await fetch(url, Object.assign({ credentials: 'same-origin' }, options || {}));
  let body = null;
  try { body = await res.json(); } catch (e) { body = { ok: false, error: res.statusText }; }
  return { status: res.status, body };
}

function applyLabels() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  $('lang').textContent = state.lang === 'ja' ? 'English' : '日本語';
}

// ---- Live ----------------------------------------------------------------------------------

function point(name) {
  const s = state.status;
  return s && s.points ? s.points[name] : undefined;
}
// The value when fresh; otherwise null, and the element is marked stale.
function showValue(id, name, scale, digits) {
  const p = point(name);
  const e = $(id);
  if (!e) return null;
  const fresh = p && p.quality === 'ok' && typeof p.value === 'number';
  const v = fresh ? p.value : p && typeof p.last_value === 'number' ? p.last_value : null;
  e.textContent = v === null ? '-' : num(v * scale, digits);
  e.classList.toggle('stale', !fresh);
  e.dataset.value = fresh ? String(p.value) : '';
  return fresh ? p.value : null;
}

function setFlow(id, watts, reverse) {
  const line = $(id);
  const active = watts !== null && Math.abs(watts) >= 20;
  line.classList.toggle('active', active);
  line.classList.toggle('reverse', active && reverse(watts));
}

function renderStatus(s) {
  state.status = s;
  const link = s.daemon && s.daemon.link ? s.daemon.link.state : 'offline';
  const badge = $('link-badge');
  badge.className = 'badge ' + link;
  badge.textContent = t(link);
  $('updated').textContent = t('updated') + ' ' + when(s.daemon ? s.daemon.now : null);
  const pv = showValue('pv-kw', 'pv.power', 0.001, 2);
  const bat = showValue('battery-kw', 'battery.power', 0.001, 2);
  const grid = showValue('grid-kw', 'grid.power', 0.001, 2);
  const load = showValue('load-kw', 'load.power', 0.001, 2);
  // The lines are drawn PV -> hub, battery -> hub, hub -> grid, hub -> load, and the dashes move
  // that way unless reversed.
  setFlow('line-pv', pv, () => false);
  setFlow('line-battery', bat, (w) => w > 0);  // + charging: hub -> battery
  setFlow('line-grid', grid, (w) => w > 0);    // + bought: grid -> hub
  setFlow('line-load', load, () => false);
  const soc = showValue('soc', 'battery.soc', 1, 0);
  $('soc-bar').style.width = soc === null ? '0' : Math.max(0, Math.min(100, soc)) + '%';
  showValue('grid-l1-v', 'grid.l1.voltage', 1, 1);
  showValue('grid-l2-v', 'grid.l2.voltage', 1, 1);
  showValue('output-l1-v', 'output.l1.voltage', 1, 1);
  showValue('output-l2-v', 'output.l2.voltage', 1, 1);
  showValue('load-l1-kw', 'load.l1.power', 0.001, 2);
  showValue('load-l2-kw', 'load.l2.power', 0.001, 2);
  showValue('grid-hz', 'grid.frequency', 1, 2);
  showValue('output-hz', 'output.frequency', 1, 2);
  const st = point('inverter.state');
  $('inverter-state').textContent = st && st.value !== null && st.value !== undefined ? String(st.value) : '-';
  if (Array.isArray(s.checks)) renderChecks(s.checks);
  if (soc !== null && window.sunbridge.firstLiveMs === null) window.sunbridge.firstLiveMs = performance.now();
  window.sunbridge.liveUpdates += 1;
}

function renderChecks(list) {
  const ul = $('checks');
  clear(ul);
  for (const c of list) {
    const li = el('li', null, c.level);
    let text = c.name + ': ' + c.level;
    if (c.state) text += ' (' + c.state + ')';
    if (typeof c.value === 'number') text += ' ' + num(c.value, 1) + (c.unit ? ' ' + c.unit : '');
    li.textContent = text;
    ul.appendChild(li);
  }
}

function startLive() {
  getJson('/api/v1/snapshot').then((r) => { if (r.body && r.body.ok) renderStatus(r.body); });
  getJson('/api/v1/checks').then((r) => { if (r.body && r.body.ok) renderChecks(r.body.checks); });
  // EventSource reconnects by itself and sends Last-Event-ID, so a reconnect resumes.
  const source = new EventSource('/api/v1/stream');
  source.addEventListener('status', (e) => {
    state.lastSeen = Date.now();
    renderStatus(JSON.parse(e.data));
  });
  source.onerror = () => {
    const badge = $('link-badge');
    badge.className = 'badge stale';
    badge.textContent = t('reconnecting');
  };
  // Values older than three poll intervals are shown as stale even if the stream is silent.
  setInterval(() => {
    if (state.lastSeen && Date.now() - state.lastSeen > 60000) {
      $('link-badge').className = 'badge stale';
      $('link-badge').textContent = t('stale');
      for (const e of document.querySelectorAll('#tab-live [data-value]')) e.classList.add('stale');
    }
  }, 5000);
}

// ---- Battery -------------------------------------------------------------------------------

async function loadBattery() {
  const r = await getJson('/api/v1/battery');
  if (!r.body || !r.body.ok) return;
  const b = r.body;
  const p = (name) => b.points[name];
  const val = (name) => (p(name) && p(name).quality === 'ok' ? p(name).value : null);
  const online = val('bank.packs_online');
  $('bank-summary').textContent = (online === null ? '-' : online) + ' / ' + b.packs.length + ' ' + t('packs_online');
  const box = $('packs');
  clear(box);
  for (const n of b.packs) {
    const pre = 'pack.' + n + '.';
    const div = el('div', null, 'pack');
    const soc = val(pre + 'soc');
    const volt = val(pre + 'voltage');
    const cur = val(pre + 'current');
    div.appendChild(el('h3', '#' + n + '  ' + (soc === null ? '-' : num(soc, 0) + ' %') +
      '  ' + (volt === null ? '-' : num(volt, 2) + ' V') + '  ' + (cur === null ? '-' : num(cur, 1) + ' A')));
    const cells = [];
    for (let i = 1; i <= b.cells; i++) cells.push(val(pre + 'cell.' + i));
    const known = cells.filter((v) => v !== null);
    const lo = known.length ? Math.min(...known) : null;
    const hi = known.length ? Math.max(...known) : null;
    const grid = el('div', null, 'cells');
    cells.forEach((v, i) => {
      const c = el('span', (i + 1) + ': ' + (v === null ? '-' : v), 'cell');
      if (v !== null && v === lo) { c.classList.add('min'); c.title = t('lowest'); }
      if (v !== null && v === hi && hi !== lo) { c.classList.add('max'); c.title = t('highest'); }
      grid.appendChild(c);
    });
    div.appendChild(grid);
    const temps = [];
    for (const name of Object.keys(b.points)) {
      if (name.startsWith(pre + 'temp.') && val(name) !== null) temps.push(num(val(name), 1) + '°C');
    }
    const flags = ['status', 'alarms', 'balancing']
      .map((k) => val(pre + k)).filter((v) => v !== null && v !== '' && !(Array.isArray(v) && !v.length))
      .map((v) => (Array.isArray(v) ? v.join(', ') : String(v)));
    const cyc = val(pre + 'cycles');
    div.appendChild(el('p', t('temps') + ': ' + (temps.join(' ') || '-') + '  ' + t('cycles') + ': ' +
      (cyc === null ? '-' : cyc) + (flags.length ? '  ' + flags.join('; ') : ''), 'muted'));
    box.appendChild(div);
  }
}

// ---- Charts --------------------------------------------------------------------------------

const COLOURS = { pv: '#e0a000', load: '#b04a9a', grid: '#4a6fd0', battery: '#2e8b57', soc: '#333',
  band1: 'rgba(70,130,180,0.12)', band2: 'rgba(46,139,87,0.12)', band3: 'rgba(224,160,0,0.15)', band4: 'rgba(192,57,43,0.15)' };

// Tariff bands shaded behind a day's curves (drawn by this plugin: no inline styles needed).
const bandShading = {
  id: 'bandShading',
  beforeDatasetsDraw(chart, args, options) {
    const shades = options.shades || [];
    const x = chart.scales.x;
    const area = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    for (const s of shades) {
      ctx.fillStyle = COLOURS[s.colour] || 'rgba(0,0,0,0.05)';
      const x0 = x.getPixelForValue(s.x0);
      const x1 = x.getPixelForValue(s.x1);
      ctx.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
    }
    ctx.restore();
  },
};

function drawPlot(spec) {
  if (state.chart) state.chart.destroy();
  const canvas = $('chart');
  let config;
  if (spec.kind === 'bars') {
    const datasets = spec.bars.map((b) => ({ label: b.name, data: b.values, backgroundColor: COLOURS[b.colour] ? COLOURS[b.colour].replace(/0\.1[25]\)/, '0.8)') : '#888', stack: 's' }));
    config = { type: 'bar', data: { labels: spec.categories, datasets },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: spec.bar_y_label } } } } };
  } else {
    const datasets = [];
    spec.panels.forEach((panel, i) => {
      for (const line of panel.lines) {
        const data = [];
        line.x.forEach((x, j) => { if (line.y[j] !== null) data.push({ x, y: line.y[j] }); });
        datasets.push({ label: line.name, data, borderColor: COLOURS[line.colour] || '#555', pointRadius: 0, borderWidth: 1.5, yAxisID: i === 0 ? 'y' : 'y1', spanGaps: false });
      }
    });
    const p0 = spec.panels[0] || {};
    config = { type: 'line', data: { datasets },
      options: { animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
        scales: { x: { type: 'linear', min: spec.x_min, max: spec.x_max, title: { display: true, text: spec.x_label } },
          y: { position: 'left', min: p0.y_min, max: p0.y_max, title: { display: true, text: p0.y_label } },
          y1: { position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: spec.panels[1] ? spec.panels[1].y_label : '' } } },
        plugins: { bandShading: { shades: spec.shades } } },
      plugins: [bandShading] };
  }
  state.chart = new Chart(canvas, config);
  // What Chart.js drew, not what it was given: the browser test compares it with the history.
  let drawn = 0;
  for (let i = 0; i < state.chart.data.datasets.length; i++) drawn += state.chart.getDatasetMeta(i).data.length;
  canvas.dataset.points = String(drawn);
  window.sunbridge.chartPoints = drawn;
  $('chart-note').textContent = spec.note || '';
}

async function loadChart() {
  const asked = ++state.chartAsked;
  const kind = $('chart-kind').value;
  const date = $('chart-date').value;
  const q = new URLSearchParams({ kind });
  if (date) q.set('date', date);
  const r = await getJson('/api/v1/chart?' + q);
  if (asked !== state.chartAsked) return;  // a newer choice is on its way: never draw an older one over it
  if (r.body && r.body.ok) drawPlot(r.body.chart);
  else $('chart-note').textContent = (r.body && r.body.error) || '';
  const period = kind;
  const rq = new URLSearchParams({ period });
  if (date) rq.set('date', date);
  const rep = await getJson('/api/v1/report?' + rq);
  if (asked !== state.chartAsked) return;
  renderReport(rep.body);
}

function renderReport(r) {
  const table = $('energy');
  clear(table);
  if (!r || !r.ok || !r.days_with_data) {
    table.appendChild(el('caption', t('no_report')));
    return;
  }
  const head = el('tr');
  for (const h of ['band', 'grid_kwh', 'yen']) head.appendChild(el('th', t(h)));
  table.appendChild(head);
  for (const [name, b] of Object.entries(r.bands)) {
    const tr = el('tr');
    tr.appendChild(el('td', name));
    tr.appendChild(el('td', num(b.grid_import_kwh, 1)));
    tr.appendChild(el('td', num(b.yen, 0)));
    table.appendChild(tr);
  }
  const tr = el('tr');
  tr.appendChild(el('th', t('total')));
  tr.appendChild(el('th', num(r.total.grid_import_kwh, 1)));
  tr.appendChild(el('th', num(r.total.yen, 0)));
  table.appendChild(tr);
  const s = el('tr');
  s.appendChild(el('td', t('saving')));
  s.appendChild(el('td', ''));
  s.appendChild(el('td', num(r.saving_vs_no_system_yen, 0)));
  table.appendChild(s);
}

// The trend asks the daemon for the period shown, reduced on the server to about one point per
// pixel: zooming asks again for the shorter period, never a year of raw samples.
async function loadTrend() {
  const asked = ++state.trendAsked;
  const spanH = state.trendSpanH;
  const end = state.trendEnd || new Date();
  const start = new Date(end.getTime() - spanH * 3600 * 1000);
  const canvas = $('trend');
  const name = $('trend-point').value;
  const q = new URLSearchParams({ points: name, since: start.toISOString().replace(/\.\d+Z$/, 'Z'),
    until: end.toISOString().replace(/\.\d+Z$/, 'Z'),
    max_points: String(Math.max(50, Math.min(2000, canvas.clientWidth || 600))) });
  window.sunbridge.trendMaxPoints = Number(q.get('max_points'));
  const r = await getJson('/api/v1/history?' + q);
  // Quick clicks on zoom send several questions; answers can arrive out of order, and only the
  // last one asked describes what the buttons now say.
  if (asked !== state.trendAsked) return;
  if (!r.body || !r.body.ok) { $('trend-range').textContent = (r.body && r.body.error) || ''; return; }
  const data = [];
  for (const row of r.body.rows) if (typeof row[1] === 'number') data.push({ x: Date.parse(row[0]), y: row[1] });
  if (state.trend) state.trend.destroy();
  const unit = r.body.units && r.body.units[0] ? r.body.units[0] : '';
  const fmt = new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  state.trend = new Chart(canvas, { type: 'line', data: { datasets: [{ label: name + (unit ? ' (' + unit + ')' : ''), data, pointRadius: 0, borderWidth: 1.5, borderColor: '#1f2a36' }] },
    options: { animation: false, maintainAspectRatio: false, parsing: false, normalized: true,
      scales: { x: { type: 'linear', min: start.getTime(), max: end.getTime(), ticks: { callback: (v) => fmt.format(new Date(v)), maxTicksLimit: 6 } } } } });
  canvas.dataset.points = String(data.length);
  window.sunbridge.trendPoints = data.length;
  window.sunbridge.trendSpanH = spanH;
  $('trend-range').textContent = fmt.format(start) + ' - ' + fmt.format(end) + ' (' + data.length + ' ' + t('points') + ')';
}

// ---- Settings and control ------------------------------------------------------------------

function settingsText(values) {
  if (!values) return '-';
  return Object.entries(values).map(([k, v]) => k + '=' + (typeof v === 'object' && v !== null ? JSON.stringify(v) : v)).join(', ');
}

async function loadSettings() {
  const prof = await getJson('/api/v1/profile');
  if (prof.body && prof.body.ok) {
    const p = prof.body;
    const sel = p.selection || {};
    $('profile-active').textContent = p.mode + (sel.key ? ' - ' + sel.key : '');
    $('profile-reason').textContent = sel.reason || '-';
    $('profile-next').textContent = p.next_change ? p.next_change.at_local + ': ' + p.next_change.reason : (p.auto_decides_at ? p.auto_decides_at : '-');
    const pick = $('override-profile');
    clear(pick);
    for (const name of p.profiles || []) pick.appendChild(el('option', name));
    const table = $('profile-values');
    clear(table);
    const tr = el('tr');
    tr.appendChild(el('td', sel.profile || ''));
    tr.appendChild(el('td', settingsText(sel.values)));
    table.appendChild(tr);
  }
  const audit = await getJson('/api/v1/audit');
  const at = $('audit');
  clear(at);
  if (audit.body && audit.body.ok) {
    const head = el('tr');
    for (const h of ['time', 'param', 'cause', 'result']) head.appendChild(el('th', t(h)));
    at.appendChild(head);
    for (const r of (audit.body.rows || audit.body.audit || []).slice(-50).reverse()) {
      const tr = el('tr');
      tr.appendChild(el('td', when(r.ts)));
      tr.appendChild(el('td', r.param + (r.new !== undefined ? ' = ' + r.new : '')));
      tr.appendChild(el('td', r.cause));
      tr.appendChild(el('td', r.result));
      at.appendChild(tr);
    }
  }
  const ev = await getJson('/api/v1/events?since=7d');
  const ul = $('events');
  clear(ul);
  if (ev.body && ev.body.ok) {
    for (const e of ev.body.events.slice(-100).reverse()) ul.appendChild(el('li', when(e.ts) + '  ' + e.message, e.severity));
  }
}

async function loadSession() {
  const r = await getJson('/api/v1/session');
  if (!r.body || !r.body.ok) return;
  state.control = r.body.control;
  state.csrf = r.body.csrf || null;
  $('control').classList.toggle('hidden', !state.control);
  $('login-form').classList.toggle('hidden', !state.control || r.body.logged_in);
  $('control-forms').classList.toggle('hidden', !state.control || !r.body.logged_in);
}

function result(text, bad) {
  const p = $('control-result');
  p.textContent = text;
  p.classList.toggle('error', !!bad);
}

async function post(url, body) {
  return getJson(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': state.csrf || '' }, body: JSON.stringify(body) });
}

function bindControl() {
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await post('/api/v1/login', { password: $('password').value });
    $('password').value = '';
    if (r.status === 200) { result(''); await loadSession(); } else result(r.body.error, true);
  });
  $('logout').addEventListener('click', async () => { await post('/api/v1/logout', {}); state.csrf = null; await loadSession(); });
  $('param-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await post('/api/v1/control/param', { id: $('param-id').value, value: $('param-value').value });
    if (r.status === 200) result(t('written')); else result(t('refused') + ': ' + (r.body.error || r.status), true);
    loadSettings();
  });
  $('override-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const kind = $('override-kind').value;
    const body = { kind };
    if (kind !== 'clear') body.until = $('override-until').value;
    if (kind === 'pin') body.profile = $('override-profile').value;
    const r = await post('/api/v1/control/override', body);
    if (r.status === 200) result('OK'); else result(t('refused') + ': ' + (r.body.error || r.status), true);
    loadSettings();
  });
}

// ---- Page ----------------------------------------------------------------------------------

function showTab(name) {
  for (const b of document.querySelectorAll('nav .tab')) b.classList.toggle('active', b.dataset.tab === name);
  for (const s of document.querySelectorAll('main .panel')) s.classList.toggle('hidden', s.id !== 'tab-' + name);
  if (name === 'battery') loadBattery();
  if (name === 'charts') { loadChart(); loadTrend(); }
  if (name === 'settings') { loadSettings(); loadSession(); }
  location.hash = name;
}

function init() {
  applyLabels();
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'ja' ? 'en' : 'ja';
    localStorage.setItem('sb.lang', state.lang);
    applyLabels();
    if (state.status) renderStatus(state.status);
  });
  for (const b of document.querySelectorAll('nav .tab')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('chart-show').addEventListener('click', loadChart);
  $('trend-point').addEventListener('change', loadTrend);
  $('zoom-in').addEventListener('click', () => { state.trendSpanH = Math.max(1, state.trendSpanH / 2); loadTrend(); });
  $('zoom-out').addEventListener('click', () => { state.trendSpanH = Math.min(24 * 3653, state.trendSpanH * 2); loadTrend(); });
  const pan = (sign) => {
    const end = state.trendEnd || new Date();
    const next = new Date(end.getTime() + sign * state.trendSpanH * 1800 * 1000);
    state.trendEnd = next > new Date() ? null : next;
    loadTrend();
  };
  $('pan-back').addEventListener('click', () => pan(-1));
  $('pan-forward').addEventListener('click', () => pan(1));
  bindControl();
  startLive();
  loadSession();
  setInterval(() => { if (!$('tab-battery').classList.contains('hidden')) loadBattery(); }, 30000);
  const tab = location.hash.replace('#', '');
  if (['live', 'battery', 'charts', 'settings'].includes(tab)) showTab(tab);
}

document.addEventListener('DOMContentLoaded', init);

// Options page: categories, rules, severities, custom terms, allow-phrases, approved commitments,
// sites. Writes the user's settings to chrome.storage.sync; the worker turns them (with the managed
// settings layered on top) into the policy it hands to `new Checker(policy)` and reports a policy
// that throws through chrome.storage.local, shown here.

import { request, STORAGE, CATEGORIES, SEVERITIES } from '../src/shared/protocol.js';
import { normalizeSettings, normHost } from '../src/shared/settings.js';
import { localize, t } from '../src/ui/i18n.js';
import { mk } from '../src/ui/dom.js';

localize();

const $ = (id) => document.getElementById(id);
let data = null;        // last 'rules' response
let settings = null;    // the user's settings being edited

const lines = (s) => s.split('\n').map((x) => x.trim()).filter(Boolean);
const lockBadge = () => mk('span', { className: 'lock', text: t('optionsLocked'), title: t('optionsLockedTitle') });

function severitySelect(value, defaultSeverity, disabled, onChange) {
  const sel = mk('select', { disabled });
  sel.append(mk('option', { value: '', text: `${t('optionsDefault')}${defaultSeverity ? ` (${t(`severity_${defaultSeverity}`)})` : ''}` }));
  for (const s of SEVERITIES) sel.append(mk('option', { value: s, text: t(`severity_${s}`) }));
  sel.value = value || '';
  sel.setAttribute('aria-label', t('optionsSeverity'));
  sel.addEventListener('change', () => onChange(sel.value || undefined));
  return sel;
}

let saveTimer = null;
async function save() {
  clearTimeout(saveTimer);
  await chrome.storage.sync.set({ [STORAGE.settings]: normalizeSettings(settings) });
  $('saved').textContent = t('optionsSaved');
  saveTimer = setTimeout(() => { $('saved').textContent = ''; }, 2500);
}

function setToggle(map, key, field, value) {
  const e = { ...(map[key] || {}) };
  if (value === undefined) delete e[field]; else e[field] = value;
  if (Object.keys(e).length) map[key] = e; else delete map[key];
}

function renderCategories() {
  const body = $('categories').tBodies[0];
  body.replaceChildren();
  const locked = data.locked;
  for (const c of CATEGORIES) {
    const isLocked = locked.keys.includes('categories') || locked.categories.includes(c);
    const eff = data.effective.categories[c] || {};
    const cb = mk('input', { type: 'checkbox', checked: eff.enabled !== false, disabled: isLocked, id: `cat-${c}` });
    cb.addEventListener('change', () => { setToggle(settings.categories, c, 'enabled', cb.checked ? undefined : false); save(); });
    const sev = severitySelect(eff.severity, null, isLocked, (v) => { setToggle(settings.categories, c, 'severity', v); save(); });
    body.append(mk('tr', { className: isLocked ? 'locked' : '', dataset: { category: c } },
      mk('td', {}, cb), mk('td', {}, mk('label', { htmlFor: `cat-${c}`, text: t(`category_${c}`) })),
      mk('td', {}, sev), mk('td', {}, isLocked ? lockBadge() : null)));
  }
}

function renderRules() {
  const body = $('rules').tBodies[0];
  body.replaceChildren();
  const filter = $('rule-filter').value.trim().toLowerCase();
  const locked = data.locked;
  const byId = new Map(data.rules.map((r) => [r.id, r]));
  const all = [...data.catalog, ...data.rules.filter((r) => !data.catalog.some((c) => c.id === r.id))];
  for (const rule of all) {
    if (filter && !`${rule.id} ${rule.summary} ${rule.category}`.toLowerCase().includes(filter)) continue;
    const isLocked = locked.keys.includes('rules') || locked.rules.includes(rule.id);
    const eff = data.effective.rules[rule.id] || {};
    const id = `rule-${rule.id}`;
    const cb = mk('input', { type: 'checkbox', checked: eff.enabled !== false, disabled: isLocked, id });
    cb.addEventListener('change', () => { setToggle(settings.rules, rule.id, 'enabled', cb.checked ? undefined : false); save(); });
    const sev = severitySelect(eff.severity, rule.severity, isLocked, (v) => { setToggle(settings.rules, rule.id, 'severity', v); save(); });
    body.append(mk('tr', { className: isLocked ? 'locked' : '', dataset: { rule: rule.id } },
      mk('td', {}, cb),
      mk('td', { className: 'id' }, mk('label', { htmlFor: id, text: rule.id })),
      mk('td', { className: 'summary', text: (chrome.i18n.getUILanguage().startsWith('zh') ? rule.message_zh : rule.summary) || rule.summary || '' }),
      mk('td', {}, sev), mk('td', {}, isLocked ? lockBadge() : (byId.has(rule.id) ? null : null))));
  }
  const sel = $('terms-rule');
  const current = sel.value;
  sel.replaceChildren(...all.map((r) => mk('option', { value: r.id, text: r.id })));
  if (current) sel.value = current;
}

function renderTerms() {
  const list = $('terms-list');
  list.replaceChildren();
  const lockedTerms = new Set(data.locked.terms);
  const termsLocked = data.locked.keys.includes('terms');
  const managed = data.effective.terms.filter((g) => g.add.every((a) => lockedTerms.has(`${g.rule}\u0000${a}`)));
  for (const g of managed) for (const a of g.add) list.append(mk('li', { className: 'locked', title: t('optionsLockedTitle'), text: `${g.rule}: ${a} 🔒` }));
  settings.terms.forEach((g, gi) => g.add.forEach((a, ai) => {
    const rm = mk('button', { type: 'button', text: '×', title: t('optionsRemove'), disabled: termsLocked });
    rm.setAttribute('aria-label', `${t('optionsRemove')} ${a}`);
    rm.addEventListener('click', () => {
      g.add.splice(ai, 1);
      if (!g.add.length) settings.terms.splice(gi, 1);
      save().then(renderTerms);
    });
    list.append(mk('li', { dataset: { rule: g.rule } }, `${g.rule}: ${a}`, rm));
  }));
  if (!list.children.length) list.append(mk('li', { className: 'locked', text: t('optionsNoTerms') }));
  $('terms-add').disabled = termsLocked;
  $('terms-new').disabled = termsLocked;
}

function renderList(textareaId, managedId, userList, managedList, key) {
  const ta = $(textareaId);
  ta.value = userList.join('\n');
  ta.disabled = data.locked.keys.includes(key);
  const ul = $(managedId);
  ul.replaceChildren(...managedList.map((x) => mk('li', { className: 'locked', title: t('optionsLockedTitle'), text: `${x} 🔒` })));
}

async function load() {
  data = await request({ kind: 'rules' });
  settings = normalizeSettings(data.settings);
  $('version').textContent = t('optionsEngine', [data.version]);
  const lockedEnabled = data.locked.keys.includes('enabled');
  $('enabled').checked = data.effective.enabled;
  $('enabled').disabled = lockedEnabled;
  $('enabled').parentElement.querySelector('.lock').hidden = !lockedEnabled;
  if (lockedEnabled) $('enabled').parentElement.querySelector('.lock').textContent = t('optionsLocked');
  renderCategories();
  renderRules();
  renderTerms();
  renderList('allow', 'allow-managed', settings.allow, data.locked.allow, 'allow');
  renderList('approved', 'approved-managed', settings.approved_commitments, data.locked.approved_commitments, 'approved_commitments');
  renderList('sites-allow', 'sites-allow-managed', settings.sites.allow, data.locked.sitesAllow ? data.effective.sites.allow : [], 'sites');
  renderList('sites-deny', 'sites-deny-managed', settings.sites.deny, data.locked.sitesDeny, 'sites');
  showPolicyError(data.policyError);
  const { [STORAGE.ignored]: ignored = [] } = await chrome.storage.local.get(STORAGE.ignored);
  $('ignored-count').textContent = t('optionsIgnored', [String(ignored.length)]);
  $('clear-ignored').disabled = !ignored.length;
}

function showPolicyError(err) {
  $('policy-error').hidden = !err;
  $('policy-error-text').textContent = err || '';
}

$('enabled').addEventListener('change', () => { settings.enabled = $('enabled').checked; save(); });
$('rule-filter').addEventListener('input', renderRules);
$('terms-add').addEventListener('click', () => {
  const rule = $('terms-rule').value;
  const add = lines($('terms-new').value);
  if (!rule || !add.length) return;
  const g = settings.terms.find((x) => x.rule === rule);
  if (g) g.add.push(...add.filter((a) => !g.add.includes(a))); else settings.terms.push({ rule, add });
  $('terms-new').value = '';
  save().then(renderTerms);
});
$('allow').addEventListener('change', () => { settings.allow = lines($('allow').value); save(); });
$('approved').addEventListener('change', () => { settings.approved_commitments = lines($('approved').value); save(); });
$('sites-allow').addEventListener('change', () => { settings.sites.allow = lines($('sites-allow').value).map(normHost); save(); });
$('sites-deny').addEventListener('change', () => { settings.sites.deny = lines($('sites-deny').value).map(normHost); save(); });
$('clear-ignored').addEventListener('click', async () => { await chrome.storage.local.set({ [STORAGE.ignored]: [] }); load(); });

// The worker reports the outcome of every settings change (a new policy or a policy error).
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes[STORAGE.state]) {
    showPolicyError(changes[STORAGE.state].newValue?.policyError ?? null);
  }
  if (area === 'managed') load();
});

load();

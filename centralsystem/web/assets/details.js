// Charger details: identity, connectors with live status, accept-any-password, remote commands with their answers,
// the configuration the charger reports, and its sessions with energy and revenue.
import { get, patch, post, enc } from './api.js';
import { priceSection } from './prices.js';
import { certificateSection } from './certificates.js';
import { commandSection } from './command_form.js';
import { correctionSection } from './corrections.js';
import { markReserved } from './reservations.js';
import { h, clear, poll, field, tileOf, statusBadge, labelOf, when, kwh, toast, STANDARDS, FORMATS, POWER_TYPES, labelCells } from './ui.js';

export async function render(view, ctx) {
  const id = ctx.id;
  let charger = await get(`chargers/${enc(id)}`);
  const head = h('div', { class: 'page-head' });
  const info = h('dl', { class: 'stats' });
  const connectors = h('tbody');
  const sessions = h('tbody');
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });

  const accept = h('input', { type: 'checkbox', role: 'switch', id: 'accept-any', checked: charger.acceptAnyPassword });
  const acceptState = h('span', { 'aria-live': 'polite' });
  accept.addEventListener('change', async () => {
    accept.disabled = true;
    try {
      charger = await patch(`chargers/${enc(id)}`, { acceptAnyPassword: accept.checked });
      toast(charger.acceptAnyPassword ? 'The next connection is accepted with any password.' : 'Accept any password is off.');
    } catch (e) {
      accept.checked = !accept.checked;
      toast(`Not changed: ${e.message}`);
    }
    accept.disabled = false;
    drawInfo();
  });

  const config = h('tbody');
  const configNote = h('p', { class: 'muted' }, 'Read from the charger with GetConfiguration.');
  const showConfig = (conf) => {
    const keys = (conf.configurationKey || []).slice().sort((a, b) => a.key.localeCompare(b.key));
    configNote.textContent = `${keys.length} keys read ${new Date().toLocaleTimeString()}` +
      ((conf.unknownKey || []).length ? `; unknown: ${conf.unknownKey.join(', ')}` : '');
    clear(config, keys.map((k) => h('tr', {}, h('th', { scope: 'row' }, k.key), h('td', {}, k.value ?? '—'),
      h('td', {}, k.readonly ? 'read-only' : 'writable'))));
  };
  const readConfig = async () => {
    try {
      showConfig((await post(`chargers/${enc(id)}/commands/GetConfiguration`, {})).response);
    } catch (e) {
      configNote.textContent = `Cannot read the configuration: ${e.message}`;
    }
  };

  const drawInfo = () => {
    const c = charger;
    clear(head, h('h1', {}, c.chargeBoxId),
      h('div', { class: 'actions' }, h('span', { class: `badge-status s-${c.status}` }, c.status),
        h('span', { class: `badge-status ${c.connected ? 's-available' : 's-notAvailable'}`, id: 'connection' },
          c.connected ? 'Online' : 'Offline'),
        h('a', { class: 'btn', href: `#/chargers/${enc(c.chargeBoxId)}/commission` },
          c.status === 'planned' ? 'Put into operation' : 'Edit operation data')));
    const a = c.address;
    clear(info,
      h('dt', {}, 'Provider'), h('dd', {}, c.provider || '—'),
      h('dt', {}, 'Hardware'), h('dd', {}, [c.vendor, c.model].filter(Boolean).join(' ') || '—'),
      h('dt', {}, 'Reported'), h('dd', {}, c.boot.at ? `${c.boot.vendor} ${c.boot.model}, serial ${c.boot.serial || '—'}, firmware ${c.boot.firmware || '—'} (${when(c.boot.at)})` : 'no BootNotification yet'),
      h('dt', {}, 'Address'), h('dd', {}, a ? `${a.street}, ${a.postalCode} ${a.city}, ${a.country}` : '—'),
      h('dt', {}, 'Position'), h('dd', {}, c.location ? `${c.location.latitude.toFixed(5)}, ${c.location.longitude.toFixed(5)}` : '—'),
      h('dt', {}, 'Hotline'), h('dd', {}, c.hotline || '—'),
      h('dt', {}, 'Emergency contact'), h('dd', {}, c.emergencyContact || '—'),
      h('dt', {}, 'Accessibility'), h('dd', {}, c.accessibility || '—'),
      h('dt', {}, 'Claiming code'), h('dd', {}, c.claimCode || '—'),
      h('dt', {}, 'Created'), h('dd', {}, when(c.createdAt)));
    acceptState.textContent = c.acceptAnyPassword ? 'On: the next connection sets the password' : 'Off';
    accept.checked = c.acceptAnyPassword;
    clear(connectors, c.chargePoints.length === 0 ? h('tr', {}, h('td', { colspan: 6 }, 'No charge points.'))
      : c.chargePoints.map((p) => h('tr', { dataset: { connector: p.connectorId } },
        h('th', { scope: 'row' }, String(p.connectorId)), h('td', {}, p.evseId || '—'),
        h('td', {}, `${labelOf(STANDARDS, p.standard)}, ${labelOf(FORMATS, p.format)}, ${labelOf(POWER_TYPES, p.powerType)}${p.maxPowerKw ? `, ${p.maxPowerKw} kW` : ''}`),
        h('td', { class: 'cp-status' }, statusBadge(tileOf(c, p), c.connected && p.status ? p.status : undefined)),
        h('td', {}, p.errorCode && p.errorCode !== 'NoError' ? p.errorCode : '—'),
        h('td', {}, when(p.updatedAt)))));
    labelCells(connectors);
  };

  const drawSessions = (list) => {
    clear(sessions, list.length === 0 ? h('tr', {}, h('td', { colspan: 7 }, 'No sessions yet.'))
      : list.map((t) => h('tr', { dataset: { transaction: t.transactionId } },
        h('th', { scope: 'row' }, String(t.transactionId)), h('td', {}, String(t.connectorId)), h('td', {}, t.idTag),
        h('td', {}, when(t.startTimestamp)), h('td', {}, t.stopTimestamp ? when(t.stopTimestamp) : 'charging'),
        h('td', {}, t.energyWh === null ? '—' : kwh(t.energyWh)),
        h('td', {}, t.revenue === null ? '—' : `${t.revenue.toFixed(2)} ${t.currency}`))));
  };

  const table = (caption, cols, tbody, stack) => h('div', { class: 'table-wrap' }, h('table', { class: stack ? 'stack' : undefined },
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))), tbody));

  const fix = correctionSection(id, charger, (c) => { charger = c; drawInfo(); fix.update(c); });
  clear(view, head, problem,
    h('div', { class: 'columns' },
      h('section', { class: 'card', 'aria-labelledby': 'h-info' }, h('h2', { id: 'h-info' }, 'Charger'), info),
      h('section', { class: 'card', 'aria-labelledby': 'h-sec' }, h('h2', { id: 'h-sec' }, 'Security'),
        h('div', { class: 'switch' }, accept, h('label', { for: 'accept-any' }, 'Accept any password')), acceptState,
        h('p', { class: 'hint' }, 'The next connection is accepted whatever its password; that password is kept as the new one and the switch turns off.'))),
    h('section', { 'aria-labelledby': 'h-cp' }, h('h2', { id: 'h-cp' }, 'Connectors'),
      table('Connectors', ['Connector', 'EVSE ID', 'Type', 'Status', 'Error', 'Updated'], connectors, true)),
    h('section', { class: 'card', 'aria-labelledby': 'h-cmd' }, h('h2', { id: 'h-cmd' }, 'Remote commands'),
      commandSection(id, showConfig)),
    h('section', { 'aria-labelledby': 'h-conf' }, h('h2', { id: 'h-conf' }, 'Reported configuration'), configNote,
      h('button', { type: 'button', class: 'btn', onclick: readConfig }, 'Read configuration'),
      table('Configuration keys', ['Key', 'Value', 'Access'], config)),
    h('section', { 'aria-labelledby': 'h-sess' }, h('h2', { id: 'h-sess' }, 'Sessions'),
      table('Sessions', ['Transaction', 'Connector', 'Id tag', 'Started', 'Stopped', 'Energy', 'Revenue'], sessions)),
    priceSection(id, charger).element,
    certificateSection(id).element,
    fix.element);
  drawInfo();
  if (charger.connected) readConfig();

  return poll(async () => {
    try {
      const [c, tx] = await Promise.all([get(`chargers/${enc(id)}`), get(`chargers/${enc(id)}/transactions`)]);
      const wasConnected = charger.connected;
      charger = c;
      if (!accept.disabled) drawInfo();
      fix.update(c);
      await markReserved(connectors, id);
      drawSessions(tx.transactions || []);
      if (!wasConnected && c.connected) readConfig();
      problem.hidden = true;
    } catch (e) {
      problem.textContent = `Cannot refresh: ${e.message}`;
      problem.hidden = false;
      throw e;
    }
  }, 2000);
}

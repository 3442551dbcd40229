// The certificates of one charger (details page): what the operator CA issued to it, the roots it reported as
// installed, its recent certificate requests, and the commands that change them (install the CA's root, ask which
// roots are installed, ask the charger for a new certificate, delete an installed root).
import { get, post, enc } from './api.js';
import { h, clear, when, toast } from './ui.js';

export function certificateSection(id) {
  const issued = h('tbody', { id: 'issued-certificates' });
  const installed = h('tbody', { id: 'installed-certificates' });
  const requests = h('ul', { id: 'certificate-requests' });

  const refresh = async () => {
    const d = await get(`chargers/${enc(id)}/certificates`);
    clear(issued, d.issued.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'No certificate issued yet.'))
      : d.issued.map((c) => h('tr', {}, h('td', {}, h('code', {}, c.serialNumber)), h('td', {}, when(c.issuedAt)),
        h('td', {}, when(c.notAfter)), h('td', {}, c.delivery))));
    clear(installed, d.installed.length === 0 ? h('tr', {}, h('td', { colspan: 4 }, 'None reported (ask the charger).'))
      : d.installed.map((c) => h('tr', {}, h('td', {}, c.certificateType),
        h('td', {}, h('code', {}, c.certificateHashData.serialNumber)), h('td', {}, when(c.reportedAt)),
        h('td', {}, h('button', { type: 'button', class: 'btn',
          'aria-label': `Delete certificate ${c.certificateHashData.serialNumber}`,
          onclick: () => command('delete', { certificateHashData: c.certificateHashData }) }, 'Delete')))));
    clear(requests, d.requests.map((r) => h('li', {}, `${when(r.at)}: ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`)));
  };
  const command = async (what, body) => {
    try {
      const r = await post(`chargers/${enc(id)}/certificates/${what}`, body);
      toast(`${r.action}: ${r.status}`);
      await refresh();
    } catch (e) {
      toast(`Not done: ${e.message}`);
    }
  };
  const root = 'CentralSystemRootCertificate';
  const element = h('section', { 'aria-labelledby': 'h-certificates' },
    h('h2', { id: 'h-certificates' }, 'Certificates'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => command('install', { certificateType: root }) },
        'Install operator CA'),
      h('button', { type: 'button', class: 'btn', onclick: () => command('query', { certificateType: root }) },
        'Ask for installed roots'),
      h('button', { type: 'button', class: 'btn', onclick: () => command('renew') }, 'Ask for a new certificate')),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Issued by the operator CA'),
      h('thead', {}, h('tr', {}, ['Serial', 'Issued', 'Expires', 'Delivery'].map((c) => h('th', { scope: 'col' }, c)))),
      issued)),
    h('div', { class: 'table-wrap' }, h('table', {}, h('caption', {}, 'Installed roots'),
      h('thead', {}, h('tr', {}, ['Type', 'Serial', 'Reported', ''].map((c) => h('th', { scope: 'col' }, c)))),
      installed)),
    h('h3', {}, 'Recent certificate requests'), requests);
  refresh().catch(() => {});
  return { element, refresh };
}

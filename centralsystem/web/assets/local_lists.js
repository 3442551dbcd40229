// Local lists: the charger groups, each with its own list (every id tag of the registry, or the tags assigned to it)
// and version; per charger the version it holds (and of which group) against its group's, whether a sync runs, the
// last result; create, rename and delete groups, place chargers in one, assign or take back id tags, resync (the page
// polls; the forms keep what is typed meanwhile).
import { api, post, patch, get, enc } from './api.js';
import { h, clear, field, labelCells, plural, poll, showError, when, toast } from './ui.js';

async function resync(group, body, what) {
  try {
    await post(`local-lists/${enc(group)}/sync`, body);
    toast(`Sync of ${what} queued.`);
  } catch (e) {
    toast(e.message);
  }
}

// "CP-1, CP-2 CP-3" -> ["CP-1", "CP-2", "CP-3"].
function idsOf(text) {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter((s) => s.length > 0);
}

function chargerRow(group, c) {
  const button = h('button', { type: 'button', class: 'btn', disabled: !c.connected,
    'aria-label': `Send the whole list to ${c.chargeBoxId}` }, 'Resync');
  button.addEventListener('click', () => resync(group.name, { chargeBoxId: c.chargeBoxId, full: true },
    c.chargeBoxId));
  const state = c.syncing ? 'syncing' : (c.inSync ? 'in sync' : 'behind');
  let held = '–';
  if (c.version >= 0) {
    held = c.versionOf === group.name ? `${c.version} of ${group.version}`
      : `${c.version} (of ${c.versionOf || 'a deleted group'})`;
  }
  return h('tr', { dataset: { charger: c.chargeBoxId, insync: String(c.inSync), group: group.name } },
    h('td', {}, h('a', { href: `#/chargers/${enc(c.chargeBoxId)}` }, c.chargeBoxId)),
    h('td', {}, c.connected ? 'online' : 'offline'), h('td', {}, held),
    h('td', {}, h('span', { class: `badge-outcome ${c.inSync ? 'done' : 'pending'}` }, state)),
    h('td', {}, c.result || '–'), h('td', { class: 'wrap' }, c.detail || ''), h('td', {}, c.at ? when(c.at) : '–'),
    h('td', {}, button));
}

// A small form: one labelled input and its buttons; `act(value, button)` does the work and may throw an ApiError.
function oneFieldForm(label, name, hint, buttons, act) {
  const input = h('input', { name, autocomplete: 'off' });
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { novalidate: true }, field(label, input, hint),
    h('div', { class: 'inline-field' }, buttons.map(([text, aria]) =>
      h('button', { type: 'submit', class: 'btn', value: text, 'aria-label': aria }, text))), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      await act(input.value.trim(), ev.submitter ? ev.submitter.value : buttons[0][0]);
      input.value = '';
    } catch (e) {
      // The server names e.g. "chargeBoxIds/1" or "add/0": the one input here is the field at fault.
      showError(form, { message: e.message, field: name }, msg);
    }
  });
  return form;
}

// One group's section, built once; update(group) refreshes what the server says without touching the forms.
function groupSection(name, refresh) {
  const heading = h('h2', { id: `h-group-${name}` }, `Group ${name}`);
  const summary = h('p', { dataset: { summary: name } });
  const body = h('tbody');
  const tags = h('ul', { class: 'hint' });
  const details = h('details', {}, h('summary', {}, 'Assigned id tags'), tags);
  details.addEventListener('toggle', async () => {
    if (!details.open) return;
    try {
      const g = await get(`local-lists/${enc(name)}`);
      clear(tags, g.assigned.length === 0 ? h('li', {}, 'none') : g.assigned.map((t) => h('li', {}, t)));
    } catch (e) {
      clear(tags, h('li', {}, e.message));
    }
  });
  const place = oneFieldForm(`Chargers to place in ${name}`, 'chargeBoxIds',
    'Chargebox IDs, separated by spaces or commas; each leaves its former group.',
    [['Place', `Place the chargers in ${name}`]], async (text) => {
      const r = await post(`local-lists/${enc(name)}/chargers`, { chargeBoxIds: idsOf(text) });
      toast(`${plural(r.chargersToSync, 'charger')} moved to ${name}.`);
      refresh();
    });
  const assign = oneFieldForm(`Id tags of ${name}`, 'idTags',
    'Id tags of the registry; in a group that lists assigned tags only, its chargers get the change.',
    [['Add', `Add the id tags to ${name}`], ['Remove', `Remove the id tags from ${name}`]], async (text, which) => {
      const list = idsOf(text);
      await post(`local-lists/${enc(name)}/idtags`, which === 'Remove' ? { remove: list } : { add: list });
      toast(`Id tags ${which === 'Remove' ? 'taken back from' : 'assigned to'} ${name}.`);
      refresh();
    });
  const all = h('button', { type: 'button', class: 'btn', 'aria-label': `Resync every connected charger of ${name}` },
    'Resync group');
  all.addEventListener('click', () => resync(name, {}, `the connected chargers of ${name}`));
  // What the list holds: switching sends every charger of the group the whole new list.
  const holds = h('select', { name: 'idTags', 'aria-label': `What the list of ${name} holds` },
    h('option', { value: 'assigned' }, 'the id tags assigned to it'),
    h('option', { value: 'all' }, 'every id tag of the registry'));
  const apply = h('button', { type: 'button', class: 'btn', 'aria-label': `Change what the list of ${name} holds` },
    'Change');
  apply.addEventListener('click', async () => {
    try {
      await patch(`local-lists/${enc(name)}`, { idTags: holds.value });
      toast(`The list of ${name} now holds ${holds.selectedOptions[0].textContent}.`);
    } catch (e) {
      toast(e.message);
    }
    refresh();
  });
  const controls = [all];
  if (name !== 'default') {
    const rename = oneFieldForm(`New name for ${name}`, 'name', 'Letters, digits, ".", "_" and "-"; at most 32.',
      [['Rename', `Rename ${name}`]], async (text) => {
        await patch(`local-lists/${enc(name)}`, { name: text });
        toast(`Group ${name} is now ${text}.`);
        refresh();
      });
    const del = h('button', { type: 'button', class: 'btn', 'aria-label': `Delete group ${name}` }, 'Delete group');
    del.addEventListener('click', async () => {
      try {
        const r = await api('DELETE', `local-lists/${enc(name)}`);
        toast(`Group ${name} deleted; ${plural(r.chargersToSync, 'charger')} back in default.`);
      } catch (e) {
        toast(e.message);
      }
      refresh();
    });
    controls.push(del, rename);
  }
  const section = h('section', { class: 'card', 'aria-labelledby': heading.id, dataset: { group: name } }, heading,
    summary, h('div', { class: 'inline-field' }, controls.slice(0, 2)), h('div', { class: 'inline-field' }, holds, apply),
    controls[2] || null, place, assign, details,
    h('div', { class: 'table-wrap' }, h('table', { class: 'stack' },
      h('caption', { class: 'sr-only' }, `Local list per charger of ${name}`),
      h('thead', {}, h('tr', {}, ['Charger', 'Connection', 'Version held', 'State', 'Result', 'Detail', 'At', '']
        .map((c) => h('th', { scope: 'col' }, c)))), body)));
  let shownTags = '';
  section.update = (g) => {
    if (g.idTags !== shownTags) { // the select follows the server, unless the user is choosing
      shownTags = g.idTags;
      holds.value = g.idTags;
    }
    const what = g.idTags === 'all' ? 'every id tag of the registry'
      : `the id tags assigned to it (${g.assignedIdTags})`;
    clear(summary, `${g.description ? `${g.description}. ` : ''}Its list holds ${what}: version ${g.version}, `
      + `${plural(g.size, 'id tag')}; ${plural(g.members, 'charger')}.`);
    clear(body, g.chargers.length === 0 ? h('tr', {}, h('td', { colspan: 8 }, 'No chargers in this group.'))
      : g.chargers.map((c) => chargerRow(g, c)));
    labelCells(body);
  };
  return section;
}

function newGroupForm(onMade) {
  const name = h('input', { name: 'name', autocomplete: 'off', maxlength: 32, required: true });
  const description = h('input', { name: 'description', autocomplete: 'off', maxlength: 200 });
  const tags = h('select', { name: 'idTags' }, h('option', { value: 'assigned' }, 'the id tags assigned to it'),
    h('option', { value: 'all' }, 'every id tag of the registry'));
  const msg = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'card', novalidate: true, 'aria-label': 'New group' }, h('h2', {}, 'New group'),
    field('Name', name, 'Letters, digits, ".", "_" and "-"; at most 32.'), field('Description', description),
    field('Its list holds', tags), h('button', { type: 'submit', class: 'btn primary' }, 'Create group'), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.hidden = true;
    try {
      await post('local-lists', { name: name.value.trim(), description: description.value.trim() || undefined,
        idTags: tags.value });
      toast(`Group ${name.value.trim()} created.`);
      name.value = '';
      description.value = '';
      onMade();
    } catch (e) {
      showError(form, e, msg);
    }
  });
  return form;
}

export async function render(view) {
  const groups = h('div');
  const sections = new Map();
  let refresh = async () => {};
  const update = async () => {
    const data = await get('local-lists');
    const names = data.groups.map((g) => g.name);
    for (const [n, s] of sections) {
      if (!names.includes(n)) {
        s.remove();
        sections.delete(n);
      }
    }
    data.groups.forEach((g, i) => {
      let s = sections.get(g.name);
      if (!s) {
        s = groupSection(g.name, () => refresh());
        sections.set(g.name, s);
      }
      if (groups.children[i] !== s) groups.insertBefore(s, groups.children[i] || null);
      s.update(g);
    });
  };
  refresh = () => update().catch((e) => toast(e.message));
  clear(view, h('h1', {}, 'Local lists'),
    h('p', {}, 'Each charger is in one group (default when placed in none) and gets that group\'s list for '
      + 'charging while the central system is out of reach.'), newGroupForm(refresh), groups);
  return poll(update, 3000);
}

// Remote commands on the charger details page: one form per OCPP action, built from the action's request schema
// (GET /api/v1/commands), so that every field has its own input, enums are choices and the server's "field" points
// at an input. "Edit as JSON" still sends a raw payload for what a form cannot say.
import { get, post, enc } from './api.js';
import { h, clear, field } from './ui.js';

// Values a new form starts with where the schema has none (what an operator types most).
const STARTERS = {
  'RemoteStartTransaction/connectorId': 1,
  'RemoteStartTransaction/idTag': 'TAG-1',
  'UnlockConnector/connectorId': 1,
  'ChangeAvailability/connectorId': 0,
  'TriggerMessage/connectorId': 1,
  'ChangeConfiguration/key': 'HeartbeatInterval',
  'DataTransfer/vendorId': 'ocppkit',
};

let schemas = null; // the action list, fetched once per page load

function label(name) {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

// A control for one schema node at `path`; returns { el, read } where read() gives the value, undefined when left
// empty, or throws naming the path of a required field left empty or a number that is not one.
function control(schema, path, required, starter) {
  const name = path.join('/');
  const title = label(path[path.length - 1]) + (required ? '' : ' (optional)');
  if (schema.type === 'object') return objectControl(schema, path, required, title);
  if (schema.type === 'array') return arrayControl(schema, path, title);
  let input;
  if (schema.enum) {
    input = h('select', { name }, h('option', { value: '' }, required ? 'Choose…' : '—'),
      schema.enum.map((v) => h('option', { value: v }, v)));
  } else if (schema.type === 'boolean') {
    input = h('select', { name }, h('option', { value: '' }, '—'), h('option', { value: 'true' }, 'true'),
      h('option', { value: 'false' }, 'false'));
  } else if (schema.type === 'integer' || schema.type === 'number') {
    input = h('input', { name, type: 'number', step: schema.type === 'integer' ? 1 : 'any', inputmode: 'decimal' });
  } else {
    input = h('input', { name, type: 'text', maxlength: schema.maxLength || undefined, spellcheck: 'false',
      placeholder: schema.format === 'date-time' ? '2026-12-07T10:00:00Z' : undefined });
  }
  if (starter !== undefined) input.value = String(starter);
  const read = () => {
    const v = input.value.trim();
    if (v === '') {
      if (required) throw new FieldError(name, `${name} is required`);
      return undefined;
    }
    if (schema.type === 'boolean') return v === 'true';
    if (schema.type === 'integer' || schema.type === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n) || (schema.type === 'integer' && !Number.isInteger(n))) {
        throw new FieldError(name, `${name} takes ${schema.type === 'integer' ? 'a whole number' : 'a number'}`);
      }
      return n;
    }
    return v;
  };
  return { el: field(title, input), read };
}

class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

function objectControl(schema, path, required, title) {
  const props = Object.entries(schema.properties || {});
  const need = new Set(schema.required || []);
  const parts = props.map(([k, s]) => [k, control(s, [...path, k], need.has(k), STARTERS[[...path, k].join('/')])]);
  const body = h('div', { class: 'cmd-fields' }, parts.map(([, c]) => c.el));
  if (path.length === 1) return { el: body, read: () => readObject(parts) }; // the payload itself
  const include = h('input', { type: 'checkbox', checked: required, disabled: required,
    'aria-label': `Include ${path.join('/')}` });
  body.hidden = !required;
  include.addEventListener('change', () => { body.hidden = !include.checked; });
  const el = h('fieldset', { class: 'cmd-object', 'data-path': path.join('/') },
    h('legend', {}, required ? null : include, ` ${title}`), body);
  return { el, read: () => (include.checked ? readObject(parts) : undefined) };
}

function readObject(parts) {
  const out = {};
  for (const [k, c] of parts) {
    const v = c.read();
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function arrayControl(schema, path, title) {
  const list = h('ol', { class: 'cmd-items' });
  const items = [];
  const add = () => {
    const c = control(schema.items || { type: 'string' }, [...path, String(items.length)], true);
    const entry = { c };
    const remove = h('button', { type: 'button', class: 'btn small' }, 'Remove');
    entry.li = h('li', {}, c.el, remove);
    remove.addEventListener('click', () => { items.splice(items.indexOf(entry), 1); entry.li.remove(); });
    items.push(entry);
    list.append(entry.li);
  };
  const addButton = h('button', { type: 'button', class: 'btn small' }, `Add to ${path[path.length - 1]}`);
  addButton.addEventListener('click', add);
  if ((schema.minItems || 0) > 0) add();
  const el = h('fieldset', { class: 'cmd-array', 'data-path': path.join('/') }, h('legend', {}, title), list, addButton);
  return { el, read: () => (items.length ? items.map((e) => e.c.read()) : undefined) };
}

// The remote-commands card of the charger `id`; `onConfig(response)` gets each GetConfiguration answer.
export function commandSection(id, onConfig) {
  const action = h('select', { name: 'action', id: 'cmd-action' }, h('option', { value: '' }, 'Loading…'));
  const fields = h('div', { id: 'cmd-fields' });
  const asJson = h('input', { type: 'checkbox', id: 'cmd-as-json' });
  const payload = h('textarea', { name: 'payload', id: 'cmd-payload', rows: 4, spellcheck: 'false', hidden: true,
    'aria-label': 'Payload (JSON)' });
  const answer = h('pre', { class: 'answer', id: 'cmd-answer', 'aria-live': 'polite', tabindex: 0 }, 'No command sent yet.');
  let form = null;
  const draw = () => {
    const entry = schemas.find((c) => c.action === action.value);
    form = control(entry.schema, [entry.action], true);
    clear(fields, form.el);
    payload.value = '{}';
    asJson.checked = false;
    payload.hidden = true;
    fields.hidden = false;
  };
  asJson.addEventListener('change', () => {
    if (asJson.checked) {
      try { payload.value = JSON.stringify(form.read(), null, 2); } catch (e) { payload.value = '{}'; }
    }
    payload.hidden = !asJson.checked;
    fields.hidden = asJson.checked;
  });
  action.addEventListener('change', draw);
  const load = (schemas ? Promise.resolve(schemas) : get('commands').then((r) => (schemas = r.commands)))
    .then(() => {
      clear(action, schemas.map((c) => h('option', { value: c.action }, c.action)));
      action.value = schemas.some((c) => c.action === 'RemoteStartTransaction') ? 'RemoteStartTransaction'
        : schemas[0].action;
      draw();
    })
    .catch((e) => { answer.textContent = `The commands cannot be loaded: ${e.message}`; });
  const mark = (name) => {
    fields.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const el = name && fields.querySelector(`[name="${CSS.escape(`${action.value}/${name}`)}"]`);
    if (el) { el.setAttribute('aria-invalid', 'true'); el.focus(); }
  };
  const cmdForm = h('form', { novalidate: true }, field('Command', action), fields,
    h('label', { class: 'check' }, asJson, ' Edit as JSON'), payload,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary' }, 'Send command')),
    h('h3', {}, 'Answer'), answer);
  cmdForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await load;
    let body;
    try {
      body = asJson.checked ? JSON.parse(payload.value || '{}') : form.read();
    } catch (e) {
      answer.textContent = e instanceof FieldError ? `Not sent: ${e.message}.` : `The payload is not JSON: ${e.message}`;
      if (e instanceof FieldError) mark(e.field.slice(action.value.length + 1));
      return;
    }
    mark('');
    answer.textContent = `Sending ${action.value}…`;
    try {
      const r = await post(`chargers/${enc(id)}/commands/${action.value}`, body);
      answer.textContent = `${r.action} answered in ${Math.round(r.latencyMs)} ms:\n${JSON.stringify(r.response, null, 2)}`;
      if (action.value === 'GetConfiguration') onConfig(r.response);
    } catch (e) {
      answer.textContent = `Error ${e.status || ''}: ${e.message}${e.field ? ` (${e.field})` : ''}`;
      mark(e.field);
    }
  });
  return cmdForm;
}

#!/usr/bin/env python3
"""Generates the OCPP 1.6 message structs and their JSON conversions from the schemas in ocpp/schemas/v16.

The schemas are the single source of truth: each property becomes a field, `required` decides std::optional,
`typeName` names enums and nested structs (which must be identical wherever the same name is used).
Output (per action): <action>.hpp/.cpp with <Action>Req and <Action>Conf; plus types.hpp/.cpp and messages.hpp.
"""
import argparse
import json
import os
import re
import sys

# Who sends the CALL of each action (the specification's direction); DataTransfer goes both ways.
CHARGE_POINT = {'Authorize', 'BootNotification', 'DataTransfer', 'DiagnosticsStatusNotification',
                'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StartTransaction', 'StatusNotification',
                'StopTransaction',
                # the security whitepaper ("Improved security for OCPP 1.6-J")
                'LogStatusNotification', 'SecurityEventNotification', 'SignCertificate',
                'SignedFirmwareStatusNotification'}
CENTRAL_SYSTEM = {'CancelReservation', 'ChangeAvailability', 'ChangeConfiguration', 'ClearCache',
                  'ClearChargingProfile', 'DataTransfer', 'GetCompositeSchedule', 'GetConfiguration',
                  'GetDiagnostics', 'GetLocalListVersion', 'RemoteStartTransaction', 'RemoteStopTransaction',
                  'ReserveNow', 'Reset', 'SendLocalList', 'SetChargingProfile', 'TriggerMessage', 'UnlockConnector',
                  'UpdateFirmware',
                  # the security whitepaper
                  'CertificateSigned', 'DeleteCertificate', 'ExtendedTriggerMessage', 'GetInstalledCertificateIds',
                  'GetLog', 'InstallCertificate', 'SignedUpdateFirmware'}
ANNOTATIONS = {'$schema', 'id', 'title', 'description', 'typeName'}


def fail(msg):
    sys.exit('gen_v16: ' + msg)


def snake(name):
    return re.sub(r'(?<!^)(?=[A-Z])', '_', name).lower()


def enum_ident(value):
    ident = re.sub(r'[^A-Za-z0-9_]', '_', value)
    return ident if not ident[0].isdigit() else '_' + ident


def canonical(node):
    return json.dumps({k: v for k, v in node.items() if k != 'description'}, sort_keys=True)


class Model:
    def __init__(self):
        self.enums = {}     # name -> values
        self.structs = {}   # name -> (node, canonical)
        self.order = []     # struct names, dependencies first

    def cpp_type(self, node, where):
        t = node.get('type')
        if 'enum' in node:
            name = node.get('typeName') or fail(f'{where}: enum without typeName')
            if name in self.enums and self.enums[name] != node['enum']:
                fail(f'{where}: enum {name} differs from an earlier definition')
            self.enums[name] = node['enum']
            return name
        if t == 'object':
            name = node.get('typeName') or fail(f'{where}: nested object without typeName')
            self.add_struct(name, node, where)
            return name
        if t == 'array':
            return 'std::vector<%s>' % self.cpp_type(node.get('items') or fail(f'{where}: array without items'),
                                                     where + '/items')
        if t == 'string':
            return 'DateTime' if node.get('format') == 'date-time' else 'std::string'
        if t == 'integer':
            return 'int'
        if t == 'number':
            return 'double'
        if t == 'boolean':
            return 'bool'
        fail(f'{where}: unsupported type {t!r}')

    def fields(self, node, where):
        out = []
        required = set(node.get('required', []))
        for prop in required - set(node.get('properties', {})):
            fail(f'{where}: required property {prop} is not defined')
        for prop, sub in node.get('properties', {}).items():
            out.append((prop, self.cpp_type(sub, f'{where}/{prop}'), prop in required, sub))
        return out

    def add_struct(self, name, node, where):
        c = canonical(node)
        if name in self.structs:
            if self.structs[name][1] != c:
                fail(f'{where}: struct {name} differs from an earlier definition')
            return
        self.structs[name] = (node, c)
        self.fields(node, where)  # registers dependencies first
        self.order.append(name)


def field_decl(cpp, required):
    return cpp if required else f'std::optional<{cpp}>'


def struct_body(model, name, node, where, extra=''):
    lines = [f'struct {name} {{']
    if extra:
        lines.append(extra)
    for prop, cpp, req, sub in model.fields(node, where):
        comment = ''
        if 'maxLength' in sub:
            comment = f' // CiString{sub["maxLength"]}'
        lines.append(f'    {field_decl(cpp, req)} {prop}{{}};{comment}')
    lines.append('};')
    return '\n'.join(lines)


def codec_defs(model, name, node, where):
    fields = model.fields(node, where)
    w = [f'void write_value(JsonWriter& w, const {name}& v) {{', '    w.StartObject();']
    if not fields:
        w.append('    (void)v;')
    for prop, _, _, _ in fields:
        w.append(f'    write_field(w, "{prop}", v.{prop});')
    w += ['    w.EndObject();', '}', '']
    r = [f'bool read_value(const Json& j, {name}& v, Decoder& d) {{']
    if fields:
        r.append('    return expect_object(j, d)')
        for prop, _, _, _ in fields:
            r.append(f'        && read_field(j, "{prop}", v.{prop}, d)')
        r[-1] += ';'
    else:
        r.append('    (void)v;')
        r.append('    return expect_object(j, d);')
    r += ['}', '']
    return '\n'.join(w + r)


def codec_decls(name):
    return (f'void write_value(JsonWriter& w, const {name}& v);\n'
            f'bool read_value(const Json& j, {name}& v, Decoder& d);\n')


HEADER = '// Generated by tools/gen_v16.py from ocpp/schemas/v16; do not edit.\n'


def write(path, text):
    if os.path.exists(path) and open(path).read() == text:
        return  # keep the timestamp: no needless rebuilds
    with open(path + '.tmp', 'w') as f:
        f.write(text)
    os.replace(path + '.tmp', path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--schemas', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--list', action='store_true', help='print the files that would be generated, and stop')
    args = ap.parse_args()
    out = os.path.join(args.out, 'ocpp', 'v16')
    os.makedirs(out, exist_ok=True)

    actions = {}
    for fn in sorted(os.listdir(args.schemas)):
        m = re.fullmatch(r'([A-Za-z]+)\.(req|conf)\.json', fn)
        if not m:
            if fn.endswith('.json'):
                fail(f'{fn}: schema files are named <Action>.req.json or <Action>.conf.json')
            continue
        with open(os.path.join(args.schemas, fn)) as f:
            schema = json.load(f)
        actions.setdefault(m.group(1), {})[m.group(2)] = (fn, schema)
    for action, parts in actions.items():
        if set(parts) != {'req', 'conf'}:
            fail(f'{action}: needs both a .req.json and a .conf.json schema')
        if action not in CHARGE_POINT | CENTRAL_SYSTEM:
            fail(f'{action}: unknown 1.6 action (add it to the direction table in this script)')

    if args.list:
        names = ['types.hpp', 'types.cpp', 'messages.hpp']
        names += [snake(a) + ext for a in sorted(actions) for ext in ('.hpp', '.cpp')]
        print(';'.join(os.path.join(out, n) for n in names))
        return

    model = Model()
    for action in sorted(actions):
        for kind in ('req', 'conf'):
            fn, schema = actions[action][kind]
            if schema.get('type') != 'object':
                fail(f'{fn}: the top level must be an object')
            model.fields(schema, fn)

    # types.hpp / types.cpp: enums and shared nested structs.
    hpp = [HEADER, '#pragma once', '#include <optional>', '#include <string>', '#include <string_view>',
           '#include <vector>', '', '#include "ocpp/v16/codec.hpp"', '', 'namespace ocpp::v16 {', '']
    cpp = [HEADER, '#include "ocpp/v16/types.hpp"', '', 'namespace ocpp::v16 {', '']
    for name in sorted(model.enums):
        values = model.enums[name]
        hpp.append(f'enum class {name} {{ ' + ', '.join(enum_ident(v) for v in values) + ' };')
        hpp.append(f'const char* to_string({name} v);')
        hpp.append(f'bool from_string(std::string_view s, {name}& out);')
        hpp.append(f'inline bool read_value(const Json& j, {name}& v, Decoder& d) {{ return read_enum(j, v, d); }}')
        hpp.append(f'inline void write_value(JsonWriter& w, {name} v) {{ w.String(to_string(v)); }}')
        hpp.append('')
        cpp.append(f'const char* to_string({name} v) {{')
        cpp.append('    switch (v) {')
        for v in values:
            cpp.append(f'    case {name}::{enum_ident(v)}:\n        return "{v}";')
        cpp.append('    }\n    return "";\n}\n')
        cpp.append(f'bool from_string(std::string_view s, {name}& out) {{')
        cpp.append(f'    static constexpr std::pair<std::string_view, {name}> kValues[] = {{')
        for v in values:
            cpp.append(f'        {{"{v}", {name}::{enum_ident(v)}}},')
        cpp.append('    };')
        cpp.append('    for (const auto& [text, value] : kValues) {\n        if (text == s) {\n'
                   '            out = value;\n            return true;\n        }\n    }\n    return false;\n}\n')
    for name in model.order:
        node = model.structs[name][0]
        hpp.append(struct_body(model, name, node, name))
        hpp.append(codec_decls(name))
        cpp.append(codec_defs(model, name, node, name))
    hpp.append('} // namespace ocpp::v16')
    cpp.append('} // namespace ocpp::v16')
    write(os.path.join(out, 'types.hpp'), '\n'.join(hpp) + '\n')
    write(os.path.join(out, 'types.cpp'), '\n'.join(cpp) + '\n')

    # One header and source per action.
    for action in sorted(actions):
        base = snake(action)
        hpp = [HEADER, '#pragma once', '#include "ocpp/v16/types.hpp"', '', 'namespace ocpp::v16 {', '']
        cpp = [HEADER, f'#include "ocpp/v16/{base}.hpp"', '', 'namespace ocpp::v16 {', '']
        hpp.append(f'struct {action}Conf;')
        for kind, suffix in (('req', 'Req'), ('conf', 'Conf')):
            fn, schema = actions[action][kind]
            name = action + suffix
            extra = f'    static constexpr std::string_view action = "{action}";'
            if kind == 'req':
                extra += f'\n    using Response = {action}Conf;'
            hpp.append(struct_body(model, name, schema, fn, extra))
            hpp.append(codec_decls(name))
            cpp.append(codec_defs(model, name, schema, fn))
        hpp.append('} // namespace ocpp::v16')
        cpp.append('} // namespace ocpp::v16')
        write(os.path.join(out, base + '.hpp'), '\n'.join(hpp) + '\n')
        write(os.path.join(out, base + '.cpp'), '\n'.join(cpp) + '\n')

    # messages.hpp: everything, plus the action list with each action's initiator.
    lines = [HEADER, '#pragma once']
    lines += [f'#include "ocpp/v16/{snake(a)}.hpp"' for a in sorted(actions)]
    lines += ['', '// X(Action, sent_by_charge_point, sent_by_central_system) for every action.',
              '#define OCPP_V16_FOR_EACH_ACTION(X) \\']
    lines += [f'    X({a}, {str(a in CHARGE_POINT).lower()}, {str(a in CENTRAL_SYSTEM).lower()}) \\'
              for a in sorted(actions)]
    lines.append('')
    write(os.path.join(out, 'messages.hpp'), '\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()

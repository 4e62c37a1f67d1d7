// docsui: the interactive documentation page of an OpenRPC service.
//
// Plain JavaScript, no build step, no dependencies. Everything the page shows is built with
// DOM calls and textContent, never from HTML strings, so text from the document cannot inject
// markup; the Content-Security-Policy forbids inline code anyway.
'use strict';

(() => {
  // ---------------------------------------------------------------------------------------
  // DOM helpers

  // h creates an element. props: class, text, on* listeners, and attributes (false and null
  // omit an attribute, true sets it empty). children: nodes, strings, numbers, arrays, and
  // null, undefined or false for nothing.
  //
  // Children are only ever added through h, add and put: the DOM's own append turns null
  // into the text "null", and an optional field of a document is absent more often than not.
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    setProps(el, props);
    append(el, children);
    return el;
  }

  // add appends children to el as h does; put replaces el's children with them.
  function add(el, ...children) { append(el, children); return el; }
  function put(el, ...children) { el.replaceChildren(); append(el, children); return el; }

  function setProps(el, props) {
    if (!props) return;
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = textOf(v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'value') el.value = textOf(v);
      else if (k === 'checked') el.checked = !!v;
      else el.setAttribute(k, v === true ? '' : textOf(v));
    }
  }

  function append(el, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      if (c instanceof Node) el.append(c);
      else el.append(textOf(c));
    }
  }

  // textOf is the text of a value: strings and numbers as they are, nothing for null and
  // undefined, and JSON for an object a document gives where text belongs.
  function textOf(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
    return stringify(v);
  }

  // The SVG namespace, as the HTML parser assigns it to an <svg> element.
  const SVG = new DOMParser().parseFromString('<svg></svg>', 'text/html').body.firstChild.namespaceURI;

  // Icons: 24x24 stroke paths.
  const ICONS = {
    lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z',
    unlock: 'M7 11V8a5 5 0 0 1 9.6-2M5 11h14v10H5z',
    help: 'M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20zM9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3M12 17h.01',
    link: 'M10 13a5 5 0 0 0 7.5.5l3-3a5 5 0 0 0-7-7l-1.7 1.7M14 11a5 5 0 0 0-7.5-.5l-3 3a5 5 0 0 0 7 7l1.7-1.7',
    sun: 'M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4',
    moon: 'M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z',
    menu: 'M3 6h18M3 12h18M3 18h18',
    close: 'M6 6l12 12M18 6L6 18',
    search: 'M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zM21 21l-4.3-4.3',
    copy: 'M9 9h11v11H9zM5 15H4V4h11v1',
    play: 'M6 4l14 8-14 8z',
    key: 'M21 2l-2 2m-7.6 7.6a5.5 5.5 0 1 1-7.8 7.8 5.5 5.5 0 0 1 7.8-7.8zm0 0L15.5 7.5m0 0l3 3L22 7l-3-3m-3.5 3.5L19 4',
    check: 'M20 6L9 17l-5-5',
    plus: 'M12 5v14M5 12h14',
    trash: 'M3 6h18M8 6V4h8v2M6 6l1 14h10l1-14',
    chevron: 'M9 18l6-6-6-6',
    pulse: 'M22 12h-4l-3 9L9 3l-3 9H2',
    stop: 'M6 6h12v12H6z',
  };

  function icon(name, cls) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    svg.setAttribute('class', 'icon' + (cls ? ' ' + cls : ''));
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', ICONS[name]);
    add(svg, p);
    return svg;
  }

  let uidCounter = 0;
  const uid = (prefix) => `${prefix}-${++uidCounter}`;

  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

  // ---------------------------------------------------------------------------------------
  // JSON: numbers too large for a double are kept as their text (RawNumber), and responses
  // are pretty-printed from their text, so ids and int64 values are shown exactly.

  class RawNumber {
    constructor(text) { this.text = text; }
    valueOf() { return Number(this.text); }
  }

  function stringify(value, indent) {
    const marks = [];
    const out = JSON.stringify(value, (k, v) => {
      if (v instanceof RawNumber) { marks.push(v.text); return `\u0000raw${marks.length - 1}\u0000`; }
      return v;
    }, indent);
    if (!marks.length) return out;
    return out.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i) => marks[Number(i)]);
  }

  // prettyJSON renders JSON text as indented, highlighted nodes, keeping number literals as
  // sent; inline puts it on one line. Text that is not JSON is shown as it is.
  function prettyJSON(text, inline) {
    const root = h('code', { class: 'json' });
    let i = 0;
    const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
    const span = (cls, s) => add(root, h('span', { class: cls, text: s }));
    const nl = (depth) => add(root, inline ? ' ' : '\n' + '  '.repeat(depth));
    function str() {
      const start = i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      return text.slice(start, i);
    }
    function value(depth) {
      ws();
      const c = text[i];
      if (c === '{' || c === '[') {
        const close = c === '{' ? '}' : ']';
        span('p', c); i++; ws();
        if (text[i] === close) { span('p', close); i++; return; }
        for (;;) {
          nl(depth + 1);
          if (c === '{') {
            ws(); span('k', str()); ws(); i++; span('p', ': ');
          }
          value(depth + 1); ws();
          if (text[i] === ',') { span('p', ','); i++; continue; }
          if (text[i] === close) { nl(depth); span('p', close); i++; return; }
          throw new Error('bad JSON');
        }
      }
      if (c === '"') { span('s', str()); return; }
      const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
      if (!m) throw new Error('bad JSON');
      span(m[1] === 'null' ? 'n' : (m[1] === 'true' || m[1] === 'false') ? 'b' : 'd', m[1]);
      i += m[1].length;
    }
    try {
      value(0); ws();
      if (i < text.length) throw new Error('trailing text');
      return root;
    } catch {
      return h('code', { class: 'json', text });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Descriptions: paragraphs with `code`, **strong** and [links](url); nothing else.

  function richText(text, cls) {
    if (typeof text !== 'string' || !text.trim()) return null;
    const box = h('div', { class: 'prose' + (cls ? ' ' + cls : '') });
    for (const para of String(text).split(/\n\s*\n/)) {
      if (!para.trim()) continue;
      const p = h('p');
      const re = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
      let last = 0, m;
      while ((m = re.exec(para))) {
        add(p, para.slice(last, m.index));
        if (m[1] !== undefined) add(p, h('code', { text: m[1] }));
        else if (m[2] !== undefined) add(p, h('strong', { text: m[2] }));
        else add(p, safeLink(m[4], m[3]));
        last = re.lastIndex;
      }
      add(p, para.slice(last));
      add(box, p);
    }
    return box;
  }

  // safeLink links to http(s), mailto and in-page URLs only; anything else is plain text.
  function safeLink(href, label) {
    if (!isText(href)) return document.createTextNode(textOf(label));
    const ok = /^(https?:|mailto:)/i.test(href) || href.startsWith('#') || !/^[a-z][a-z0-9+.-]*:/i.test(href);
    if (!ok) return document.createTextNode(textOf(label));
    const external = !href.startsWith('#');
    return h('a', { href, rel: external ? 'noopener noreferrer' : null }, label);
  }

  // ---------------------------------------------------------------------------------------
  // Schemas

  let doc = null;
  let docProblems = []; // what the page could not read of the document, in words
  let rawMethods = []; // the document's methods as written, their own $refs followed

  // resolveRef returns the schema a local JSON Pointer ("#/components/schemas/Name") names.
  function resolveRef(ref) {
    if (typeof ref !== 'string' || !ref.startsWith('#')) return null;
    let node = doc;
    for (const part of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!node || typeof node !== 'object' || !(key in node)) return null;
      node = node[key];
    }
    return node;
  }

  // ---------------------------------------------------------------------------------------
  // The document's objects, with their $refs followed.
  //
  // A method, a param or result (content descriptor), an example, an error, a link and a tag
  // may each be a Reference Object to the document's components. readMethods follows those
  // refs once, so that the rest of the page reads plain objects. An object whose ref does not
  // resolve becomes {$unresolved: ref}, which the page shows as such.

  function deref(x) {
    for (let i = 0; i < 16 && isObj(x) && typeof x.$ref === 'string'; i++) {
      const t = resolveRef(x.$ref);
      if (!isObj(t)) return { $unresolved: x.$ref };
      x = t;
    }
    return isObj(x) && typeof x.$ref === 'string' ? { $unresolved: x.$ref } : x;
  }

  const listOf = (v) => Array.isArray(v) ? v : [];
  const objectsOf = (v) => listOf(v).map(deref).filter(isObj);
  const isText = (v) => typeof v === 'string' && v.trim() !== '';

  // readMethods returns the methods of d that the page can show, dereferenced, and what it
  // cannot show, in words.
  function readMethods(d) {
    const methods = [];
    const problems = [];
    const names = new Set();
    listOf(d.methods).forEach((raw, i) => {
      const m = deref(raw);
      if (!isObj(m) || m.$unresolved || !isText(m.name)) {
        problems.push(isObj(m) && m.$unresolved ? `Method ${i + 1}: its $ref ${m.$unresolved} does not resolve.` : `Method ${i + 1} has no name.`);
        return;
      }
      if (names.has(m.name)) {
        problems.push(`Method ${m.name} is described twice: the page shows the first.`);
        return;
      }
      names.add(m.name);
      methods.push(Object.assign({}, m, {
        params: objectsOf(m.params).map((p, j) => contentDescriptor(p, `param${j + 1}`)),
        result: m.result === undefined || m.result === null ? undefined : contentDescriptor(deref(m.result), 'result'),
        errors: objectsOf(m.errors),
        examples: objectsOf(m.examples).map((ex) => Object.assign({}, ex, {
          params: objectsOf(ex.params),
          result: ex.result === undefined || ex.result === null ? undefined : deref(ex.result),
        })),
        links: objectsOf(m.links),
        tags: objectsOf(m.tags).filter((t) => t.$unresolved || isText(t.name)),
        servers: listOf(m.servers).filter((sv) => isObj(sv) && isText(sv.url)),
      }));
    });
    return { methods, problems };
  }

  // contentDescriptor gives a param or result a name (the ref's last part when it does not
  // resolve, else fallback) and a schema.
  function contentDescriptor(c, fallback) {
    if (!isObj(c)) return { name: fallback, schema: {} };
    if (c.$unresolved) return { name: c.$unresolved.split('/').pop() || fallback, schema: {}, $unresolved: c.$unresolved };
    return Object.assign({}, c, { name: isText(c.name) ? c.name : fallback });
  }

  // unresolved marks what a $ref that does not resolve should have shown.
  function unresolved(x) {
    if (!isObj(x) || !x.$unresolved) return null;
    return h('span', { class: 'tag tag-warn unresolved', title: 'The document refers to something it does not contain' }, `$ref ${x.$unresolved} does not resolve`);
  }

  // exampleValues lines the params of an example pairing up with the method's params: by
  // name when every example param is named after one of them (as most documents do), else by
  // position (the example's names are then its own, such as "two" for the value 2). A
  // param the example leaves out is MISSING.
  function exampleValues(params, ex) {
    const byName = pairsByName(params, ex);
    const values = listOf(ex.params).filter((v) => isObj(v) && !v.$unresolved);
    return params.map((p, i) => {
      const v = byName ? values.find((x) => x.name === p.name) : listOf(ex.params)[i];
      return isObj(v) && 'value' in v ? v.value : MISSING;
    });
  }

  // pairsByName tells whether every param of an example is named after one of the method's.
  function pairsByName(params, ex) {
    const values = listOf(ex.params).filter((v) => isObj(v) && !v.$unresolved);
    const names = new Set(params.map((p) => p.name));
    return values.length > 0 && values.every((v) => names.has(v.name));
  }

  const refName = (ref) => {
    const m = /^#\/components\/schemas\/(.+)$/.exec(ref || '');
    return m ? decodeURIComponent(m[1]).replace(/~1/g, '/').replace(/~0/g, '~') : null;
  };
  const schemaAnchor = (name) => 'schema-' + name;

  const ANNOTATIONS = new Set(['description', 'title', 'deprecated', 'readOnly', 'writeOnly', 'default', 'examples', 'example', '$comment', 'summary']);
  const isAnnotation = (k) => ANNOTATIONS.has(k) || k.startsWith('x-') || ['$id', '$schema', '$defs', 'definitions', '$parts'].includes(k);

  // describe normalizes a schema for forms and labels: kind is one of string, number,
  // integer, boolean, null, enum, object, map, array, tuple, union, allOf, any; nullable
  // tells whether null is allowed too; s is the effective schema ($ref resolved, allOf
  // merged); ref the component's name. A union (oneOf or anyOf of two or more non-null
  // alternatives) has alts, [{schema, index}] with index into the schema's own list, and
  // key, "oneOf" or "anyOf"; its s holds what the alternatives share (properties of an
  // object they all extend). An allOf that cannot be merged is kind allOf, with parts.
  function describe(schema, seen = 0) {
    if (schema === true || schema === undefined || schema === null) return { kind: 'any', nullable: false, s: {} };
    if (schema === false || !isObj(schema) || seen > 32) return { kind: 'any', nullable: false, s: {} };
    if (schema.$ref) {
      const target = resolveRef(schema.$ref);
      if (!target) return { kind: 'any', nullable: false, s: schema, broken: schema.$ref };
      const d = describe(target, seen + 1);
      const s = Object.assign({}, d.s);
      if (schema.description) s.description = schema.description;
      return Object.assign({}, d, { s, ref: d.ref || refName(schema.$ref) });
    }
    if (Array.isArray(schema.allOf)) {
      const merged = mergeAllOf(schema, seen);
      if (merged) return describe(merged, seen + 1);
      return { kind: 'allOf', nullable: false, s: schema, parts: schema.allOf };
    }
    for (const key of ['oneOf', 'anyOf']) {
      const list = schema[key];
      if (!Array.isArray(list) || !list.length) continue;
      const alts = list.map((a, index) => ({ schema: a, index })).filter((a) => !isNullSchema(a.schema));
      const nullable = alts.length < list.length;
      const nullBranch = list.find(isNullSchema);
      const rest = Object.assign({}, schema);
      delete rest[key];
      if (alts.length === 1) {
        // One alternative and null: that alternative, nullable. What the schema says
        // beside the oneOf (properties, a type) applies to it too.
        const only = Object.keys(rest).some((k) => !isAnnotation(k)) ? mergeAllOf({ allOf: [rest, alts[0].schema] }, seen + 1) : null;
        const d = describe(only || alts[0].schema, seen + 1);
        const s = Object.assign({}, d.s);
        for (const k of ANNOTATIONS) if (k in schema) s[k] = schema[k];
        return Object.assign({}, d, { s, nullable: true, ref: only ? undefined : d.ref, nullBranch });
      }
      if (alts.length > 1) return { kind: 'union', key, nullable, s: rest, alts, list, nullBranch };
    }
    let types = schema.type === undefined ? [] : [].concat(schema.type);
    const nullable = types.includes('null') || (Array.isArray(schema.enum) && schema.enum.includes(null));
    types = types.filter((t) => t !== 'null');
    if (Array.isArray(schema.enum)) {
      const values = schema.enum.filter((v) => v !== null);
      if (values.length) return { kind: 'enum', nullable, s: schema, values };
    }
    if ('const' in schema && schema.const !== null) return { kind: 'enum', nullable, s: schema, values: [schema.const], constant: true };
    if (types.length === 0 && isNullSchema(schema)) return { kind: 'null', nullable: false, s: schema };
    if (types.length === 0) {
      if (schema.properties || schema.patternProperties || isObj(schema.additionalProperties)) types = ['object'];
      else if (schema.items || schema.prefixItems) types = ['array'];
    }
    if (types.length !== 1) return { kind: 'any', nullable, s: schema };
    let kind = types[0];
    if (kind === 'object' && !schema.properties && (isObj(schema.additionalProperties) || isObj(schema.patternProperties))) kind = 'map';
    if (kind === 'array' && (Array.isArray(schema.items) || Array.isArray(schema.prefixItems))) {
      const positions = Array.isArray(schema.prefixItems) ? schema.prefixItems : schema.items;
      const rest = Array.isArray(schema.prefixItems) ? schema.items : schema.additionalItems;
      return { kind: 'tuple', nullable, s: schema, positions, rest };
    }
    if (!['string', 'number', 'integer', 'boolean', 'object', 'map', 'array'].includes(kind)) kind = 'any';
    return { kind, nullable, s: schema };
  }

  // isNullSchema tells a schema that allows null only, however it is written: type "null"
  // (with a title or description beside it), ["null"], enum [null] or const null.
  function isNullSchema(x) {
    for (let i = 0; i < 16 && isObj(x) && typeof x.$ref === 'string'; i++) x = resolveRef(x.$ref);
    if (!isObj(x)) return false;
    if (x.type === 'null' || (Array.isArray(x.type) && x.type.length === 1 && x.type[0] === 'null')) return true;
    if (Array.isArray(x.enum) && x.enum.length === 1 && x.enum[0] === null) return true;
    return 'const' in x && x.const === null;
  }

  // mergeAllOf folds allOf into one schema when its members only add properties, required
  // names and keywords that agree: the usual way to extend an object schema (Pet is NewPet
  // and an id). A member may hold a oneOf or anyOf, which the merged schema keeps (one of
  // them at most). The components merged in are listed in the result's $parts, for links.
  // Otherwise it returns null, and the schema is shown part by part (the page still checks
  // values against the allOf before sending them).
  function mergeAllOf(schema, seen) {
    if (seen > 32) return null;
    const out = Object.assign({}, schema);
    delete out.allOf;
    const parts = listOf(out.$parts).slice();
    for (let part of schema.allOf) {
      for (let i = 0; i < 16 && isObj(part) && typeof part.$ref === 'string'; i++) {
        const name = refName(part.$ref);
        if (name && !parts.includes(name)) parts.push(name);
        part = resolveRef(part.$ref);
      }
      if (part === true || (isObj(part) && Object.keys(part).length === 0)) continue;
      if (!isObj(part) || typeof part.$ref === 'string') return null;
      if (Array.isArray(part.allOf)) part = mergeAllOf(part, seen + 1);
      if (!part) return null;
      for (const [k, v] of Object.entries(part)) {
        if (k === '$parts') {
          for (const n of listOf(v)) if (!parts.includes(n)) parts.push(n);
        } else if (k === 'properties' && isObj(v)) {
          const props = Object.assign({}, out.properties);
          for (const [name, ps] of Object.entries(v)) props[name] = name in props && stringify(props[name]) !== stringify(ps) ? { allOf: [props[name], ps] } : ps;
          out.properties = props;
        } else if (k === 'required' && Array.isArray(v)) {
          out.required = [...new Set([...listOf(out.required), ...v])];
        } else if (!(k in out)) {
          out[k] = v;
        } else if (!isAnnotation(k) && stringify(out[k]) !== stringify(v)) {
          return null;
        }
      }
    }
    if (out.oneOf && out.anyOf) return null;
    if (parts.length) out.$parts = parts;
    return out;
  }

  // altLabel names an alternative of a union: its title, the component it refers to, a
  // short description, else its type.
  function altLabel(a) {
    const x = a.schema;
    if (isObj(x) && isText(x.title)) return x.title;
    if (isObj(x) && x.$ref) {
      const t = resolveRef(x.$ref);
      if (isObj(t) && isText(t.title)) return t.title;
      if (refName(x.$ref)) return refName(x.$ref);
    }
    if (isObj(x) && isText(x.description) && x.description.length <= 48) return x.description;
    // An object without a title is told apart by its fields, required ones first.
    const d = describe(x);
    if (d.kind === 'object' && !d.ref && isObj(d.s.properties) && Object.keys(d.s.properties).length) {
      const req = listOf(d.s.required);
      const names = [...new Set([...req.filter((n) => n in d.s.properties), ...Object.keys(d.s.properties)])];
      return `object {${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}}`;
    }
    return typeNode(x).textContent;
  }

  // typeNode is the short type label of a schema, with links to component schemas.
  function typeNode(schema, depth = 0) {
    const box = h('span', { class: 'type' });
    const d = describe(schema);
    if (schema && schema.$ref) {
      const name = refName(schema.$ref);
      add(box, name ? h('a', { href: '#' + schemaAnchor(name) }, name) : schema.$ref);
    } else if (d.ref) {
      add(box, h('a', { href: '#' + schemaAnchor(d.ref) }, d.ref));
    } else if (depth > 4) {
      add(box, '…');
    } else {
      const s = d.s;
      switch (d.kind) {
        case 'array': {
          add(box, 'array');
          if (s.items && !Array.isArray(s.items)) {
            // Alternatives are bracketed: each item is one of them, not the array.
            const item = typeNode(s.items, depth + 1);
            const di = describe(s.items);
            add(box, ' of ', (di.kind === 'union' || di.nullable) && item.textContent.includes(' | ') ? ['(', item, ')'] : item);
          }
          break;
        }
        case 'tuple':
          add(box, '[', d.positions.map((p, i) => [i ? ', ' : '', typeNode(p, depth + 1)]), isObj(d.rest) || d.rest === true || d.rest === undefined ? ', …' : '', ']');
          break;
        case 'map':
          add(box, 'map of ', isObj(s.additionalProperties) ? typeNode(s.additionalProperties, depth + 1) : isObj(s.patternProperties) ? typeNode(Object.values(s.patternProperties)[0], depth + 1) : 'any');
          break;
        case 'enum':
          if (d.constant) add(box, h('span', { class: 'const', text: fmtJSON(d.values[0]) }));
          else add(box, typeof d.values[0] === 'string' ? 'string' : typeof d.values[0] === 'number' ? (s.type === 'integer' || [].concat(s.type).includes('integer') ? 'integer' : 'number') : 'enum');
          break;
        case 'union': {
          // The alternatives' labels, unless two read alike: then their common type and count.
          const labels = d.alts.map(altLabel);
          if (new Set(labels).size === labels.length) d.alts.forEach((a, i) => add(box, i ? ' | ' : '', isObj(a.schema) && a.schema.$ref ? typeNode(a.schema, depth + 1) : labels[i]));
          else add(box, `${[...new Set(d.alts.map((a) => typeNode(a.schema, depth + 1).textContent))].join(' | ')} (${d.key === 'anyOf' ? 'any' : 'one'} of ${d.alts.length})`);
          break;
        }
        case 'allOf':
          add(box, 'all of ', d.parts.map((p, i) => [i ? ' & ' : '', typeNode(p, depth + 1)]));
          break;
        case 'any':
          if (Array.isArray(s.type)) add(box, s.type.join(' | '));
          else add(box, s.type ? String(s.type) : 'any');
          break;
        default:
          add(box, d.kind);
      }
      if (s.format && d.kind !== 'any') add(box, h('span', { class: 'fmt', text: ` (${s.format})` }));
      if (s.contentEncoding) add(box, h('span', { class: 'fmt', text: ` (${s.contentEncoding})` }));
    }
    if (d.nullable && d.kind !== 'any') add(box, ' | null');
    return box;
  }

  // extendsNode links the components an allOf merged into a schema.
  function extendsNode(d) {
    const parts = listOf(d.s && d.s.$parts);
    if (!parts.length) return null;
    return h('p', { class: 'hint extends' }, 'Has the fields of ', parts.flatMap((n, i) => [i ? (i === parts.length - 1 ? ' and ' : ', ') : '', h('a', { href: '#' + schemaAnchor(n) }, h('code', { text: n }))]), '.');
  }

  const fmtJSON = (v) => stringify(v);

  // constraints lists the validation keywords of a schema in words.
  function constraints(schema) {
    const d = describe(schema);
    const s = d.s;
    const out = [];
    const n = (k) => typeof s[k] === 'number';
    if (d.kind === 'enum' && !d.constant) out.push('one of ' + d.values.map(fmtJSON).join(', '));
    if (n('minLength') && n('maxLength')) out.push(s.minLength === s.maxLength ? `exactly ${s.minLength} chars` : `${s.minLength}–${s.maxLength} chars`);
    else if (n('minLength')) out.push(`≥ ${s.minLength} chars`);
    else if (n('maxLength')) out.push(`≤ ${s.maxLength} chars`);
    if (s.pattern) out.push(`pattern ${s.pattern}`);
    if (s.format && !['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float', 'double'].includes(s.format)) out.push(`format ${s.format}`);
    const limits = (s.format === 'int32' && s.minimum === -2147483648 && s.maximum === 2147483647);
    if (!limits) {
      if (n('minimum')) out.push(`≥ ${s.minimum}`);
      if (n('maximum')) out.push(`≤ ${s.maximum}`);
    }
    if (n('exclusiveMinimum')) out.push(`> ${s.exclusiveMinimum}`);
    if (n('exclusiveMaximum')) out.push(`< ${s.exclusiveMaximum}`);
    if (n('multipleOf')) out.push(`multiple of ${s.multipleOf}`);
    if (n('minItems') && n('maxItems')) out.push(s.minItems === s.maxItems ? `exactly ${s.minItems} items` : `${s.minItems}–${s.maxItems} items`);
    else if (n('minItems')) out.push(`≥ ${s.minItems} items`);
    else if (n('maxItems')) out.push(`≤ ${s.maxItems} items`);
    if (s.uniqueItems) out.push('unique items');
    if (d.kind === 'array' && isObj(s.items)) {
      for (const c of constraints(s.items)) out.push('each ' + c);
    }
    if ('default' in s) out.push('default ' + fmtJSON(s.default));
    if (Array.isArray(s.examples) && s.examples.length) out.push('e.g. ' + s.examples.map(fmtJSON).join(', '));
    if (s.readOnly) out.push('read-only');
    if (s.not !== undefined) out.push('not ' + notText(s.not));
    if (isObj(s.patternProperties)) for (const [re, ps] of Object.entries(s.patternProperties)) out.push(`keys matching ${re}: ${typeNode(ps).textContent}`);
    if (isObj(s.additionalProperties) && d.kind !== 'map') out.push('other keys: ' + typeNode(s.additionalProperties).textContent);
    else if (d.kind === 'map' && isObj(s.additionalProperties) && isObj(s.patternProperties)) out.push('other keys: ' + typeNode(s.additionalProperties).textContent);
    if (typeof s.minProperties === 'number') out.push(`≥ ${s.minProperties} entries`);
    if (typeof s.maxProperties === 'number') out.push(`≤ ${s.maxProperties} entries`);
    return out;
  }

  // notText says in words what a "not" schema excludes.
  function notText(x) {
    const d = describe(x);
    if (d.kind === 'enum') return d.values.map(fmtJSON).join(' or ');
    if (isObj(x) && Array.isArray(x.required) && !x.properties && !x.type) return 'with ' + x.required.join(', ');
    const cs = constraints(x);
    const t = typeNode(x).textContent;
    return cs.length ? `${t === 'any' ? '' : t + ' '}${cs.join(', ')}`.trim() : t;
  }

  // schemaFields renders the properties of an object schema as a field list.
  function schemaFields(schema, depth = 0) {
    const d = describe(schema);
    const s = d.s;
    if (!['object', 'union'].includes(d.kind) || !isObj(s.properties) || !Object.keys(s.properties).length) return null;
    const req = new Set(listOf(s.required));
    const list = h('ul', { class: 'fields' });
    for (const [name, ps] of Object.entries(s.properties)) {
      add(list, fieldItem({ name, required: req.has(name), schema: ps, description: isObj(ps) ? ps.description : '', deprecated: isObj(ps) && ps.deprecated }, depth + 1));
    }
    if (s.additionalProperties === false) add(list, h('li', { class: 'field-note', text: 'No other properties.' }));
    return list;
  }

  const COLLAPSE_DEPTH = 3; // nested structure past this depth starts folded
  const MAX_DOC_DEPTH = 10; // and past this one is not shown

  // schemaBody explains what a schema holds beyond its type: the components it extends, its
  // properties, the alternatives of a oneOf or anyOf, the positions of a tuple, the parts of
  // an allOf that cannot be merged, and the items of an array or values of a map given
  // inline. A schema of a component shows nothing here: its type links to it. each says
  // what the schema is of ("item" or "value") when it is an array's items or a map's values.
  function schemaBody(schema, depth, each) {
    const d = describe(schema);
    if (d.ref || depth > MAX_DOC_DEPTH) return [];
    const s = d.s;
    const out = [extendsNode(d)];
    switch (d.kind) {
      case 'object':
        out.push(schemaFields(schema, depth));
        break;
      case 'union':
        out.push(schemaFields(schema, depth), alternatives(d, depth, each));
        break;
      case 'allOf':
        out.push(alternatives({ key: 'allOf', alts: d.parts.map((x, index) => ({ schema: x, index })) }, depth));
        break;
      case 'tuple': {
        const min = typeof s.minItems === 'number' ? s.minItems : d.positions.length;
        const list = h('ol', { class: 'fields tuple', start: '0' }, d.positions.map((ps, i) => fieldItem({
          name: `[${i}]`, required: i < min, schema: ps, description: isObj(ps) ? [ps.title, ps.description].filter(isText).join(': ') : '',
        }, depth + 1)));
        if (d.rest === false) add(list, h('li', { class: 'field-note', text: 'No more items.' }));
        else if (isObj(d.rest) && Object.keys(d.rest).length) add(list, h('li', { class: 'field-note' }, 'Then any number of ', typeNode(d.rest), '.'));
        out.push(list);
        break;
      }
      case 'array':
        if (isObj(s.items)) out.push(schemaBody(s.items, depth, 'item'));
        break;
      case 'map':
        if (isObj(s.additionalProperties)) out.push(schemaBody(s.additionalProperties, depth, 'value'));
        break;
      default:
    }
    return out.flat(Infinity).filter(Boolean);
  }

  // alternatives lists the alternatives of a union (or the parts of an allOf), each with
  // its label, type, constraints and fields, folded past COLLAPSE_DEPTH. each says they are
  // those of each item of an array ("item") or each value of a map ("value").
  function alternatives(d, depth, each) {
    const title = { oneOf: 'Exactly one of these:', anyOf: 'One or more of these:', allOf: 'All of these:' }[d.key];
    const eachTitle = each ? `Each ${each} is ${title[0].toLowerCase()}${title.slice(1)}` : title;
    return h('div', { class: 'alts', 'data-alts': d.key },
      h('p', { class: 'alts-title', text: eachTitle }),
      h('ol', { class: 'alt-list' }, d.alts.map((a, i) => {
        const label = altLabel(a);
        const type = typeNode(a.schema, 1);
        const x = isObj(a.schema) ? a.schema : {};
        const inner = schemaBody(a.schema, depth + 1);
        const desc = isText(x.description) && x.description !== label ? richText(x.description, 'field-desc') : null;
        const cs = constraintList(a.schema);
        const same = type.textContent === label;
        const redundant = same || label.startsWith(type.textContent + ' {');
        const head = [h('span', { class: 'alt-n', 'aria-hidden': 'true', text: String(i + 1) }), h('span', { class: 'alt-label' }, same && x.$ref ? type : label), redundant ? null : type];
        if (!inner.length && !desc) return h('li', { class: 'alt' }, h('div', { class: 'alt-head' }, head), cs);
        return h('li', { class: 'alt' }, h('details', { class: 'alt-details', open: depth < COLLAPSE_DEPTH },
          h('summary', { class: 'alt-head' }, head), cs, desc, inner));
      })));
  }

  // nullNote says what null means when the null branch of a oneOf or anyOf says so.
  function nullNote(d) {
    const n = d.nullBranch;
    if (!isObj(n) || !(isText(n.title) || isText(n.description))) return null;
    return h('p', { class: 'hint null-note' }, h('code', { text: 'null' }), ': ', [n.title, n.description].filter(isText).join(' — '));
  }

  // fieldItem renders one param or property: name, type, required (true, false, or null for
  // a result, which is neither), constraints, description, a note such as an unresolved
  // $ref, and what the schema holds (schemaBody), folded past COLLAPSE_DEPTH.
  function fieldItem(f, depth = 0) {
    const d = describe(f.schema);
    const item = h('li', { class: 'field' + (f.deprecated ? ' is-deprecated' : '') },
      h('div', { class: 'field-head' },
        h('code', { class: 'field-name', text: f.name }),
        typeNode(f.schema),
        f.required === null ? null : f.required ? h('span', { class: 'tag tag-req', text: 'required' }) : h('span', { class: 'tag tag-opt', text: 'optional' }),
        f.deprecated ? h('span', { class: 'tag tag-warn', text: 'deprecated' }) : null,
        f.note),
      constraintList(f.schema),
      richText(f.description || (d.s && d.s.description), 'field-desc'),
      nullNote(d));
    const inner = schemaBody(f.schema, depth);
    if (inner.length && depth >= COLLAPSE_DEPTH) {
      add(item, h('details', { class: 'more' }, h('summary', { text: 'Show what it holds' }), inner));
    } else add(item, inner);
    return item;
  }

  function constraintList(schema) {
    const cs = constraints(schema);
    if (!cs.length) return null;
    return h('ul', { class: 'chips', 'aria-label': 'Constraints' }, cs.map((c) => h('li', { class: 'chip', text: c })));
  }

  // ---------------------------------------------------------------------------------------
  // Validation of values against schemas, with JSON Pointer paths, before sending.

  const typeOf = (v) => v === null ? 'null' : v instanceof RawNumber ? 'number' : Array.isArray(v) ? 'array' : typeof v;
  const isInteger = (v) => v instanceof RawNumber ? /^-?\d+$/.test(v.text) : Number.isInteger(v);
  const codePoints = (s) => Array.from(s).length;
  const ptr = (path, key) => path + '/' + String(key).replace(/~/g, '~0').replace(/\//g, '~1');

  const FORMATS = {
    'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
    date: /^\d{4}-\d{2}-\d{2}$/,
    time: /^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
    email: /^[^\s@]+@[^\s@]+$/,
    uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    uri: /^[a-zA-Z][a-zA-Z0-9+.-]*:\S*$/,
    ipv4: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
    hostname: /^(?=.{1,253}\.?$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*\.?$/,
    duration: /^P(?!$)(\d+W|(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?)$/,
  };

  function deepEqual(a, b) { return stringify(canonical(a)) === stringify(canonical(b)); }
  function canonical(v) {
    if (v instanceof RawNumber) return Number(v.text);
    if (Array.isArray(v)) return v.map(canonical);
    if (isObj(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
    return v;
  }

  // noneMatch says why a value matches none of the alternatives of a oneOf or anyOf: each
  // alternative's label and the first way the value breaks it (where inside the value,
  // when deeper than path). The null alternative of a nullable value is left out of it.
  function noneMatch(alts, results, path, value) {
    const why = alts.map((a, i) => [a, results[i]]).filter(([a]) => value === null || !isNullSchema(a)).map(([a, e]) => {
      const first = e[0] || { path, message: 'does not match' };
      const at = first.path.length > path.length && first.path.startsWith(path + '/') ? first.path.slice(path.length + 1) + ' ' : '';
      return `${altLabel({ schema: a })}: ${at}${first.message}`;
    });
    return `matches none of the ${alts.length} alternatives: ${why.join('; ')}`;
  }

  // check appends {path, message} to errs for each way value breaks schema. choices maps a
  // path to the alternative of a oneOf or anyOf the form chose there ({alts, index}): the
  // value at that path is checked against that alternative, so that errors name its fields
  // rather than saying no alternative matches. Elsewhere a oneOf or an anyOf takes a value
  // that an alternative takes; paths such as /tags/2 name each array item. A value that
  // several alternatives of a oneOf take is not refused: documents write overlapping oneOfs
  // (an Ethereum block hash matches the block number pattern too) and the server judges.
  function check(schema, value, path, errs, depth = 0, choices = null) {
    if (schema === undefined || schema === true || depth > 64) return;
    if (schema === false) { errs.push({ path, message: 'no value is allowed here' }); return; }
    if (!isObj(schema)) return;
    if (schema.$ref) {
      const t = resolveRef(schema.$ref);
      if (t) check(t, value, path, errs, depth + 1, choices);
      return;
    }
    for (const key of ['oneOf', 'anyOf']) {
      const alts = schema[key];
      if (!Array.isArray(alts) || !alts.length) continue;
      const results = alts.map((a) => { const e = []; check(a, value, path, e, depth + 1, choices); return e; });
      const matched = alts.filter((a, i) => !results[i].length);
      // The alternative the form chose for this value is the one it is checked against, so
      // that errors name its fields.
      const chosen = choices && choices.get(path);
      if (chosen && chosen.alts === alts && value !== null) {
        errs.push(...results[chosen.index]);
        continue;
      }
      if (!matched.length) {
        const nonNull = alts.map((a, i) => [a, results[i]]).filter(([a]) => !isNullSchema(a));
        if (value !== null && nonNull.length === 1) errs.push(...nonNull[0][1]);
        else errs.push({ path, message: noneMatch(alts, results, path, value) });
      }
    }
    if (Array.isArray(schema.allOf)) for (const a of schema.allOf) check(a, value, path, errs, depth + 1, choices);
    if (schema.not !== undefined) {
      const e = [];
      check(schema.not, value, path, e, depth + 1);
      if (!e.length) errs.push({ path, message: 'must not be ' + notText(schema.not) });
    }
    const t = typeOf(value);
    if (schema.type !== undefined) {
      const types = [].concat(schema.type);
      const ok = types.some((ty) => ty === t || (ty === 'integer' && t === 'number' && isInteger(value)));
      if (!ok) {
        const want = types.join(' or ');
        errs.push({ path, message: t === 'number' && types.includes('integer') ? 'must be a whole number' : `must be ${/^[aeiou]/.test(want) ? 'an' : 'a'} ${want}` });
        return;
      }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) {
      errs.push({ path, message: 'must be one of ' + schema.enum.map(fmtJSON).join(', ') });
    }
    if ('const' in schema && !deepEqual(schema.const, value)) errs.push({ path, message: 'must be ' + fmtJSON(schema.const) });
    if (t === 'string') {
      const n = codePoints(value);
      if (typeof schema.minLength === 'number' && n < schema.minLength) errs.push({ path, message: `must be at least ${schema.minLength} characters (has ${n})` });
      if (typeof schema.maxLength === 'number' && n > schema.maxLength) errs.push({ path, message: `must be at most ${schema.maxLength} characters (has ${n})` });
      if (schema.pattern) {
        let re = null;
        try { re = new RegExp(schema.pattern, 'u'); } catch { /* a pattern JavaScript cannot read: the server checks it */ }
        if (re && !re.test(value)) errs.push({ path, message: `must match ${schema.pattern}` });
      }
      const f = FORMATS[schema.format];
      if (f && !f.test(value)) errs.push({ path, message: `must be a valid ${schema.format}` });
    }
    if (t === 'number') {
      const x = Number(value);
      if (typeof schema.minimum === 'number' && x < schema.minimum) errs.push({ path, message: `must be ≥ ${schema.minimum}` });
      if (typeof schema.maximum === 'number' && x > schema.maximum) errs.push({ path, message: `must be ≤ ${schema.maximum}` });
      if (typeof schema.exclusiveMinimum === 'number' && x <= schema.exclusiveMinimum) errs.push({ path, message: `must be > ${schema.exclusiveMinimum}` });
      if (typeof schema.exclusiveMaximum === 'number' && x >= schema.exclusiveMaximum) errs.push({ path, message: `must be < ${schema.exclusiveMaximum}` });
      if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0) {
        const q = x / schema.multipleOf;
        if (Math.abs(q - Math.round(q)) > 1e-9 * Math.max(1, Math.abs(q))) errs.push({ path, message: `must be a multiple of ${schema.multipleOf}` });
      }
    }
    if (t === 'array') {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) errs.push({ path, message: `needs at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}` });
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errs.push({ path, message: `takes at most ${schema.maxItems} items` });
      if (schema.uniqueItems) {
        const seen = new Set();
        value.forEach((v, i) => {
          const k = stringify(canonical(v));
          if (seen.has(k)) errs.push({ path: ptr(path, i), message: 'duplicates an earlier item' });
          seen.add(k);
        });
      }
      const positions = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
      const rest = Array.isArray(schema.prefixItems) ? schema.items : Array.isArray(schema.items) ? schema.additionalItems : schema.items;
      positions.forEach((s, i) => { if (i < value.length) check(s, value[i], ptr(path, i), errs, depth + 1, choices); });
      if (isObj(rest) || rest === false) value.slice(positions.length).forEach((v, i) => check(rest, v, ptr(path, i + positions.length), errs, depth + 1, choices));
    }
    if (t === 'object') {
      const props = schema.properties || {};
      for (const r of schema.required || []) if (!(r in value)) errs.push({ path: ptr(path, r), message: 'is required' });
      for (const [k, v] of Object.entries(value)) {
        const patterns = isObj(schema.patternProperties) ? Object.entries(schema.patternProperties).filter(([re]) => { try { return new RegExp(re, 'u').test(k); } catch { return false; } }) : [];
        for (const [, ps] of patterns) check(ps, v, ptr(path, k), errs, depth + 1, choices);
        if (k in props) check(props[k], v, ptr(path, k), errs, depth + 1, choices);
        else if (patterns.length) continue;
        else if (schema.additionalProperties === false) errs.push({ path: ptr(path, k), message: 'is not an allowed property' });
        else if (isObj(schema.additionalProperties)) check(schema.additionalProperties, v, ptr(path, k), errs, depth + 1, choices);
      }
      const n = Object.keys(value).length;
      if (typeof schema.minProperties === 'number' && n < schema.minProperties) errs.push({ path, message: `needs at least ${schema.minProperties} entries` });
      if (typeof schema.maxProperties === 'number' && n > schema.maxProperties) errs.push({ path, message: `takes at most ${schema.maxProperties} entries` });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Form controls generated from schemas.
  //
  // A control has el, read(ctx) returning the value (parse errors go to ctx.errs with the
  // control's path), set(value), and focus(). A control holding fields has repath(path) too,
  // which moves them under a new path (an array item when an item before it is removed, or
  // when it is first numbered; a map value when its key changes), so that each value's
  // path, and the alternative the form chose for it (ctx.choices), are its own. Inputs
  // carry their path in data-path, which is where an input alone reads it.
  //
  // A field wraps a control with its label, help, the include toggle of an optional value,
  // the null toggle of a nullable one, and the inline error; fields register their paths in
  // ctx.fields so that errors, found here or by the server, show next to the input they are
  // about.

  const MISSING = Symbol('missing');
  const MAX_FORM_DEPTH = 12;

  function makeControl(schema, path, inputId, depth, name) {
    const d = describe(schema);
    if (depth > MAX_FORM_DEPTH) return rawControl(d, path, inputId);
    switch (d.kind) {
      case 'string': return stringControl(d, path, inputId, name);
      case 'number': case 'integer': return numberControl(d, path, inputId);
      case 'boolean': return booleanControl(d, path, inputId);
      case 'enum': return enumControl(d, path, inputId);
      case 'null': return nullControl(path, inputId);
      case 'object': return d.s.properties ? objectControl(d, path, depth) : mapControl({ s: { additionalProperties: {} } }, path, depth);
      case 'map': return mapControl(d, path, depth);
      case 'array': return isObj(d.s.items) || d.s.items === undefined ? arrayControl(d, path, depth) : rawControl(d, path, inputId);
      case 'tuple': return tupleControl(d, path, depth);
      case 'union': return unionControl(d, path, inputId, depth);
      default: return rawControl(d, path, inputId);
    }
  }

  const exampleOf = (s) => 'default' in s ? s.default : Array.isArray(s.examples) && s.examples.length ? s.examples[0] : 'example' in s ? s.example : undefined;

  function stringControl(d, path, inputId, name) {
    const s = d.s;
    const secret = s.format === 'password' || s.writeOnly || /pass(word)?|secret/i.test(name || '');
    const long = typeof s.maxLength === 'number' && s.maxLength > 200;
    const ex = exampleOf(s);
    const attrs = {
      id: inputId, 'data-path': path, class: 'input', spellcheck: 'false', autocomplete: secret ? 'new-password' : 'off',
      placeholder: s.format === 'date-time' ? '2006-01-02T15:04:05Z' : s.format === 'date' ? '2006-01-02' : typeof ex === 'string' ? ex : null,
      maxlength: null,
    };
    const input = long ? h('textarea', Object.assign(attrs, { rows: 3 })) : h('input', Object.assign(attrs, { type: secret ? 'password' : s.format === 'email' ? 'email' : 'text' }));
    if (typeof s.default === 'string') input.value = s.default;
    let el = input;
    if (secret && !long) {
      const show = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-pressed': 'false', 'aria-label': 'Show value' }, 'Show');
      show.addEventListener('click', () => {
        const hidden = input.type === 'password';
        input.type = hidden ? 'text' : 'password';
        show.textContent = hidden ? 'Hide' : 'Show';
        show.setAttribute('aria-pressed', String(hidden));
      });
      el = h('div', { class: 'input-group' }, input, show);
    }
    return {
      el, input,
      read: () => input.value,
      set: (v) => { input.value = v === null || v === undefined ? '' : typeof v === 'string' ? v : stringify(v); },
      focus: () => input.focus(),
    };
  }

  function numberControl(d, path, inputId) {
    const integer = d.kind === 'integer';
    const ex = exampleOf(d.s);
    const input = h('input', {
      id: inputId, 'data-path': path, class: 'input input-num', type: 'text', inputmode: integer ? 'numeric' : 'decimal',
      autocomplete: 'off', spellcheck: 'false', placeholder: typeof ex === 'number' ? String(ex) : integer ? '0' : '0.0',
    });
    if (typeof d.s.default === 'number') input.value = String(d.s.default);
    return {
      el: input, input,
      read: (ctx) => {
        const t = input.value.trim();
        const path = input.dataset.path;
        if (t === '') { ctx.errs.push({ path, message: 'enter a number' }); return MISSING; }
        if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(t)) { ctx.errs.push({ path, message: `“${t}” is not a number` }); return MISSING; }
        const x = Number(t);
        if (/^-?\d+$/.test(t) && !Number.isSafeInteger(x)) return new RawNumber(t);
        return x;
      },
      set: (v) => { input.value = v === null || v === undefined ? '' : v instanceof RawNumber ? v.text : String(v); },
      focus: () => input.focus(),
    };
  }

  function booleanControl(d, path, inputId) {
    const box = h('input', { id: inputId, 'data-path': path, type: 'checkbox', class: 'check' });
    if (d.s.default === true) box.checked = true;
    const state = h('span', { class: 'check-state', 'aria-hidden': 'true', text: box.checked ? 'true' : 'false' });
    box.addEventListener('change', () => { state.textContent = box.checked ? 'true' : 'false'; });
    return {
      el: h('span', { class: 'check-wrap' }, box, state), input: box,
      read: () => box.checked,
      set: (v) => { box.checked = v === true; state.textContent = box.checked ? 'true' : 'false'; },
      focus: () => box.focus(),
    };
  }

  function enumControl(d, path, inputId) {
    const sel = h('select', { id: inputId, 'data-path': path, class: 'input select' },
      d.values.map((v, i) => h('option', { value: String(i), text: typeof v === 'string' ? v : stringify(v) })));
    if ('default' in d.s) {
      const i = d.values.findIndex((v) => deepEqual(v, d.s.default));
      if (i >= 0) sel.value = String(i);
    }
    return {
      el: sel, input: sel,
      read: () => d.values[Number(sel.value)],
      set: (v) => { const i = d.values.findIndex((x) => deepEqual(x, v)); if (i >= 0) sel.value = String(i); },
      focus: () => sel.focus(),
    };
  }

  function nullControl(path, inputId) {
    const el = h('output', { id: inputId, 'data-path': path, class: 'null-value', text: 'null' });
    return { el, input: null, read: () => null, set: () => {}, focus: () => {} };
  }

  function rawControl(d, path, inputId) {
    const ex = exampleOf(d.s || {});
    const ta = h('textarea', {
      id: inputId, 'data-path': path, class: 'input input-raw', rows: 3, spellcheck: 'false',
      placeholder: ex !== undefined ? stringify(ex) : 'JSON, e.g. {"key": "value"}, [1, 2] or "text"',
    });
    return {
      el: h('div', { class: 'raw' }, ta, h('p', { class: 'hint', text: 'Any JSON value.' })), input: ta,
      read: (ctx) => {
        const t = ta.value.trim();
        const path = ta.dataset.path;
        if (t === '') { ctx.errs.push({ path, message: 'enter a JSON value' }); return MISSING; }
        try { return parseJSONKeepingNumbers(t); } catch (e) { ctx.errs.push({ path, message: 'not valid JSON: ' + e.message }); return MISSING; }
      },
      set: (v) => { ta.value = v === undefined ? '' : stringify(v, 2); },
      focus: () => ta.focus(),
    };
  }

  // parseJSONKeepingNumbers parses JSON, keeping integers beyond 2^53 exact.
  function parseJSONKeepingNumbers(t) {
    const v = JSON.parse(t);
    if (!/\d{16,}/.test(t)) return v;
    // Re-read big integer literals from the text, in order of appearance outside strings.
    const bigs = [];
    t.replace(/"(?:[^"\\]|\\.)*"|(-?\d{16,})(?![\d.eE])/g, (m, n) => { if (n) bigs.push(n); return m; });
    let k = 0;
    const walk = (x) => {
      if (Array.isArray(x)) return x.map(walk);
      if (isObj(x)) { const o = {}; for (const key of Object.keys(x)) o[key] = walk(x[key]); return o; }
      if (typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x) && k < bigs.length) return new RawNumber(bigs[k++]);
      return x;
    };
    return walk(v);
  }

  function objectControl(d, path, depth) {
    const s = d.s;
    const req = new Set(s.required || []);
    const fields = Object.entries(s.properties).map(([name, ps]) => makeField(ps, {
      name, path: ptr(path, name), required: req.has(name), depth: depth + 1,
      description: isObj(ps) ? ps.description : '',
    }));
    const el = h('div', { class: 'object-control' }, fields.map((f) => f.el));
    return {
      el, input: null,
      read: (ctx) => {
        const o = {};
        for (const f of fields) { const v = f.read(ctx); if (v !== MISSING) o[f.name] = v; }
        return o;
      },
      set: (v) => { if (isObj(v)) for (const f of fields) f.set(f.name in v ? v[f.name] : MISSING); },
      focus: () => fields.length && fields[0].focus(),
      repath: (p) => { for (const f of fields) f.repath(ptr(p, f.name)); },
    };
  }

  function arrayControl(d, path, depth) {
    const s = d.s;
    const itemSchema = s.items === undefined ? {} : s.items;
    const list = h('ol', { class: 'array-items' });
    const items = [];
    const addBtn = h('button', { type: 'button', class: 'btn btn-sm btn-ghost add-item' }, icon('plus'), 'Add item');
    const count = h('span', { class: 'hint', 'aria-live': 'polite' });
    function renumber() {
      items.forEach((it, i) => it.renumber(i));
      addBtn.disabled = typeof s.maxItems === 'number' && items.length >= s.maxItems;
      count.textContent = items.length ? '' : 'No items.';
    }
    function addItem(value) {
      const it = {};
      const f = makeField(itemSchema, { name: '', path: '', required: true, depth: depth + 1, item: true });
      const remove = h('button', { type: 'button', class: 'btn btn-sm btn-ghost remove-item' }, icon('trash'), h('span', { class: 'sr-only', text: 'Remove item' }));
      const li = h('li', { class: 'array-item' }, f.el, remove);
      remove.addEventListener('click', () => {
        const i = items.indexOf(it);
        items.splice(i, 1);
        li.remove();
        renumber();
        (items[Math.min(i, items.length - 1)] || { focus: () => addBtn.focus() }).focus();
      });
      Object.assign(it, {
        field: f, li,
        renumber: (i) => { f.relabel(`Item ${i + 1}`, ptr(path, i)); remove.lastChild.textContent = `Remove item ${i + 1}`; },
        focus: () => f.focus(),
      });
      items.push(it);
      add(list, li);
      if (value !== undefined) f.set(value);
      renumber();
      return it;
    }
    addBtn.addEventListener('click', () => addItem().focus());
    for (let i = 0; i < (s.minItems || 0) && i < 16; i++) addItem();
    renumber();
    return {
      el: h('div', { class: 'array-control' }, list, h('div', { class: 'array-actions' }, addBtn, count)), input: null,
      read: (ctx) => items.map((it) => it.field.read(ctx)).map((v) => v === MISSING ? null : v),
      set: (v) => {
        while (items.length) items.pop().li.remove();
        if (Array.isArray(v)) v.forEach((x) => addItem(x));
        renumber();
      },
      focus: () => (items.length ? items[0].focus() : addBtn.focus()),
      repath: (p) => { path = p; renumber(); },
    };
  }

  // tupleControl has one input for each position of a tuple (items or prefixItems given as
  // a list); positions past minItems may be left out, from the end.
  function tupleControl(d, path, depth) {
    const min = typeof d.s.minItems === 'number' ? d.s.minItems : d.positions.length;
    const fields = d.positions.map((ps, i) => makeField(ps, {
      name: `[${i}]` + (isObj(ps) && isText(ps.title) ? ' ' + ps.title : ''), path: ptr(path, i), required: i < min, depth: depth + 1,
      description: isObj(ps) ? ps.description : '',
    }));
    return {
      el: h('div', { class: 'object-control tuple-control' }, fields.map((f) => f.el)), input: null,
      read: (ctx) => {
        const values = fields.map((f) => f.read(ctx));
        let last = -1;
        values.forEach((v, i) => { if (v !== MISSING) last = i; });
        return values.slice(0, last + 1).map((v) => v === MISSING ? null : v);
      },
      set: (v) => { if (Array.isArray(v)) fields.forEach((f, i) => f.set(i < v.length ? v[i] : MISSING)); },
      focus: () => fields.length && fields[0].focus(),
      repath: (p) => fields.forEach((f, i) => f.repath(ptr(p, i))),
    };
  }

  // unionControl offers the alternatives of a oneOf or anyOf in a select, and below it the
  // fields they share (an object that each alternative extends) and those of the
  // alternative chosen, which switch with the choice. The last choice takes any JSON value.
  // The value read is checked against the alternative chosen (ctx.choices).
  function unionControl(d, path, inputId, depth) {
    const shared = isObj(d.s.properties) && Object.keys(d.s.properties).length ? objectControl({ s: d.s }, path, depth) : null;
    const base = Object.assign({}, d.s);
    for (const k of ['properties', 'required', '$parts', 'additionalProperties']) delete base[k];
    const constrained = Object.keys(base).some((k) => !isAnnotation(k));
    const schemaOf = (a) => constrained ? { allOf: [base, a.schema] } : a.schema;
    const RAW = d.alts.length;
    const sel = h('select', { id: inputId, 'data-path': path, class: 'input select alt-select', 'aria-label': d.key === 'anyOf' ? 'Alternative' : 'Which one' },
      d.alts.map((a, i) => h('option', { value: String(i), text: altLabel(a) })),
      h('option', { value: String(RAW), text: 'Any JSON value' }));
    const box = h('div', { class: 'alt-control' });
    const controls = new Map(); // choice -> control, kept so that switching back keeps input
    const current = () => {
      const i = Number(sel.value);
      if (!controls.has(i)) {
        let c;
        const ad = i === RAW ? null : describe(schemaOf(d.alts[i]));
        if (i === RAW) c = rawControl({ s: {} }, path, uid('in'));
        else if (shared && ad.kind === 'object' && !isObj(ad.s.properties)) {
          const need = listOf(ad.s.required);
          c = { el: h('p', { class: 'hint', text: need.length ? `Needs ${need.join(', ')} above.` : 'No further fields.' }), input: null, read: () => MISSING, set: () => {}, focus: () => {} };
        } else c = makeControl(schemaOf(d.alts[i]), path, uid('in'), depth + 1, '');
        if (c.input && !c.input.hasAttribute('aria-label')) c.input.setAttribute('aria-label', i === RAW ? 'JSON value' : altLabel(d.alts[i]));
        controls.set(i, c);
      }
      return controls.get(i);
    };
    const show = () => put(box, current().el);
    sel.addEventListener('change', show);
    show();
    const el = h('div', { class: 'union-control' }, shared ? shared.el : null, h('div', { class: 'alt-choice' }, h('span', { class: 'alt-choice-label', 'aria-hidden': 'true', text: d.key === 'anyOf' ? 'As' : 'One of' }), sel), box);
    return {
      el, input: sel,
      read: (ctx) => {
        const i = Number(sel.value);
        const common = shared ? shared.read(ctx) : null;
        const v = current().read(ctx);
        if (i !== RAW && ctx.choices) ctx.choices.set(path, { alts: d.list, index: d.alts[i].index });
        if (common && (isObj(v) || v === MISSING)) return Object.assign(common, v === MISSING ? {} : v);
        return v;
      },
      set: (v) => {
        // The first alternative the value fits, else the raw editor.
        let i = d.alts.findIndex((a) => { const e = []; check(schemaOf(a), v, '', e); return !e.length; });
        if (i < 0) i = RAW;
        sel.value = String(i);
        show();
        if (shared && i !== RAW) shared.set(v);
        current().set(v);
      },
      focus: () => sel.focus(),
      repath: (p) => {
        path = p;
        sel.setAttribute('data-path', p);
        if (shared) shared.repath(p);
        for (const c of controls.values()) repathControl(c, p);
      },
    };
  }

  function mapControl(d, path, depth) {
    const valueSchema = d.s.additionalProperties === true || d.s.additionalProperties === undefined ? {} : d.s.additionalProperties;
    const list = h('div', { class: 'map-entries' });
    const entries = [];
    const addBtn = h('button', { type: 'button', class: 'btn btn-sm btn-ghost add-entry' }, icon('plus'), 'Add entry');
    function addEntry(key, value) {
      const keyId = uid('key');
      const keyInput = h('input', { id: keyId, class: 'input map-key', type: 'text', placeholder: 'key', spellcheck: 'false', autocomplete: 'off' });
      const f = makeField(valueSchema, { name: 'value', path: ptr(path, '?'), required: true, depth: depth + 1, item: true });
      const remove = h('button', { type: 'button', class: 'btn btn-sm btn-ghost' }, icon('trash'), h('span', { class: 'sr-only', text: 'Remove entry' }));
      const row = h('div', { class: 'map-entry' }, h('label', { class: 'sr-only', for: keyId, text: 'Key' }), keyInput, f.el, remove);
      const e = { keyInput, field: f, row };
      keyInput.addEventListener('input', () => f.relabel(keyInput.value || 'value', ptr(path, keyInput.value)));
      remove.addEventListener('click', () => { entries.splice(entries.indexOf(e), 1); row.remove(); addBtn.focus(); });
      entries.push(e);
      add(list, row);
      if (key !== undefined) { keyInput.value = key; f.relabel(key, ptr(path, key)); f.set(value); }
      return e;
    }
    addBtn.addEventListener('click', () => addEntry().keyInput.focus());
    return {
      el: h('div', { class: 'map-control' }, list, h('div', { class: 'array-actions' }, addBtn)), input: null,
      read: (ctx) => {
        const o = {};
        for (const e of entries) {
          const k = e.keyInput.value;
          if (k in o) { ctx.errs.push({ path: ptr(path, k), message: `key “${k}” is given twice` }); continue; }
          const v = e.field.read(ctx);
          if (v !== MISSING) o[k] = v;
        }
        return o;
      },
      set: (v) => {
        while (entries.length) entries.pop().row.remove();
        if (isObj(v)) for (const [k, x] of Object.entries(v)) addEntry(k, x);
      },
      focus: () => (entries.length ? entries[0].keyInput.focus() : addBtn.focus()),
      repath: (p) => { path = p; for (const e of entries) e.field.repath(ptr(p, e.keyInput.value)); },
    };
  }

  // repathControl moves a control (if built) under path p.
  function repathControl(c, p) {
    if (!c) return;
    if (c.repath) c.repath(p);
    else if (c.input) c.input.setAttribute('data-path', p);
    else if (c.el && c.el.hasAttribute('data-path')) c.el.setAttribute('data-path', p);
  }

  // makeField wraps a control with label, help, include and null toggles and errors.
  // opts: name, path, required, depth, description, item (an array item or map value).
  function makeField(schema, opts) {
    const d = describe(schema);
    const inputId = uid('in');
    const errId = uid('err');
    const labelId = uid('lbl');
    let path = opts.path;
    const composite = ['object', 'map', 'array', 'tuple', 'union'].includes(d.kind) && (opts.depth || 0) <= MAX_FORM_DEPTH;
    const labelText = h('span', { class: 'label-text', text: opts.name });
    const label = composite
      ? h('span', { class: 'label', id: labelId }, labelText)
      : h('label', { class: 'label', id: labelId, for: inputId }, labelText);
    const err = h('p', { class: 'field-error', id: errId, hidden: true });
    const body = h('div', { class: 'field-body' });
    const head = h('div', { class: 'field-line' }, label, typeNode(schema));
    const el = h('div', { class: 'form-field' + (composite ? ' is-composite' : '') + (opts.item ? ' is-item' : ''), 'data-field': path },
      head, body, err);
    if (opts.item) head.classList.add('is-item-head');
    const help = [];
    if (!opts.item) {
      const cs = constraints(schema);
      if (opts.description || d.s.description) help.push(h('span', { class: 'hint-desc', text: opts.description || d.s.description }));
      if (cs.length) help.push(h('span', { class: 'hint-constraints', text: cs.join(' · ') }));
    }
    const helpId = uid('help');
    if (help.length) add(body, h('p', { class: 'hint', id: helpId }, help));

    let control = null;
    const controlBox = h('div', { class: 'control' });
    add(body, controlBox);
    // A composite value can also be typed as JSON: the button switches between the form
    // and a raw editor, carrying the value across.
    let formControl = null;
    let rawMode = false;
    const jsonBtn = composite ? h('button', { type: 'button', class: 'btn btn-ghost btn-sm json-toggle', 'aria-pressed': 'false', title: 'Edit this value as JSON' }, 'JSON', h('span', { class: 'sr-only', text: ' for ' + (opts.name || 'this value') })) : null;
    if (jsonBtn) {
      jsonBtn.addEventListener('click', () => {
        const from = ensureControl();
        const scratch = { errs: [], fields: new Map(), choices: new Map() };
        const v = from.read(scratch);
        if (!rawMode) {
          formControl = control;
          control = rawControl(d, path, inputId);
          if (v !== MISSING) control.set(v);
        } else {
          if (scratch.errs.length) { field.showError(scratch.errs[0].message); return; }
          control = formControl;
          if (v !== MISSING) control.set(v);
        }
        rawMode = !rawMode;
        put(controlBox, control.el);
        jsonBtn.setAttribute('aria-pressed', String(rawMode));
        el.classList.toggle('is-raw', rawMode);
        control.focus();
      });
    }
    const ensureControl = () => {
      if (control) return control;
      control = makeControl(schema, path, inputId, opts.depth || 0, opts.name);
      add(controlBox, control.el);
      if (control.input) {
        control.input.setAttribute('aria-describedby', [help.length ? helpId : null, errId].filter(Boolean).join(' '));
        if (opts.required && !opts.item) control.input.setAttribute('aria-required', 'true');
      } else if (composite) {
        control.el.setAttribute('role', 'group');
        control.el.setAttribute('aria-labelledby', labelId);
      }
      return control;
    };

    // Optional values start excluded; their control is built when first included, so that
    // recursive types (a Node with Node children) unfold only as far as the user asks.
    let include = null;
    if (!opts.required) {
      include = h('input', { type: 'checkbox', class: 'check', id: uid('inc') });
      const incLabel = h('label', { class: 'toggle', for: include.id }, include, h('span', { text: 'Include' }), h('span', { class: 'sr-only', text: ' ' + opts.name }));
      add(head, incLabel);
      el.classList.add('is-excluded');
      include.addEventListener('change', () => {
        if (include.checked) ensureControl();
        el.classList.toggle('is-excluded', !include.checked);
        if (include.checked && control) control.focus();
      });
    } else {
      ensureControl();
    }
    let nullBox = null;
    if (d.nullable) {
      nullBox = h('input', { type: 'checkbox', class: 'check', id: uid('null') });
      add(head, h('label', { class: 'toggle', for: nullBox.id }, nullBox, h('span', { text: 'null' }), h('span', { class: 'sr-only', text: ' for ' + opts.name })));
      nullBox.addEventListener('change', () => {
        if (nullBox.checked && include && !include.checked) { include.checked = true; ensureControl(); el.classList.remove('is-excluded'); }
        if (!nullBox.checked) ensureControl();
        el.classList.toggle('is-null', nullBox.checked);
      });
    }
    if (jsonBtn) add(head, jsonBtn);

    const field = {
      el, name: opts.name,
      get path() { return path; },
      read(ctx) {
        field.clearError();
        ctx.fields.set(path, field);
        if (include && !include.checked) return MISSING;
        if (nullBox && nullBox.checked) return null;
        const c = ensureControl();
        const before = ctx.errs.length;
        const v = c.read(ctx);
        for (const e of ctx.errs.slice(before)) if (!ctx.fields.has(e.path)) ctx.fields.set(e.path, field);
        return v;
      },
      set(v) {
        if (v === MISSING || v === undefined) {
          if (include) { include.checked = false; el.classList.add('is-excluded'); }
          return;
        }
        if (include) { include.checked = true; el.classList.remove('is-excluded'); }
        if (v === null && nullBox) { nullBox.checked = true; el.classList.add('is-null'); return; }
        if (nullBox) { nullBox.checked = false; el.classList.remove('is-null'); }
        ensureControl().set(v);
      },
      focus() {
        if (include && !include.checked) { include.focus(); return; }
        if (nullBox && nullBox.checked) { nullBox.focus(); return; }
        ensureControl().focus();
      },
      showError(message) {
        err.hidden = false;
        if (err.textContent) err.textContent += '; ' + message;
        else err.textContent = message;
        el.classList.add('has-error');
        if (control && control.input) control.input.setAttribute('aria-invalid', 'true');
      },
      clearError() {
        err.hidden = true;
        err.textContent = '';
        el.classList.remove('has-error');
        if (control && control.input) control.input.removeAttribute('aria-invalid');
      },
      relabel(text, newPath) {
        labelText.textContent = text;
        field.repath(newPath);
      },
      repath(newPath) {
        path = newPath;
        el.setAttribute('data-field', newPath);
        repathControl(control, newPath);
        if (formControl && formControl !== control) repathControl(formControl, newPath);
      },
    };
    return field;
  }

  // ---------------------------------------------------------------------------------------
  // Security: schemes of the document, credentials the user enters, and what they unlock.

  const schemeState = {}; // name -> {def, kind, value, user, scopes (Set|null), proven (Set), missing (Set), rejected}
  const STORE_KEY = () => 'docsui:auth:' + new URL(config.documentURL, location.href).href;

  function schemeKind(def) {
    if (!isObj(def)) return 'unknown';
    const type = String(def.type || '').toLowerCase();
    if (type === 'http' && String(def.scheme || '').toLowerCase() === 'bearer') return 'bearer';
    if (type === 'http' && String(def.scheme || '').toLowerCase() === 'basic') return 'basic';
    if (type === 'apikey') return isText(def.name) ? 'apiKey' : 'unknown';
    if (type === 'oauth2' || type === 'openidconnect') return 'oauth2';
    return 'unknown';
  }

  function hasCredential(name) {
    const st = schemeState[name];
    if (!st) return false;
    if (st.kind === 'basic') return !!(st.user || st.value);
    return !!st.value && st.kind !== 'unknown' && !(st.kind === 'apiKey' && st.def.in === 'cookie');
  }

  // lockOf tells whether the credentials entered satisfy a method's x-security: "public",
  // "open" (satisfied), "unknown" (signed in, but the page cannot tell whether the scopes are
  // granted) or "locked", with the reason in words.
  function lockOf(m) {
    const req = m['x-security'];
    if (!isObj(req) || Object.keys(req).length === 0) return { state: 'public', text: '' };
    let best = null;
    const needs = [];
    for (const [name, scopes] of Object.entries(req)) {
      const list = Array.isArray(scopes) ? scopes : [];
      needs.push(list.length ? `${name} with ${list.length === 1 ? 'scope' : 'scopes'} ${list.join(', ')}` : name);
      const st = schemeState[name];
      let r;
      if (!st || !hasCredential(name)) r = { state: 'locked', why: st ? `no ${name} credential entered` : `scheme ${name} is not described` };
      else if (st.rejected) r = { state: 'locked', why: `the server refused the ${name} credential` };
      else {
        const refused = list.filter((sc) => st.missing.has(sc));
        const lacking = list.filter((sc) => !refused.includes(sc) && st.scopes && !st.scopes.has(sc) && !st.proven.has(sc));
        const unknown = list.filter((sc) => !refused.includes(sc) && !lacking.includes(sc) && !st.proven.has(sc) && !(st.scopes && st.scopes.has(sc)));
        if (refused.length) r = { state: 'locked', why: `the server said your ${name} credential lacks ${refused.join(', ')}` };
        else if (lacking.length) r = { state: 'locked', why: `the ${name} scopes you entered lack ${lacking.join(', ')}` };
        else if (unknown.length) r = { state: 'unknown', why: `needs ${unknown.join(', ')}: only the server knows whether your ${name} credential has ${unknown.length === 1 ? 'it' : 'them'}` };
        else if (list.length && list.every((sc) => st.proven.has(sc))) r = { state: 'open', why: `the server accepted your ${name} credential for ${list.join(', ')}` };
        else r = { state: 'open', why: `${name} credential entered` + (list.length ? `, with ${list.join(', ')} as you listed` : '') };
      }
      const rank = { open: 3, unknown: 2, locked: 1 };
      if (!best || rank[r.state] > rank[best.state]) best = r;
    }
    const requires = 'Requires ' + needs.join(' or ');
    return { state: best.state, text: best.why, requires };
  }

  // ---------------------------------------------------------------------------------------
  // The page

  const body = document.body;
  const config = {
    documentURL: body.getAttribute('data-document-url') || '/openrpc.json',
    endpoint: body.getAttribute('data-endpoint') || '',
    title: body.getAttribute('data-title') || '',
  };
  let endpoint = '';
  const methodViews = new Map(); // name -> {card, navItem, badge, navLock, update}
  let announcer = null;

  const announce = (text) => { if (announcer) { announcer.textContent = ''; setTimeout(() => { announcer.textContent = text; }, 30); } };

  // Theme: the system's, unless the user picked one with the toggle.
  const THEME_KEY = 'docsui:theme';
  function storedTheme() { try { return localStorage.getItem(THEME_KEY); } catch { return null; } }
  function applyTheme(t) {
    if (t === 'light' || t === 'dark') document.documentElement.setAttribute('data-theme', t);
    else document.documentElement.removeAttribute('data-theme');
  }
  const effectiveTheme = () => document.documentElement.getAttribute('data-theme') || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  applyTheme(storedTheme());

  async function start() {
    let loaded;
    try {
      loaded = await loadDocument();
    } catch (e) {
      showLoadError(e);
      return;
    }
    doc = loaded.doc;
    const read = readMethods(doc);
    rawMethods = listOf(doc.methods).map(deref);
    doc = Object.assign({}, doc, { methods: read.methods });
    docProblems = read.problems;
    endpoint = chooseEndpoint(loaded.url);
    // A ws(s) endpoint selects WebSocket; the page keeps the http(s) URL of the same path.
    let saved = null;
    try { saved = sessionStorage.getItem(TRANSPORT_KEY()); } catch { /* storage off */ }
    transport = saved === 'ws' || saved === 'http' ? saved : /^wss?:/.test(endpoint) ? 'ws' : 'http';
    endpoint = httpURLOf(endpoint);
    render();
  }

  async function loadDocument() {
    const url = new URL(config.documentURL, location.href);
    let firstError;
    try {
      const res = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-cache', credentials: 'same-origin' });
      if (!res.ok) throw new Error(`GET ${url.href}: ${res.status} ${res.statusText}`);
      const d = await res.json();
      if (!isObj(d) || !Array.isArray(d.methods)) throw new Error(`${url.href} is not an OpenRPC document (no methods)`);
      return { doc: d, url: url.href };
    } catch (e) {
      firstError = e;
    }
    // No document at the URL: ask the endpoint itself.
    const ep = new URL(config.endpoint || '/api/v1', location.href);
    try {
      const res = await fetch(ep, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, cache: 'no-store',
        body: JSON.stringify({ jsonrpc: '2.0', method: 'rpc.discover', id: 1 }),
      });
      const reply = await res.json();
      if (isObj(reply) && isObj(reply.result) && Array.isArray(reply.result.methods)) return { doc: reply.result, url: ep.href };
    } catch { /* report the first error */ }
    throw firstError;
  }

  function showLoadError(e) {
    const main = h('main', { id: 'main', class: 'load-error', tabindex: '-1' },
      h('h1', { text: 'The API description could not be loaded' }),
      h('p', {}, 'The page asked for ', h('code', { text: new URL(config.documentURL, location.href).href }),
        ' and then for rpc.discover at the endpoint, and neither answered with an OpenRPC document.'),
      h('pre', { class: 'code', text: String(e && e.message || e) }),
      h('p', { class: 'hint', text: 'Check that the server serves its document there. A document on another origin must allow this page with CORS, and its origin must be in the page’s Content-Security-Policy (docsui.Options).' }));
    put(document.getElementById('app'), main);
  }

  function chooseEndpoint(docURL) {
    if (config.endpoint) return new URL(config.endpoint, location.href).href;
    const srv = Array.isArray(doc.servers) ? doc.servers.find((s) => isObj(s) && typeof s.url === 'string') : null;
    if (srv) {
      // OpenRPC names variables as ${name}; {name}, as in OpenAPI, is read too.
      const u = srv.url.replace(/\$?\{([^}]+)\}/g, (m, name) => {
        const v = isObj(srv.variables) && isObj(srv.variables[name]) ? srv.variables[name].default : undefined;
        return v === undefined ? m : String(v);
      });
      try { return new URL(u, docURL).href; } catch { /* fall through */ }
    }
    return new URL('/api/v1', location.href).href;
  }

  function render() {
    const info = isObj(doc.info) ? doc.info : {};
    const title = docTitle(info);
    document.title = title + (isText(textOf(info.version)) ? ` ${textOf(info.version)}` : '') + ' · API documentation';

    const schemes = isObj(doc.components) && isObj(doc.components['x-securitySchemes']) ? doc.components['x-securitySchemes'] : {};
    let saved = {};
    try { saved = JSON.parse(sessionStorage.getItem(STORE_KEY()) || '{}') || {}; } catch { saved = {}; }
    for (const [name, def] of Object.entries(schemes)) {
      const sv = isObj(saved[name]) ? saved[name] : {};
      schemeState[name] = {
        def: isObj(def) ? def : {}, kind: schemeKind(def), value: typeof sv.value === 'string' ? sv.value : '',
        user: typeof sv.user === 'string' ? sv.user : '',
        scopes: Array.isArray(sv.scopes) ? new Set(sv.scopes) : null,
        proven: new Set(), missing: new Set(), rejected: false,
      };
    }

    const methods = doc.methods;
    const groups = groupByTag(methods);
    const componentSchemas = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};

    // Top bar
    const search = h('input', {
      id: 'search', type: 'search', class: 'input search-input', autocomplete: 'off',
      spellcheck: 'false', 'aria-describedby': 'search-count', 'aria-keyshortcuts': '/',
    });
    const narrow = matchMedia('(max-width: 860px)');
    const setPlaceholder = () => { search.placeholder = narrow.matches ? 'Search' : 'Search methods and schemas'; };
    narrow.addEventListener('change', setPlaceholder);
    setPlaceholder();
    const themeBtn = h('button', { type: 'button', class: 'btn btn-icon theme-toggle' });
    const setThemeButton = () => {
      const dark = effectiveTheme() === 'dark';
      put(themeBtn, icon(dark ? 'sun' : 'moon'), h('span', { class: 'sr-only', text: dark ? 'Use light theme' : 'Use dark theme' }));
      themeBtn.title = dark ? 'Use light theme' : 'Use dark theme';
    };
    themeBtn.addEventListener('click', () => {
      const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      applyTheme(next);
      try { localStorage.setItem(THEME_KEY, next); } catch { /* private mode */ }
      setThemeButton();
    });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', setThemeButton);
    setThemeButton();

    const menuBtn = h('button', { type: 'button', class: 'btn btn-icon menu-toggle', 'aria-controls': 'nav', 'aria-expanded': 'false' },
      icon('menu'), h('span', { class: 'sr-only', text: 'Contents' }));
    const topbar = h('header', { class: 'topbar' },
      menuBtn,
      h('a', { class: 'brand', href: '#overview' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, '{ }'), h('span', { class: 'brand-title', text: title }),
        versionTag(info, 'version')),
      h('div', { class: 'search' }, icon('search', 'search-icon'), h('label', { for: 'search', class: 'sr-only', text: 'Search methods and schemas' }), search,
        h('kbd', { class: 'search-key', 'aria-hidden': 'true', text: '/' })),
      themeBtn);

    // Navigation
    const nav = h('nav', { id: 'nav', class: 'sidebar', 'aria-label': 'Contents' });
    const navList = h('ul', { class: 'nav-list' },
      h('li', {}, h('a', { href: '#overview', class: 'nav-top' }, 'Overview')),
      Object.keys(schemes).length ? h('li', {}, h('a', { href: '#authorization', class: 'nav-top' }, 'Authorization')) : null);
    add(nav, navList);
    for (const g of groups) {
      const items = g.methods.map((m) => {
        const lock = h('span', { class: 'nav-lock' });
        const a = h('a', { href: '#' + methodAnchor(m.name), class: 'nav-method' + (m.deprecated ? ' is-deprecated' : ''), title: m.name }, h('span', { class: 'nav-name' }, breakable(m.name)), lock);
        const li = h('li', { 'data-method': m.name }, a);
        methodViews.set(m.name, { navItem: li, navLock: lock });
        return li;
      });
      add(nav, h('div', { class: 'nav-group', 'data-group': g.id }, h('h2', { class: 'nav-heading', text: g.title }), h('ul', { class: 'nav-list' }, items)));
    }
    const schemaNames = Object.keys(componentSchemas).sort((a, b) => a.localeCompare(b));
    const componentLinks = isObj(doc.components) && isObj(doc.components.links) ? doc.components.links : {};
    const linkNames = Object.keys(componentLinks).sort((a, b) => a.localeCompare(b));
    if (schemaNames.length) {
      add(nav, h('div', { class: 'nav-group', 'data-group': 'schemas' }, h('h2', { class: 'nav-heading', text: 'Schemas' }),
        h('ul', { class: 'nav-list' }, schemaNames.map((n) => h('li', { 'data-schema': n }, h('a', { href: '#' + schemaAnchor(n), class: 'nav-schema', title: n }, breakable(n)))))));
    }

    if (linkNames.length) {
      add(nav, h('div', { class: 'nav-group', 'data-group': 'links' }, h('h2', { class: 'nav-heading', text: 'Links' }),
        h('ul', { class: 'nav-list' }, linkNames.map((n) => h('li', { 'data-link': n }, h('a', { href: '#' + linkAnchor(n), class: 'nav-schema', title: n }, breakable(n)))))));
    }

    // Main content
    const main = h('main', { id: 'main', tabindex: '-1' });
    add(main, renderOverview(info));
    if (Object.keys(schemes).length) add(main, renderAuthorization(schemes));
    const methodsSection = h('section', { id: 'methods', class: 'section', 'aria-labelledby': 'methods-title' },
      h('h2', { id: 'methods-title', class: 'section-title sr-only', text: 'Methods' }),
      docProblems.length ? h('div', { class: 'doc-problems', role: 'note' },
        h('p', { class: 'doc-problems-title', text: 'Some of the document could not be shown:' }),
        h('ul', {}, docProblems.map((p) => h('li', { text: p })))) : null);
    for (const g of groups) {
      const gs = h('section', { class: 'group', id: g.id, 'data-group': g.id, 'aria-labelledby': g.id + '-title' },
        h('div', { class: 'group-head' }, h('h2', { id: g.id + '-title', class: 'group-title' }, g.title, h('span', { class: 'count', text: String(g.methods.length) })),
          richText(g.description, 'group-desc')));
      for (const m of g.methods) add(gs, renderMethod(m));
      add(methodsSection, gs);
    }
    if (!methods.length) add(methodsSection, h('p', { class: 'empty', text: 'This service describes no methods.' }));
    add(main, methodsSection);
    if (schemaNames.length) {
      add(main, h('section', { id: 'schemas', class: 'section', 'aria-labelledby': 'schemas-title' },
        h('div', { class: 'group-head' }, h('h2', { id: 'schemas-title', class: 'group-title' }, 'Schemas', h('span', { class: 'count', text: String(schemaNames.length) }))),
        schemaNames.map((n) => renderSchema(n, componentSchemas[n]))));
    }
    if (linkNames.length) {
      add(main, h('section', { id: 'links', class: 'section', 'aria-labelledby': 'links-title' },
        h('div', { class: 'group-head' }, h('h2', { id: 'links-title', class: 'group-title' }, 'Links', h('span', { class: 'count', text: String(linkNames.length) })),
          h('p', { class: 'group-desc', text: 'Calls that can follow a method’s result, with the params they take from it.' })),
        linkNames.map((n) => renderComponentLink(n, componentLinks[n]))));
    }
    const noMatch = h('p', { class: 'empty no-match', hidden: true });
    main.insertBefore(noMatch, methodsSection);
    add(main, h('footer', { class: 'footer' },
      h('span', {}, `OpenRPC ${doc.openrpc || ''} · `, h('a', { href: new URL(config.documentURL, location.href).href, text: 'document' }),
        ` · ${methods.length} method${methods.length === 1 ? '' : 's'}`)));

    announcer = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    const searchCount = h('p', { id: 'search-count', class: 'sr-only', 'aria-live': 'polite' });
    const scrim = h('div', { class: 'scrim', hidden: true });
    const app = document.getElementById('app');
    put(app, topbar, h('div', { class: 'layout' }, nav, scrim, main), announcer, searchCount);

    // Menu (narrow screens)
    const setMenu = (open) => {
      app.classList.toggle('menu-open', open);
      menuBtn.setAttribute('aria-expanded', String(open));
      put(menuBtn, icon(open ? 'close' : 'menu'), h('span', { class: 'sr-only', text: open ? 'Close contents' : 'Contents' }));
      scrim.hidden = !open;
    };
    menuBtn.addEventListener('click', () => setMenu(!app.classList.contains('menu-open')));
    scrim.addEventListener('click', () => setMenu(false));
    nav.addEventListener('click', (e) => { if (e.target.closest('a')) setMenu(false); });
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && app.classList.contains('menu-open')) { setMenu(false); menuBtn.focus(); }
    });

    // Search
    const filter = () => {
      const q = search.value.trim().toLowerCase();
      let shown = 0;
      for (const m of methods) {
        const v = methodViews.get(m.name);
        const hay = [m.name, m.summary, m.description, ...(m.tags || []).map((t) => isObj(t) ? t.name : ''), ...(m.params || []).map((p) => isObj(p) ? p.name : '')].join(' ').toLowerCase();
        const ok = !q || q.split(/\s+/).every((w) => hay.includes(w));
        v.card.hidden = !ok;
        v.navItem.hidden = !ok;
        if (ok) shown++;
      }
      for (const gs of main.querySelectorAll('section.group')) gs.hidden = !gs.querySelector('article.method:not([hidden])');
      for (const ng of nav.querySelectorAll('.nav-group[data-group]')) {
        if (ng.getAttribute('data-group') === 'schemas' || ng.getAttribute('data-group') === 'links') continue;
        ng.hidden = !ng.querySelector('li:not([hidden])');
      }
      let schemasShown = 0;
      for (const n of schemaNames) {
        const ok = !q || n.toLowerCase().includes(q);
        const card = document.getElementById(schemaAnchor(n));
        card.hidden = !ok;
        nav.querySelector(`li[data-schema="${CSS.escape(n)}"]`).hidden = !ok;
        if (ok) schemasShown++;
      }
      const ss = document.getElementById('schemas');
      if (ss) ss.hidden = schemasShown === 0;
      let linksShown = 0;
      for (const n of linkNames) {
        const ok = !q || n.toLowerCase().includes(q);
        document.getElementById(linkAnchor(n)).hidden = !ok;
        nav.querySelector(`li[data-link="${CSS.escape(n)}"]`).hidden = !ok;
        if (ok) linksShown++;
      }
      const ls = document.getElementById('links');
      if (ls) ls.hidden = linksShown === 0;
      const nl = nav.querySelector('.nav-group[data-group="links"]');
      if (nl) nl.hidden = linksShown === 0;
      const ns = nav.querySelector('.nav-group[data-group="schemas"]');
      if (ns) ns.hidden = schemasShown === 0;
      noMatch.hidden = !q || shown + schemasShown + linksShown > 0;
      noMatch.textContent = `Nothing matches “${search.value.trim()}”.`;
      searchCount.textContent = q ? `${shown} of ${methods.length} methods, ${schemasShown} schemas match` : '';
    };
    search.addEventListener('input', filter);
    search.addEventListener('keydown', (e) => { if (e.key === 'Escape' && search.value) { search.value = ''; filter(); e.stopPropagation(); } });
    document.addEventListener('keydown', (e) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      e.preventDefault();
      search.focus();
    });
    // Following a link to something the search hides shows everything again.
    const reveal = () => {
      const id = decodeURIComponent(location.hash.slice(1));
      const target = id && document.getElementById(id);
      if (target && target.closest('[hidden]')) { search.value = ''; filter(); }
      if (target) {
        target.scrollIntoView();
        if (target.matches('article, .schema')) target.focus({ preventScroll: true });
      }
    };
    window.addEventListener('hashchange', reveal);
    updateLocks();
    if (location.hash) reveal();
  }

  const methodAnchor = (name) => 'method-' + name;

  // breakable is a long name with places to wrap after its dots, slashes and underscores and
  // before its inner capitals, so that the contents show it whole.
  function breakable(name) {
    return String(name).split(/(?<=[._/:-])|(?<=[a-z0-9])(?=[A-Z])/).flatMap((part, i) => [i ? h('wbr') : null, part]);
  }

  function groupByTag(methods) {
    const groups = new Map();
    const untagged = [];
    for (const m of methods) {
      const t = m.tags.find((x) => isText(x.name));
      if (!t) { untagged.push(m); continue; }
      if (!groups.has(t.name)) groups.set(t.name, { id: 'tag-' + t.name.replace(/\s+/g, '-'), title: t.name, description: isText(t.description) ? t.description : t.summary, methods: [] });
      groups.get(t.name).methods.push(m);
    }
    const out = [...groups.values()];
    if (untagged.length) out.push({ id: 'tag-untagged', title: out.length ? 'Other methods' : 'Methods', description: '', methods: untagged });
    return out;
  }

  // docTitle is the page's title: the option, else the document's, else "API".
  const docTitle = (info) => config.title || (isText(info.title) ? info.title : 'API');

  // versionTag shows info.version as "v1.2.0", or nothing without a version.
  function versionTag(info, cls) {
    const v = textOf(info.version).trim();
    return v ? h('span', { class: cls, text: 'v' + v.replace(/^v/, '') }) : null;
  }

  function renderOverview(info) {
    const sec = h('section', { id: 'overview', class: 'overview', tabindex: '-1' });
    add(sec, h('div', { class: 'eyebrow' }, h('span', { text: 'JSON-RPC 2.0 API' }), isText(doc.openrpc) ? h('span', { class: 'dot', text: `OpenRPC ${doc.openrpc}` }) : null));
    add(sec, h('h1', { class: 'title' }, docTitle(info), versionTag(info, 'version version-lg')));
    add(sec, richText(info.description, 'lead'));
    const meta = [];
    if (isObj(info.contact)) {
      const c = info.contact;
      const parts = [];
      if (isText(c.url)) parts.push(safeLink(c.url, isText(c.name) ? c.name : c.url));
      else if (isText(c.name)) parts.push(c.name);
      if (isText(c.email)) parts.push(safeLink('mailto:' + c.email, c.email));
      if (parts.length) meta.push(h('li', {}, h('span', { class: 'meta-key', text: 'Contact' }), parts.flatMap((x, i) => [i ? ' · ' : '', x])));
    }
    if (isObj(info.license) && isText(info.license.name)) meta.push(h('li', {}, h('span', { class: 'meta-key', text: 'License' }), safeLink(info.license.url, info.license.name)));
    if (isText(info.termsOfService)) meta.push(h('li', {}, h('span', { class: 'meta-key', text: 'Terms' }), safeLink(info.termsOfService, 'Terms of service')));
    if (isObj(doc.externalDocs) && isText(doc.externalDocs.url)) meta.push(h('li', {}, h('span', { class: 'meta-key', text: 'Docs' }), safeLink(doc.externalDocs.url, isText(doc.externalDocs.description) ? doc.externalDocs.description : doc.externalDocs.url)));
    if (meta.length) add(sec, h('ul', { class: 'meta' }, meta));

    // Servers and the endpoint the page calls.
    const servers = listOf(doc.servers).filter((sv) => isObj(sv) && isText(sv.url));
    const epId = uid('endpoint');
    const epInput = h('input', { id: epId, class: 'input endpoint-input', type: 'url', value: endpoint, spellcheck: 'false', autocomplete: 'off' });
    epInput.addEventListener('change', () => {
      let next;
      try { next = new URL(epInput.value.trim(), location.href).href; } catch { epInput.value = endpoint; return; }
      if (/^wss?:/.test(next)) setTransport('ws');
      endpoint = httpURLOf(next);
      epInput.value = endpoint;
      if (ws.socket) wsClose('was closed: the endpoint changed');
      announce('Calls now go to ' + (transport === 'ws' ? wsURLOf(endpoint) : endpoint));
    });
    const epHint = h('p', { class: 'hint' });
    const setEpHint = () => {
      epHint.textContent = transport === 'ws'
        ? 'Where “Try it” sends calls: JSON-RPC messages over one WebSocket to this URL with the ws or wss scheme, opened on the first call and reopened when it drops.'
        : 'Where “Try it” sends calls, as JSON-RPC over HTTP POST. WebSocket uses the same URL with the ws or wss scheme.';
    };
    transportViews.add(setEpHint);
    setEpHint();
    const box = h('div', { class: 'servers' },
      h('div', { class: 'endpoint' }, h('label', { for: epId, class: 'label', text: 'Endpoint' }), epInput,
        h('div', { class: 'transport-line' }, transportSwitch('Send calls over'), wsStatusView(true)),
        epHint));
    if (servers.length) {
      add(box, h('div', { class: 'server-list' }, h('h2', { class: 'mini-title', text: servers.length === 1 ? 'Server' : 'Servers' }),
        h('ul', {}, servers.map((s) => h('li', {},
          h('code', { text: s.url }),
          isText(s.name) || isText(s.summary) || isText(s.description) ? h('p', { class: 'server-about' },
            isText(s.name) ? h('span', { class: 'server-name', text: s.name }) : null,
            isText(s.summary) || isText(s.description) ? h('span', { class: 'hint', text: isText(s.summary) ? s.summary : s.description }) : null) : null)))));
    }
    add(sec, box);
    return sec;
  }

  function renderAuthorization(schemes) {
    const sec = h('section', { id: 'authorization', class: 'section auth', 'aria-labelledby': 'auth-title', tabindex: '-1' },
      h('div', { class: 'group-head' }, h('h2', { id: 'auth-title', class: 'group-title' }, icon('key'), 'Authorization'),
        h('p', { class: 'group-desc', text: 'Credentials entered here are added to every call made from this page and kept for this tab only. Methods the credentials cannot unlock show a lock.' })));
    const grid = h('div', { class: 'auth-grid' });
    for (const name of Object.keys(schemes)) add(grid, renderScheme(name));
    add(sec, grid);
    return sec;
  }

  function saveAuth() {
    const out = {};
    for (const [name, st] of Object.entries(schemeState)) {
      if (st.value || st.user || st.scopes) out[name] = { value: st.value, user: st.user, scopes: st.scopes ? [...st.scopes] : undefined };
    }
    try { sessionStorage.setItem(STORE_KEY(), JSON.stringify(out)); } catch { /* storage off */ }
  }

  const schemeInputs = {}; // name -> {set(value)}

  function renderScheme(name) {
    const st = schemeState[name];
    const def = st.def;
    const card = h('div', { class: 'card scheme', id: 'scheme-' + name, 'data-scheme': name });
    const kindLabel = { bearer: 'HTTP bearer token', basic: 'HTTP basic', apiKey: `API key in ${def.in || 'header'} “${def.name || ''}”`, oauth2: 'OAuth 2', unknown: textOf(def.type) || 'unknown' }[st.kind];
    const status = h('p', { class: 'scheme-status', 'aria-live': 'polite' });
    add(card, h('div', { class: 'scheme-head' }, h('h3', { class: 'scheme-name', text: name }), h('span', { class: 'tag', text: kindLabel })));
    add(card, richText(def.description, 'scheme-desc'));
    const headerName = st.kind === 'bearer' && def.in === 'header' && def.name ? def.name : 'Authorization';
    const fields = h('div', { class: 'scheme-fields' });
    const changed = () => {
      st.proven.clear(); st.missing.clear(); st.rejected = false;
      saveAuth(); updateLocks();
    };
    let valueInput = null;
    if (st.kind === 'bearer' || st.kind === 'oauth2' || st.kind === 'apiKey') {
      const id = uid('cred');
      valueInput = h('input', { id, class: 'input token-input', type: 'password', value: st.value, autocomplete: 'off', spellcheck: 'false', 'data-scheme-input': name,
        placeholder: st.kind === 'apiKey' ? 'API key' : def.bearerFormat ? `${def.bearerFormat} token` : 'token' });
      const show = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-pressed': 'false', 'aria-label': `Show ${name} ${st.kind === 'apiKey' ? 'key' : 'token'}` }, 'Show');
      show.addEventListener('click', () => {
        const hidden = valueInput.type === 'password';
        valueInput.type = hidden ? 'text' : 'password';
        show.textContent = hidden ? 'Hide' : 'Show';
        show.setAttribute('aria-pressed', String(hidden));
      });
      valueInput.addEventListener('input', () => { st.value = valueInput.value.trim(); changed(); });
      add(fields, h('div', { class: 'form-field' },
        h('label', { class: 'label', for: id, text: st.kind === 'apiKey' ? 'Key' : 'Token' }),
        h('div', { class: 'input-group' }, valueInput, show)));
      if (st.kind === 'apiKey' && def.in === 'cookie') {
        add(fields, h('p', { class: 'hint warn', text: `This key travels in the cookie “${def.name}”, which a page cannot set for a request: sign in to the service in this browser so that it sets the cookie.` }));
      }
    } else if (st.kind === 'basic') {
      const uidU = uid('user'), uidP = uid('pass');
      const user = h('input', { id: uidU, class: 'input', type: 'text', value: st.user, autocomplete: 'off' });
      const pass = h('input', { id: uidP, class: 'input', type: 'password', value: st.value, autocomplete: 'off' });
      user.addEventListener('input', () => { st.user = user.value; changed(); });
      pass.addEventListener('input', () => { st.value = pass.value; changed(); });
      add(fields, h('div', { class: 'form-field' }, h('label', { class: 'label', for: uidU, text: 'User' }), user),
        h('div', { class: 'form-field' }, h('label', { class: 'label', for: uidP, text: 'Password' }), pass));
    } else {
      add(fields, h('p', { class: 'hint', text: !isText(def.type) ? 'This scheme names no type: the page cannot send its credentials.'
        : String(def.type).toLowerCase() === 'apikey' ? 'This API key scheme names no header, query parameter or cookie: the page cannot send it.'
          : `This page cannot send credentials of type “${textOf(def.type)}”.` }));
    }
    if (st.kind === 'oauth2') {
      const flows = isObj(def.flows) ? def.flows : {};
      const scopes = {};
      for (const f of Object.values(flows)) if (isObj(f) && isObj(f.scopes)) Object.assign(scopes, f.scopes);
      add(card, h('p', { class: 'hint', text: `This page does not run OAuth flows (${Object.keys(flows).join(', ') || 'none listed'}): get an access token elsewhere and paste it; it is sent as “Authorization: Bearer …”.` }));
      if (Object.keys(scopes).length) add(card, h('ul', { class: 'chips' }, Object.entries(scopes).map(([s, dsc]) => h('li', { class: 'chip', title: dsc, text: s }))));
    }
    // Scopes: the page cannot read what a credential grants, unless the user says so.
    const usedScopes = new Set();
    for (const m of doc.methods) if (isObj(m) && isObj(m['x-security']) && Array.isArray(m['x-security'][name])) m['x-security'][name].forEach((s) => usedScopes.add(s));
    if (usedScopes.size && st.kind !== 'unknown') {
      const id = uid('scopes');
      const scopesInput = h('input', { id, class: 'input', type: 'text', value: st.scopes ? [...st.scopes].join(' ') : '', placeholder: [...usedScopes].join(' '), autocomplete: 'off', spellcheck: 'false', 'aria-describedby': id + '-hint' });
      scopesInput.addEventListener('input', () => {
        const list = scopesInput.value.split(/[\s,]+/).filter(Boolean);
        st.scopes = list.length ? new Set(list) : null;
        st.missing.clear();
        saveAuth(); updateLocks();
      });
      add(fields, h('div', { class: 'form-field' },
        h('label', { class: 'label', for: id }, 'Granted scopes ', h('span', { class: 'optional', text: '(optional)' })),
        scopesInput,
        h('p', { class: 'hint', id: id + '-hint', text: `Methods here use ${[...usedScopes].join(', ')}. The page cannot read which scopes a credential carries: list them if you know, or leave empty and let the server decide.` })));
    }
    const clear = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Clear');
    clear.addEventListener('click', () => {
      st.value = ''; st.user = ''; st.scopes = null;
      for (const inp of fields.querySelectorAll('input')) inp.value = '';
      changed();
      announce(`${name} credentials cleared`);
    });
    add(card, fields, h('div', { class: 'scheme-foot' }, status, clear));
    schemeInputs[name] = {
      set(v) { st.value = v; if (valueInput) valueInput.value = v; changed(); },
      status,
    };
    return card;
  }

  // updateLocks refreshes every method's lock and every scheme's status line.
  function updateLocks() {
    for (const [name, st] of Object.entries(schemeState)) {
      const si = schemeInputs[name];
      if (!si) continue;
      let text, cls;
      if (!hasCredential(name)) { text = 'Not set: methods that need ' + name + ' are locked.'; cls = 'is-unset'; }
      else if (st.rejected) { text = 'The server refused this credential (unauthenticated). Sign in again or enter another.'; cls = 'is-bad'; }
      else {
        const where = st.kind === 'apiKey' ? (st.def.in === 'query' ? `query parameter ${st.def.name}` : `header ${st.def.name}`) : (st.kind === 'bearer' && st.def.in === 'header' && st.def.name ? `header ${st.def.name}` : 'header Authorization');
        text = `Set · sent in the ${where}` + (st.value && st.kind !== 'basic' ? ` (…${st.value.slice(-4)})` : '') + '.';
        cls = 'is-set';
      }
      si.status.textContent = text;
      si.status.className = 'scheme-status ' + cls;
    }
    for (const m of doc.methods) {
      if (!isObj(m)) continue;
      const v = methodViews.get(m.name);
      if (v && v.update) v.update();
    }
  }

  function lockBadge(lock) {
    if (lock.state === 'public') return null;
    const label = { locked: 'Locked', unknown: 'Needs scopes', open: 'Unlocked' }[lock.state];
    return h('span', { class: 'badge lock-badge lock-' + lock.state, 'data-lock': lock.state, title: lock.requires + ' — ' + lock.text },
      icon(lock.state === 'open' ? 'unlock' : lock.state === 'unknown' ? 'help' : 'lock'), label);
  }

  // ---------------------------------------------------------------------------------------
  // Transports: Try it calls the endpoint over HTTP POST, or over one WebSocket to the same
  // URL with the ws(s) scheme, opened on the first call and reopened when it drops.

  const TRANSPORT_KEY = () => 'docsui:transport:' + new URL(config.documentURL, location.href).href;
  let transport = 'http'; // 'http' or 'ws'
  const transportViews = new Set(); // functions that redraw a transport switch

  function setTransport(t, why) {
    if (t !== 'http' && t !== 'ws') return;
    const changed = t !== transport;
    transport = t;
    try { sessionStorage.setItem(TRANSPORT_KEY(), t); } catch { /* storage off */ }
    for (const f of transportViews) f();
    wsRender();
    if (changed) announce(why || (t === 'ws' ? 'Calls now go over WebSocket to ' + wsURLOf(endpoint) : 'Calls now go over HTTP POST to ' + endpoint));
  }

  // wsURLOf is the WebSocket URL of an http(s) URL: the framework serves both on one path.
  function wsURLOf(httpURL) {
    const u = new URL(httpURL);
    if (u.protocol === 'https:') u.protocol = 'wss:';
    else if (u.protocol === 'http:') u.protocol = 'ws:';
    return u.href;
  }

  // httpURLOf is the http(s) URL of a ws(s) URL, and any other URL as it is.
  function httpURLOf(url) {
    const u = new URL(url);
    if (u.protocol === 'wss:') u.protocol = 'https:';
    else if (u.protocol === 'ws:') u.protocol = 'http:';
    return u.href;
  }

  // endpointWith is the endpoint's URL with query params added (API keys sent in the query).
  function endpointWith(query) {
    const u = new URL(endpoint);
    for (const [k, v] of query) u.searchParams.set(k, v);
    return u.href;
  }

  // wsSendable tells whether a scheme's credential can go over WebSocket: a browser sets no
  // header on the handshake, so an API key goes in the query (cookies the browser adds
  // itself), and a token for the Authorization header as a subprotocol, which the framework's
  // handler turns back into that header (rpchttp.BearerSubprotocolPrefix).
  const wsSendable = (name) => {
    const st = schemeState[name];
    if (!st || !hasCredential(name)) return false;
    if (st.kind === 'apiKey') return st.def.in === 'query';
    return wsBearer(st);
  };
  const wsBearer = (st) => (st.kind === 'bearer' || st.kind === 'oauth2') && !(st.def.in === 'header' && st.def.name && st.def.name.toLowerCase() !== 'authorization');

  // wsProtocols are the subprotocols the connection offers: JSON-RPC, and the first bearer
  // token held, base64url-encoded.
  function wsProtocols() {
    for (const name of Object.keys(schemeState)) {
      const st = schemeState[name];
      if (wsSendable(name) && wsBearer(st)) {
        const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(st.value))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        return ['jsonrpc-2.0', 'openrpc.bearer.' + b64];
      }
    }
    return [];
  }

  // The connection. pending: replies awaited by request id; subs: live subscriptions by id.
  const ws = {
    socket: null, url: '', key: '', state: 'idle', // idle | connecting | open | retrying | failed
    opening: null, attempts: 0, timer: null, retryAt: 0, why: '', closing: false,
    pending: new Map(), subs: new Map(), views: new Set(),
  };
  const WS_RETRIES = 5;
  const WS_CONNECT_TIMEOUT = 10000; // ms a handshake may take

  // wsTarget is the URL the connection is opened on: the endpoint's, with the API keys of
  // every scheme that sends one in the query (a connection serves all methods).
  function wsTarget() {
    const query = [];
    for (const name of Object.keys(schemeState)) if (wsSendable(name)) query.push([schemeState[name].def.name, schemeState[name].value]);
    return wsURLOf(endpointWith(query));
  }

  // wsConnect resolves with the open connection, opening one if there is none for the
  // current URL (a connection to another URL is closed first).
  function wsConnect() {
    const url = wsTarget();
    const protocols = wsProtocols();
    const key = url + ' ' + protocols.join(' ');
    if (ws.socket && ws.key === key && ws.state === 'open') return Promise.resolve(ws.socket);
    if (ws.opening && ws.key === key) return ws.opening;
    if (ws.socket) wsClose('was closed: the endpoint or its credentials changed');
    clearTimeout(ws.timer);
    ws.url = url;
    ws.key = key;
    ws.state = 'connecting';
    wsRender();
    const opening = new Promise((resolve, reject) => {
      let sock;
      try {
        sock = protocols.length ? new WebSocket(url, protocols) : new WebSocket(url);
      } catch (e) {
        ws.state = 'failed'; ws.why = `could not be made (${String(e && e.message || e)})`; ws.opening = null; wsRender();
        reject(e);
        return;
      }
      sock.binaryType = 'arraybuffer';
      ws.socket = sock;
      // A connection the page's policy blocks, or that no one answers, gets no event at
      // all in some browsers: give up on it.
      const fail = (why) => {
        settled();
        if (ws.socket !== sock || ws.state === 'open') return;
        ws.closing = true;
        wsEnded(why);
        ws.state = 'failed';
        wsRender();
        try { sock.close(); } catch { /* not open */ }
        reject(new Error(`No WebSocket connection to ${url}: it ${why}.`));
      };
      const blocked = (e) => {
        if (typeof e.blockedURI === 'string' && e.blockedURI && url.startsWith(e.blockedURI.replace(/\/$/, ''))) {
          fail('is blocked by this page’s Content-Security-Policy (add the endpoint’s origin to docsui.Options.ConnectOrigins)');
        }
      };
      document.addEventListener('securitypolicyviolation', blocked);
      const timer = setTimeout(() => fail(`got no answer within ${WS_CONNECT_TIMEOUT / 1000} s`), WS_CONNECT_TIMEOUT);
      const settled = () => { clearTimeout(timer); document.removeEventListener('securitypolicyviolation', blocked); };
      sock.addEventListener('close', settled);
      sock.addEventListener('open', () => {
        settled();
        if (ws.socket !== sock) return;
        Object.assign(ws, { state: 'open', attempts: 0, opening: null, why: '' });
        wsRender();
        resolve(sock);
      });
      sock.addEventListener('message', (e) => { if (ws.socket === sock) wsMessage(e.data); });
      sock.addEventListener('close', (e) => {
        if (ws.socket !== sock) return;
        const why = e.code === 1006 || e.code === 1005 ? 'failed or dropped' : `closed with code ${e.code}${e.reason ? ` (${e.reason})` : ''}`;
        const wasOpen = ws.state === 'open';
        wsEnded(why);
        if (!wasOpen) reject(new Error(`No WebSocket connection to ${url}: it ${why}.`));
      });
    });
    ws.opening = opening;
    return opening;
  }

  // wsClose closes the connection on purpose: no reconnecting.
  function wsClose(why) {
    const sock = ws.socket;
    if (!sock) { clearTimeout(ws.timer); ws.state = 'idle'; wsRender(); return; }
    ws.closing = true;
    wsEnded(why);
    try { sock.close(1000, 'closed by the page'); } catch { /* already closing */ }
  }

  // wsEnded fails the calls in flight and ends the subscriptions of the connection that
  // ended, and schedules a new one unless the page closed it or gave up.
  function wsEnded(why) {
    const deliberate = ws.closing;
    const wasOpen = ws.state === 'open';
    ws.closing = false;
    ws.socket = null;
    ws.opening = null;
    ws.why = why;
    const pending = [...ws.pending.values()];
    ws.pending.clear();
    for (const p of pending) p.reject(new Error(`The WebSocket connection ${why} before the reply came.`));
    const subs = [...ws.subs.values()];
    ws.subs.clear();
    for (const s of subs) s.end('lost', why);
    clearTimeout(ws.timer);
    const retrying = ws.state === 'retrying' || ws.attempts > 0;
    if (!deliberate && transport === 'ws' && (wasOpen || retrying) && ws.attempts < WS_RETRIES) {
      const delay = Math.min(30000, 1000 * 2 ** ws.attempts) * (0.75 + Math.random() / 2);
      ws.attempts++;
      ws.state = 'retrying';
      ws.retryAt = Date.now() + delay;
      ws.timer = setTimeout(() => { wsConnect().catch(() => { /* wsEnded has scheduled the next try or given up */ }); }, delay);
    } else {
      ws.state = deliberate ? 'idle' : 'failed';
      ws.attempts = 0;
    }
    wsRender();
  }

  // wsRequest sends a message over the connection. For a call it resolves with the reply's
  // text when it comes (hooks.result runs first, as the reply is read, so that a
  // subscription is in place before its first event); for a notification once it is sent.
  async function wsRequest(msg, hooks) {
    const sock = await wsConnect();
    const text = stringify(msg);
    if (!('id' in msg)) { sock.send(text); return { text: '', reply: undefined }; }
    return new Promise((resolve, reject) => {
      ws.pending.set(msg.id, { resolve, reject, hooks: hooks || {} });
      try { sock.send(text); } catch (e) { ws.pending.delete(msg.id); reject(e); }
    });
  }

  // wsMessage handles what the server sends: replies (matched by id), subscription events,
  // and requests, which the page does not serve.
  function wsMessage(data) {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    let msg;
    try { msg = parseJSONKeepingNumbers(text); } catch { return; }
    const batch = Array.isArray(msg);
    for (const m of batch ? msg : [msg]) {
      if (!isObj(m)) continue;
      if (typeof m.method === 'string') { wsIncoming(m); continue; }
      let p = ws.pending.get(m.id instanceof RawNumber ? m.id.text : m.id);
      let id = m.id;
      if (!p && (m.id === null || m.id === undefined) && ws.pending.size === 1) [[id, p]] = [...ws.pending]; // an error the server could not tie to a request
      if (!p) continue;
      ws.pending.delete(id);
      if ('result' in m && p.hooks.result) p.hooks.result(m.result);
      p.resolve({ text: batch ? stringify(m) : text, reply: m });
    }
  }

  function wsIncoming(m) {
    const prm = m.params;
    if (!('id' in m) && isObj(prm) && typeof prm.subscription === 'string') {
      const s = ws.subs.get(prm.subscription);
      if (!s) return;
      if ('result' in prm) s.event(prm.result);
      else if (prm.done === true) s.end('done');
      else if ('error' in prm) s.end('error', prm.error);
      return;
    }
    if ('id' in m && ws.socket) {
      ws.socket.send(stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32601, message: 'Method not found', data: { method: m.method, error: 'the documentation page serves no methods' } } }));
    }
  }

  const plural = (n, one, many) => `${n} ${n === 1 ? one : many || one + 's'}`;

  // wsStatusText says what the connection is doing, in words, with a state for its color.
  function wsStatusText() {
    const live = ws.subs.size ? ` · ${plural(ws.subs.size, 'subscription')} live` : '';
    switch (ws.state) {
      case 'connecting': return { state: 'busy', text: `Connecting to ${ws.url}…` };
      case 'open': return { state: 'ok', text: `Connected to ${ws.url}${live}` };
      case 'retrying': return { state: 'busy', text: `The connection ${ws.why}: reconnecting in ${Math.max(1, Math.round((ws.retryAt - Date.now()) / 1000))} s, attempt ${ws.attempts} of ${WS_RETRIES}` };
      case 'failed': return { state: 'bad', text: `Not connected: the connection ${ws.why}. The next call tries again.` };
      default: return { state: 'idle', text: ws.why ? `Not connected: the connection ${ws.why}. The next call connects again.` : 'Not connected: the first call over WebSocket connects.' };
    }
  }

  function wsRender() { for (const f of ws.views) f(); }

  // wsStatusView shows the connection's state; full adds a connect / disconnect button.
  function wsStatusView(full) {
    const dot = h('span', { class: 'ws-dot', 'aria-hidden': 'true' });
    const text = h('span', { class: 'ws-text' });
    const btn = full ? h('button', { type: 'button', class: 'btn btn-ghost btn-sm ws-connect' }) : null;
    const el = h('p', { class: 'ws-status' + (full ? ' is-full' : ''), 'data-ws-state': 'idle' }, dot, text, btn);
    if (btn) {
      btn.addEventListener('click', () => {
        if (ws.state === 'open' || ws.state === 'connecting' || ws.state === 'retrying') wsClose('was closed on this page');
        else wsConnect().catch(() => { /* the status says why */ });
      });
    }
    const update = () => {
      const s = wsStatusText();
      el.hidden = !full && transport !== 'ws' && ws.state === 'idle';
      el.setAttribute('data-ws-state', ws.state);
      el.className = 'ws-status ws-' + s.state + (full ? ' is-full' : '');
      text.textContent = full ? s.text : {
        open: 'Connected' + (ws.subs.size ? ` · ${ws.subs.size} live` : ''),
        connecting: 'Connecting…',
        retrying: `Reconnecting in ${Math.max(1, Math.round((ws.retryAt - Date.now()) / 1000))} s`,
      }[ws.state] || 'Not connected';
      if (!full) el.title = s.text;
      if (btn) btn.textContent = ws.state === 'open' || ws.state === 'connecting' || ws.state === 'retrying' ? 'Disconnect' : 'Connect';
    };
    ws.views.add(update);
    update();
    return el;
  }
  setInterval(() => { if (ws.state === 'retrying') wsRender(); }, 1000);

  // transportSwitch is a pair of buttons choosing HTTP POST or WebSocket for every Try it.
  function transportSwitch(label) {
    const btns = {
      http: h('button', { type: 'button', class: 'seg-btn', 'data-transport': 'http' }, 'HTTP POST'),
      ws: h('button', { type: 'button', class: 'seg-btn', 'data-transport': 'ws' }, 'WebSocket'),
    };
    const el = h('div', { class: 'segmented transport-switch', role: 'group', 'aria-label': label || 'Send calls over' }, btns.http, btns.ws);
    for (const [t, b] of Object.entries(btns)) b.addEventListener('click', () => setTransport(t));
    const update = () => { for (const [t, b] of Object.entries(btns)) b.setAttribute('aria-pressed', String(transport === t)); };
    transportViews.add(update);
    update();
    return el;
  }

  // subscriptionOf returns a method's x-subscription ({event, unsubscribe}) or null.
  function subscriptionOf(m) {
    const x = m['x-subscription'];
    if (!isObj(x)) return null;
    return { event: x.event === undefined ? {} : x.event, unsubscribe: isText(x.unsubscribe) ? x.unsubscribe : null };
  }

  // formatClock is a wall-clock time with milliseconds, for events.
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hour12: false });

  // ---------------------------------------------------------------------------------------
  // A method

  function renderMethod(m) {
    const anchor = methodAnchor(m.name);
    const params = m.params;
    const notification = !m.result;
    const sub = subscriptionOf(m);
    const endsSubOf = doc.methods.filter((o) => isObj(o) && o !== m && (subscriptionOf(o) || {}).unsubscribe === m.name).map((o) => o.name);
    const card = h('article', { class: 'method card' + (m.deprecated ? ' is-deprecated' : ''), id: anchor, 'data-method': m.name, tabindex: '-1', 'aria-labelledby': anchor + '-title' });
    const badgeSlot = h('span', { class: 'badge-slot' });
    const head = h('header', { class: 'method-head' },
      h('h3', { class: 'method-name', id: anchor + '-title' },
        h('a', { href: '#' + anchor, class: 'anchor-link' }, h('code', {}, breakable(m.name)), icon('link', 'anchor-icon'), h('span', { class: 'sr-only', text: ' (link to this method)' }))),
      h('div', { class: 'badges' },
        m.deprecated ? h('span', { class: 'badge badge-warn', text: 'Deprecated' }) : null,
        notification ? h('span', { class: 'badge', title: 'The method has no result: it is called as a notification, without an id.', text: 'Notification' }) : null,
        sub ? h('span', { class: 'badge badge-sub', title: 'Calling it starts a stream of events over the connection (WebSocket); over HTTP POST the server refuses it.' }, icon('pulse'), 'Subscription') : null,
        isText(m.paramStructure) && m.paramStructure !== 'either' ? h('span', { class: 'badge badge-quiet', text: m.paramStructure }) : null,
        badgeSlot));
    add(card, head);
    if (isText(m.summary)) add(card, h('p', { class: 'summary', text: m.summary }));
    add(card, richText(m.description, 'method-desc'));
    if (endsSubOf.length) {
      add(card, h('p', { class: 'hint sub-of' }, 'Unsubscribes from ', endsSubOf.flatMap((n, i) => [i ? ', ' : '', h('a', { href: '#' + methodAnchor(n) }, h('code', { text: n }))]),
        ': takes the id the subscribe call returned.'));
    }

    const secNote = h('p', { class: 'security-note' });
    if (isObj(m['x-security']) && Object.keys(m['x-security']).length) add(card, secNote);

    const docs = h('div', { class: 'method-docs' });
    const variadic = isVariadic(m, params);
    add(docs, h('h4', { class: 'sub', text: 'Params' }));
    if (params.length) {
      add(docs, h('ul', { class: 'fields' }, params.map((p) => fieldItem({ name: p.name + (variadic ? '…' : ''), required: !!p.required, schema: p.schema, description: p.description || p.summary, deprecated: p.deprecated, note: unresolved(p) }))));
      if (m.paramStructure === 'by-position') add(docs, h('p', { class: 'hint', text: variadic ? 'Sent by position: any number of values.' : 'Sent by position, in this order.' }));
      else if (m.paramStructure === 'by-name') add(docs, h('p', { class: 'hint', text: 'Sent by name, as an object.' }));
    } else {
      add(docs, h('p', { class: 'hint', text: 'No params.' }));
    }
    add(docs, h('h4', { class: 'sub', text: 'Result' }));
    if (notification) {
      add(docs, h('p', { class: 'hint', text: 'None: the server does not answer; call it as a notification.' }));
    } else {
      const r = m.result;
      add(docs, h('ul', { class: 'fields' }, fieldItem({ name: r.name, required: null, schema: r.schema, description: r.description || r.summary || (sub ? 'The subscription id: each event carries it.' : ''), note: unresolved(r) }, 0)));
    }
    if (sub) {
      const un = sub.unsubscribe;
      add(docs, h('h4', { class: 'sub', text: 'Events' }),
        h('ul', { class: 'fields sub-events' }, fieldItem({ name: 'event', required: null, schema: sub.event, description: isObj(sub.event) ? sub.event.description : '' }, 0)),
        h('p', { class: 'hint sub-wire' }, 'Each event is a notification ', h('code', { text: m.name }), ' with params ', h('code', { text: '{"subscription": id, "result": event}' }),
          '. When the server ends the subscription, a last one says why: ', h('code', { text: '{"subscription": id, "done": true}' }), ' or an ', h('code', { text: '"error"' }), '.'),
        h('p', { class: 'hint sub-unsubscribe' }, un
          ? ['Unsubscribe with ', methodViews.has(un) || doc.methods.some((o) => o.name === un) ? h('a', { href: '#' + methodAnchor(un) }, h('code', { text: un })) : h('code', { text: un }), ', which takes the subscription id.']
          : 'The document names no unsubscribe method: the subscription ends when the connection closes.'));
    }
    if (m.errors.length) {
      const withData = m.errors.some((e) => 'data' in e);
      add(docs, h('h4', { class: 'sub', text: 'Errors' }),
        h('table', { class: 'errors' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Code' }), h('th', { scope: 'col', text: 'Message' }), withData ? h('th', { scope: 'col', text: 'Data' }) : null)),
          h('tbody', {}, m.errors.map((e) => e.$unresolved
            ? h('tr', {}, h('td', { colspan: withData ? 3 : 2 }, unresolved(e)))
            : h('tr', {}, h('td', {}, h('code', { text: textOf(e.code) || '—' })), h('td', { text: e.message }),
              withData ? h('td', {}, 'data' in e ? h('code', { class: 'inline-json', text: stringify(e.data) }) : '—') : null)))));
    }
    let tryView = null;
    if (m.examples.length) {
      add(docs, h('h4', { class: 'sub', text: m.examples.length === 1 ? 'Example' : 'Examples' }));
      for (const ex of m.examples) add(docs, renderExample(m, params, variadic, ex, () => tryView));
    }
    if (m.links.length) add(docs, h('h4', { class: 'sub', text: m.links.length === 1 ? 'Link' : 'Links' }), h('ul', { class: 'links' }, m.links.map(renderLink)));
    if (m.servers.length) {
      add(docs, h('p', { class: 'hint method-servers' }, 'Served at ',
        m.servers.flatMap((sv, i) => [i ? ', ' : '', h('code', { text: sv.url, title: isText(sv.name) ? sv.name : null })]), '.'));
    }
    if (isObj(m.externalDocs) && isText(m.externalDocs.url)) add(docs, h('p', { class: 'hint' }, 'See also ', safeLink(m.externalDocs.url, isText(m.externalDocs.description) ? m.externalDocs.description : m.externalDocs.url), '.'));
    add(card, docs);

    tryView = renderTry(m, params, variadic, notification, sub);
    add(card, tryView.el);

    const view = methodViews.get(m.name) || {};
    Object.assign(view, {
      card,
      update() {
        const lock = lockOf(m);
        put(badgeSlot, lockBadge(lock));
        if (view.navLock) {
          put(view.navLock, lock.state === 'locked' ? icon('lock') : lock.state === 'unknown' ? icon('help') : '');
          view.navLock.title = lock.state === 'public' ? '' : lock.text;
        }
        put(secNote, icon(lock.state === 'open' ? 'unlock' : lock.state === 'unknown' ? 'help' : 'lock'), h('span', {}, h('strong', { text: lock.requires || '' }), lock.text ? ` — ${lock.text}.` : ''));
        secNote.className = 'security-note lock-' + lock.state;
        tryView.setLock(lock);
      },
    });
    methodViews.set(m.name, view);
    return card;
  }

  // isVariadic tells a method taking any number of positional params of one schema: this
  // framework describes it as one by-position param marked "x-variadic".
  function isVariadic(m, params) {
    return m.paramStructure === 'by-position' && params.length === 1 && params[0]['x-variadic'] === true;
  }

  // examplePayload is the params member of a call with the example's params, or undefined
  // for a method that takes none.
  function examplePayload(m, params, variadic, ex) {
    if (variadic) return listOf(ex.params).filter((v) => isObj(v) && 'value' in v).map((v) => v.value);
    if (!params.length) return undefined;
    const values = exampleValues(params, ex);
    if (m.paramStructure === 'by-position') {
      let last = -1;
      values.forEach((v, i) => { if (v !== MISSING) last = i; });
      return values.slice(0, last + 1).map((v) => v === MISSING ? null : v);
    }
    return Object.fromEntries(params.map((p, i) => [p.name, values[i]]).filter(([, v]) => v !== MISSING));
  }

  // renderExample shows an example pairing: its request, its result, and a button that puts
  // its params into the Try it form (tryView gives the form, built after the examples).
  function renderExample(m, params, variadic, ex, tryView) {
    if (ex.$unresolved) return h('div', { class: 'example' }, unresolved(ex));
    const use = h('button', { type: 'button', class: 'btn btn-sm btn-ghost' }, 'Use in form');
    use.addEventListener('click', () => { tryView().open(); tryView().fill(ex); });
    // An example whose params pair by position is shown as the list the document gives,
    // unless the method takes its params by name.
    const positional = !variadic && m.paramStructure !== 'by-name' && listOf(ex.params).length > 0 && !pairsByName(params, ex);
    const payload = positional ? listOf(ex.params).map((v) => isObj(v) && 'value' in v ? v.value : null) : examplePayload(m, params, variadic, ex);
    const request = { jsonrpc: '2.0', method: m.name, params: payload, id: 1 };
    const result = ex.result;
    let resultNode = null;
    if (isObj(result) && result.$unresolved) resultNode = unresolved(result);
    else if (isObj(result) && 'value' in result) resultNode = h('pre', { class: 'code' }, prettyJSON(stringify(result.value)));
    else if (isObj(result) && isText(result.externalValue)) resultNode = h('p', { class: 'hint' }, safeLink(result.externalValue, result.externalValue));
    return h('div', { class: 'example' },
      h('div', { class: 'example-head' },
        h('span', { class: 'example-name' }, isText(ex.name) ? breakable(ex.name) : 'Example'),
        isText(ex.summary) ? h('span', { class: 'example-summary', text: ex.summary }) : null,
        use),
      richText(ex.description, 'hint'),
      listOf(ex.params).map(unresolved),
      h('div', { class: 'example-grid' },
        h('div', {}, h('p', { class: 'mini-title', text: 'Request' }), h('pre', { class: 'code' }, prettyJSON(stringify(request)))),
        resultNode ? h('div', {}, h('p', { class: 'mini-title', text: 'Result' }), resultNode) : null));
  }

  // renderLink shows a link: the method it leads to (a link on the page when the document
  // describes it) and the params it takes from this call.
  function renderLink(l) {
    if (l.$unresolved) return h('li', { class: 'link' }, unresolved(l));
    let target = null;
    if (isText(l.method)) {
      target = methodViews.has(l.method)
        ? h('a', { href: '#' + methodAnchor(l.method) }, h('code', { text: l.method }))
        : h('span', {}, h('code', { text: l.method }), h('span', { class: 'hint', text: ' (not a method of this document)' }));
    }
    const name = isText(l.name) ? l.name : isText(l.summary) ? l.summary : 'Link';
    const params = isObj(l.params) ? Object.entries(l.params) : [];
    return h('li', { class: 'link' },
      h('div', { class: 'link-head' }, h('span', { class: 'link-name', text: name }), target ? [h('span', { class: 'link-arrow', 'aria-hidden': 'true', text: ' → ' }), h('span', { class: 'sr-only', text: ' calls ' }), target] : null),
      isText(l.summary) && name !== l.summary ? h('p', { class: 'hint', text: l.summary }) : null,
      richText(l.description, 'hint'),
      params.length ? h('ul', { class: 'link-params', 'aria-label': 'Params' }, params.map(([k, v]) => h('li', {}, h('code', { text: k }), ' ← ', h('code', { text: typeof v === 'string' ? v : stringify(v) })))) : null,
      isObj(l.server) && isText(l.server.url) ? h('p', { class: 'hint' }, 'On the server ', h('code', { text: l.server.url })) : null);
  }

  // ---------------------------------------------------------------------------------------
  // Try it

  let callId = 0;
  const MAX_EVENTS = 100; // events a subscription lists; older ones leave the list

  function renderTry(m, params, variadic, notification, sub) {
    const panelId = uid('try');
    const toggle = h('button', { type: 'button', class: 'btn btn-primary try-toggle', 'aria-expanded': 'false', 'aria-controls': panelId }, icon('play'), 'Try it');
    const panel = h('div', { class: 'try-panel', id: panelId, hidden: true });
    const wrap = h('div', { class: 'try' }, toggle, panel);
    const form = h('form', { class: 'try-form', novalidate: true, 'aria-label': `Call ${m.name}` });
    const summary = h('div', { class: 'form-errors', role: 'alert', hidden: true });
    const lockNote = h('p', { class: 'lock-note', hidden: true });

    let fields = [];
    if (variadic) {
      fields = [makeField({ type: 'array', items: params[0].schema }, { name: params[0].name, path: '/' + params[0].name, required: true, depth: 0, description: 'Each value is one positional param.' })];
    } else {
      fields = params.map((p, i) => makeField(p.schema, {
        name: p.name, path: ptr('', p.name), required: !!p.required, depth: 0, description: p.description || p.summary, index: i,
      }));
    }
    const fieldsBox = h('div', { class: 'try-fields' }, fields.map((f) => f.el));
    if (!fields.length) add(fieldsBox, h('p', { class: 'hint', text: 'This method takes no params.' }));

    const send = h('button', { type: 'submit', class: 'btn btn-primary send' }, icon(sub ? 'pulse' : 'play'), sub ? 'Subscribe' : notification ? 'Send notification' : 'Send request');
    const curlBtn = sub ? null : h('button', { type: 'button', class: 'btn btn-ghost copy-curl' }, icon('copy'), 'Copy as curl');
    const reset = h('button', { type: 'button', class: 'btn btn-ghost reset' }, 'Reset');
    const curlBox = h('div', { class: 'curl', hidden: true });
    const out = h('div', { class: 'response', 'aria-live': 'polite' });
    // Where the call goes: the page's switch, except for a subscription, which needs a
    // connection and always goes over WebSocket.
    const wsNote = h('p', { class: 'hint ws-note', hidden: true });
    const via = sub
      ? h('div', { class: 'try-via' }, h('span', { class: 'via-label', text: 'Over WebSocket' }), wsStatusView(false))
      : h('div', { class: 'try-via' }, transportSwitch(`Send ${m.name} over`), wsStatusView(false));
    add(form, lockNote, fieldsBox, summary, h('div', { class: 'try-actions' }, send, curlBtn, reset, via), wsNote, curlBox);
    add(panel, form, out);
    const viaWS = () => !!sub || transport === 'ws';

    // updateWSNote says what WebSocket changes for this method: a subscription needs it,
    // and a credential in a header cannot go with it.
    function updateWSNote() {
      const lines = [];
      if (sub && transport !== 'ws') lines.push('Subscriptions need a connection: this one goes over WebSocket, whatever the endpoint switch says (over HTTP POST the server refuses it).');
      if (viaWS()) {
        const req = isObj(m['x-security']) ? Object.keys(m['x-security']) : [];
        const held = req.filter((n) => hasCredential(n));
        if (held.length && !held.some(wsSendable)) {
          lines.push(`Over WebSocket this page cannot send your ${held.join(' or ')} credential: browsers set no headers on a WebSocket handshake, and the server reads ${held.length === 1 ? 'it' : 'them'} from a header. The call goes without ${held.length === 1 ? 'it' : 'them'}` +
            (sub ? '; the server will likely refuse it.' : '; switch to HTTP POST to send it.'));
        }
      }
      wsNote.textContent = lines.join(' ');
      wsNote.hidden = !lines.length;
    }
    transportViews.add(updateWSNote);
    updateWSNote();

    const open = () => { panel.hidden = false; toggle.setAttribute('aria-expanded', 'true'); toggle.classList.add('is-open'); };
    toggle.addEventListener('click', () => {
      const opening = panel.hidden;
      if (opening) { open(); (fields[0] || { focus: () => send.focus() }).focus(); } else { panel.hidden = true; toggle.setAttribute('aria-expanded', 'false'); toggle.classList.remove('is-open'); }
    });

    // buildParams reads and checks the form: it returns {params, errs, fields}.
    function buildParams() {
      const ctx = { errs: [], fields: new Map(), choices: new Map() };
      const values = fields.map((f) => f.read(ctx));
      const errs = ctx.errs;
      if (variadic) {
        const list = values[0] === MISSING ? [] : values[0];
        list.forEach((v, i) => check(params[0].schema, v, ptr('/' + params[0].name, i), errs, 0, ctx.choices));
        return { params: list, errs, ctx };
      }
      params.forEach((p, i) => { if (values[i] !== MISSING && !ctx.errs.some((e) => e.path.startsWith(ptr('', p.name)))) check(p.schema, values[i], ptr('', p.name), errs, 0, ctx.choices); });
      if (!params.length) return { params: undefined, errs, ctx };
      if (m.paramStructure === 'by-position') {
        let last = -1;
        values.forEach((v, i) => { if (v !== MISSING) last = i; });
        return { params: values.slice(0, last + 1).map((v) => v === MISSING ? null : v), errs, ctx };
      }
      const obj = {};
      params.forEach((p, i) => { if (values[i] !== MISSING) obj[p.name] = values[i]; });
      return { params: obj, errs, ctx };
    }

    // fieldFor finds the field an error path belongs to: the longest registered prefix.
    function fieldFor(ctx, path) {
      let p = path;
      for (;;) {
        if (ctx.fields.has(p)) return ctx.fields.get(p);
        const i = p.lastIndexOf('/');
        if (i <= 0) return null;
        p = p.slice(0, i);
      }
    }

    function showErrors(ctx, errs, intro) {
      put(summary);
      if (!errs.length) { summary.hidden = true; return; }
      const items = [];
      let first = null;
      for (const e of errs) {
        const f = fieldFor(ctx, e.path);
        const where = e.path || '(params)';
        if (f) {
          const rel = e.path.length > f.path.length ? e.path.slice(f.path.length + 1) + ' ' : '';
          f.showError(rel + e.message);
          first = first || f;
        }
        const go = h('button', { type: 'button', class: 'link-btn', text: `${where.replace(/^\//, '')}: ${e.message}` });
        go.addEventListener('click', () => (f || { focus: () => {} }).focus());
        items.push(h('li', {}, go));
      }
      add(summary, h('p', { class: 'form-errors-title', text: intro }), h('ul', {}, items));
      summary.hidden = false;
      return first;
    }

    function request(p) {
      const msg = { jsonrpc: '2.0', method: m.name };
      if (p !== undefined) msg.params = p;
      if (!notification) msg.id = ++callId;
      return msg;
    }

    // authFor returns the headers and query params that carry the credentials of the
    // schemes the method accepts. Public methods get no credentials: a token is not sent
    // where it is not needed.
    function authFor() {
      const headers = {};
      const query = [];
      const req = m['x-security'];
      const names = isObj(req) ? Object.keys(req) : [];
      for (const name of names) {
        const st = schemeState[name];
        if (!st || !hasCredential(name)) continue;
        const def = st.def;
        if (st.kind === 'bearer') headers[def.in === 'header' && def.name ? def.name : 'Authorization'] = 'Bearer ' + st.value;
        else if (st.kind === 'oauth2') headers.Authorization = 'Bearer ' + st.value;
        else if (st.kind === 'basic') headers.Authorization = 'Basic ' + btoa(unescape(encodeURIComponent(st.user + ':' + st.value)));
        else if (st.kind === 'apiKey' && def.in === 'query') query.push([def.name, st.value]);
        else if (st.kind === 'apiKey') headers[def.name] = st.value;
      }
      return { headers, query };
    }

    const targetURL = endpointWith;

    const shellQuote = (s) => "'" + String(s).replace(/'/g, "'\\''") + "'";

    function curlCommand(msg) {
      const { headers, query } = authFor();
      const lines = [`curl -sS -X POST ${shellQuote(targetURL(query))}`, `-H ${shellQuote('Content-Type: application/json')}`];
      for (const [k, v] of Object.entries(headers)) lines.push(`-H ${shellQuote(k + ': ' + v)}`);
      lines.push(`-d ${shellQuote(stringify(msg))}`);
      return lines.join(' \\\n  ');
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const { params: p, errs, ctx } = buildParams();
      if (errs.length) {
        const first = showErrors(ctx, errs, `Fix ${errs.length === 1 ? 'this problem' : `these ${errs.length} problems`} before sending:`);
        if (first) first.focus();
        return;
      }
      showErrors(ctx, [], '');
      const msg = request(p);
      if (sub) await subscribe(msg, ctx);
      else await call(msg, ctx);
    });

    // sentCredentials names the schemes whose credentials go with a call over the transport.
    function sentCredentials(overWS) {
      const req = isObj(m['x-security']) ? Object.keys(m['x-security']) : [];
      return new Set(req.filter((n) => overWS ? wsSendable(n) : hasCredential(n)));
    }

    // exchange sends msg over the chosen transport and returns what came back: the reply's
    // text, an HTTP status for HTTP, the time taken, and which credentials went with it.
    async function exchange(msg, hooks) {
      const overWS = viaWS();
      const sent = sentCredentials(overWS);
      const t0 = performance.now();
      if (overWS) {
        const opened = ws.state !== 'open';
        const r = await wsRequest(msg, hooks);
        const ms = performance.now() - t0;
        const size = r.text ? new Blob([r.text]).size : 0;
        return { overWS, sent, ms, text: r.text, ok: true, status: null, detail: `WebSocket · ${size} B` + (opened ? ' · connected for this call' : '') };
      }
      const { headers, query } = authFor();
      const res = await fetch(targetURL(query), {
        method: 'POST', cache: 'no-store', credentials: 'same-origin', referrerPolicy: 'no-referrer',
        headers: Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, headers),
        body: stringify(msg),
      });
      const text = await res.text();
      const status = `${res.status} ${res.statusText || ''}`.trim();
      return { overWS, sent, ms: performance.now() - t0, text, ok: res.ok, status, code: res.status, detail: `HTTP ${status} · ${text ? new Blob([text]).size : 0} B` };
    }

    // showNetworkError says that no reply came, and why that may be.
    function showNetworkError(err, overWS, ms) {
      const where = overWS ? wsURLOf(endpoint) : targetURL(authFor().query);
      put(out, responseHead('error', 'Network error', ms, overWS ? 'WebSocket' : null),
        h('pre', { class: 'code response-body' }, h('code', { text: String(err && err.message || err) })),
        h('p', { class: 'hint', text: overWS
          ? `No reply over the WebSocket to ${where}. The server may be down, refuse WebSocket upgrades or pages of this origin, or be outside this page’s Content-Security-Policy (add its origin to docsui.Options.ConnectOrigins).`
          : `No answer from ${where}. The server may be down, on another origin without CORS, or outside this page’s Content-Security-Policy (add its origin to docsui.Options.ConnectOrigins).` }));
    }

    function busy(on) {
      send.disabled = on;
      send.classList.toggle('is-busy', on);
    }

    async function call(msg, ctx) {
      busy(true);
      put(out, h('p', { class: 'hint', text: viaWS() ? 'Sending over WebSocket…' : 'Sending…' }));
      const t0 = performance.now();
      let r;
      try {
        r = await exchange(msg);
      } catch (err) {
        showNetworkError(err, viaWS(), performance.now() - t0);
        return;
      } finally {
        busy(false);
      }
      const { text, ms } = r;
      let reply;
      try { reply = text ? JSON.parse(text) : undefined; } catch { reply = undefined; }
      const nodes = [];
      let kind = r.ok ? 'ok' : 'error';
      let label = r.overWS ? (text ? 'Reply' : 'Sent') : r.status;
      if (isObj(reply) && isObj(reply.error)) {
        kind = 'error';
        label = `Error ${textOf(reply.error.code)}`.trim();
        nodes.push(h('p', { class: 'response-error' }, h('strong', { text: `${textOf(reply.error.code)} ${textOf(reply.error.message)}`.trim() }), explainError(reply.error, r)));
        learnFromError(reply.error, ctx, r.sent);
      } else if (isObj(reply) && 'result' in reply) {
        label = 'Result';
        learnFromSuccess(r.sent);
        const token = findToken(reply.result);
        const target = bearerScheme();
        if (token && target) {
          const useBtn = h('button', { type: 'button', class: 'btn btn-primary btn-sm use-token' }, icon('key'), `Use access_token for ${target}`);
          useBtn.addEventListener('click', () => {
            schemeInputs[target].set(token);
            put(useBtn, icon('check'), `Using it for ${target}`);
            useBtn.disabled = true;
            announce(`The access token is now the ${target} credential.`);
          });
          nodes.push(h('div', { class: 'token-offer' }, h('span', { text: 'The result carries an access token.' }), useBtn));
        }
      } else if (r.code === 204 || (!text && r.ok)) {
        label = notification ? 'Notification sent' : 'No content';
      }
      put(out, responseHead(kind, label, ms, r.detail), ...nodes,
        text ? h('pre', { class: 'code response-body', tabindex: '0', 'aria-label': 'Response body' }, prettyJSON(text)) : null);
      announce(`${m.name}: ${label}, ${ms.toFixed(0)} milliseconds`);
    }

    // subscribe calls the subscription method over WebSocket and, when it returns an id,
    // lists the events as they arrive until the subscription ends.
    let live = null; // the subscription this form holds open
    async function subscribe(msg, ctx) {
      busy(true);
      put(out, h('p', { class: 'hint', text: 'Subscribing over WebSocket…' }));
      const view = subscriptionView();
      const t0 = performance.now();
      let r;
      try {
        r = await exchange(msg, { result: (id) => { if (typeof id === 'string') view.attach(id); } });
      } catch (err) {
        busy(false);
        showNetworkError(err, true, performance.now() - t0);
        return;
      }
      let reply;
      try { reply = r.text ? JSON.parse(r.text) : undefined; } catch { reply = undefined; }
      if (isObj(reply) && typeof reply.result === 'string') {
        learnFromSuccess(r.sent);
        live = view;
        view.start(reply.result, r);
        send.classList.remove('is-busy');
        return;
      }
      busy(false);
      const nodes = [];
      let label = 'Reply';
      if (isObj(reply) && isObj(reply.error)) {
        label = `Error ${textOf(reply.error.code)}`.trim();
        nodes.push(h('p', { class: 'response-error' }, h('strong', { text: `${textOf(reply.error.code)} ${textOf(reply.error.message)}`.trim() }), explainError(reply.error, r)));
        learnFromError(reply.error, ctx, r.sent);
      } else {
        nodes.push(h('p', { class: 'response-error', text: 'The server did not answer with a subscription id (a string).' }));
      }
      put(out, responseHead('error', label, r.ms, r.detail), ...nodes,
        r.text ? h('pre', { class: 'code response-body', tabindex: '0', 'aria-label': 'Response body' }, prettyJSON(r.text)) : null);
      announce(`${m.name}: ${label}`);
    }

    // subscriptionView shows one subscription: its state, a bounded list of its events
    // (newest first) with their times and count, how it ended, and an Unsubscribe button.
    function subscriptionView() {
      let id = null, count = 0, t0 = 0, ended = false;
      const state = h('span', { class: 'status status-live', 'data-status': 'live' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), 'Live');
      const timing = h('span', { class: 'timing', title: 'Time from sending the subscribe call to its reply' });
      const detail = h('span', { class: 'hint' });
      const unsub = h('button', { type: 'button', class: 'btn btn-sm unsubscribe' }, icon('stop'), 'Unsubscribe');
      const counter = h('p', { class: 'event-count', 'aria-live': 'off', text: 'No events yet.' });
      const list = h('ol', { class: 'events', 'aria-label': `Events of ${m.name}` });
      const end = h('div', { class: 'sub-end', hidden: true });
      const el = h('div', { class: 'subscription', 'data-state': 'live' },
        h('div', { class: 'response-head' }, state, timing, detail, unsub), end, counter, list);

      const handlers = {
        event(result) {
          if (ended) return;
          count++;
          const now = performance.now();
          list.insertBefore(h('li', { class: 'event', 'data-n': String(count) },
            h('div', { class: 'event-head' },
              h('span', { class: 'event-n', text: '#' + count }),
              h('time', { class: 'event-time', text: clock.format(new Date()) }),
              h('span', { class: 'event-since', text: '+' + formatMs(now - t0) })),
            h('pre', { class: 'code event-body' }, prettyJSON(stringify(result), stringify(result).length <= 160))), list.firstChild);
          while (list.childElementCount > MAX_EVENTS) list.lastChild.remove();
          counter.textContent = `${plural(count, 'event')} received` + (count > MAX_EVENTS ? ` · the latest ${MAX_EVENTS} shown, newest first` : count > 1 ? ' · newest first' : '');
        },
        end(kind, info) {
          if (ended) return;
          ended = true;
          if (id !== null) ws.subs.delete(id);
          if (live === view) live = null;
          busy(false);
          if (document.activeElement === unsub) send.focus();
          unsub.disabled = true;
          unsub.hidden = true;
          const how = {
            done: ['ok', 'Done', 'The server ended the subscription: no more events.'],
            error: ['error', `Ended: error ${isObj(info) ? textOf(info.code) : ''}`.trim(), 'The server ended the subscription with an error:'],
            unsubscribed: ['ended', 'Unsubscribed', 'No more events.'],
            gone: ['ended', 'Ended', 'The server had no such subscription any more: it had ended already.'],
            lost: ['error', 'Connection lost', `The WebSocket connection ${info}: the subscription ended with it. Subscribe again to get new events.`],
          }[kind];
          el.setAttribute('data-state', kind);
          state.className = 'status status-' + how[0];
          state.setAttribute('data-status', kind);
          put(state, how[1]);
          put(end, h('p', { text: how[2] }),
            kind === 'error' && isObj(info) ? [h('p', { class: 'response-error' }, h('strong', { text: `${textOf(info.code)} ${textOf(info.message)}`.trim() })),
              'data' in info ? h('pre', { class: 'code' }, prettyJSON(stringify(info.data, 2))) : null] : null);
          end.className = 'sub-end sub-end-' + how[0];
          end.hidden = false;
          wsRender();
          announce(`${m.name}: ${how[1]} after ${plural(count, 'event')}`);
        },
      };

      unsub.addEventListener('click', async () => {
        if (ended || id === null) return;
        const name = sub.unsubscribe;
        unsub.disabled = true;
        put(unsub, icon('stop'), 'Unsubscribing…');
        const um = doc.methods.find((o) => o.name === name);
        const byPosition = !um || um.paramStructure === 'by-position' || !um.params.length;
        const p = byPosition ? [id] : { [um.params[0].name]: id };
        let r;
        try {
          r = await wsRequest({ jsonrpc: '2.0', method: name, params: p, id: ++callId });
        } catch (err) {
          if (!ended) { unsub.disabled = false; put(unsub, icon('stop'), 'Unsubscribe'); put(end, h('p', { class: 'response-error', text: String(err && err.message || err) })); end.hidden = false; }
          return;
        }
        const reply = r.reply;
        if (isObj(reply) && reply.result === true) handlers.end('unsubscribed');
        else if (isObj(reply) && reply.result === false) handlers.end('gone');
        else if (!ended) {
          unsub.disabled = false;
          put(unsub, icon('stop'), 'Unsubscribe');
          put(end, h('p', { class: 'response-error' }, `${name} answered: `, h('code', { text: r.text })));
          end.className = 'sub-end sub-end-error';
          end.hidden = false;
        }
      });

      const view = {
        el, handlers,
        // attach registers the subscription as its id arrives, before any event is read.
        attach(subID) { id = subID; t0 = performance.now(); ws.subs.set(subID, handlers); },
        start(subID, r) {
          id = subID;
          if (!ws.subs.has(subID) && !ended) ws.subs.set(subID, handlers);
          timing.textContent = formatMs(r.ms);
          detail.textContent = `id ${subID} · ${r.detail}`;
          if (!sub.unsubscribe) unsub.hidden = true;
          put(out, el);
          wsRender();
          announce(`${m.name}: subscribed`);
        },
        unsubscribe: () => unsub.click(),
      };
      return view;
    }

    function responseHead(kind, label, ms, detail) {
      return h('div', { class: 'response-head' },
        h('span', { class: 'status status-' + kind, 'data-status': kind, text: label }),
        h('span', { class: 'timing', title: 'Time from sending the request to reading the whole response', text: formatMs(ms) }),
        detail ? h('span', { class: 'hint', text: detail }) : null);
    }

    function explainError(err, r) {
      const d = err.data;
      if (err.code === -32099 && isObj(d)) {
        const req = isObj(m['x-security']) ? Object.keys(m['x-security']) : [];
        const unsent = r && r.overWS ? req.filter((n) => hasCredential(n) && !r.sent.has(n)) : [];
        if (d.reason === 'unauthenticated' && unsent.length) return h('span', { class: 'hint', text: ` — your ${unsent.join(' or ')} credential did not go with it: a browser sets no headers on a WebSocket handshake. Switch to HTTP POST to send it.` });
        if (d.reason === 'unauthenticated') return h('span', { class: 'hint', text: ' — the server did not accept any credential for this method: sign in (again) or enter one under Authorization.' });
        if (d.reason === 'insufficient_scope' && isObj(d.missing)) {
          return h('span', { class: 'hint', text: ' — your credential lacks ' + Object.entries(d.missing).map(([s, l]) => `${[].concat(l).join(', ')} (${s})`).join(' or ') + '.' });
        }
      }
      if (err.code === -32602 && isObj(d) && Array.isArray(d.errors)) return h('span', { class: 'hint', text: ' — see the fields above.' });
      return null;
    }

    // learnFromError marks scopes the server says are missing, credentials it refused, and
    // shows invalid params next to their fields.
    function learnFromError(err, ctx, sent) {
      const req = isObj(m['x-security']) ? m['x-security'] : {};
      if (err.code === -32099 && isObj(err.data)) {
        if (err.data.reason === 'insufficient_scope' && isObj(err.data.missing)) {
          for (const [s, l] of Object.entries(err.data.missing)) if (schemeState[s]) [].concat(l).forEach((x) => schemeState[s].missing.add(x));
        } else if (err.data.reason === 'unauthenticated') {
          for (const s of Object.keys(req)) if (schemeState[s] && sent.has(s)) schemeState[s].rejected = true;
        }
        updateLocks();
      }
      if (err.code === -32602 && isObj(err.data) && Array.isArray(err.data.errors) && ctx) {
        const errs = err.data.errors.filter(isObj).map((e) => {
          let path = String(e.path || '');
          if (m.paramStructure === 'by-position' || variadic) {
            const mm = /^\/(\d+)(\/.*)?$/.exec(path);
            if (mm && variadic) path = ptr('/' + params[0].name, mm[1]) + (mm[2] || '');
            else if (mm && params[Number(mm[1])]) path = ptr('', params[Number(mm[1])].name) + (mm[2] || '');
          }
          return { path, message: String(e.message || 'invalid') };
        });
        showErrors(ctx, errs, 'The server refused these params:');
      }
    }

    // A successful call of a secured method proves its scopes for the credential used.
    function learnFromSuccess(sent) {
      const req = m['x-security'];
      if (!isObj(req)) return;
      for (const [s, l] of Object.entries(req)) {
        const st = schemeState[s];
        if (st && sent.has(s)) { st.rejected = false; if (Object.keys(req).length === 1) [].concat(l).forEach((x) => { st.proven.add(x); st.missing.delete(x); }); }
      }
      updateLocks();
    }

    if (curlBtn) curlBtn.addEventListener('click', async () => {
      const { params: p, errs, ctx } = buildParams();
      if (errs.length) {
        const first = showErrors(ctx, errs, `Fix ${errs.length === 1 ? 'this problem' : `these ${errs.length} problems`} first:`);
        if (first) first.focus();
        return;
      }
      showErrors(ctx, [], '');
      const cmd = curlCommand(request(p));
      const pre = h('pre', { class: 'code curl-cmd', tabindex: '0', 'aria-label': 'curl command' }, h('code', { text: cmd }));
      let copied = false;
      try { await navigator.clipboard.writeText(cmd); copied = true; } catch { /* not allowed here: select it instead */ }
      put(curlBox, h('p', { class: 'hint', text: copied ? 'Copied to the clipboard:' : 'Copy this command (the clipboard is not available to this page):' }), pre);
      curlBox.hidden = false;
      if (!copied) {
        const r = document.createRange();
        r.selectNodeContents(pre);
        const sel = getSelection();
        sel.removeAllRanges();
        sel.addRange(r);
      }
      announce(copied ? 'curl command copied' : 'curl command shown');
    });

    reset.addEventListener('click', () => {
      fields.forEach((f, i) => {
        const fresh = variadic
          ? makeField({ type: 'array', items: params[0].schema }, { name: params[0].name, path: '/' + params[0].name, required: true, depth: 0 })
          : makeField(params[i].schema, { name: params[i].name, path: ptr('', params[i].name), required: !!params[i].required, depth: 0, description: params[i].description || params[i].summary });
        f.el.replaceWith(fresh.el);
        fields[i] = fresh;
      });
      summary.hidden = true;
      curlBox.hidden = true;
      if (live) live.unsubscribe();
      put(out);
    });

    return {
      el: wrap,
      open,
      fill(ex) {
        if (variadic) { fields[0].set(examplePayload(m, params, true, ex)); return; }
        const values = exampleValues(params, ex);
        params.forEach((p, i) => fields[i].set(values[i]));
        if (fields[0]) fields[0].focus();
      },
      setLock(lock) {
        updateWSNote();
        lockNote.hidden = lock.state === 'public' || lock.state === 'open';
        if (lockNote.hidden) return;
        lockNote.className = 'lock-note lock-' + lock.state;
        put(lockNote, icon(lock.state === 'unknown' ? 'help' : 'lock'),
          h('span', { text: lock.state === 'locked' ? `Locked: ${lock.text}. You can still send the call to see the server refuse it.` : `${lock.text[0].toUpperCase()}${lock.text.slice(1)}.` }));
      },
    };
  }

  function formatMs(ms) { return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`; }

  // findToken returns result.access_token (or one level down) when it is a string.
  function findToken(result) {
    if (!isObj(result)) return null;
    if (typeof result.access_token === 'string' && result.access_token) return result.access_token;
    for (const v of Object.values(result)) if (isObj(v) && typeof v.access_token === 'string' && v.access_token) return v.access_token;
    return null;
  }

  // bearerScheme is the scheme an access token is for: the first bearer, else OAuth 2, one.
  function bearerScheme() {
    const names = Object.keys(schemeState);
    return names.find((n) => schemeState[n].kind === 'bearer') || names.find((n) => schemeState[n].kind === 'oauth2') || null;
  }

  // ---------------------------------------------------------------------------------------
  // Component schemas

  function renderSchema(name, schema) {
    const anchor = schemaAnchor(name);
    const d = describe(schema);
    const card = h('article', { class: 'schema card', id: anchor, tabindex: '-1', 'aria-labelledby': anchor + '-title' },
      h('header', { class: 'method-head' },
        h('h3', { class: 'method-name', id: anchor + '-title' }, h('a', { href: '#' + anchor, class: 'anchor-link' }, h('code', { text: name }), icon('link', 'anchor-icon'), h('span', { class: 'sr-only', text: ' (link to this schema)' }))),
        h('div', { class: 'badges' }, h('span', { class: 'badge badge-quiet' }, d.kind === 'object' ? 'object' : typeNode(schema.$ref ? schema : Object.assign({}, schema, { description: undefined }))))),
      richText(isObj(schema) ? schema.description : '', 'method-desc'));
    const body = schemaBody(Object.assign({}, schema, { description: undefined }), 0);
    add(card, constraintList(schema), body);
    const users = usedBy(name);
    if (users.length) add(card, h('p', { class: 'hint used-by' }, 'Used by ', users.flatMap((u, i) => [i ? ', ' : '', h('a', { href: '#' + u.anchor, text: u.name })])));
    const rawId = uid('raw');
    const rawBtn = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', 'aria-expanded': 'false', 'aria-controls': rawId }, 'JSON Schema');
    const raw = h('pre', { class: 'code', id: rawId, hidden: true }, prettyJSON(stringify(schema)));
    rawBtn.addEventListener('click', () => { raw.hidden = !raw.hidden; rawBtn.setAttribute('aria-expanded', String(!raw.hidden)); });
    add(card, h('div', { class: 'schema-foot' }, rawBtn), raw);
    return card;
  }

  const linkAnchor = (name) => 'link-' + name;

  // renderComponentLink shows a link of components.links and the methods that use it.
  function renderComponentLink(name, link) {
    const anchor = linkAnchor(name);
    const ref = '#/components/links/' + name.replace(/~/g, '~0').replace(/\//g, '~1');
    const from = rawMethods.filter((m) => isObj(m) && JSON.stringify(m.links === undefined ? null : m.links).includes(JSON.stringify(ref))).map((m) => m.name).filter(isText);
    return h('article', { class: 'schema card component-link', id: anchor, tabindex: '-1', 'aria-labelledby': anchor + '-title' },
      h('header', { class: 'method-head' },
        h('h3', { class: 'method-name', id: anchor + '-title' }, h('a', { href: '#' + anchor, class: 'anchor-link' }, h('code', { text: name }), icon('link', 'anchor-icon'), h('span', { class: 'sr-only', text: ' (link to this link)' })))),
      h('ul', { class: 'links' }, renderLink(deref(link))),
      from.length ? h('p', { class: 'hint used-by' }, 'Used by ', from.flatMap((n, i) => [i ? ', ' : '', h('a', { href: '#' + methodAnchor(n), text: n })])) : null);
  }

  // usedBy lists the methods and schemas whose schemas refer to the component.
  function usedBy(name) {
    const ref = '#/components/schemas/' + name.replace(/~/g, '~0').replace(/\//g, '~1');
    const refers = (x) => JSON.stringify(x === undefined ? null : x).includes(JSON.stringify(ref));
    const out = [];
    for (const m of doc.methods) {
      if (isObj(m) && (refers(m.params) || refers(m.result))) out.push({ name: m.name, anchor: methodAnchor(m.name) });
    }
    const all = isObj(doc.components) && isObj(doc.components.schemas) ? doc.components.schemas : {};
    for (const [n, s] of Object.entries(all)) if (n !== name && refers(s)) out.push({ name: n, anchor: schemaAnchor(n) });
    return out;
  }

  start();
})();

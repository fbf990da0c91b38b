// The guide form: one section per part of a guide, every field of the content model.

import { h } from "./dom.js";
import { newMaterial, newQuestion, newSituation } from "./content.js";
import { FORM_FIELDS, FORMAT_HINTS, HOLDERS, LEVELS, SHARED_DATA } from "./labels.js";
import { area, check, checks, field, lines, num, repeatable, select, text, words } from "./widgets.js";

const NAME = 80;
const SHORT = 200;
const LONG = 2000;

const opts = (values, labels = {}) => values.map((v) => ({ value: v, label: labels[v] || v }));

/**
 * Build the form for guide content `g` (mutated in place as the editor types).
 * ctx: {meta, changed()}; returns {element, sections}.
 */
export function guideForm(g, ctx) {
  const dependents = new Set();
  ctx.dependent = (render) => {
    const box = h("div", { class: "dependent" });
    const entry = { box, render };
    dependents.add(entry);
    render(box);
    return box;
  };
  ctx.structureChanged = () => {
    for (const entry of [...dependents]) {
      if (!entry.box.isConnected) dependents.delete(entry);
      else entry.render(entry.box);
    }
  };

  const sections = [
    ["basic", "基本信息", basicSection(g, ctx)],
    ["texts", "简介、依据与条件", textsSection(g, ctx)],
    ["materials", "申请材料", materialsSection(g, ctx)],
    ["situations", "办理情形", situationsSection(g, ctx)],
    ["process", "流程与时限", processSection(g, ctx)],
    ["service", "收费、网办与咨询", serviceSection(g, ctx)],
    ["matching", "匹配与常见问题", matchingSection(g, ctx)],
    ["questions", "导办问题", questionsSection(g, ctx)],
    ["notes", "备注", notesSection(g, ctx)],
  ];
  const element = h(
    "form",
    { class: "guide-form", novalidate: true, onsubmit: (e) => e.preventDefault() },
    sections.map(([id, title, body]) => h("section", { class: "form-section", id: `sec-${id}` }, h("h2", {}, title), body)),
  );
  return { element, sections: sections.map(([id, title]) => ({ id, title })) };
}

function row(...fields) {
  return h("div", { class: "row" }, fields);
}

function basicSection(g, ctx) {
  const m = ctx.meta;
  return [
    row(
      field({ label: "事项名称", path: "name", required: true }, text(ctx, g, "name", { max: NAME })),
      field({ label: "事项类型", path: "item_type", required: true }, select(ctx, g, "item_type", opts(m.item_types), { empty: "（请选择）" })),
    ),
    row(
      field({ label: "网址标识", path: "slug", required: true, hint: FORMAT_HINTS.slug }, text(ctx, g, "slug", { max: 80 })),
      field({ label: "事项编码", path: "code", required: true, hint: FORMAT_HINTS.code }, text(ctx, g, "code", { max: 40 })),
    ),
    row(
      field({ label: "实施部门", path: "department", required: true }, text(ctx, g, "department", { max: NAME })),
      field({ label: "实施主体", path: "implementing_body" }, text(ctx, g, "implementing_body", { max: SHORT })),
    ),
    row(
      field({ label: "服务对象", path: "service_object", required: true }, checks(ctx, g, "service_object", opts(m.service_objects))),
      field({ label: "人生事件", path: "life_events", hint: "如 出生、结婚；多个用顿号分隔。" }, words(ctx, g, "life_events")),
    ),
    row(
      field(
        { label: "窗口业务组", path: "service_group", required: true },
        select(ctx, g, "service_group", m.groups.map((x) => ({ value: x.key, label: `${x.name}（${x.key}）` })), { empty: "（请选择）" }),
      ),
      field({ label: "窗口办理时长（分钟）", path: "service_minutes", hint: "1–240 分钟，用于预约排号。" }, num(ctx, g, "service_minutes", { min: 1, max: 240 })),
    ),
    field({ label: "办理层级", path: "levels", required: true }, checks(ctx, g, "levels", opts(m.levels, LEVELS))),
    field(
      { label: "指定办理大厅", path: "halls", hint: "不勾选则所选层级的所有大厅都可办理。", wide: true },
      checks(ctx, g, "halls", opts(m.halls)),
    ),
  ];
}

function textsSection(g, ctx) {
  return [
    field({ label: "事项简介", path: "summary", required: true, wide: true }, area(ctx, g, "summary", { max: LONG, rows: 4 })),
    field({ label: "设定依据", path: "legal_basis", required: true, hint: "每行一条。", wide: true }, lines(ctx, g, "legal_basis", { rows: 3 })),
    field(
      { label: "受理条件", path: "acceptance_conditions", required: true, hint: "每行一条。", wide: true },
      lines(ctx, g, "acceptance_conditions", { rows: 3 }),
    ),
  ];
}

function materialsSection(g, ctx) {
  const m = ctx.meta;
  const renameInSituations = (before, after) => {
    if (before) for (const s of g.situations) s.materials = (s.materials || []).map((x) => (x === before ? after : x));
    ctx.structureChanged();
  };
  return [
    h("p", { class: "section-hint" }, "各情形需要的材料在“办理情形”中勾选。材料编号供情形引用，改名时会一并更新。"),
    repeatable(ctx, {
      items: g.materials,
      path: "materials",
      noun: "材料",
      min: 1,
      title: (x) => x.name,
      create: newMaterial,
      onStructure: () => ctx.structureChanged(),
      onRemove: (x) => {
        for (const s of g.situations) s.materials = (s.materials || []).filter((id) => id !== x.id);
      },
      render: (x, i, p) => {
        x.template ??= {};
        return [
          row(
            field({ label: "编号", path: `${p}.id`, required: true, hint: FORMAT_HINTS.key }, text(ctx, x, "id", { max: 40, onRename: renameInSituations })),
            field({ label: "材料名称", path: `${p}.name`, required: true }, text(ctx, x, "name", { max: NAME, onRename: () => ctx.structureChanged() })),
          ),
          row(
            field({ label: "材料形式", path: `${p}.form` }, select(ctx, x, "form", opts(m.material_forms))),
            field({ label: "份数", path: `${p}.copies` }, num(ctx, x, "copies", { min: 0, max: 20 })),
            field({ label: "出具单位", path: `${p}.issuer` }, text(ctx, x, "issuer", { max: SHORT })),
          ),
          row(
            field({ label: "是否必需", path: `${p}.required` }, check(ctx, x, "required", "必需提交")),
            field({ label: "需要提交的条件", path: `${p}.condition`, hint: "非必需材料请写明在什么情况下需要。" }, text(ctx, x, "condition", { max: SHORT })),
          ),
          row(
            field(
              { label: "可代替的电子证照", path: `${p}.licence` },
              select(ctx, x, "licence", m.licence_types.map((t) => ({ value: t.code, label: `${t.name}（${t.code}）` })), { empty: "（无）" }),
            ),
            field({ label: "证照持有人", path: `${p}.licence_holder` }, select(ctx, x, "licence_holder", opts(m.licence_holders, HOLDERS), { empty: "（不适用）" })),
            field({ label: "可代替的共享数据", path: `${p}.shared_data` }, select(ctx, x, "shared_data", opts(m.shared_data, SHARED_DATA), { empty: "（无）" })),
          ),
          row(
            field({ label: "告知承诺", path: `${p}.commitment_allowed` }, check(ctx, x, "commitment_allowed", "可以书面告知承诺代替")),
            field({ label: "容缺受理", path: `${p}.deferrable` }, check(ctx, x, "deferrable", "可以先受理、后补交")),
          ),
          h(
            "fieldset",
            { class: "sub", dataset: { path: `${p}.template` } },
            h("legend", {}, "表格模板或样表（可选）"),
            h("div", { class: "field-error", role: "alert" }),
            row(
              field({ label: "模板名称", path: `${p}.template.name` }, text(ctx, x.template, "name", { max: NAME })),
              field({ label: "模板链接", path: `${p}.template.url` }, text(ctx, x.template, "url", { max: 300, type: "url", placeholder: "https://" })),
            ),
            field({ label: "模板说明", path: `${p}.template.note`, wide: true }, text(ctx, x.template, "note", { max: SHORT })),
          ),
          field({ label: "备注", path: `${p}.note`, wide: true }, area(ctx, x, "note", { max: LONG, rows: 2 })),
        ];
      },
    }),
  ];
}

function situationMaterials(ctx, g, s) {
  return ctx.dependent((box) => {
    const options = g.materials
      .filter((m) => (m.id || "").trim())
      .map((m) => ({ value: m.id.trim(), label: `${m.name || "（未命名材料）"}（${m.id.trim()}）` }));
    box.replaceChildren(options.length ? checks(ctx, s, "materials", options) : h("p", { class: "hint" }, "请先在“申请材料”中填写材料编号。"));
  });
}

function situationsSection(g, ctx) {
  const renameInQuestions = (before, after) => {
    if (before) for (const q of g.questions) for (const o of q.options || []) if (o.situation === before) o.situation = after;
    ctx.structureChanged();
  };
  const setDefault = (target) => {
    for (const s of g.situations) s.default = s === target;
    ctx.changed();
  };
  const noDefault = h("input", { type: "radio", name: "default-situation", checked: !g.situations.some((s) => s.default), onchange: () => setDefault(null) });
  return [
    h("p", { class: "section-hint" }, "情形决定群众要带哪些材料。默认情形是群众没有说明具体情况时采用的情形。"),
    h("label", { class: "choice" }, noDefault, " 不设默认情形（按第一个情形）"),
    repeatable(ctx, {
      items: g.situations,
      path: "situations",
      noun: "情形",
      min: 1,
      title: (x) => x.name,
      create: newSituation,
      onStructure: () => ctx.structureChanged(),
      render: (s, i, p) => [
        row(
          field({ label: "编号", path: `${p}.key`, required: true, hint: FORMAT_HINTS.key }, text(ctx, s, "key", { max: 40, onRename: renameInQuestions })),
          field({ label: "情形名称", path: `${p}.name`, required: true }, text(ctx, s, "name", { max: NAME, onRename: () => ctx.structureChanged() })),
        ),
        field(
          { label: "默认情形", path: `${p}.default` },
          h(
            "label",
            { class: "choice" },
            h("input", { type: "radio", name: "default-situation", checked: Boolean(s.default), onchange: () => setDefault(s) }),
            " 设为默认情形",
          ),
        ),
        field({ label: "情形说明", path: `${p}.description`, wide: true }, area(ctx, s, "description", { max: LONG, rows: 2 })),
        field({ label: "提示词", path: `${p}.cues`, hint: "群众提问中暗示这一情形的词，用顿号分隔，如 丢了、遗失。", wide: true }, words(ctx, s, "cues")),
        field({ label: "所需材料", path: `${p}.materials`, required: true, wide: true }, situationMaterials(ctx, g, s)),
        field({ label: "备注", path: `${p}.note`, wide: true }, area(ctx, s, "note", { max: LONG, rows: 2 })),
      ],
    }),
  ];
}

function processSection(g, ctx) {
  const t = g.time_limit;
  return [
    h("h3", {}, "办理流程"),
    repeatable(ctx, {
      items: g.steps,
      path: "steps",
      noun: "步骤",
      min: 1,
      title: (x) => x.name,
      create: () => ({ name: "", description: "" }),
      render: (x, i, p) => [
        field({ label: "步骤名称", path: `${p}.name`, required: true }, text(ctx, x, "name", { max: NAME })),
        field({ label: "步骤说明", path: `${p}.description`, required: true, wide: true }, area(ctx, x, "description", { max: LONG, rows: 2 })),
      ],
    }),
    h("h3", {}, "办理时限"),
    h(
      "div",
      { dataset: { path: "time_limit" } },
      h("div", { class: "field-error", role: "alert" }),
      row(
        field({ label: "法定时限（工作日）", path: "time_limit.statutory_days" }, num(ctx, t, "statutory_days", { max: 365 })),
        field({ label: "承诺时限（工作日）", path: "time_limit.promised_days" }, num(ctx, t, "promised_days", { max: 365 })),
        field({ label: "即办件", path: "time_limit.instant" }, check(ctx, t, "instant", "材料齐全当场办结")),
      ),
      field({ label: "时限说明", path: "time_limit.note", wide: true }, area(ctx, t, "note", { max: LONG, rows: 2 })),
    ),
    h("h3", {}, "特别程序"),
    h("p", { class: "section-hint" }, "如公示、核查、专家评审等不计入办理时限的环节；没有可不填。"),
    repeatable(ctx, {
      items: g.special_procedures,
      path: "special_procedures",
      noun: "特别程序",
      title: (x) => x.name,
      create: () => ({ name: "" }),
      render: (x, i, p) => [
        row(
          field({ label: "名称", path: `${p}.name`, required: true }, text(ctx, x, "name", { max: NAME })),
          field({ label: "天数（工作日）", path: `${p}.days` }, num(ctx, x, "days", { max: 365 })),
        ),
        field({ label: "说明", path: `${p}.note`, wide: true }, area(ctx, x, "note", { max: LONG, rows: 2 })),
      ],
    }),
  ];
}

function serviceSection(g, ctx) {
  const m = ctx.meta;
  return [
    h(
      "div",
      { dataset: { path: "fee" } },
      h("div", { class: "field-error", role: "alert" }),
      row(
        field({ label: "是否收费", path: "fee.charged" }, check(ctx, g.fee, "charged", "收费")),
        field({ label: "收费金额", path: "fee.amount", hint: "如 工本费20元；不收费可不填。" }, text(ctx, g.fee, "amount", { max: SHORT })),
      ),
      field({ label: "收费依据", path: "fee.basis", wide: true }, area(ctx, g.fee, "basis", { max: LONG, rows: 2 })),
    ),
    row(
      field({ label: "到现场次数", path: "visits", required: true, hint: "0–5 次。" }, num(ctx, g, "visits", { min: 0, max: 5 })),
      field({ label: "咨询电话", path: "phone", required: true, hint: FORMAT_HINTS.phone }, text(ctx, g, "phone", { max: 40, type: "tel" })),
    ),
    h(
      "div",
      { dataset: { path: "online" } },
      h("div", { class: "field-error", role: "alert" }),
      row(
        field({ label: "网办程度", path: "online.level" }, select(ctx, g.online, "level", opts(m.online_levels))),
        field({ label: "网办入口", path: "online.entry", hint: "如 粤省事小程序、广东政务服务网。" }, text(ctx, g.online, "entry", { max: SHORT })),
      ),
      field({ label: "网办说明", path: "online.note", wide: true }, area(ctx, g.online, "note", { max: LONG, rows: 2 })),
    ),
    field(
      { label: "可由共享数据预填的表单字段（免填写）", path: "form_fields", wide: true },
      checks(ctx, g, "form_fields", opts(m.form_fields, FORM_FIELDS)),
    ),
  ];
}

function matchingSection(g, ctx) {
  return [
    row(
      field({ label: "别名", path: "aliases", hint: "群众常用的叫法，每行一个。" }, lines(ctx, g, "aliases", { rows: 4 })),
      field({ label: "示例问题", path: "examples", hint: "群众可能这样问，每行一个。" }, lines(ctx, g, "examples", { rows: 4 })),
    ),
    field(
      { label: "关联事项", path: "related", hint: "常一并办理的事项，每行一个已有事项的标准名称。", wide: true },
      lines(ctx, g, "related", { rows: 2 }),
    ),
    h("h3", {}, "常见问题"),
    repeatable(ctx, {
      items: g.faq,
      path: "faq",
      noun: "问答",
      title: (x) => x.q,
      create: () => ({ q: "", a: "" }),
      render: (x, i, p) => [
        field({ label: "问题", path: `${p}.q`, required: true, wide: true }, text(ctx, x, "q", { max: SHORT })),
        field({ label: "回答", path: `${p}.a`, required: true, wide: true }, area(ctx, x, "a", { max: LONG, rows: 2 })),
      ],
    }),
  ];
}

/** Where an answer leads: one select over "next question" and "situation" targets. */
function optionTarget(ctx, g, o) {
  return ctx.dependent((box) => {
    const current = o.next ? `q:${o.next}` : o.situation ? `s:${o.situation}` : "";
    const questions = g.questions.filter((q) => (q.id || "").trim());
    const situations = g.situations.filter((s) => (s.key || "").trim());
    const sel = h(
      "select",
      {
        onchange: (e) => {
          const [kind, value] = [e.target.value.slice(0, 1), e.target.value.slice(2)];
          delete o.next;
          delete o.situation;
          if (kind === "q") o.next = value;
          if (kind === "s") o.situation = value;
          ctx.changed();
        },
      },
      h("option", { value: "" }, "（请选择）"),
      h("optgroup", { label: "确定情形" }, situations.map((s) => h("option", { value: `s:${s.key.trim()}` }, `→ 情形：${s.name || s.key}`))),
      h("optgroup", { label: "继续追问" }, questions.map((q) => h("option", { value: `q:${q.id.trim()}` }, `→ 问题：${q.text || q.id}`))),
    );
    if (current && ![...sel.options].some((x) => x.value === current)) {
      sel.appendChild(h("option", { value: current }, `${current.slice(2)}（不存在）`));
    }
    sel.value = current;
    box.replaceChildren(sel);
  });
}

function questionsSection(g, ctx) {
  const renameNext = (before, after) => {
    if (before) for (const q of g.questions) for (const o of q.options || []) if (o.next === before) o.next = after;
    ctx.structureChanged();
  };
  return [
    h(
      "p",
      { class: "section-hint" },
      "导办员按这些问题帮群众确定情形：第一个问题先问，每个回答要么确定一个情形，要么转到下一个问题。没有多种情形的事项可不设问题。",
    ),
    repeatable(ctx, {
      items: g.questions,
      path: "questions",
      noun: "问题",
      title: (x) => x.text,
      create: newQuestion,
      onStructure: () => ctx.structureChanged(),
      render: (q, i, p) => {
        q.options ??= [];
        return [
          row(
            field({ label: "编号", path: `${p}.id`, required: true, hint: FORMAT_HINTS.key }, text(ctx, q, "id", { max: 40, onRename: renameNext })),
            field({ label: "问题", path: `${p}.text`, required: true }, text(ctx, q, "text", { max: SHORT, onRename: () => ctx.structureChanged() })),
          ),
          h("div", { class: "options-label" }, "回答选项（2–8 个）"),
          repeatable(ctx, {
            items: q.options,
            path: `${p}.options`,
            noun: "选项",
            min: 2,
            max: 8,
            title: (o) => o.label,
            create: () => ({ label: "" }),
            render: (o, j, op) =>
              row(
                field({ label: "选项文字", path: `${op}.label`, required: true }, text(ctx, o, "label", { max: SHORT })),
                field({ label: "选择后", path: `${op}.next`, required: true }, optionTarget(ctx, g, o)),
              ),
          }),
        ];
      },
    }),
  ];
}

function notesSection(g, ctx) {
  return [field({ label: "备注", path: "notes", hint: "其他需要说明的事项。", wide: true }, area(ctx, g, "notes", { max: LONG, rows: 3 }))];
}

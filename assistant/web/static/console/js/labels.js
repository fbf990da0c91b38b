// Chinese wording of the console: statuses, roles, enum values, field names, server messages.

export const STATUS = {
  draft: "草稿",
  submitted: "待审核",
  returned: "已退回",
  published: "已发布",
  superseded: "历史版本",
};

export const ROLES = { editor: "编辑", reviewer: "审核人", greeter: "导办员", staff: "窗口人员", admin: "管理员" };

export const SOURCE = { editor: "编辑台", import: "文件导入", rollback: "回退" };

export const ACTIONS = {
  "guide.create": "新建指南",
  "guide.save_draft": "保存草稿",
  "guide.submit": "提交审核",
  "guide.publish": "发布",
  "guide.return": "退回修改",
  "guide.rollback": "回退版本",
};

export const LEVELS = { city: "市级", district: "县（区）级", town: "镇（街道）级", village: "村（社区）级" };

export const HOLDERS = {
  applicant: "申请人本人",
  spouse: "配偶",
  child: "子女",
  parent: "父母",
  deceased: "逝者",
  business: "经营主体",
};

export const SHARED_DATA = {
  hukou_record: "户籍信息",
  marriage_record: "婚姻登记信息",
  social_insurance_record: "社保参保信息",
  housing_fund_record: "公积金缴存信息",
  property_record: "不动产登记信息",
  low_income_record: "低保低收入信息",
  disability_record: "残疾人信息",
  death_record: "死亡信息",
  business_record: "市场主体登记信息",
  tax_record: "纳税信息",
};

export const FORM_FIELDS = {
  name: "姓名",
  sex: "性别",
  id_number: "身份证号码",
  birth_date: "出生日期",
  ethnicity: "民族",
  hukou_address: "户籍地址",
  marital_status: "婚姻状况",
  spouse_name: "配偶姓名",
  spouse_id_number: "配偶身份证号码",
  child_name: "子女姓名",
  child_birth_date: "子女出生日期",
  phone: "联系电话",
  business_name: "单位名称",
  credit_code: "统一社会信用代码",
};

/** Field names as editors know them; nested names are looked up as "parent.child" first. */
export const FIELDS = {
  name: "事项名称",
  slug: "网址标识",
  code: "事项编码",
  item_type: "事项类型",
  department: "实施部门",
  implementing_body: "实施主体",
  service_object: "服务对象",
  life_events: "人生事件",
  service_group: "窗口业务组",
  service_minutes: "窗口办理时长（分钟）",
  levels: "办理层级",
  halls: "指定办理大厅",
  summary: "事项简介",
  legal_basis: "设定依据",
  acceptance_conditions: "受理条件",
  materials: "申请材料",
  situations: "办理情形",
  steps: "办理流程",
  time_limit: "办理时限",
  "time_limit.statutory_days": "法定时限（工作日）",
  "time_limit.promised_days": "承诺时限（工作日）",
  "time_limit.instant": "即办件",
  "time_limit.note": "时限说明",
  fee: "收费",
  "fee.charged": "收费",
  "fee.amount": "收费金额",
  "fee.basis": "收费依据",
  visits: "到现场次数",
  online: "网上办理",
  "online.level": "网办程度",
  "online.entry": "网办入口",
  "online.note": "网办说明",
  special_procedures: "特别程序",
  phone: "咨询电话",
  form_fields: "可预填的表单字段",
  aliases: "别名",
  examples: "示例问题",
  related: "关联事项",
  faq: "常见问题",
  questions: "导办问题",
  notes: "备注",
  // inside list items
  id: "编号",
  key: "编号",
  form: "材料形式",
  copies: "份数",
  required: "必需",
  condition: "需要提交的条件",
  issuer: "出具单位",
  licence: "可代替的电子证照",
  licence_holder: "证照持有人",
  shared_data: "可代替的共享数据",
  commitment_allowed: "可告知承诺",
  deferrable: "可容缺受理",
  template: "表格模板",
  "template.name": "模板名称",
  "template.url": "模板链接",
  "template.note": "模板说明",
  note: "备注",
  description: "说明",
  cues: "提示词",
  default: "默认情形",
  days: "天数",
  q: "问题",
  a: "回答",
  text: "问题",
  options: "选项",
  label: "选项文字",
  next: "下一问题",
  situation: "进入情形",
};

// Inside a list item some names read better shorter ("情形 1 · 名称", not "情形 1 · 事项名称").
const IN_ITEM = { name: "名称", materials: "所需材料", description: "说明", id: "编号" };

const ITEM_NAMES = {
  materials: "材料",
  situations: "情形",
  steps: "步骤",
  special_procedures: "特别程序",
  faq: "问答",
  questions: "问题",
  options: "选项",
  legal_basis: "依据",
  acceptance_conditions: "条件",
};

/** "materials.0.template.url" → "申请材料 第1项 · 模板链接". */
export function fieldLabel(path) {
  if (!path || path === "(root)") return "整份指南";
  const parts = path.split(".");
  const out = [];
  let context = "";
  for (let i = 0; i < parts.length; i += 1) {
    const part = parts[i];
    if (/^\d+$/.test(part)) {
      const item = `${ITEM_NAMES[context] || "第"} ${Number(part) + 1}${ITEM_NAMES[context] ? "" : " 项"}`;
      if (ITEM_NAMES[context] && out.length) out[out.length - 1] = item;
      else out.push(item);
      continue;
    }
    const pair = i > 0 ? `${parts[i - 1]}.${part}` : part;
    const label = FIELDS[pair] || (i > 0 && IN_ITEM[part]) || FIELDS[part] || part;
    if (out.length && FIELDS[pair]) out[out.length - 1] = label;
    else out.push(label);
    context = part;
  }
  return out.join(" · ");
}

// Messages of the server's validation (pydantic and the KB checks) in the editors' language.
const MESSAGES = [
  [/^Field required$/, () => "此项必填。"],
  [/^String should have at least 1 character/, () => "不能为空。"],
  [/^String should have at most (\d+) characters?/, (m) => `不能超过 ${m[1]} 个字。`],
  [/^String should match pattern/, () => "格式不正确。"],
  [/^Input should be greater than or equal to (\S+)/, (m) => `不能小于 ${m[1]}。`],
  [/^Input should be less than or equal to (\S+)/, (m) => `不能大于 ${m[1]}。`],
  [/^Input should be greater than (\S+)/, (m) => `须大于 ${m[1]}。`],
  [/^Input should be a valid integer/, () => "请填写整数。"],
  [/^Input should be a valid number/, () => "请填写数字。"],
  [/^Input should be a valid boolean/, () => "请选择是或否。"],
  [/^Input should be a valid (string|list|dictionary)/, () => "填写的内容类型不对。"],
  [/^Input should be /, () => "请从给出的选项中选择。"],
  [/^List should have at least (\d+) items?/, (m) => `至少需要 ${m[1]} 项。`],
  [/^List should have at most (\d+) items?/, (m) => `最多 ${m[1]} 项。`],
  [/^unknown field$/, () => "不认识的字段。"],
  [/^unknown licence type '(.*)'$/, (m) => `电子证照类型“${m[1]}”不存在。`],
  [/^unknown hall '(.*)'$/, (m) => `大厅“${m[1]}”不存在。`],
  [/^unknown service group '(.*)'$/, (m) => `窗口业务组“${m[1]}”不存在。`],
  [/^unknown related item '(.*)'$/, (m) => `关联事项“${m[1]}”不存在，请填写已有事项的标准名称。`],
  [/^a guide cannot be related to itself$/, () => "不能把本事项列为自己的关联事项。"],
  [/^unknown material '(.*)'$/, (m) => `引用了不存在的材料“${m[1]}”。`],
  [/^material id '(.*)' is used twice$/, (m) => `材料编号“${m[1]}”重复。`],
  [/^situation key '(.*)' is used twice$/, (m) => `情形编号“${m[1]}”重复。`],
  [/^at most one situation may be the default$/, () => "最多只能有一个默认情形。"],
  [/^option '(.*)' leads to unknown question '(.*)'$/, (m) => `选项“${m[1]}”指向不存在的问题“${m[2]}”。`],
  [/^option '(.*)' leads to unknown situation '(.*)'$/, (m) => `选项“${m[1]}”指向不存在的情形“${m[2]}”。`],
  [/^a conditional material \(required: false\) needs a condition$/, () => "非必需材料请写明需要提交的条件。"],
  [/^licence_holder is required when licence is set$/, () => "选择了电子证照时，请同时选择证照持有人。"],
  [/^an option leads either to a next question or to a situation$/, () => "每个选项须指向下一个问题或某个情形（二选一）。"],
  [/^duplicate entry: (.*)$/, (m) => `“${m[1]}”重复了。`],
];

export function translateMessage(message) {
  const text = String(message || "").replace(/^Value error, /, "").replace(/^Assertion failed, /, "");
  // A guide-level check may join several problems with "; ".
  return text
    .split("; ")
    .map((one) => {
      for (const [re, fn] of MESSAGES) {
        const m = one.match(re);
        if (m) return fn(m);
      }
      return one;
    })
    .join(" ");
}

/** Hints shown under fields whose format is strict. */
export const FORMAT_HINTS = {
  slug: "小写拼音或字母、数字和连字符，如 chusheng-dengji，用于网址。",
  code: "10–40 位数字或大写字母。",
  phone: "数字、连字符或顿号，如 0660-12345。",
  key: "小写字母开头，可含小写字母、数字和下划线，如 birth_cert。",
};

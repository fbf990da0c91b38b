// Walking a guide's question tree (Guide.questions in the KB): the first question is the root;
// each option leads either to a next question or to a situation. Plain data in, plain data out.

/** The walk's state after the answers given so far: {question} still to answer, or {situation}. */
export function position(guide, answers) {
  const questions = new Map((guide.questions || []).map((q) => [q.id, q]));
  if (!questions.size) return { question: null, situation: onlySituation(guide), path: [] };
  let question = guide.questions[0];
  const path = [];
  for (const label of answers) {
    const option = question.options.find((o) => o.label === label);
    if (!option) break; // the guide changed under us: stop where the answers stop fitting
    path.push({ question: question.text, answer: option.label });
    if (option.situation) return { question: null, situation: option.situation, path };
    question = questions.get(option.next);
    if (!question || path.length > questions.size) return { question: null, situation: null, path };
  }
  return { question, situation: null, path };
}

/** A guide without questions: its only situation, else none (the greeter picks one). */
function onlySituation(guide) {
  return guide.situations.length === 1 ? guide.situations[0].key : null;
}

/** The situation's materials, in the situation's order. */
export function materialsFor(guide, key) {
  const s = guide.situations.find((x) => x.key === key);
  if (!s) return [];
  const byId = new Map(guide.materials.map((m) => [m.id, m]));
  return s.materials.map((id) => byId.get(id)).filter(Boolean);
}

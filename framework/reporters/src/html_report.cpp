// SPDX-License-Identifier: MIT
// The self-contained HTML report (reporters.hpp html_report). The plots and the matrix are drawn
// here as SVG and HTML, every string HTML-escaped; what a click shows (each run's answer,
// assertions, figures, fingerprint) goes to the page as one JSON block that the script renders
// with textContent only, so no text from a results file is ever parsed as markup.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <filesystem>
#include <sstream>

#include "decimal_text.hpp"
#include "goodput/json_text.hpp"
#include "goodput/reporters.hpp"

namespace goodput {

namespace {

using nlohmann::json;

std::string html_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON for a <script type="application/json"> block: '<', '>' and '&' only occur inside its
// strings, where \u escapes mean the same, so no "</script>" or "<!--" can end the block.
std::string script_json(const json& value) {
  const std::string dumped = detail::json_text(value);
  std::string out;
  out.reserve(dumped.size());
  for (const char c : dumped) {
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out += c;
  }
  return out;
}

// The first `limit` bytes of `text`, not cutting a UTF-8 sequence.
std::string html_cut(const std::string& text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// A string field of a hand-editable file; anything else reads as empty.
std::string html_text(const json& object, const char* key) {
  const json& value = detail::member(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

std::string html_num(double v, int digits) { return detail::fixed(v, digits); }

std::string html_seconds(std::optional<double> s) { return s ? format_seconds(s) : "—"; }

std::string html_rate(std::optional<double> rate) { return rate ? html_num(*rate * 100, 0) + "%" : "—"; }

// One model of one file, as the page shows it.
struct HtmlModel {
  std::string label;
  ModelStats stats;
  std::string weights;  // the server's model id (results.json models[].model): settings variants share it
};

// One run, as a click shows it. Its fingerprint and journal are indices into the page's lists
// (runs share them), so that 1,000 runs stay light.
json html_run_entry(const json& run, const StoredRun& stored, const std::string& label, int fingerprint, int journal) {
  const std::string answer = html_text(run, "answer");
  const std::string reasoning = html_text(run, "reasoning");
  json checks = json::array();
  if (const json& given = detail::member(run, "checks"); given.is_array())
    for (const auto& c : given) {
      json check = {{"type", html_text(c, "type")}, {"outcome", html_text(c, "outcome")}, {"message", html_text(c, "message")}};
      // The end of the sandboxed code's stderr, as the check recorded it (bounded there).
      if (std::string stderr_text = html_text(detail::member(c, "facts"), "stderr"); !stderr_text.empty())
        check["stderr"] = html_cut(stderr_text, k_html_answer_chars);
      checks.push_back(std::move(check));
    }
  const RunFigures f = stored.figures();
  const Metrics& m = f.metrics;
  json figures = json::array();
  const bool token_stream = m.delivery == Delivery::token_stream || m.delivery == Delivery::unknown;
  figures.push_back({"delivery", std::string(to_string(m.delivery))});
  if (token_stream) {
    figures.push_back({"TTFT", html_seconds(m.ttft_s)});
    figures.push_back({"time to first answer", html_seconds(m.time_to_first_answer_s)});
    figures.push_back({"decode rate", m.decode_tps ? html_num(*m.decode_tps, 1) + " tok/s" : "—"});
  } else {
    figures.push_back({"time to first text", html_seconds(m.ttft_s)});
    figures.push_back({"effective rate", m.effective_tps ? html_num(*m.effective_tps, 1) + " tok/s" : "—"});
  }
  figures.push_back({"e2e", html_seconds(m.e2e_s)});
  figures.push_back({"completion tokens", f.completion_tokens ? std::to_string(*f.completion_tokens) : "—"});
  figures.push_back({"prompt cache", std::string(to_string(f.prompt_cache))});
  if (f.retries > 0) figures.push_back({"retries", std::to_string(f.retries)});
  std::string error;
  error = html_text(detail::member(run, "error"), "message");
  return {{"model", label},
          {"task", stored.key.task},
          {"sample", stored.key.sample},
          {"verdict", std::string(to_string(stored.verdict))},
          {"answer", html_cut(answer, k_html_answer_chars)},
          {"answer_cut", answer.size() > k_html_answer_chars ? answer.size() : 0},
          {"reasoning", html_cut(reasoning, k_html_answer_chars)},
          {"reasoning_cut", reasoning.size() > k_html_answer_chars ? reasoning.size() : 0},
          {"error", error},
          {"checks", std::move(checks)},
          {"figures", std::move(figures)},
          {"fingerprint", fingerprint},
          {"journal", journal}};
}

// ---- the scatter: pass rate (Wilson 95%) against seconds per correct answer ----

void html_scatter(std::ostringstream& out, const std::vector<HtmlModel>& models) {
  const double width = 640, height = 360, left = 56, right = 24, top = 16, bottom = 44;
  double x_max = 0;
  for (const auto& m : models)
    if (const auto s = m.stats.seconds_per_correct().seconds) x_max = std::max(x_max, *s);
  x_max = x_max > 0 ? x_max * 1.15 : 1;
  const auto x_of = [&](double s) { return left + (width - left - right) * s / x_max; };
  const auto y_of = [&](double p) { return top + (height - top - bottom) * (1 - p); };
  out << "<svg id=\"scatter\" viewBox=\"0 0 " << width << " " << height
      << "\" role=\"img\" aria-label=\"pass rate against seconds per correct answer\">\n";
  for (int i = 0; i <= 4; ++i) {
    const double p = i / 4.0, y = y_of(p);
    out << "<line class=\"grid\" x1=\"" << left << "\" x2=\"" << width - right << "\" y1=\"" << y << "\" y2=\"" << y << "\"/>"
        << "<text class=\"tick\" x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << i * 25 << "%</text>\n";
    const double s = x_max * i / 4.0;
    out << "<text class=\"tick\" x=\"" << x_of(s) << "\" y=\"" << height - bottom + 16 << "\" text-anchor=\"middle\">"
        << html_num(s, x_max < 1 ? 2 : x_max < 10 ? 1 : 0) << " s</text>\n";
  }
  // Settings variants of one model ("default" and "tuned" of the same weights): their points
  // joined by a dashed line, named by the model id at its middle, under the points.
  std::map<std::string, std::vector<std::pair<double, double>>> variants;
  for (const auto& m : models) {
    const auto rate = m.stats.all.pass_rate();
    const auto spc = m.stats.seconds_per_correct().seconds;
    if (rate && !m.weights.empty()) variants[m.weights].emplace_back(spc ? x_of(*spc) : width - right, y_of(*rate));
  }
  for (auto& [weights, points] : variants) {
    if (points.size() < 2) continue;
    std::sort(points.begin(), points.end());
    out << "<g class=\"variants\" data-weights=\"" << html_escaped(weights) << "\"><polyline points=\"";
    for (const auto& [x, y] : points) out << html_num(x, 1) << "," << html_num(y, 1) << " ";
    const auto& a = points.front();
    const auto& b = points.back();
    out << "\"/><text class=\"variant\" x=\"" << html_num((a.first + b.first) / 2, 1) << "\" y=\"" << html_num((a.second + b.second) / 2 + 14, 1)
        << "\" text-anchor=\"middle\">" << html_escaped(weights) << " (settings variants)</text></g>\n";
  }
  out << "<text class=\"axis\" x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 6
      << "\" text-anchor=\"middle\">seconds per correct answer (lower is better)</text>"
      << "<text class=\"axis\" transform=\"translate(14," << (top + height - bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">pass rate, Wilson 95%</text>\n";
  for (std::size_t i = 0; i < models.size(); ++i) {
    const auto& m = models[i];
    const auto rate = m.stats.all.pass_rate();
    const auto ci = m.stats.all.pass_rate_ci95();
    const auto spc = m.stats.seconds_per_correct().seconds;
    if (!rate) continue;
    // No correct answer: no seconds per correct answer; drawn at the right edge, marked.
    const double x = spc ? x_of(*spc) : width - right;
    const double y = y_of(*rate);
    const bool right_side = x > left + (width - left - right) * 0.75;
    out << "<g class=\"point\" data-model=\"" << html_escaped(m.label) << "\"><title>" << html_escaped(m.label) << ": "
        << html_rate(rate) << " passed, " << html_seconds(spc) << " per correct answer</title>";
    if (ci)
      out << "<line class=\"ci\" x1=\"" << x << "\" x2=\"" << x << "\" y1=\"" << y_of(ci->lo) << "\" y2=\"" << y_of(ci->hi) << "\"/>";
    out << "<circle class=\"c" << i % 8 << "\" cx=\"" << x << "\" cy=\"" << y << "\" r=\"5\"/>"
        // Labels of points in the right quarter go to their left, so that they are not cut.
        << "<text class=\"label\" x=\"" << (right_side ? x - 8 : x + 8) << "\" y=\"" << y - 6 << "\" text-anchor=\""
        << (right_side ? "end" : "start") << "\">" << html_escaped(m.label) << (spc ? "" : " (no correct answer)")
        << "</text></g>\n";
  }
  out << "</svg>\n";
}

// ---- latency distributions: one box plot row per model ----

struct HtmlMetric {
  std::string title;
  std::string unit;
  const Samples* (*pick)(const RunStats&);
};

void html_boxes(std::ostringstream& out, const std::vector<HtmlModel>& models, const HtmlMetric& metric) {
  double hi = 0;
  bool any = false;
  for (const auto& m : models)
    if (const Samples* s = metric.pick(m.stats.all); s && s->size() > 0) {
      hi = std::max(hi, *s->percentile(100));
      any = true;
    }
  if (!any) return;
  hi = hi > 0 ? hi * 1.05 : 1;
  const double width = 640, left = 170, right = 20, row = 26;
  const double height = row * static_cast<double>(models.size()) + 34;
  const auto x_of = [&](double v) { return left + (width - left - right) * v / hi; };
  out << "<figure class=\"dist\"><figcaption>" << html_escaped(metric.title) << "</figcaption><svg viewBox=\"0 0 " << width << " "
      << height << "\">\n";
  for (std::size_t i = 0; i < models.size(); ++i) {
    const Samples* s = metric.pick(models[i].stats.all);
    const double y = 12 + row * static_cast<double>(i);
    out << "<text class=\"tick\" x=\"" << left - 8 << "\" y=\"" << y + 5 << "\" text-anchor=\"end\">" << html_escaped(models[i].label)
        << "</text>";
    if (!s || s->size() == 0) {
      out << "<text class=\"tick\" x=\"" << left << "\" y=\"" << y + 5 << "\">no runs</text>\n";
      continue;
    }
    const double p0 = *s->percentile(0), p25 = *s->percentile(25), p50 = *s->percentile(50), p75 = *s->percentile(75),
                 p100 = *s->percentile(100);
    out << "<g class=\"box c" << i % 8 << "\"><title>" << html_escaped(models[i].label) << ": median " << html_num(p50, 2) << " "
        << metric.unit << ", " << s->size() << " runs</title>"
        << "<line x1=\"" << x_of(p0) << "\" x2=\"" << x_of(p100) << "\" y1=\"" << y << "\" y2=\"" << y << "\"/>"
        << "<rect x=\"" << x_of(p25) << "\" y=\"" << y - 7 << "\" width=\"" << std::max(1.0, x_of(p75) - x_of(p25))
        << "\" height=\"14\"/>"
        << "<line class=\"median\" x1=\"" << x_of(p50) << "\" x2=\"" << x_of(p50) << "\" y1=\"" << y - 8 << "\" y2=\"" << y + 8 << "\"/>";
    // A strip of the runs themselves, thinned to at most 200 so that 1,000 runs stay light.
    const auto& values = s->values();
    const std::size_t step = std::max<std::size_t>(1, values.size() / 200);
    for (std::size_t k = 0; k < values.size(); k += step)
      out << "<circle class=\"dot\" cx=\"" << html_num(x_of(values[k]), 1) << "\" cy=\"" << y + 10 << "\" r=\"1.5\"/>";
    out << "</g>\n";
  }
  const double axis_y = height - 8;
  for (int i = 0; i <= 4; ++i)
    out << "<text class=\"tick\" x=\"" << x_of(hi * i / 4) << "\" y=\"" << axis_y << "\" text-anchor=\"middle\">"
        << html_num(hi * i / 4, hi < 10 ? 2 : 0) << " " << metric.unit << "</text>";
  out << "</svg></figure>\n";
}

// ---- the matrix ----

// Cell colour: red (0%) through yellow to green (100%).
std::string html_cell_colour(double rate) {
  const int hue = static_cast<int>(std::lround(rate * 120));
  return "hsl(" + std::to_string(hue) + ",70%,80%)";
}

// A task x model judged over its samples (results.json's task_verdict, README "Pass rate per
// task"): "pass ≥ 80%" under the cell's counts; empty for other tasks.
std::string html_task_verdict(const json& verdict) {
  const std::string word = html_text(verdict, "verdict");
  const json& rate = detail::member(verdict, "min_pass_rate");
  if (word.empty() || !rate.is_number()) return "";
  const char* relation = word == "pass" ? " ≥ " : word == "fail" ? " < " : " undecided at ";
  const std::string css = word == "pass" ? "pass" : word == "fail" ? "fail" : "error";
  return "<br><span class=\"tv " + css + "\">" + html_escaped(word) + relation + html_num(rate.get<double>() * 100, 0) + "%</span>";
}

using HtmlCellKey = std::pair<std::string, std::string>;  // model label, task id

void html_matrix(std::ostringstream& out, const std::vector<HtmlModel>& models, const std::vector<std::string>& tasks,
                 const std::map<HtmlCellKey, int>& cell_ids, const std::map<HtmlCellKey, std::string>& verdicts) {
  out << "<div class=\"scroll\"><table id=\"matrix\"><thead><tr><th>task</th>";
  for (const auto& m : models) out << "<th>" << html_escaped(m.label) << "</th>";
  out << "</tr></thead><tbody>\n";
  for (const auto& task : tasks) {
    out << "<tr><th>" << html_escaped(task) << "</th>";
    for (const auto& m : models) {
      const auto it = m.stats.per_task.find(task);
      const auto id = cell_ids.find({m.label, task});
      if (it == m.stats.per_task.end() || id == cell_ids.end()) {
        out << "<td class=\"none\">—</td>";
        continue;
      }
      const RunStats& s = it->second;
      const auto rate = s.pass_rate();
      out << "<td class=\"cell\" tabindex=\"0\" data-cell=\"" << id->second << "\" style=\"background:"
          << (rate ? html_cell_colour(*rate) : "#ddd") << "\">" << s.passed << "/" << s.judged()
          << (s.errors ? " <span class=\"err\">" + std::to_string(s.errors) + " err</span>" : "");
      if (const auto v = verdicts.find({m.label, task}); v != verdicts.end()) out << v->second;
      out << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</tbody></table></div>\n";
}

// ---- comparisons ----

int html_verdict_order(TaskVerdict v) {
  switch (v) {
    case TaskVerdict::regressed: return 0;
    case TaskVerdict::flaky: return 1;
    case TaskVerdict::improved: return 2;
    case TaskVerdict::not_comparable: return 3;
    case TaskVerdict::unchanged: return 4;
  }
  return 5;
}

void html_comparison(std::ostringstream& out, const Comparison& c) {
  out << "<section class=\"comparison\"><h3>" << html_escaped(c.baseline_label) << " → " << html_escaped(c.candidate_label) << "</h3>\n";
  out << "<p>" << c.count(TaskVerdict::regressed) << " regressed, " << c.count(TaskVerdict::improved) << " improved, "
      << c.tasks_compared << " compared. Pass rate " << html_rate(c.baseline_all.pass_rate()) << " → "
      << html_rate(c.candidate_all.pass_rate()) << " (pooled one-sided p " << html_num(c.pooled.greater, 3) << "). Median e2e "
      << html_seconds(c.e2e.baseline_p50_s) << " → " << html_seconds(c.e2e.candidate_p50_s);
  if (const auto r = c.e2e.relative()) out << " (" << (*r >= 0 ? "+" : "") << html_num(*r * 100, 0) << "%)";
  out << ".</p>\n";
  for (const auto& w : c.warnings) out << "<p class=\"warn\">" << html_escaped(w) << "</p>\n";
  std::vector<const TaskComparison*> rows;
  for (const auto& t : c.tasks) rows.push_back(&t);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto* a, const auto* b) { return html_verdict_order(a->verdict) < html_verdict_order(b->verdict); });
  out << "<div class=\"scroll\"><table class=\"cmp\"><thead><tr><th>task</th><th>verdict</th><th>baseline</th><th>candidate</th>"
         "<th>change</th><th>p (drop, Holm)</th><th>median e2e</th></tr></thead><tbody>\n";
  for (const auto* t : rows) {
    out << "<tr class=\"" << to_string(t->verdict) << "\"><td>" << html_escaped(t->id) << "</td><td>" << to_string(t->verdict)
        << (t->reason.empty() ? "" : " — " + html_escaped(t->reason)) << "</td><td>" << t->baseline.passed << "/"
        << t->baseline.judged() << "</td><td>" << t->candidate.passed << "/" << t->candidate.judged() << "</td><td>"
        << (t->difference ? (*t->difference >= 0 ? "+" : "") + html_num(*t->difference * 100, 0) + " pts" : "—") << "</td><td>"
        << html_num(t->holm_drop, 3) << "</td><td>" << html_seconds(t->baseline.e2e_s.median()) << " → "
        << html_seconds(t->candidate.e2e_s.median()) << "</td></tr>\n";
  }
  out << "</tbody></table></div></section>\n";
}

constexpr const char* k_html_style = R"CSS(
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:12px;color:#222}
h1{font-size:20px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
svg{width:100%;height:auto;max-width:760px;display:block}
.grid{stroke:#e4e4e4}.tick{font-size:11px;fill:#555}.axis{font-size:12px;fill:#333}.label{font-size:12px}
.ci{stroke:#555;stroke-width:1.5}.variants polyline{fill:none;stroke:#888;stroke-width:1.5;stroke-dasharray:5 4}.variant{font-size:11px;fill:#666}
.c0{fill:#1f77b4;stroke:#1f77b4}.c1{fill:#d62728;stroke:#d62728}.c2{fill:#2ca02c;stroke:#2ca02c}.c3{fill:#9467bd;stroke:#9467bd}
.c4{fill:#ff7f0e;stroke:#ff7f0e}.c5{fill:#8c564b;stroke:#8c564b}.c6{fill:#e377c2;stroke:#e377c2}.c7{fill:#17becf;stroke:#17becf}
.box rect{fill-opacity:.25}.box line{stroke-width:1.5}.box .median{stroke:#000;stroke-width:2}.box .dot{fill-opacity:.5;stroke:none}
.dist{margin:8px 0}.dist figcaption{font-weight:600}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left}
td.cell{cursor:pointer;text-align:center;white-space:nowrap}td.cell:hover,td.cell.on{outline:2px solid #000}
.err{color:#a00;font-size:11px}.tv{font-size:11px}tr.regressed td{background:#fdd}tr.improved td{background:#dfd}tr.flaky td{background:#ffd}
#detail .run{border:1px solid #ccc;border-radius:4px;margin:8px 0;padding:8px}
#detail pre{white-space:pre-wrap;word-break:break-word;background:#f6f6f6;padding:6px;max-height:24em;overflow:auto}
.pass{color:#070}.fail,.error,.truncated{color:#a00}.warn{color:#a60}.note{color:#666;font-size:12px}
@media (max-width:600px){body{padding:6px}td,th{padding:2px 3px}}
)CSS";

// Renders a clicked cell's runs with textContent only; #selftest clicks the first cell and
// reports whether its run's answer appeared, for the browser test.
constexpr const char* k_html_script = R"JS(
(function(){
var errors=document.getElementById('errors');
window.onerror=function(msg,src,line){errors.textContent+=msg+' ('+line+')\n';};
var data=JSON.parse(document.getElementById('runs').textContent);
function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined)e.textContent=text;if(cls)e.className=cls;return e;}
function show(cell){
  var prev=document.querySelector('td.cell.on');if(prev)prev.classList.remove('on');cell.classList.add('on');
  var detail=document.getElementById('detail');detail.textContent='';
  data.cells[+cell.dataset.cell].forEach(function(i){
    var r=data.runs[i],box=el('div',undefined,'run');
    var h=el('h3');h.appendChild(el('span',r.model+' · '+r.task+' #'+r.sample+' — '));h.appendChild(el('span',r.verdict,r.verdict));box.appendChild(h);
    if(r.error)box.appendChild(el('p','error: '+r.error,'error'));
    if(r.reasoning){var d=el('details');d.appendChild(el('summary','reasoning'));d.appendChild(el('pre',r.reasoning));
      if(r.reasoning_cut)d.appendChild(el('p','cut at '+r.reasoning.length+' of '+r.reasoning_cut+' bytes; the journal has it whole','note'));box.appendChild(d);}
    box.appendChild(el('div','answer'));var a=el('pre',r.answer);a.className='answer';box.appendChild(a);
    if(r.answer_cut)box.appendChild(el('p','answer cut at '+r.answer.length+' of '+r.answer_cut+' bytes; the full text is in the journal ('+data.journals[r.journal]+')','note'));
    var ul=el('ul');r.checks.forEach(function(c){var li=el('li');li.appendChild(el('span',c.outcome,c.outcome));li.appendChild(el('span',' '+c.type+': '+c.message));
      if(c.stderr){var d=el('details','','stderr');d.appendChild(el('summary','sandbox stderr'));d.appendChild(el('pre',c.stderr));li.appendChild(d);}ul.appendChild(li);});
    box.appendChild(ul);
    var f=el('p');f.textContent=r.figures.map(function(x){return x[0]+' '+x[1];}).join(' · ');box.appendChild(f);
    var fp=el('details');fp.appendChild(el('summary','fingerprint'));fp.appendChild(el('pre',JSON.stringify(data.fingerprints[r.fingerprint],null,1)));box.appendChild(fp);
    detail.appendChild(box);
  });
}
document.querySelectorAll('td.cell').forEach(function(c){
  c.addEventListener('click',function(){show(c);});
  c.addEventListener('keydown',function(e){if(e.key==='Enter')show(c);});
});
if(location.hash==='#selftest'){
  var out=document.getElementById('selftest'),first=document.querySelector('td.cell');
  if(!first){out.textContent='selftest: no cell';return;}
  first.click();
  var run=data.runs[data.cells[+first.dataset.cell][0]],shown=document.querySelector('#detail pre.answer');
  out.textContent=(shown&&shown.textContent===run.answer)?'selftest: ok '+run.model+' '+run.task:'selftest: FAILED';
}
})();
)JS";

}  // namespace

std::string html_report(const HtmlReportInput& input) {
  std::vector<HtmlModel> models;
  std::set<std::string> task_set;
  json runs = json::array();
  std::vector<std::vector<int>> cells;
  std::map<std::pair<std::string, std::string>, int> cell_ids;
  json journals = json::array();
  json fingerprints = json::array();
  std::map<std::string, int> fingerprint_ids;  // by the fingerprint's JSON text
  std::map<HtmlCellKey, std::string> verdicts;
  bool simulated = false;
  for (const auto& file : input.files) {
    const std::string dir = std::filesystem::path(file.path).parent_path().filename().string();
    const std::string prefix = input.files.size() > 1 ? dir + ": " : "";
    const int journal = static_cast<int>(journals.size());
    journals.push_back((std::filesystem::path(file.path).parent_path() / "journal.jsonl").string());
    simulated = simulated || file.field("simulated") == true;
    StatsCollector stats;
    const std::vector<StoredRun> stored = file.stored_runs();
    const json& raw = file.runs();
    for (std::size_t i = 0; i < stored.size(); ++i) {
      const StoredRun& run = stored[i];
      const std::string label = prefix + run.key.model;
      stats.add(label, run.key.task, run.figures());
      task_set.insert(run.key.task);
      auto [it, fresh] = cell_ids.emplace(std::make_pair(label, run.key.task), static_cast<int>(cells.size()));
      if (fresh) cells.emplace_back();
      cells[static_cast<std::size_t>(it->second)].push_back(static_cast<int>(runs.size()));
      const json& fingerprint = detail::member(raw[i], "fingerprint");
      const std::string fingerprint_text = detail::json_text(fingerprint);
      const auto [fp, new_fingerprint] = fingerprint_ids.emplace(fingerprint_text, static_cast<int>(fingerprints.size()));
      if (new_fingerprint) fingerprints.push_back(fingerprint);
      runs.push_back(html_run_entry(raw[i], run, label, fp->second, journal));
    }
    std::map<std::string, std::string> weights;  // by model name
    if (const json& listed = file.models(); listed.is_array())
      for (const auto& m : listed) weights[html_text(m, "name")] = html_text(m, "model");
    for (const auto& [label, s] : stats.models()) {
      const auto w = weights.find(label.substr(prefix.size()));
      // Variants within one file: the same model in two files is two runs, not two settings.
      models.push_back({label, s, w == weights.end() || w->second.empty() ? "" : prefix + w->second});
    }
    if (const json& summary = file.field("summary"); summary.is_object())
      for (const auto& [model, entry] : summary.items())
        if (const json& per_task = detail::member(entry, "tasks"); per_task.is_object())
          for (const auto& [task, task_entry] : per_task.items())
            if (std::string v = html_task_verdict(detail::member(task_entry, "task_verdict")); !v.empty())
              verdicts[{prefix + model, task}] = std::move(v);
  }
  const std::vector<std::string> tasks(task_set.begin(), task_set.end());

  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
         "<title>goodput report</title><style>"
      << k_html_style << "</style></head><body>\n<h1>goodput report</h1>\n<p>";
  for (const auto& file : input.files) out << html_escaped(file.path) << "<br>";
  out << runs.size() << " runs, " << models.size() << " models, " << tasks.size() << " tasks.</p>\n";
  if (simulated) out << "<p class=\"warn\">SIMULATED: runs of goodput sim, not of a real server.</p>\n";
  out << "<div id=\"errors\"></div><div id=\"selftest\"></div>\n";

  if (!input.comparisons.empty()) {
    out << "<h2>Regressions first</h2>\n";
    for (const auto& c : input.comparisons) html_comparison(out, c);
  }

  out << "<h2>Pass rate against seconds per correct answer</h2>\n";
  html_scatter(out, models);
  out << "<div class=\"scroll\"><table><thead><tr><th>model</th><th>passed</th><th>pass rate (95%)</th><th>s per correct</th>"
         "<th>errors</th><th>never solved</th></tr></thead><tbody>\n";
  for (const auto& m : models) {
    const auto ci = m.stats.all.pass_rate_ci95();
    out << "<tr><td>" << html_escaped(m.label) << "</td><td>" << m.stats.all.passed << "/" << m.stats.all.judged() << "</td><td>"
        << html_rate(m.stats.all.pass_rate())
        << (ci ? " [" + html_num(ci->lo * 100, 0) + "–" + html_num(ci->hi * 100, 0) + "%]" : "") << "</td><td>"
        << html_escaped(detail::per_correct_text(m.stats.seconds_per_correct(), 0, html_seconds(m.stats.seconds_per_correct().seconds), "—"))
        << "</td><td>" << m.stats.all.errors << "</td><td>" << m.stats.tasks_never_passed() << "</td></tr>\n";
  }
  out << "</tbody></table></div>\n";

  out << "<h2>Tasks × models</h2>\n<p class=\"note\">Passed / judged runs (with the verdict of tasks that set min_pass_rate); click a cell for its runs. Answers longer than "
      << k_html_answer_chars << " bytes are cut here; the journal has them whole.</p>\n";
  html_matrix(out, models, tasks, cell_ids, verdicts);
  out << "<div id=\"detail\"></div>\n";

  out << "<h2>Latency per model</h2>\n";
  bool warm = false, other_delivery = false;
  for (const auto& m : models) {
    warm = warm || m.stats.all.warm_runs > 0;
    other_delivery = other_delivery || m.stats.all.not_token_streamed() > 0;
  }
  std::vector<HtmlMetric> metrics;
  if (warm) {
    metrics.push_back({"TTFT, cold prompt cache (token streams)", "s", [](const RunStats& s) { return &s.cold_ttft_s; }});
    metrics.push_back({"TTFT, warm prompt cache (token streams)", "s", [](const RunStats& s) { return &s.warm_ttft_s; }});
  } else {
    metrics.push_back({"TTFT (token streams)", "s", [](const RunStats& s) { return &s.ttft_s; }});
  }
  metrics.push_back({"time to first answer token", "s", [](const RunStats& s) { return &s.first_answer_s; }});
  metrics.push_back({"decode rate (token streams)", "tok/s", [](const RunStats& s) { return &s.decode_tps; }});
  if (other_delivery) {
    metrics.push_back({"time to first text (block streams, single bodies)", "s", [](const RunStats& s) { return &s.first_text_s; }});
    metrics.push_back({"effective rate (block streams, single bodies)", "tok/s", [](const RunStats& s) { return &s.effective_tps; }});
  }
  metrics.push_back({"end-to-end", "s", [](const RunStats& s) { return &s.e2e_s; }});
  for (const auto& metric : metrics) html_boxes(out, models, metric);

  out << "<script type=\"application/json\" id=\"runs\">"
      << script_json({{"runs", std::move(runs)},
                      {"cells", cells},
                      {"journals", std::move(journals)},
                      {"fingerprints", std::move(fingerprints)}})
      << "</script>\n<script>"
      << k_html_script << "</script>\n</body></html>\n";
  return out.str();
}

}  // namespace goodput
